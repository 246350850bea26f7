// Per-work facts of ../shared/guide/INDICATORS.md ("Per-work flags",
// "Counting"): for a work in W(S), its countries K(w), fractional weight
// f_S(w), flags, collaboration type, country-count class and partner
// institutions.  FactsBuilder is owned by one thread; Scope, Registry and
// CountryPolicy are shared read-only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
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
  uint32_t names_begin = 0, names_end = 0;          // the descriptions it gives, in FactsArena::named
  double gcd_km = -1;                               // -1 when undefined
};

struct PartnerInfo {
  std::string name;
  CountryCode country = kNoCountry;
  RorId ror = 0;
  bool from_registry = false;  // the registry's record, the same for every work
};

// The registry entry of info's ROR id when info describes exactly it (the
// same name, and its country under `policy`); null otherwise.  Such a
// description can be stored as the entry's number (store tallies, views).
const RegistryEntry* EntryDescribing(const Registry& registry, const CountryPolicy& policy, const PartnerInfo& info);

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
  // Partners the registry does not describe, as the works describe them
  // (those it does are described from it when the report is written).
  std::unordered_map<PartnerKey, PartnerInfo> partner_info;
  std::vector<CountryCode> member_list;  // countries of in-S institution mentions, per work (to infer h(S))
  std::unordered_map<OpenAlexId, std::string> root_names;  // display names of roots met in works

  // What each work says of its partners and roots, before the maps above:
  // a work lists its descriptions in `named` (WorkFacts::names_begin/end),
  // each distinct description kept once in `descriptions`, and only the
  // works kept — not the superseded versions of a work — are merged into
  // the maps (MergeDescriptions).
  struct Description {
    uint64_t key = 0;
    bool root = false;  // a root's display name (info.name); else a partner's description
    PartnerInfo info;
  };
  std::vector<Description> descriptions;
  std::vector<uint32_t> named;
  // The index of this description (as the works give it: not from the
  // registry) in `descriptions`, added when new.
  uint32_t Intern(uint64_t key, bool root, std::string_view name, CountryCode country, RorId ror);

 private:
  std::unordered_multimap<uint64_t, uint32_t> description_index_;
};

// Merges the descriptions `facts` gives (in from.named) into into's maps.
void MergeDescriptions(const WorkFacts& facts, const FactsArena& from, FactsArena* into);
// Merges one description (a root's display name, else a partner's) into
// into's maps; merged again, it changes nothing.
void MergeDescription(uint64_t key, bool root, const PartnerInfo& info, FactsArena* into);

// What Scope::Contains is asked about a reference: its ROR (stated, else the
// registry's) and lineage (stated, else the registry's), with the registry
// entry looked up on the way (null when not looked up or unknown).
struct ScopeInputs {
  RorId ror = 0;
  const OpenAlexId* lineage = nullptr;
  size_t lineage_size = 0;
  const RegistryEntry* entry = nullptr;
};
ScopeInputs ResolveScopeInputs(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size,
                               const Registry& registry);
// The ids through which a reference can be in any scope: its id, its
// ROR | kRorKeyBit and its lineage ids, as ResolveScopeInputs finds them.
void ScopeKeys(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size, const Registry& registry,
               std::vector<uint64_t>* out);

// One institution reference as the facts read it, worked out once per
// distinct reference (per mention when streaming, per dictionary entry in the
// store) by FactsBuilder::Describe.  Its lineage and partner candidates live
// in a RefPool.
struct RefFacts {
  PartnerKey key = 0;  // the institution: its OpenAlex id, else ROR | kRorKeyBit, else 0 (a country alone)
  OpenAlexId id = 0;
  RorId ror = 0;                      // stated, else the registry's
  CountryCode country = kNoCountry;   // stated, else the registry's, through the country rules
  InstitutionType type = InstitutionType::kUnknown;  // stated, else the registry's
  bool in_registry = false;      // the registry knows the reference (lat/lng are its)
  bool in_scope = false;         // RefInScope
  bool has_lineage = false;      // the record states a lineage
  bool lineage_is_key = false;   // no lineage known: the pool holds {key}
  bool self_in_scope = false;    // S holds the institution itself (id or ROR, no lineage)
  bool key_in_registry = false;  // the registry describes the partner `key`
  bool is_root = false;          // `id` is a root of S
  double lat = NAN, lng = NAN;
  uint32_t lineage_begin = 0, lineage_end = 0;  // in RefPool::lineage
  uint32_t tops_begin = 0, tops_end = 0;        // in RefPool::tops: lineage ids with no parent in
                                                // the lineage and not in S (partner keys when this
                                                // reference gives its institution's lineage)
  std::string_view name;                        // display name; must outlive the facts built from it
};

struct RefPool {
  std::vector<OpenAlexId> lineage;
  std::vector<PartnerKey> tops;
  void clear() {
    lineage.clear();
    tops.clear();
  }
};

// A work as the facts read it: its institution mentions (in authorship
// order), authorships (inst ranges index `mentions`, country ranges index
// `countries`) and the countries the authorships state (before the rules).
struct WorkShape {
  OpenAlexId id = 0;
  int32_t year = 0;
  const RefFacts* const* mentions = nullptr;
  size_t n_mentions = 0;
  const Authorship* authorships = nullptr;
  size_t n_authorships = 0;
  const CountryCode* countries = nullptr;
  const RefPool* pool = nullptr;
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
  // Works out one reference (`lineage`: as stated; `entry`: its registry
  // entry, Registry::Find; `in_scope`: RefInScope's answer), appending its
  // lineage and partner candidates to *pool.
  void Describe(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size, std::string_view name,
                const RegistryEntry* entry, bool in_scope, RefFacts* out, RefPool* pool) const;
  // After Build: the partner keys (top-level ancestors outside S) that the
  // work's i-th institution reference stands for.
  void RefPartners(size_t ref, std::vector<PartnerKey>* out) const;
  // For a work InScope() accepted (and not changed since): its facts, with
  // variable parts appended to arena.
  void Build(const Work& w, WorkFacts* facts, FactsArena* arena);
  // The same for any work whose references are already described
  // (shape.mentions[i]: reference i, by Describe, into *shape.pool), as the
  // store's settle step does once per dictionary entry; InScope is not needed.
  // With intern_names false, the descriptions the work gives are left out of
  // the arena (facts->names_begin == names_end): the caller reads them from
  // root_names() and partner_names(), as the settle step does.
  void BuildDescribed(const WorkShape& shape, WorkFacts* facts, FactsArena* arena, bool intern_names = true);

  // The two halves of Build, for a reader that keeps the first one (the
  // store).  Group first, then either or both.
  // The distinct institutions of a work (mentions of one key are one).
  void Group(const WorkShape& shape);
  // What does not depend on S: year, K(w) (into *countries, sorted),
  // collaboration flags and types, distance classes.
  void BuildShared(const WorkShape& shape, WorkFacts* facts, std::vector<CountryCode>* countries);
  // What does: f_S(w), and in the accessors below the work's partner keys
  // (sorted, distinct), its in-S mentions' countries, and the institutions
  // whose names describe a root of S or a partner the registry does not know.
  void BuildScoped(const WorkShape& shape, WorkFacts* facts);
  const std::vector<PartnerKey>& partners() const { return partners_; }
  const std::vector<CountryCode>& members() const { return members_; }
  struct Named {
    int32_t name_mention;   // the mention whose name the institution takes, or -1
    PartnerKey key;         // the root's id, or the partner's key
    CountryCode country;    // the institution's (partners only)
    RorId ror;              // the institution's (partners only)
  };
  const std::vector<Named>& root_names() const { return root_names_; }
  const std::vector<Named>& partner_names() const { return partner_names_; }

 private:
  struct Inst {  // one distinct institution of the work
    PartnerKey key;
    bool in_scope;
    bool lineage_variant_b;   // the lineage of a later mention stating one (LineageOf, without {key})
    InstitutionType type;
    CountryCode country;
    double lat, lng;
    uint32_t first;           // its first mention
    uint32_t lineage_from;    // the mention whose lineage it takes
    int32_t name_from;        // the first mention with a name, or -1
    uint32_t partners_begin = 0, partners_end = 0;  // in inst_partners_
  };
  // Lineage of an institution reference: stated, else the registry's, else itself.
  void LineageOf(const InstitutionRef& ref, const OpenAlexId* stated, size_t stated_size, const RegistryEntry* entry,
                 std::vector<OpenAlexId>* out) const;
  // The lineage an institution takes, as [begin, end) in the shape's pool.
  std::pair<const OpenAlexId*, const OpenAlexId*> InstLineage(const WorkShape& shape, const Inst& inst) const;

  const Scope& scope_;
  const Registry& registry_;
  const CountryPolicy& policy_;
  std::vector<uint8_t> ref_in_scope_;            // per InstitutionRef of the work
  std::vector<const RegistryEntry*> ref_entry_;  // per InstitutionRef
  mutable std::vector<OpenAlexId> scratch_lineage_;
  std::vector<RefFacts> refs_;                   // per mention (Build)
  std::vector<const RefFacts*> ref_ptrs_;
  RefPool pool_;
  std::vector<Inst> insts_;
  std::vector<std::pair<OpenAlexId, uint32_t>> links_;
  std::vector<uint32_t> parent_;
  std::vector<CountryCode> countries_;
  std::vector<PartnerKey> partners_;
  std::vector<PartnerKey> inst_partners_;
  std::vector<CountryCode> members_;
  std::vector<Named> root_names_, partner_names_;
  std::vector<int32_t> ref_inst_;  // per mention: its index in insts_, or -1
};

// The countries of a list of member mentions, counted, to infer h(S): the
// most frequent one (ties: the smaller code); kNoCountry when empty.
CountryCode MostFrequentCountry(const std::vector<CountryCode>& mentions);
// The same from counts per CountryIndex.
CountryCode MostFrequentCountry(const std::array<uint64_t, kCountrySlots>& counts);

// Great-circle distance in km (haversine, R = 6371.01 km as Leiden).
double HaversineKm(double lat1, double lng1, double lat2, double lng2);

}  // namespace coopscope
