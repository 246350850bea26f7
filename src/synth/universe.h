// The institutions synthetic works are drawn from, prepared once from a ROR
// (or OpenAlex institutions) registry: every organisation with a synthetic
// OpenAlex id (I5000000000 + its registry index, or its real id when the
// registry knows it), its lineage and its ready-made JSON; CNRS (real id
// I1294671590) and its ROR children as the CNRS units; per-country pools of
// the other organisations, weighted by type; and the world output mix over
// the countries the registry covers.  Immutable once built, so threads share
// it read-only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "io/status.h"
#include "model/country.h"
#include "registry/registry.h"
#include "synth/random.h"
#include "synth/tables.h"

namespace coopscope::synth {

inline constexpr uint64_t kSyntheticInstitutionBase = 5000000000ULL;
inline constexpr uint64_t kCnrsOpenAlexId = 1294671590ULL;
inline constexpr std::string_view kCnrsRor = "02feahw73";

struct Org {
  uint64_t openalex = 0;
  CountryCode country = kNoCountry;  // registry country, also the authorship's country
  bool in_cnrs = false;              // CNRS or one of its units
  bool null_country = false;         // written with "country_code": null (a trap for readers)
  int32_t co_listed = -1;            // CNRS units: a university authors also list (org index)
  std::string inst_json;             // its institutions[] object, current format (with lineage)
  std::string inst_json_2022;        // 2022 format: no lineage
  std::string raw_affiliation;       // escaped affiliation string, without department
};

struct CountryPool {
  CountryCode code = kNoCountry;
  std::string name;  // "France"
  NameRegion region = NameRegion::kAnglo;
  std::vector<uint32_t> orgs;  // org indices
  WeightedTable weights;
};

class Universe {
 public:
  // Fails when the registry is empty or, when cnrs_needed, holds no CNRS
  // record or no CNRS unit.
  static Result<Universe> Build(const Registry& registry, bool cnrs_needed);

  const Org& org(uint32_t index) const { return orgs_[index]; }
  size_t size() const { return orgs_.size(); }

  // A country drawn from the world output mix; an index into pools().
  uint32_t SampleCountry(Rng& rng) const { return static_cast<uint32_t>(world_.Sample(rng)); }
  // An organisation (not CNRS) of the country of pools()[pool].
  uint32_t SampleOrg(uint32_t pool, Rng& rng) const;
  uint32_t SampleCnrsUnit(Rng& rng) const { return cnrs_units_[rng.Below(cnrs_units_.size())]; }
  bool has_cnrs() const { return cnrs_root_ >= 0; }
  uint32_t cnrs_root() const { return static_cast<uint32_t>(cnrs_root_); }
  size_t cnrs_unit_count() const { return cnrs_units_.size(); }

  const std::vector<CountryPool>& pools() const { return pools_; }
  // Index into pools() of a country, or -1.
  int PoolOf(CountryCode code) const { return code == kNoCountry ? -1 : pool_of_[CountryIndex(code)]; }

 private:
  std::vector<Org> orgs_;
  std::vector<CountryPool> pools_;
  std::array<int, kCountrySlots> pool_of_{};
  WeightedTable world_;
  int64_t cnrs_root_ = -1;
  std::vector<uint32_t> cnrs_units_;
};

}  // namespace coopscope::synth
