#include "indicators/work_facts.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

namespace coopscope {
namespace {

constexpr double kEarthRadiusKm = 6371.01;
constexpr double kShortDistanceKm = 100;
constexpr double kLongDistanceKm = 5000;

uint32_t Find(std::vector<uint32_t>& parent, uint32_t x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

}  // namespace

double HaversineKm(double lat1, double lng1, double lat2, double lng2) {
  constexpr double kRad = std::numbers::pi / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlng = (lng2 - lng1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

void FactsBuilder::LineageOf(const InstitutionRef& ref, const OpenAlexId* stated, size_t stated_size,
                             const RegistryEntry* entry, std::vector<OpenAlexId>* out) const {
  out->clear();
  if (ref.has_lineage && stated_size > 0) {
    out->assign(stated, stated + stated_size);
  } else if (entry != nullptr && !entry->lineage.empty()) {
    *out = entry->lineage;
  }
  if (ref.id != 0 && std::find(out->begin(), out->end(), ref.id) == out->end()) out->push_back(ref.id);
}

void FactsBuilder::Describe(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size,
                            std::string_view name, const RegistryEntry* e, bool in_scope, RefFacts* out,
                            RefPool* pool) const {
  RefFacts& r = *out;
  r.id = ref.id;
  r.ror = ref.ror != 0 ? ref.ror : (e ? e->ror : 0);
  r.country = policy_.Map(ref.country != kNoCountry ? ref.country : (e ? e->country : kNoCountry));
  r.type = ref.type != InstitutionType::kUnknown ? ref.type : (e ? e->type : InstitutionType::kUnknown);
  r.in_registry = e != nullptr;
  r.lat = e ? e->lat : NAN;
  r.lng = e ? e->lng : NAN;
  r.in_scope = in_scope;
  r.has_lineage = ref.has_lineage;
  r.key = ref.id != 0 ? ref.id : (r.ror != 0 ? (r.ror | kRorKeyBit) : 0);
  r.name = name;
  r.is_root = ref.id != 0 && scope_.IsRoot(ref.id);
  r.self_in_scope = scope_.Contains(r.id, r.ror, nullptr, 0);
  const bool have_registry = registry_.size() != 0;
  r.key_in_registry = r.key != 0 && have_registry &&
                      ((r.key & kRorKeyBit) ? registry_.FindRor(r.key & ~kRorKeyBit) : registry_.FindOpenAlex(r.key)) != nullptr;
  LineageOf(ref, lineage, lineage_size, e, &scratch_lineage_);
  r.lineage_is_key = scratch_lineage_.empty();
  if (r.lineage_is_key && r.key != 0) scratch_lineage_.push_back(r.key);  // ROR-only: its own unit
  r.lineage_begin = static_cast<uint32_t>(pool->lineage.size());
  pool->lineage.insert(pool->lineage.end(), scratch_lineage_.begin(), scratch_lineage_.end());
  r.lineage_end = static_cast<uint32_t>(pool->lineage.size());
  // Partner candidates: the lineage's ids without a parent in the lineage
  // (an ancestor stands for the unit), outside S.
  r.tops_begin = r.tops_end = static_cast<uint32_t>(pool->tops.size());
  if (r.key == 0) return;
  const OpenAlexId* lb = pool->lineage.data() + r.lineage_begin;
  const OpenAlexId* le = pool->lineage.data() + r.lineage_end;
  for (const OpenAlexId* p = lb; p != le; ++p) {
    OpenAlexId x = *p;
    if (le - lb > 1 && x == r.key) continue;
    bool has_parent_here = false;
    if (const RegistryEntry* px = have_registry ? registry_.FindOpenAlex(x) : nullptr)
      for (OpenAlexId par : px->openalex_parents) has_parent_here = has_parent_here || std::find(lb, le, par) != le;
    if (!has_parent_here && !scope_.Contains(x, 0, nullptr, 0)) pool->tops.push_back(x);
  }
  r.tops_end = static_cast<uint32_t>(pool->tops.size());
}

ScopeInputs ResolveScopeInputs(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size,
                               const Registry& registry) {
  ScopeInputs in{ref.ror, lineage, lineage_size, nullptr};
  if (registry.size() != 0 && (!ref.has_lineage || in.ror == 0)) {
    // 2022 records: no lineage; the registry supplies it (and a missing ROR).
    const RegistryEntry* e = registry.Find(ref.id, ref.ror);
    in.entry = e;
    if (e != nullptr) {
      if (in.ror == 0) in.ror = e->ror;
      if (!ref.has_lineage && !e->lineage.empty()) {
        in.lineage = e->lineage.data();
        in.lineage_size = e->lineage.size();
      }
    }
  }
  return in;
}

void ScopeKeys(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size, const Registry& registry,
               std::vector<uint64_t>* out) {
  ScopeInputs in = ResolveScopeInputs(ref, lineage, lineage_size, registry);
  if (ref.id != 0) out->push_back(ref.id);
  if (in.ror != 0) out->push_back(in.ror | kRorKeyBit);
  out->insert(out->end(), in.lineage, in.lineage + in.lineage_size);
}

bool FactsBuilder::RefInScope(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size,
                              const RegistryEntry** entry) const {
  ScopeInputs in = ResolveScopeInputs(ref, lineage, lineage_size, registry_);
  *entry = in.entry;
  return scope_.Contains(ref.id, in.ror, in.lineage, in.lineage_size);
}

bool FactsBuilder::InScope(const Work& w) {
  const size_t n = w.institutions.size();
  ref_in_scope_.assign(n, 0);
  ref_entry_.assign(n, nullptr);
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    const InstitutionRef& ref = w.institutions[i];
    if (RefInScope(ref, w.lineage.data() + ref.lineage_begin, ref.lineage_end - ref.lineage_begin, &ref_entry_[i])) {
      ref_in_scope_[i] = 1;
      any = true;
    }
  }
  return any;
}

bool FactsBuilder::InScopeKnown(const Work& w, const uint32_t* entries, const uint8_t* in_scope,
                                const RegistryEntry* const* registry_entries) {
  const size_t n = w.institutions.size();
  ref_in_scope_.resize(n);
  ref_entry_.resize(n);
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    ref_in_scope_[i] = in_scope[entries[i]];
    ref_entry_[i] = registry_entries[entries[i]];
    any = any || ref_in_scope_[i];
  }
  return any;
}

void FactsBuilder::RefPartners(size_t ref, std::vector<PartnerKey>* out) const {
  out->clear();
  if (ref >= ref_inst_.size() || ref_inst_[ref] < 0) return;
  const Inst& inst = insts_[ref_inst_[ref]];
  out->assign(inst_partners_.begin() + inst.partners_begin, inst_partners_.begin() + inst.partners_end);
}

const RegistryEntry* EntryDescribing(const Registry& registry, const CountryPolicy& policy, const PartnerInfo& info) {
  const RegistryEntry* e = info.ror != 0 ? registry.FindRor(info.ror) : nullptr;
  return e != nullptr && e->name == info.name && policy.Map(e->country) == info.country ? e : nullptr;
}

void MergePartnerInfo(const PartnerInfo& c, PartnerInfo* into) {
  auto rank = [](const PartnerInfo& x) {
    return std::make_tuple(!x.from_registry, x.ror == 0, x.name.empty(), x.country == kNoCountry);
  };
  auto a = rank(c), b = rank(*into);
  if (a < b || (a == b && std::tie(c.name, c.ror, c.country) < std::tie(into->name, into->ror, into->country)))
    *into = c;
}

void MergeRootName(std::string_view candidate, std::string* into) {
  if (!candidate.empty() && (into->empty() || candidate < *into)) into->assign(candidate);
}

CountryCode MostFrequentCountry(const std::vector<CountryCode>& mentions) {
  std::array<uint64_t, kCountrySlots> counts{};
  for (CountryCode c : mentions) ++counts[CountryIndex(c)];
  int best = -1;
  for (int c = 0; c < kCountrySlots; ++c)
    if (counts[c] > 0 && (best < 0 || counts[c] > counts[best])) best = c;
  if (best < 0) return kNoCountry;
  return static_cast<CountryCode>((('A' + best / 26) << 8) | ('A' + best % 26));
}

CountryCode MostFrequentCountry(const std::array<uint64_t, kCountrySlots>& counts) {
  int best = -1;
  for (int c = 0; c < kCountrySlots; ++c)
    if (counts[c] > 0 && (best < 0 || counts[c] > counts[best])) best = c;
  if (best < 0) return kNoCountry;
  return static_cast<CountryCode>((('A' + best / 26) << 8) | ('A' + best % 26));
}

void FactsBuilder::Build(const Work& w, WorkFacts* facts, FactsArena* arena) {
  const size_t n_refs = w.institutions.size();
  const bool have_registry = registry_.size() != 0;
  pool_.clear();
  refs_.resize(n_refs);
  ref_ptrs_.resize(n_refs);
  for (size_t i = 0; i < n_refs; ++i) {
    const InstitutionRef& ref = w.institutions[i];
    if (ref_entry_[i] == nullptr && have_registry) ref_entry_[i] = registry_.Find(ref.id, ref.ror);
    Describe(ref, w.lineage.data() + ref.lineage_begin, ref.lineage_end - ref.lineage_begin, w.InstitutionName(ref),
             ref_entry_[i], ref_in_scope_[i] != 0, &refs_[i], &pool_);
    ref_ptrs_[i] = &refs_[i];
  }
  BuildDescribed(WorkShape{w.id, w.year, ref_ptrs_.data(), n_refs, w.authorships.data(), w.authorships.size(),
                           w.countries.data(), &pool_},
                 facts, arena);
}

void FactsBuilder::BuildDescribed(const WorkShape& shape, WorkFacts* facts, FactsArena* arena, bool intern_names) {
  Group(shape);
  BuildShared(shape, facts, nullptr);
  BuildScoped(shape, facts);
  facts->countries_begin = static_cast<uint32_t>(arena->countries.size());
  arena->countries.insert(arena->countries.end(), countries_.begin(), countries_.end());
  facts->countries_end = static_cast<uint32_t>(arena->countries.size());
  facts->members_begin = static_cast<uint32_t>(arena->member_list.size());
  arena->member_list.insert(arena->member_list.end(), members_.begin(), members_.end());
  facts->members_end = static_cast<uint32_t>(arena->member_list.size());
  facts->partners_begin = static_cast<uint32_t>(arena->partners.size());
  arena->partners.insert(arena->partners.end(), partners_.begin(), partners_.end());
  facts->partners_end = static_cast<uint32_t>(arena->partners.size());
  facts->names_begin = static_cast<uint32_t>(arena->named.size());
  facts->names_end = facts->names_begin;
  if (!intern_names) return;
  for (const Named& n : root_names_)
    arena->named.push_back(arena->Intern(n.key, true, shape.mentions[n.name_mention]->name, kNoCountry, 0));
  for (const Named& n : partner_names_)
    arena->named.push_back(arena->Intern(
        n.key, false, n.name_mention >= 0 ? shape.mentions[n.name_mention]->name : std::string_view(), n.country, n.ror));
  facts->names_end = static_cast<uint32_t>(arena->named.size());
}

uint32_t FactsArena::Intern(uint64_t key, bool root, std::string_view name, CountryCode country, RorId ror) {
  auto [b, e] = description_index_.equal_range(key);
  for (auto it = b; it != e; ++it) {
    const Description& d = descriptions[it->second];
    if (d.root == root && d.info.name == name && d.info.country == country && d.info.ror == ror) return it->second;
  }
  const auto index = static_cast<uint32_t>(descriptions.size());
  descriptions.push_back(Description{key, root, PartnerInfo{std::string(name), country, ror, false}});
  description_index_.emplace(key, index);
  return index;
}

void MergeDescription(uint64_t key, bool root, const PartnerInfo& info, FactsArena* into) {
  if (root)
    MergeRootName(info.name, &into->root_names[key]);
  else
    MergePartnerInfo(info, &into->partner_info[key]);
}

void MergeDescriptions(const WorkFacts& facts, const FactsArena& from, FactsArena* into) {
  for (uint32_t i = facts.names_begin; i < facts.names_end; ++i) {
    const FactsArena::Description& d = from.descriptions[from.named[i]];
    MergeDescription(d.key, d.root, d.info, into);
  }
}

std::pair<const OpenAlexId*, const OpenAlexId*> FactsBuilder::InstLineage(const WorkShape& shape,
                                                                          const Inst& inst) const {
  const RefFacts& r = *shape.mentions[inst.lineage_from];
  if (inst.lineage_variant_b && r.lineage_is_key) return {nullptr, nullptr};
  const OpenAlexId* base = shape.pool->lineage.data();
  return {base + r.lineage_begin, base + r.lineage_end};
}

void FactsBuilder::Group(const WorkShape& shape) {
  insts_.clear();
  ref_inst_.assign(shape.n_mentions, -1);
  for (uint32_t i = 0; i < shape.n_mentions; ++i) {
    const RefFacts& r = *shape.mentions[i];
    if (r.key == 0) continue;  // a country without an institution: counts for K(w) only
    auto it = std::find_if(insts_.begin(), insts_.end(), [&](const Inst& x) { return x.key == r.key; });
    ref_inst_[i] = static_cast<int32_t>(it - insts_.begin());
    if (it != insts_.end()) {
      // The same institution named again (an earlier mention may have come
      // from affiliations[] without type, country or lineage): complete it.
      it->in_scope = it->in_scope || r.in_scope;
      if (r.type == InstitutionType::kCompany || it->type == InstitutionType::kUnknown) it->type = r.type;
      if (it->country == kNoCountry) it->country = r.country;
      if (std::isnan(it->lat) && r.in_registry) {
        it->lat = r.lat;
        it->lng = r.lng;
      }
      if (it->name_from < 0 && !r.name.empty()) it->name_from = static_cast<int32_t>(i);
      if (r.has_lineage) {
        auto [lb, le] = InstLineage(shape, *it);
        if (le - lb <= 1) {
          it->lineage_from = i;
          it->lineage_variant_b = true;
        }
      }
      continue;
    }
    insts_.push_back(Inst{r.key, r.in_scope, false, r.type, r.country, r.lat, r.lng, i, i,
                          r.name.empty() ? -1 : static_cast<int32_t>(i)});
  }
}

void FactsBuilder::BuildShared(const WorkShape& shape, WorkFacts* facts, std::vector<CountryCode>* countries) {
  facts->id = shape.id;
  facts->year = shape.year;
  facts->flags = 0;
  // K(w).
  countries_.clear();
  for (size_t a = 0; a < shape.n_authorships; ++a)
    for (uint32_t c = shape.authorships[a].country_begin; c < shape.authorships[a].country_end; ++c)
      countries_.push_back(policy_.Map(shape.countries[c]));
  for (size_t i = 0; i < shape.n_mentions; ++i)
    if (shape.mentions[i]->country != kNoCountry) countries_.push_back(shape.mentions[i]->country);
  std::sort(countries_.begin(), countries_.end());
  countries_.erase(std::unique(countries_.begin(), countries_.end()), countries_.end());
  if (countries != nullptr) *countries = countries_;
  const size_t k = countries_.size();

  // Unified institutions: institutions whose lineages share an id are one.
  const uint32_t m = static_cast<uint32_t>(insts_.size());
  parent_.resize(m);
  for (uint32_t i = 0; i < m; ++i) parent_[i] = i;
  links_.clear();
  for (uint32_t i = 0; i < m; ++i) {
    auto [lb, le] = InstLineage(shape, insts_[i]);
    for (const OpenAlexId* p = lb; p != le; ++p) links_.emplace_back(*p, i);
  }
  std::sort(links_.begin(), links_.end());
  for (size_t j = 1; j < links_.size(); ++j)
    if (links_[j].first == links_[j - 1].first) {
      uint32_t a = Find(parent_, links_[j].second), b = Find(parent_, links_[j - 1].second);
      if (a != b) parent_[a] = b;
    }
  uint32_t unified = 0;
  for (uint32_t i = 0; i < m; ++i) unified += Find(parent_, i) == i;

  bool int_collab = k > 1;
  bool collab = int_collab || unified > 1;
  if (collab) facts->flags |= kFlagCollab;
  if (int_collab) facts->flags |= kFlagIntCollab;
  if (k == 0) facts->flags |= kFlagNoCountry;
  for (const Inst& inst : insts_)
    if (inst.type == InstitutionType::kCompany) facts->flags |= kFlagIndustry;

  const size_t n_authors = shape.n_authorships;
  facts->type = int_collab      ? CollabType::kInternational
                : unified > 1   ? CollabType::kNational
                : n_authors > 1 ? CollabType::kInstitutional
                                : CollabType::kSingleAuthor;
  facts->country_class =
      k == 0   ? CountryClass::kNoCountry
      : k == 1 ? (unified > 1 ? CountryClass::kDomesticMultiInstitution : CountryClass::kDomesticSingleInstitution)
      : k == 2 ? CountryClass::kBilateral
      : k == 3 ? CountryClass::kTrilateral
               : CountryClass::kFourPlus;

  // gcd(w): the largest distance between two geocoded institutions.
  double gcd = -1;
  size_t geocoded = 0;
  for (uint32_t i = 0; i < m; ++i) {
    if (std::isnan(insts_[i].lat) || std::isnan(insts_[i].lng)) continue;
    ++geocoded;
    for (uint32_t j = i + 1; j < m; ++j) {
      if (std::isnan(insts_[j].lat) || std::isnan(insts_[j].lng)) continue;
      gcd = std::max(gcd, HaversineKm(insts_[i].lat, insts_[i].lng, insts_[j].lat, insts_[j].lng));
    }
  }
  if (geocoded >= 2) {
    facts->flags |= kFlagDistanceKnown;
    facts->gcd_km = gcd;
    if (collab && gcd <= kShortDistanceKm) facts->flags |= kFlagShortDistance;
    if (collab && gcd >= kLongDistanceKm) facts->flags |= kFlagLongDistance;
  } else {
    facts->gcd_km = -1;
  }
}

void FactsBuilder::BuildScoped(const WorkShape& shape, WorkFacts* facts) {
  members_.clear();
  for (size_t i = 0; i < shape.n_mentions; ++i) {
    const RefFacts& r = *shape.mentions[i];
    if (r.in_scope && r.country != kNoCountry) members_.push_back(r.country);
  }
  // Fractional weight f_S(w): authorships without institutions stay in N(w).
  // Membership is the institution's, not the mention's: a bare mention (an
  // affiliations[] id without lineage) of an institution another mention of
  // the work places in S counts in S, as the partner tallies and the ranking
  // count it (regression: rank p_frac exceeded indicators p_frac).
  const size_t n_authors = shape.n_authorships;
  double frac = 0;
  for (size_t a = 0; a < n_authors; ++a) {
    const Authorship& au = shape.authorships[a];
    uint32_t k = au.inst_end - au.inst_begin;
    if (k == 0) continue;
    uint32_t in = 0;
    for (uint32_t i = au.inst_begin; i < au.inst_end; ++i)
      in += ref_inst_[i] >= 0 ? insts_[ref_inst_[i]].in_scope : shape.mentions[i]->in_scope;
    frac += static_cast<double>(in) / k;
  }
  facts->frac = n_authors > 0 ? frac / static_cast<double>(n_authors) : 0;

  root_names_.clear();
  for (const Inst& inst : insts_) {
    const RefFacts& first = *shape.mentions[inst.first];
    if (inst.in_scope && first.id != 0 && inst.name_from >= 0 && first.is_root)
      root_names_.push_back(Named{inst.name_from, first.id, kNoCountry, 0});
  }

  // Partner institutions: the top-level ancestors of institutions outside S.
  partners_.clear();
  inst_partners_.clear();
  partner_names_.clear();
  const PartnerKey* tops = shape.pool->tops.data();
  for (Inst& inst : insts_) {
    inst.partners_begin = inst.partners_end = static_cast<uint32_t>(inst_partners_.size());
    if (inst.in_scope) continue;
    const RefFacts& first = *shape.mentions[inst.first];
    const RefFacts& from = *shape.mentions[inst.lineage_from];
    size_t before = partners_.size();
    if (!(inst.lineage_variant_b && from.lineage_is_key))
      partners_.insert(partners_.end(), tops + from.tops_begin, tops + from.tops_end);
    if (partners_.size() == before && !first.self_in_scope) partners_.push_back(inst.key);
    inst_partners_.insert(inst_partners_.end(), partners_.begin() + before, partners_.end());
    inst.partners_end = static_cast<uint32_t>(inst_partners_.size());
    if (!first.key_in_registry)
      for (size_t i = before; i < partners_.size(); ++i)
        if (partners_[i] == inst.key) partner_names_.push_back(Named{inst.name_from, inst.key, inst.country, first.ror});
  }
  std::sort(partners_.begin(), partners_.end());
  partners_.erase(std::unique(partners_.begin(), partners_.end()), partners_.end());
}

}  // namespace coopscope
