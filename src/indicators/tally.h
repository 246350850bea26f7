// Mergeable sums of the per-work facts (../shared/guide/INDICATORS.md,
// "Counting"): a Tally per year adds up to periods, threads and segments in
// any order with the same result (fractional weights are summed exactly).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "indicators/work_facts.h"

namespace coopscope {

// The flags that have a P and a PP, in output order.
enum class Indicator : uint8_t { kCollab, kIntCollab, kForeign, kIndustry, kShortDistance, kLongDistance, kNoCountry };
inline constexpr int kIndicators = 7;
const char* IndicatorName(Indicator indicator);  // "collab", "int_collab", "foreign", …, "no_country"
const char* CollabTypeName(CollabType type);
const char* CountryClassName(CountryClass cls);

// An exact sum of fractional weights: each weight is taken in units of
// 2^-62 (FracUnits) and the units are added as integers, so a sum does not
// depend on the order of its terms (threads, segments, files) and a
// difference of sums is exact.
using FracUnits = int64_t;
FracUnits ToFracUnits(double frac);  // frac in [0, 1]
class FracSum {
 public:
  void Add(FracUnits units, uint64_t times = 1) { Set(this->units() + static_cast<__int128>(units) * times); }
  void Add(const FracSum& other) { Set(units() + other.units()); }
  void Subtract(const FracSum& other) { Set(units() - other.units()); }
  double value() const;
  // The sum in units (stored answers keep it exactly).
  __int128 units() const {
    return static_cast<__int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(hi_)) << 64) | lo_);
  }
  static FracSum FromUnits(__int128 units) {
    FracSum s;
    s.Set(units);
    return s;
  }

 private:
  void Set(__int128 units) {
    lo_ = static_cast<uint64_t>(units);
    hi_ = static_cast<int64_t>(units >> 64);
  }
  // Two halves rather than one __int128, whose 16-byte alignment would make
  // a partner's row (key, Copubs) 48 bytes instead of 32.
  uint64_t lo_ = 0;
  int64_t hi_ = 0;
};

struct Copubs {
  uint64_t full = 0;
  FracSum frac;
  void Add(FracUnits units, uint64_t works = 1) {
    full += works;
    frac.Add(units, works);
  }
  void Add(const Copubs& other) {
    full += other.full;
    frac.Add(other.frac);
  }
};
static_assert(sizeof(Copubs) == 24, "a partner's row stays 32 bytes");

// Mergeable sums over a set of works, independent of the home country h(S)
// (which may be inferred from the same works): Finish applies h.
struct Tally {
  uint64_t p = 0;
  FracSum p_frac;
  // kForeign is filled by Finish (p minus the works without a country and
  // those whose only country is h).
  std::array<uint64_t, kIndicators> flagged{};
  std::array<FracSum, kIndicators> flagged_frac{};
  uint64_t distance_known = 0;
  std::array<uint64_t, kCollabTypes> collab_types{};
  std::array<uint64_t, kCountryClasses> country_classes{};
  std::map<CountryCode, Copubs> countries;              // every country of K(w), h included until Finish
  std::map<CountryCode, Copubs> single_country;         // works whose K(w) is this one country
  // Partner institutions (outside S), sorted by key, distinct: merged in one
  // pass and copied without a node per partner.
  std::vector<std::pair<PartnerKey, Copubs>> institutions;
  uint64_t country_mentions = 0;                        // Σ_w |K(w)|
  uint64_t foreign_country_mentions = 0;                // Σ_w |K(w) \ {h}|, set by Finish

  void Merge(const Tally& other);
  // Merges several at once (one pass over the partner institutions).
  void MergeAll(const std::vector<const Tally*>& parts);
  // Works with the same flags, types and country class: `works.full` of
  // them, their weights summing to `works.frac`.
  void AddFlags(uint16_t flags, CollabType type, CountryClass country_class, const Copubs& works);
  // Works with the same K(w).
  void AddCountries(const CountryCode* countries, size_t n_countries, const Copubs& works);
  // Sets `institutions` from sums gathered in any order.
  void SetInstitutions(const std::unordered_map<PartnerKey, Copubs>& sums);
};

}  // namespace coopscope
