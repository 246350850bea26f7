// The store: the works of an OpenAlex snapshot, and of WoS, Scopus, BibTeX and
// HAL exports resolved by the registry's affiliation matcher, ingested once
// into immutable segments (store/segment.h) catalogued in SQLite (store.db),
// then queried for any organisation without re-reading the files
// (docs/store-format.md).
//
// Writers: Ingest() (build and update) holds an exclusive lock on the store
// directory; every input file is committed to the ledger in the same SQLite
// transaction as its segments, so a killed run resumes without loss or double
// counting.  Settling (de-duplication across segments, merged ids, the world
// tallies) publishes a new generation atomically.
// Readers: a Snapshot sees the last committed generation, whatever a writer
// does meanwhile.  A Snapshot is immutable and thread-safe once opened.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "indicators/engine.h"
#include "io/limits.h"
#include "io/reject.h"
#include "registry/country_policy.h"
#include "registry/registry.h"
#include "scope/scope.h"
#include "store/views.h"

namespace coopscope::store {

// Version 2: registry rows keep acronyms and the seat's city (the affiliation
// matcher uses them) and `export_files` records which registry resolved each
// export.  Version 1 catalogs are still read and updated with OpenAlex files.
// Version 3: the rank and country tallies are per-year blobs in `tallies`
// (tallies.h) instead of the org_year, orgs and country_pairs tables; `rank`
// and `countries` refuse a catalog settled before it until `store update`
// settles it again (which sets version 3, or keeps 1 for version-1 registry rows).
inline constexpr int kCatalogFormatVersion = 3;
inline constexpr int kOldestCatalogFormatVersion = 1;

struct IngestOptions {
  // Work files or folders (as for `indicators`): OpenAlex JSON and exports
  // (WoS, Scopus, BibTeX, HAL), whose affiliations are resolved by the
  // matcher of the registry (the one given, else the stored one).
  std::vector<std::string> inputs;
  std::vector<std::string> registries;       // replace the stored registry when given
  std::vector<std::string> merged_id_files;  // beyond those found in snapshot folders
  Limits limits;
  unsigned threads = 0;                      // 0 = all cores
  CountryPolicy policy;                      // for the world tallies (rank, countries)
  bool update = false;                       // false: build (create or resume); true: the store must exist
  // Organisations with at least this many works get a stored answer (a
  // view, store/views.h); 0: none; -1: the store's setting (default
  // kDefaultViewsMinWorks).
  int64_t views_min_works = -1;
  std::atomic<uint64_t>* progress_bytes = nullptr;
  std::atomic<uint64_t>* progress_records = nullptr;
};

// The registry that resolved some of the store's export files: a registry is
// known by the crc32 of its encoded entries (the catalog rows).  Export works
// keep the resolution made when they were ingested, whatever registry the
// store holds later (docs/store-format.md).
struct ExportResolution {
  uint32_t registry_crc = 0;
  uint64_t organisations = 0;
  std::string registry_files;  // the files it was loaded from, newline-separated
  uint64_t files = 0;          // export files it resolved
  std::string formats;         // their formats with counts: "hal 1, wos-tab 4"
  bool current = false;        // the store's registry now
};

// The store-wide figures of the last generation.
struct StoreTotals {
  IngestReport ingest;  // in_scope unused
  uint64_t generation = 0;
  uint64_t segments = 0;
  uint64_t segment_bytes = 0;
  uint64_t live_works = 0;        // accepted minus merged
  uint64_t stored_rows = 0;       // rows in segments, superseded ones included
  uint64_t stored_authorships = 0;
  int first_year = 0, last_year = 0;
  std::string policy;             // country rules the tallies used
  std::string facts_file;         // the generation's facts file (empty: none), and its size
  uint64_t facts_bytes = 0;
  uint64_t views = 0;           // the generation's stored answers
  int64_t views_min_works = 0;  // the store's setting
  int catalog_format = 0;         // meta.format_version
  std::vector<ExportResolution> exports;  // by registry, in order of first ingest
};

inline constexpr int64_t kDefaultViewsMinWorks = 20000;

struct IngestSummary {
  uint64_t files_new = 0, files_skipped = 0, segments_written = 0;
  uint64_t records = 0, rejected = 0;
  uint64_t bytes = 0;  // decompressed bytes of the new files
  StoreTotals totals;
  // Wall seconds of the phases: registry load, reading the files into
  // segments, settling (world tallies) and publishing the generation.
  double registry_seconds = 0, files_seconds = 0, settle_seconds = 0, publish_seconds = 0;
  double files_cpu_seconds = 0, settle_cpu_seconds = 0;  // CPU of the whole process (all threads) meanwhile
  uint64_t views = 0;  // stored answers computed for the generation
  double views_seconds = 0;
};

struct MergeOptions {
  std::vector<std::string> sources;  // store folders, merged in this order
  unsigned threads = 0;              // for the settle step; 0 = all cores
};

// Merges other stores into the store in `dir` (created when absent): each
// source's files — ledger row, segments (hard-linked, else copied, and
// checked against their catalog crc) and rejects — are added in one batch,
// ordered by source then by the source's order keys, as `store build DIR
// A B` would order them; then the store settles.  Files already in the
// store are skipped, as by `build`.  Sources need a finished build and the
// same country rules as the store; the store keeps its registry, or takes
// the first source's when it has none.  Resumable like a build.
Result<IngestSummary> Merge(const std::string& dir, const MergeOptions& options, RejectLog* rejects);

// Builds or updates the store in `dir`.  Rejects of the new files go to
// `rejects` (and to the catalog).  An error leaves the store as committed.
Result<IngestSummary> Ingest(const std::string& dir, const IngestOptions& options, RejectLog* rejects);

struct RankRow {
  PartnerKey org = 0;
  std::string name;
  CountryCode country = kNoCountry;
  InstitutionType type = InstitutionType::kUnknown;
  RorId ror = 0;
  uint64_t p = 0;
  double p_frac = 0;
  uint64_t p_int_collab = 0;
};

// What `store info` says of the stored answers beyond their count.
struct ViewStats {
  uint64_t orgs = 0;   // the organisations they answer for
  uint64_t bytes = 0;  // encoded
  uint64_t keys = 0;   // the names and ids that lead to them
};

// A stored answer of the generation: the organisation (rolled up as by
// Rank), its works over all years, the encoded view, and the keys
// (scope/scope.h RootKey) of the --org texts that resolve to its scope.
struct ViewRow {
  PartnerKey org = 0;
  uint64_t works = 0;
  std::string view;
  std::vector<std::string> keys;  // sorted
};

struct CountryPairRow {
  CountryCode a = kNoCountry, b = kNoCountry;  // a < b; a == b: the country's own P
  uint64_t copubs = 0;
};

class Snapshot {
 public:
  // Opens the last committed generation.  Segments are opened when a query
  // first reads them (Collect; Rank, Countries and totals read the catalog
  // only); verify_checksums then checks the crc32 of each of their sections.
  // The stored registry is decoded only with load_registry (Collect, Rank and
  // Verify need it; totals and Countries do not, and it is most of their time).
  static Result<std::unique_ptr<Snapshot>> Open(const std::string& dir, bool verify_checksums,
                                                bool load_registry = true);
  // Opens it with `registry` in place of the stored one, which it equals
  // (the settle step's, just stored): not decoded again.  It must outlive the
  // snapshot.
  static Result<std::unique_ptr<Snapshot>> OpenWith(const std::string& dir, const Registry& registry);
  ~Snapshot();

  // Empty when opened without load_registry.
  const Registry& registry() const;
  // Organisations in the stored registry, loaded or not.
  uint64_t registry_size() const;
  const StoreTotals& totals() const;
  CountryPolicy policy() const;  // the policy the stored tallies used

  // The facts of W(S) with the ingest figures, equal to CollectWorks over
  // the same inputs.
  Result<Collected> Collect(const Scope& scope, const CountryPolicy& policy, unsigned threads) const;
  // What BuildReport makes of Collect's facts, summed as the works are read
  // (Collected::tallied): each row's scope-free facts come from the
  // generation's facts file, and only f_S(w), the partners and the members
  // are worked out, once per dictionary entry and then per row.  Falls back
  // to Collect when the store has no facts file for this generation (built
  // by an older coopscope, or replaced under a reader that opened it two
  // generations ago) or `policy` is not the one the store was built with.
  Result<Collected> Tally(const Scope& scope, const CountryPolicy& policy, unsigned threads) const;
  // Whether Tally reads the facts file (false: it falls back to Collect).
  bool HasFacts(const CountryPolicy& policy) const;
  // The stored answer (store/views.h) for --org `root_key` (RootKey) under
  // `policy`: true and *out set when the generation has one, false when not
  // (no view, or other country rules); an error when it is damaged.  Needs
  // no registry: the partners it names by a registry entry are read from the
  // catalog when the report names them, so *out must not outlive the Snapshot.
  Result<bool> View(const std::string& root_key, const CountryPolicy& policy, ViewAnswer* out) const;
  // The stored answers' organisations, bytes and keys (read for `store info`
  // only: queries need none of it).
  Result<ViewStats> ViewsInfo() const;
  // The views of this generation, computed as the settle step computes them
  // (Tally for each organisation with at least min_works works), in order.
  // Needs the registry.
  Result<std::vector<ViewRow>> ComputeViews(uint64_t min_works, unsigned threads) const;
  // Organisations of one year rolled up to their top-level ancestors.
  Result<std::vector<RankRow>> Rank(int year) const;
  // Country × country co-publications of one year.
  Result<std::vector<CountryPairRow>> Countries(int year) const;
  // Every segment fully decoded and checked against the catalog; the
  // generation's totals recomputed and compared.  Returns the problems found.
  // While a writer runs, the segments it has committed but not published are
  // checked and the totals are not (a note says so).
  std::vector<std::string> Verify(unsigned threads, std::vector<std::string>* notes = nullptr) const;
  // The catalog's bytes (store.db and its write-ahead log) and, of them, the
  // registry's (its table and index pages; 0 when SQLite cannot say).
  Result<std::pair<uint64_t, uint64_t>> CatalogBytes() const;
  // The distinct format versions the live segments' headers state (read for
  // `store info` only; a query refuses a segment of another version).
  Result<std::vector<uint32_t>> SegmentFormats() const;
  // Catalog rows: file ledger and rejects.
  std::vector<Reject> Rejects() const;

  struct Impl;

 private:
  explicit Snapshot(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace coopscope::store
