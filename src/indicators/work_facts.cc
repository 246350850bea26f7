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

void FactsBuilder::LineageOf(const Work& w, const InstitutionRef& ref, const RegistryEntry* entry,
                             std::vector<OpenAlexId>* out) {
  out->clear();
  if (ref.has_lineage && ref.lineage_end > ref.lineage_begin) {
    out->assign(w.lineage.begin() + ref.lineage_begin, w.lineage.begin() + ref.lineage_end);
  } else if (entry != nullptr && !entry->lineage.empty()) {
    *out = entry->lineage;
  }
  if (ref.id != 0 && std::find(out->begin(), out->end(), ref.id) == out->end()) out->push_back(ref.id);
}

bool FactsBuilder::RefInScope(const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size,
                              const RegistryEntry** entry) const {
  RorId ror = ref.ror;
  *entry = nullptr;
  if (registry_.size() != 0 && (!ref.has_lineage || ror == 0)) {
    // 2022 records: no lineage; the registry supplies it (and a missing ROR).
    const RegistryEntry* e = registry_.Find(ref.id, ref.ror);
    *entry = e;
    if (e != nullptr) {
      if (ror == 0) ror = e->ror;
      if (!ref.has_lineage && !e->lineage.empty()) {
        lineage = e->lineage.data();
        lineage_size = e->lineage.size();
      }
    }
  }
  return scope_.Contains(ref.id, ror, lineage, lineage_size);
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

void FactsBuilder::Build(const Work& w, WorkFacts* facts, FactsArena* arena) {
  facts->id = w.id;
  facts->year = w.year;
  facts->flags = 0;
  const size_t n_refs = w.institutions.size();
  const bool have_registry = registry_.size() != 0;
  for (size_t i = 0; i < n_refs; ++i)
    if (ref_entry_[i] == nullptr && have_registry)
      ref_entry_[i] = registry_.Find(w.institutions[i].id, w.institutions[i].ror);

  // Distinct institutions with their country, type, coordinates and lineage.
  insts_.clear();
  lineage_.clear();
  countries_.clear();
  ref_inst_.assign(n_refs, -1);
  facts->members_begin = static_cast<uint32_t>(arena->member_list.size());
  for (const Authorship& a : w.authorships)
    for (uint32_t c = a.country_begin; c < a.country_end; ++c) countries_.push_back(policy_.Map(w.countries[c]));
  for (size_t i = 0; i < n_refs; ++i) {
    const InstitutionRef& ref = w.institutions[i];
    const RegistryEntry* e = ref_entry_[i];
    RorId ror = ref.ror != 0 ? ref.ror : (e ? e->ror : 0);
    CountryCode country = policy_.Map(ref.country != kNoCountry ? ref.country : (e ? e->country : kNoCountry));
    if (country != kNoCountry) {
      countries_.push_back(country);
      if (ref_in_scope_[i]) arena->member_list.push_back(country);
    }
    PartnerKey key = ref.id != 0 ? ref.id : (ror != 0 ? (ror | kRorKeyBit) : 0);
    if (key == 0) continue;  // a country without an institution: counts for K(w) only
    auto it = std::find_if(insts_.begin(), insts_.end(), [&](const Inst& x) { return x.key == key; });
    ref_inst_[i] = static_cast<int32_t>(it - insts_.begin());
    InstitutionType type = ref.type != InstitutionType::kUnknown ? ref.type : (e ? e->type : InstitutionType::kUnknown);
    if (it != insts_.end()) {
      // The same institution named again (an earlier mention may have come
      // from affiliations[] without type, country or lineage): complete it.
      it->in_scope = it->in_scope || ref_in_scope_[i];
      if (type == InstitutionType::kCompany || it->type == InstitutionType::kUnknown) it->type = type;
      if (it->country == kNoCountry) it->country = country;
      if (std::isnan(it->lat) && e != nullptr) {
        it->lat = e->lat;
        it->lng = e->lng;
      }
      if (it->name.empty()) it->name = w.InstitutionName(ref);
      if (ref.has_lineage && it->lineage_end - it->lineage_begin <= 1) {
        LineageOf(w, ref, e, &scratch_lineage_);
        it->lineage_begin = static_cast<uint32_t>(lineage_.size());
        lineage_.insert(lineage_.end(), scratch_lineage_.begin(), scratch_lineage_.end());
        it->lineage_end = static_cast<uint32_t>(lineage_.size());
      }
      continue;
    }
    Inst inst{key,
              ref.id,
              ror,
              country,
              type,
              ref_in_scope_[i] != 0,
              e ? e->lat : NAN,
              e ? e->lng : NAN,
              0,
              0,
              w.InstitutionName(ref),
              0,
              0};
    LineageOf(w, ref, e, &scratch_lineage_);
    if (scratch_lineage_.empty()) scratch_lineage_.push_back(key);  // ROR-only: its own unit
    inst.lineage_begin = static_cast<uint32_t>(lineage_.size());
    lineage_.insert(lineage_.end(), scratch_lineage_.begin(), scratch_lineage_.end());
    inst.lineage_end = static_cast<uint32_t>(lineage_.size());
    insts_.push_back(inst);
  }

  // Fractional weight f_S(w): authorships without institutions stay in N(w).
  // Membership is the institution's, not the mention's: a bare mention (an
  // affiliations[] id without lineage) of an institution another mention of
  // the work places in S counts in S, as the partner tallies and the ranking
  // count it (regression: rank p_frac exceeded indicators p_frac).
  const size_t n_authors = w.authorships.size();
  double frac = 0;
  for (const Authorship& a : w.authorships) {
    uint32_t k = a.inst_end - a.inst_begin;
    if (k == 0) continue;
    uint32_t in = 0;
    for (uint32_t i = a.inst_begin; i < a.inst_end; ++i)
      in += ref_inst_[i] >= 0 ? insts_[ref_inst_[i]].in_scope : ref_in_scope_[i];
    frac += static_cast<double>(in) / k;
  }
  facts->frac = n_authors > 0 ? frac / static_cast<double>(n_authors) : 0;

  for (const Inst& inst : insts_)
    if (inst.in_scope && inst.id != 0 && !inst.name.empty() && scope_.IsRoot(inst.id))
      MergeRootName(inst.name, &arena->root_names[inst.id]);

  // K(w).
  std::sort(countries_.begin(), countries_.end());
  countries_.erase(std::unique(countries_.begin(), countries_.end()), countries_.end());
  facts->countries_begin = static_cast<uint32_t>(arena->countries.size());
  arena->countries.insert(arena->countries.end(), countries_.begin(), countries_.end());
  facts->countries_end = static_cast<uint32_t>(arena->countries.size());
  const size_t k = countries_.size();

  // Unified institutions: institutions whose lineages share an id are one.
  const uint32_t m = static_cast<uint32_t>(insts_.size());
  parent_.resize(m);
  for (uint32_t i = 0; i < m; ++i) parent_[i] = i;
  links_.clear();
  for (uint32_t i = 0; i < m; ++i)
    for (uint32_t j = insts_[i].lineage_begin; j < insts_[i].lineage_end; ++j) links_.emplace_back(lineage_[j], i);
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

  facts->members_end = static_cast<uint32_t>(arena->member_list.size());

  // Partner institutions: the top-level ancestors of institutions outside S.
  partners_.clear();
  inst_partners_.clear();
  for (Inst& inst : insts_) {
    inst.partners_begin = inst.partners_end = static_cast<uint32_t>(inst_partners_.size());
    if (inst.in_scope) continue;
    const OpenAlexId* lb = lineage_.data() + inst.lineage_begin;
    const OpenAlexId* le = lineage_.data() + inst.lineage_end;
    size_t before = partners_.size();
    for (const OpenAlexId* p = lb; p != le; ++p) {
      OpenAlexId x = *p;
      if (le - lb > 1 && x == inst.key) continue;  // an ancestor stands for the unit
      bool has_parent_here = false;
      if (const RegistryEntry* e = have_registry ? registry_.FindOpenAlex(x) : nullptr)
        for (OpenAlexId par : e->openalex_parents) has_parent_here = has_parent_here || std::find(lb, le, par) != le;
      if (!has_parent_here && !scope_.Contains(x, 0, nullptr, 0)) partners_.push_back(x);
    }
    if (partners_.size() == before && !scope_.Contains(inst.id, inst.ror, nullptr, 0)) partners_.push_back(inst.key);
    inst_partners_.insert(inst_partners_.end(), partners_.begin() + before, partners_.end());
    inst.partners_end = static_cast<uint32_t>(inst_partners_.size());
    for (size_t i = before; i < partners_.size(); ++i) {
      PartnerKey key = partners_[i];
      PartnerInfo& info = arena->partner_info[key];
      if (info.from_registry) continue;
      const RegistryEntry* e = (key & kRorKeyBit) ? registry_.FindRor(key & ~kRorKeyBit) : registry_.FindOpenAlex(key);
      if (e != nullptr) {
        info = PartnerInfo{e->name, policy_.Map(e->country), e->ror, true};
      } else if (key == inst.key) {
        MergePartnerInfo(PartnerInfo{std::string(inst.name), inst.country, inst.ror, false}, &info);
      }
    }
  }
  std::sort(partners_.begin(), partners_.end());
  partners_.erase(std::unique(partners_.begin(), partners_.end()), partners_.end());
  facts->partners_begin = static_cast<uint32_t>(arena->partners.size());
  arena->partners.insert(arena->partners.end(), partners_.begin(), partners_.end());
  facts->partners_end = static_cast<uint32_t>(arena->partners.size());
}

}  // namespace coopscope
