// RawWork (an export record with raw affiliation strings or HAL structures)
// → Work (authorships with institutions and countries), through the
// affiliation matcher:
//  - a free-text address gives the matcher's country as the authorship's
//    country C(a), and every organisation the matcher accepts (a lab found by
//    its unit code and the CNRS it implies, a university named beside it) as
//    an institution of the authorship, with its registry country, type and id;
//  - a HAL structure's stated country is kept as is (the matcher only names
//    the organisation, and one in another country is refused);
//  - a structure marked CNRS (a HAL tutelle) is CNRS, ROR 02feahw73, with or
//    without a registry.
// Without a registry the matcher gives countries only.  Results are cached
// per distinct string (exports repeat addresses).  One resolver per thread;
// the matcher is shared read-only.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "match/affiliation_matcher.h"
#include "model/raw_work.h"
#include "model/work.h"
#include "sources/export_reader.h"

namespace coopscope {

inline constexpr std::string_view kCnrsRor = "02feahw73";
// Distinct strings kept in a resolver's cache before it is emptied.
inline constexpr size_t kResolverCacheEntries = 1u << 20;

class WorkResolver {
 public:
  explicit WorkResolver(const AffiliationMatcher& matcher) : matcher_(matcher) {}

  // Fills *work (cleared first) from raw; work->id is RawWorkId(raw).
  void Resolve(const RawWork& raw, Work* work);

  // What one address resolved to (exposed for tests).
  struct Resolved {
    CountryCode country = kNoCountry;
    std::vector<const RegistryEntry*> orgs;
    RorId extra_ror = 0;  // an organisation known by id only (CNRS without a registry)
  };
  const Resolved& ResolveAddress(const RawWork& raw, const RawAddress& a);

 private:
  const AffiliationMatcher& matcher_;
  std::unordered_map<std::string, Resolved> cache_;
  std::string key_;
  std::vector<uint32_t> refs_begin_, refs_end_;  // per address: its range of prototype refs
  std::vector<InstitutionRef> protos_;
  std::vector<CountryCode> address_country_;
  std::vector<std::pair<uint32_t, uint32_t>> links_;  // raw.links sorted by author
};

// Receives each resolved work with the position of its record.
using ResolvedWorkFn = std::function<void(const Work&, const RecordPos&)>;

// The one path from an export file to Works, for streaming runs and the store
// alike: reads the file (ReadExportFile; rejects and counts as there), resolves
// each record it accepts into *work (its id is RawWorkId: the DOI's hash, else
// the source id's, so the same paper in two exports is one work) and hands it
// to on_work.  Progress counters, when given, advance by one per record and by
// the file's size once it is read.
Status ReadExportWorks(const std::string& path, InputFormat format, const Limits& limits, WorkResolver* resolver,
                       Work* work, const ResolvedWorkFn& on_work, std::vector<Reject>* rejects, ReadCounts* counts,
                       std::atomic<uint64_t>* progress_bytes = nullptr,
                       std::atomic<uint64_t>* progress_records = nullptr);

}  // namespace coopscope
