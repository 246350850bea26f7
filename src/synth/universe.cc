// The institutions of the synthetic generator (see universe.h).
#include "synth/universe.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/ids.h"
#include "synth/json_text.h"

namespace coopscope::synth {
namespace {

constexpr size_t kMaxLineage = 4;           // ids in a partner's lineage, itself included
constexpr int kCnrsDescentDepth = 3;        // how far up an organisation is checked for CNRS
constexpr double kNullCountryShare = 0.10;  // CNRS units written with a null country_code
constexpr double kUnitParentShare = 0.70;   // CNRS units whose lineage also names a university
constexpr double kUmrNumberShare = 0.60;    // CNRS units whose raw string carries "UMR nnnn"

// How often an organisation of each type is an author's affiliation, relative
// to a university.  Companies are rare (industry(w) in a few % of works).
double TypeWeight(InstitutionType type) {
  switch (type) {
    case InstitutionType::kEducation:
      return 10;
    case InstitutionType::kHealthcare:
      return 3;
    case InstitutionType::kFacility:
      return 3;
    case InstitutionType::kGovernment:
      return 2;
    case InstitutionType::kNonprofit:
      return 1.5;
    case InstitutionType::kCompany:
      return 0.7;
    case InstitutionType::kFunder:
      return 0.3;
    case InstitutionType::kArchive:
      return 0.2;
    default:
      return 0.5;
  }
}

std::string_view TypeName(InstitutionType type) {
  return type == InstitutionType::kUnknown ? std::string_view("other") : InstitutionTypeName(type);
}

std::string CountryDisplayName(CountryCode code) {
  if (const CountryInfo* info = FindCountryInfo(code)) return std::string(info->name);
  return CountryName(code);
}

// A stable per-organisation hash: its ROR id when it has one, else its index.
uint64_t OrgHash(const RegistryEntry& e, size_t index, uint64_t purpose) {
  return StreamSeed(e.ror != 0 ? e.ror : index, purpose, kSaltRegistry);
}

class Builder {
 public:
  Builder(const Registry& registry) : registry_(registry), entries_(registry.entries()) {}

  int64_t IndexOf(const RegistryEntry* e) const { return e == nullptr ? -1 : e - entries_.data(); }

  // Parents the registry can resolve, in its order, without duplicates.
  std::vector<int64_t> Parents(size_t i) const {
    std::vector<int64_t> out;
    auto add = [&](int64_t p) {
      if (p >= 0 && static_cast<size_t>(p) != i && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    };
    for (RorId r : entries_[i].ror_parents) add(IndexOf(registry_.FindRor(r)));
    for (OpenAlexId id : entries_[i].openalex_parents) add(IndexOf(registry_.FindOpenAlex(id)));
    return out;
  }

  // Ancestors up to kCnrsDescentDepth levels, nearest first.
  std::vector<int64_t> Ancestors(size_t i, size_t limit) const {
    std::vector<int64_t> out, level{static_cast<int64_t>(i)};
    for (int depth = 0; depth < kCnrsDescentDepth && !level.empty() && out.size() < limit; ++depth) {
      std::vector<int64_t> next;
      for (int64_t node : level)
        for (int64_t p : Parents(static_cast<size_t>(node)))
          if (p != static_cast<int64_t>(i) && std::find(out.begin(), out.end(), p) == out.end()) {
            out.push_back(p);
            next.push_back(p);
          }
      level = std::move(next);
    }
    if (out.size() > limit) out.resize(limit);
    return out;
  }

 private:
  const Registry& registry_;
  const std::vector<RegistryEntry>& entries_;
};

std::string InstitutionJson(uint64_t id, const RegistryEntry& e, bool null_country, bool facility,
                            const std::vector<uint64_t>* lineage) {
  std::string out;
  out += "{\"id\": ";
  AppendIdUrl(&out, 'I', id);
  out += ", \"display_name\": \"";
  AppendEscaped(&out, e.name);
  out += "\", \"ror\": ";
  if (e.ror != 0)
    out += fmt::format("\"https://ror.org/{}\"", FormatRorId(e.ror));
  else
    out += "null";
  out += ", \"country_code\": ";
  if (null_country || e.country == kNoCountry)
    out += "null";
  else
    out += fmt::format("\"{}\"", CountryName(e.country));
  out += ", \"type\": \"";
  out += facility ? std::string_view("facility") : TypeName(e.type);
  out += '"';
  if (lineage != nullptr) {
    out += ", \"lineage\": [";
    for (size_t k = 0; k < lineage->size(); ++k) {
      if (k) out += ", ";
      AppendIdUrl(&out, 'I', (*lineage)[k]);
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace

uint32_t Universe::SampleOrg(uint32_t pool, Rng& rng) const {
  const CountryPool& p = pools_[pool];
  return p.orgs[p.weights.Sample(rng)];
}

Result<Universe> Universe::Build(const Registry& registry, bool cnrs_needed) {
  const std::vector<RegistryEntry>& entries = registry.entries();
  if (entries.empty()) return Status(ErrorCode::kInvalidArgument, "the registry holds no organisation");
  Builder builder(registry);
  Universe u;
  u.orgs_.resize(entries.size());
  u.pool_of_.fill(-1);

  std::vector<uint64_t> ids(entries.size());
  for (size_t i = 0; i < entries.size(); ++i)
    ids[i] = entries[i].openalex != 0 ? entries[i].openalex : kSyntheticInstitutionBase + i;

  // CNRS and its units: its ROR (or OpenAlex) children, and whatever names it as a parent.
  const RegistryEntry* cnrs = registry.FindRor(ParseRorId(kCnrsRor));
  if (cnrs == nullptr) cnrs = registry.FindOpenAlex(kCnrsOpenAlexId);
  std::vector<char> in_cnrs(entries.size(), 0);
  if (cnrs != nullptr) {
    size_t root = static_cast<size_t>(builder.IndexOf(cnrs));
    u.cnrs_root_ = static_cast<int64_t>(root);
    ids[root] = cnrs->openalex != 0 ? cnrs->openalex : kCnrsOpenAlexId;
    in_cnrs[root] = 1;
    std::vector<uint32_t> units;
    auto add_unit = [&](const RegistryEntry* e) {
      int64_t k = builder.IndexOf(e);
      if (k >= 0 && static_cast<size_t>(k) != root && e->active && !e->name.empty())
        units.push_back(static_cast<uint32_t>(k));
    };
    for (RorId r : cnrs->ror_children) add_unit(registry.FindRor(r));
    for (OpenAlexId id : cnrs->openalex_children) add_unit(registry.FindOpenAlex(id));
    for (size_t i = 0; i < entries.size(); ++i) {
      auto parents = builder.Parents(i);
      if (std::find(parents.begin(), parents.end(), static_cast<int64_t>(root)) != parents.end()) add_unit(&entries[i]);
    }
    std::sort(units.begin(), units.end());
    units.erase(std::unique(units.begin(), units.end()), units.end());
    for (uint32_t k : units) in_cnrs[k] = 1;
    u.cnrs_units_ = std::move(units);
  }
  if (cnrs_needed && u.cnrs_root_ < 0)
    return Status(
        ErrorCode::kNotFound,
        fmt::format("the registry has no CNRS record (ROR {}): pass a ROR v2 dump that includes it", kCnrsRor));
  if (cnrs_needed && u.cnrs_units_.empty())
    return Status(ErrorCode::kNotFound,
                  fmt::format("the registry knows CNRS (ROR {}) but none of its units (ROR children)", kCnrsRor));

  // Partners: active, named, located organisations with no CNRS ancestor.
  std::vector<char> partner(entries.size(), 0);
  for (size_t i = 0; i < entries.size(); ++i) {
    const RegistryEntry& e = entries[i];
    if (in_cnrs[i] || !e.active || e.name.empty() || e.country == kNoCountry) continue;
    bool under_cnrs = false;
    for (int64_t a : builder.Ancestors(i, 64)) under_cnrs |= in_cnrs[static_cast<size_t>(a)] != 0;
    partner[i] = !under_cnrs;
  }

  // French universities, for CNRS units whose registry record names none.
  std::vector<uint32_t> french_universities;
  for (size_t i = 0; i < entries.size(); ++i)
    if (partner[i] && entries[i].type == InstitutionType::kEducation && entries[i].country == MakeCountry("FR"))
      french_universities.push_back(static_cast<uint32_t>(i));

  std::vector<uint64_t> lineage;
  for (size_t i = 0; i < entries.size(); ++i) {
    const RegistryEntry& e = entries[i];
    Org& org = u.orgs_[i];
    org.openalex = ids[i];
    org.country = e.country;
    org.in_cnrs = in_cnrs[i] != 0;
    lineage.assign(1, ids[i]);
    std::string raw = Escaped(e.name);
    bool is_unit = org.in_cnrs && static_cast<int64_t>(i) != u.cnrs_root_;
    if (is_unit) {
      lineage.push_back(ids[static_cast<size_t>(u.cnrs_root_)]);
      std::vector<int64_t> others;
      for (int64_t p : builder.Parents(i))
        if (p != u.cnrs_root_ && others.size() < 2) others.push_back(p);
      for (int64_t p : others)
        if (org.co_listed < 0 && entries[static_cast<size_t>(p)].type == InstitutionType::kEducation)
          org.co_listed = static_cast<int32_t>(p);
      if (org.co_listed < 0 && !french_universities.empty())
        org.co_listed = static_cast<int32_t>(french_universities[OrgHash(e, i, 1) % french_universities.size()]);
      if (HashBelow(OrgHash(e, i, 2), kUnitParentShare)) {
        if (others.empty() && org.co_listed >= 0) others.push_back(org.co_listed);
        for (int64_t p : others) lineage.push_back(ids[static_cast<size_t>(p)]);
      }
      org.null_country = HashBelow(OrgHash(e, i, 3), kNullCountryShare);
      uint64_t umr = OrgHash(e, i, 4);
      if (HashBelow(umr, kUmrNumberShare)) raw += fmt::format(" (UMR {})", 5001 + umr % 4000);
      raw += ", CNRS";
      if (org.co_listed >= 0) {
        raw += ", ";
        AppendEscaped(&raw, entries[static_cast<size_t>(org.co_listed)].name);
      }
    } else if (!e.lineage.empty()) {
      lineage = e.lineage;  // an OpenAlex registry knows the real lineage
    } else if (!org.in_cnrs) {
      for (int64_t a : builder.Ancestors(i, kMaxLineage - 1)) lineage.push_back(ids[static_cast<size_t>(a)]);
    }
    if (e.country != kNoCountry) {
      raw += ", ";
      AppendEscaped(&raw, CountryDisplayName(e.country));
    }
    org.raw_affiliation = std::move(raw);
    org.inst_json = InstitutionJson(ids[i], e, org.null_country, org.null_country, &lineage);
    org.inst_json_2022 = InstitutionJson(ids[i], e, org.null_country, org.null_country, nullptr);
  }

  // Country pools in country-code order, and the world mix over them.
  std::array<std::vector<uint32_t>, kCountrySlots> by_country;
  for (size_t i = 0; i < entries.size(); ++i)
    if (partner[i]) by_country[CountryIndex(entries[i].country)].push_back(static_cast<uint32_t>(i));
  for (int slot = 0; slot < kCountrySlots; ++slot) {
    if (by_country[slot].empty()) continue;
    CountryPool pool;
    pool.code = MakeCountry(std::string{static_cast<char>('A' + slot / 26), static_cast<char>('A' + slot % 26)});
    const CountryInfo* info = FindCountryInfo(pool.code);
    pool.name = CountryDisplayName(pool.code);
    pool.region = info != nullptr ? info->region : NameRegion::kAnglo;
    for (uint32_t i : by_country[slot]) {
      // A heavy-ish size factor so that some organisations publish far more.
      double x = static_cast<double>(OrgHash(entries[i], i, 5) >> 11) * 0x1.0p-53;
      pool.weights.Add(TypeWeight(entries[i].type) * (1 + 30 * x * x * x));
      pool.orgs.push_back(i);
    }
    u.pool_of_[slot] = static_cast<int>(u.pools_.size());
    u.world_.Add(info != nullptr ? info->weight : kTailCountryWeight);
    u.pools_.push_back(std::move(pool));
  }
  if (u.pools_.empty())
    return Status(ErrorCode::kInvalidArgument, "the registry has no active organisation with a country");
  return u;
}

}  // namespace coopscope::synth
