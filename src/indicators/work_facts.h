// Per-work facts of ../shared/guide/INDICATORS.md ("Per-work flags",
// "Counting"): for a work in W(S), its countries K(w), fractional weight
// f_S(w), flags, collaboration type, country-count class and partner
// institutions.  FactsBuilder is owned by one thread; Scope, Registry and
// CountryPolicy are shared read-only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/work.h"
#include "registry/country_policy.h"
#include "registry/registry.h"
#include "scope/scope.h"

namespace coopscope {

enum WorkFlag : uint16_t {
  kFlagCollab = 1 << 0,
  kFlagIntCollab = 1 << 1,
  kFlagIndustry = 1 << 2,
  kFlagShortDistance = 1 << 3,
  kFlagLongDistance = 1 << 4,
  kFlagNoCountry = 1 << 5,
  kFlagDistanceKnown = 1 << 6,  // gcd(w) defined: at least two geocoded institutions
};

// SciVal cascade.
enum class CollabType : uint8_t { kInternational, kNational, kInstitutional, kSingleAuthor };
inline constexpr int kCollabTypes = 4;
// InCites classes, plus works without any country.
enum class CountryClass : uint8_t {
  kNoCountry,
  kDomesticSingleInstitution,
  kDomesticMultiInstitution,
  kBilateral,
  kTrilateral,
  kFourPlus
};
inline constexpr int kCountryClasses = 6;

// A partner institution key: an OpenAlex id, or a ROR id with the top bit set
// for institutions only ROR knows.
using PartnerKey = uint64_t;
inline constexpr PartnerKey kRorKeyBit = uint64_t{1} << 63;

struct WorkFacts {
  OpenAlexId id = 0;
  int32_t year = 0;
  double frac = 0;  // f_S(w)
  uint16_t flags = 0;
  CollabType type = CollabType::kSingleAuthor;
  CountryClass country_class = CountryClass::kNoCountry;
  uint32_t countries_begin = 0, countries_end = 0;  // K(w) in FactsArena::countries
  uint32_t partners_begin = 0, partners_end = 0;    // in FactsArena::partners
  uint32_t members_begin = 0, members_end = 0;      // countries of its in-S institutions, in FactsArena::member_list
  double gcd_km = -1;                               // -1 when undefined
};

struct PartnerInfo {
  std::string name;
  CountryCode country = kNoCountry;
  RorId ror = 0;
  bool from_registry = false;  // the registry's record, the same for every work
};

// Keeps in *into the better of two descriptions of one partner: the
// registry's, else the most complete (ROR, name, country), ties going to the
// smaller values.  A total order, so the result never depends on the order in
// which works, threads or segments are met.
void MergePartnerInfo(const PartnerInfo& candidate, PartnerInfo* into);
// The same for a root's display name: the smaller non-empty one.
void MergeRootName(std::string_view candidate, std::string* into);

// Storage of the variable-length parts of WorkFacts (one per thread).
struct FactsArena {
  std::vector<CountryCode> countries;
  std::vector<PartnerKey> partners;
  std::unordered_map<PartnerKey, PartnerInfo> partner_info;
  std::vector<CountryCode> member_list;  // countries of in-S institution mentions, per work (to infer h(S))
  std::unordered_map<OpenAlexId, std::string> root_names;  // display names of roots met in works
};

class FactsBuilder {
 public:
  FactsBuilder(const Scope& scope, const Registry& registry, const CountryPolicy& policy)
      : scope_(scope), registry_(registry), policy_(policy) {}

  // Whether w is in W(S) — the cheap test every work goes through.
  bool InScope(const Work& w);
  // The same when each reference's RefInScope answer and registry entry
  // (Registry::Find, null when unknown) are already known — the store tests
  // each dictionary entry once, not each mention: ref i of w is entry
  // entries[i], in S when in_scope[entries[i]].
  bool InScopeKnown(const Work& w, const uint32_t* entries, const uint8_t* in_scope,
                    const RegistryEntry* const* registry_entries);
  // Whether one institution reference is in S; `lineage` is the reference's
  // stated lineage.  Sets *entry to its registry entry when it was looked up.
  bool RefInScope(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size,
                  const RegistryEntry** entry) const;
  // After Build: the partner keys (top-level ancestors outside S) that the
  // work's i-th institution reference stands for.
  void RefPartners(size_t ref, std::vector<PartnerKey>* out) const;
  // For a work InScope() accepted (and not changed since): its facts, with
  // variable parts appended to arena.
  void Build(const Work& w, WorkFacts* facts, FactsArena* arena);

 private:
  struct Inst {  // one distinct institution of the work
    PartnerKey key;
    OpenAlexId id;
    RorId ror;
    CountryCode country;
    InstitutionType type;
    bool in_scope;
    double lat, lng;
    uint32_t lineage_begin, lineage_end;  // in lineage_
    std::string_view name;
    uint32_t partners_begin = 0, partners_end = 0;  // in inst_partners_
  };
  // Lineage of an institution reference: stated, else the registry's, else itself.
  void LineageOf(const Work& w, const InstitutionRef& ref, const RegistryEntry* entry, std::vector<OpenAlexId>* out);

  const Scope& scope_;
  const Registry& registry_;
  const CountryPolicy& policy_;
  std::vector<uint8_t> ref_in_scope_;            // per InstitutionRef of the work
  std::vector<const RegistryEntry*> ref_entry_;  // per InstitutionRef
  std::vector<OpenAlexId> scratch_lineage_;
  std::vector<OpenAlexId> lineage_;
  std::vector<Inst> insts_;
  std::vector<std::pair<OpenAlexId, uint32_t>> links_;
  std::vector<uint32_t> parent_;
  std::vector<CountryCode> countries_;
  std::vector<PartnerKey> partners_;
  std::vector<PartnerKey> inst_partners_;
  std::vector<int32_t> ref_inst_;  // per InstitutionRef: its index in insts_, or -1
};

// The countries of a list of member mentions, counted, to infer h(S): the
// most frequent one (ties: the smaller code); kNoCountry when empty.
CountryCode MostFrequentCountry(const std::vector<CountryCode>& mentions);

// Great-circle distance in km (haversine, R = 6371.01 km as Leiden).
double HaversineKm(double lat1, double lng1, double lat2, double lng2);

}  // namespace coopscope
