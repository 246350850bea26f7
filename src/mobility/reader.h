// Inputs of mobility: OpenAlex author entities and OpenAlex works, turned
// into AuthorHistory values.
//
//  - Author entities (snapshot JSON Lines parts, .gz/.zst, API pages, single
//    entities): `affiliations[]` = {institution{id, ror, country_code,
//    lineage}, years[]} gives one observation per institution and year.  Old
//    records (2023 snapshot) have no affiliations[] but a
//    `last_known_institution` (2024+: `last_known_institutions[]`); it is
//    observed in the last year with publications in `counts_by_year`, and not
//    at all when there is none.  Publications in the window: the sum of
//    `counts_by_year[].works_count` over the window.
//  - Works: each authorship with an `author.id` gives, in the work's
//    publication_year, the countries of its institutions and its stated
//    countries.  Publications: the distinct works of the author in the window.
//    A work id read twice counts once (newest updated_date; ties: the last
//    read) and merged ids are dropped, as for the indicators.
//
// An institution's country is its stated `country_code`, else the registry's,
// mapped through the country policy; it is in S by Scope::Contains, with the
// registry's lineage when the record has none.  Every record that cannot be
// read becomes a Reject (file, line, offset, reason); counts reconcile:
// read = accepted + rejected + duplicates.  An author or a work read twice
// counts once: the newest updated_date wins (ties: the last read).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/limits.h"
#include "io/reject.h"
#include "io/status.h"
#include "mobility/flows.h"
#include "mobility/history.h"
#include "model/work.h"
#include "registry/country_policy.h"
#include "registry/registry.h"
#include "scope/scope.h"

namespace coopscope::mobility {

// Country and scope membership of an institution as a record states it.
// Holds references; the registry, scope and policy must outlive it.
// Thread-safe to read.
class InstitutionResolver {
 public:
  InstitutionResolver(const Registry* registry, const Scope* scope, const CountryPolicy* policy)
      : registry_(registry), scope_(scope), policy_(policy) {}

  struct Resolved {
    CountryCode country = kNoCountry;
    bool in_scope = false;
  };
  Resolved Resolve(OpenAlexId id, RorId ror, CountryCode stated, const OpenAlexId* lineage, size_t lineage_size,
                   bool has_lineage) const;
  CountryCode Map(CountryCode c) const { return policy_->Map(c); }

 private:
  const Registry* registry_;
  const Scope* scope_;
  const CountryPolicy* policy_;
};

// Parses one author entity into a history (unfinished: the caller calls
// Finish).  One per thread; reuses its buffers.
class AuthorParser {
 public:
  AuthorParser(const InstitutionResolver& resolver, const MobilityOptions& options)
      : resolver_(resolver), options_(options) {}
  // A record without an A… id, or with fields of the wrong type, is an error
  // naming the field.
  Status Parse(simdjson::ondemand::object& obj, AuthorHistory* history);
  // updated_date of the last record parsed (microseconds; 0 when absent).
  int64_t updated_micros() const { return updated_micros_; }

 private:
  Status ParseInstitution(simdjson::ondemand::object& obj, InstitutionResolver::Resolved* out);

  const InstitutionResolver& resolver_;
  MobilityOptions options_;
  std::vector<OpenAlexId> lineage_;
  std::vector<int32_t> years_;
  std::vector<InstitutionResolver::Resolved> last_known_;
  int64_t updated_micros_ = 0;
};

enum class MobilitySource : uint8_t { kAuthors, kWorks };

struct MobilityReadCounts {
  uint64_t files = 0;
  uint64_t read = 0;        // records met
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t duplicates = 0;  // authors or works read again (older or equal versions)
  uint64_t merged_dropped = 0;
  uint64_t authors = 0;     // histories built (authors with an observed year or not)
  uint64_t bytes = 0;
};

struct MobilityRun {
  MobilityReadCounts counts;
  MobilityTally tally;
};

// Called with each finished history and its class (tests, listings); may be empty.
using HistoryFn = std::function<void(const AuthorHistory&, MobilityClass)>;

// Reads every input (files or folders, walked by DiscoverInputs), builds the
// histories and sums them.  Rejects go to *rejects.  An error only when an
// input cannot be opened.  Author files are shared among THREADS workers
// (0: one per core) in the summing pass; the result does not depend on it.
// Works, and the de-duplication passes, are read by one thread.
Result<MobilityRun> CollectMobility(const std::vector<std::string>& inputs, MobilitySource source,
                                    const MobilityOptions& options, const InstitutionResolver& resolver,
                                    const Limits& limits, std::vector<Reject>* rejects,
                                    const HistoryFn& on_history = nullptr, unsigned threads = 1);

// The author-year observations of one parsed work, appended as
// (author, year, country, in_scope) rows (exposed for tests).
struct WorkObservation {
  OpenAlexId author = 0;
  int32_t year = 0;
  CountryCode country = kNoCountry;
  bool in_scope = false;
};
void ObserveWork(const Work& work, const InstitutionResolver& resolver, std::vector<WorkObservation>* out);

}  // namespace coopscope::mobility
