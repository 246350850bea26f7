// The streaming engine: reads OpenAlex work files in parallel, keeps the
// facts of the works in W(S), and settles duplicates (newest updated_date
// wins; ties: the last read, in input order) and merged ids.  The result does
// not depend on the number of threads or on how files are split.
//
// Memory: bounded by Limits (read buffers per thread, and the de-duplication
// budget, past which sorted runs spill to temporary files), plus the facts of
// the works in W(S), which grow with the organisation, not with the input.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "indicators/tally.h"
#include "indicators/work_facts.h"
#include "io/limits.h"
#include "io/reject.h"
#include "sources/export_reader.h"
#include "sources/openalex/snapshot.h"

namespace coopscope {

struct IngestReport {
  uint64_t read = 0;      // records met
  uint64_t accepted = 0;  // distinct works kept (read = accepted + rejected + duplicates)
  uint64_t rejected = 0;
  uint64_t duplicates = 0;      // older versions of a work read again
  uint64_t merged_dropped = 0;  // accepted works whose id is in merged_ids (not counted in indicators)
  uint64_t in_scope = 0;        // accepted works in W(S), merged ones excluded
  uint64_t files = 0;
  uint64_t bytes = 0;  // decompressed bytes read
  uint64_t manifest_parts_checked = 0;
  uint64_t manifest_mismatches = 0;
  uint64_t manifest_parts_absent = 0;  // listed in a manifest, not among the inputs
  uint64_t merged_ids_loaded = 0;
};

class AffiliationMatcher;

struct RunOptions {
  Limits limits;
  // The format of every input (--input-format); kAuto: each file's is
  // detected from its content (OpenAlex JSON when not an export).
  InputFormat input_format = InputFormat::kAuto;
  // Resolves the affiliation strings of exports (WoS, Scopus, BibTeX, HAL);
  // null: built from the registry when an export is among the inputs.
  const AffiliationMatcher* matcher = nullptr;
  unsigned threads = 0;  // 0 = all cores
  bool strict = false;   // stop at the first reject
  std::vector<std::string> merged_id_files;
  std::atomic<uint64_t>* progress_bytes = nullptr;    // file bytes consumed so far
  std::atomic<uint64_t>* progress_records = nullptr;  // records met so far
};

// Descriptions of partner institutions kept elsewhere than the registry and
// the arena (a stored answer's, decoded when the report names them).
class PartnerDirectory {
 public:
  virtual ~PartnerDirectory() = default;
  virtual bool Find(PartnerKey key, PartnerInfo* out) const = 0;
};

struct Collected {
  std::vector<WorkFacts> works;  // W(S) after de-duplication, sorted by work id
  FactsArena arena;              // their variable parts, merged
  IngestReport ingest;
  CountryCode inferred_home = kNoCountry;  // most frequent country of S's institutions
  // Set instead of `works` by a reader that sums the works as it meets them
  // (the store): the works of W(S) per year (year 0: unknown), home-independent.
  bool tallied = false;
  std::map<int, Tally> years;
  // Describes the partners it knows (arena.partner_info holds the others'
  // descriptions as the works give them); null: none.  Outlives the report.
  const Registry* registry = nullptr;
  // Consulted after the registry and arena.partner_info; null: none.
  const PartnerDirectory* directory = nullptr;
};

// Reads the inputs and keeps W(S).  Bad records go to rejects; the returned
// status is an error when an input cannot be opened, or under strict when a
// record was rejected (the first reject's text).
Result<Collected> CollectWorks(const InputSet& inputs, const Scope& scope, const Registry& registry,
                               const CountryPolicy& policy, const RunOptions& options, RejectLog* rejects);

// Appends one winning work's facts, with their variable parts taken from
// `from`, to out (works, arena); the descriptions it gives of partners and
// roots are merged into out's maps (those of superseded versions never are).
void AppendFacts(const WorkFacts& facts, const FactsArena& from, Collected* out);
// Once every winner is appended (in id order): in_scope and the home country
// inferred from the winners' member institutions.
void FinishCollected(Collected* out);

// Sum of the sizes of the data files (for progress).
uint64_t TotalInputBytes(const InputSet& inputs);

}  // namespace coopscope
