// Mobility flows: mergeable sums over classified author histories, per
// country and per organisation scope, per year (docs/indicators.md,
// "Mobility").  A MobilityTally is a plain value; one per thread, combined
// with Merge (the sums do not depend on the order authors are added).
//
// Per country c and year y:
//   migrants      out: migrations in year y from an origin country c;
//                 in: migrations in year y to c (countries of the first
//                 abroad year);
//   travellers    in: travellers whose history shows c for the first time in
//                 year y, c not an origin country; out: the same events
//                 counted for each origin country of the traveller;
//   returns       returns to c (an origin country) in year y;
//   net           in − out (migrants plus travellers).
// Origin → destination pairs are kept per year and kind (migrant, traveller).
//
// Per organisation scope S (a YearSet's in_scope) and year y, over consecutive
// observed years (p, y) of an author: incoming when S is absent in p and
// present in y, outgoing when present in p and absent in y; counted by the
// author's class, with the countries of p (origins of incoming authors) and
// of y (destinations of outgoing authors).  `present` counts the authors in S
// in year y.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "mobility/history.h"
#include "mobility/rules.h"

namespace coopscope::mobility {

struct CountryYearFlows {
  uint64_t in_migrants = 0, out_migrants = 0;
  uint64_t in_travellers = 0, out_travellers = 0;
  uint64_t returns = 0;
  int64_t net() const {
    return static_cast<int64_t>(in_migrants + in_travellers) - static_cast<int64_t>(out_migrants + out_travellers);
  }
  void Merge(const CountryYearFlows& o);
};

enum class FlowKind : uint8_t { kMigrant = 0, kTraveller = 1 };

struct PairKey {
  CountryCode from = kNoCountry, to = kNoCountry;
  int32_t year = 0;
  FlowKind kind = FlowKind::kMigrant;
  auto operator<=>(const PairKey&) const = default;
};

using ClassCounts = std::array<uint64_t, kMobilityClasses>;

struct OrgYearFlows {
  ClassCounts present{};   // authors in S that year, by class
  ClassCounts incoming{};  // authors entering S that year, by class
  ClassCounts outgoing{};  // authors leaving S that year, by class
  std::map<CountryCode, uint64_t> origins;       // countries of the year before, incoming authors
  std::map<CountryCode, uint64_t> destinations;  // countries of the year of leaving, outgoing authors
  uint64_t TotalIncoming() const;
  uint64_t TotalOutgoing() const;
  int64_t net() const { return static_cast<int64_t>(TotalIncoming()) - static_cast<int64_t>(TotalOutgoing()); }
  void Merge(const OrgYearFlows& o);
};

class MobilityTally {
 public:
  // Adds one finished history: classifies it, derives its events and adds
  // them to every sum.  Returns the class.
  MobilityClass Add(const AuthorHistory& history, const MobilityOptions& options);
  void Merge(const MobilityTally& other);

  ClassCounts authors{};                                   // by class
  std::array<uint64_t, 3> events{};                        // by TenureKind
  std::map<CountryCode, ClassCounts> by_origin;            // authors by their (each) origin country and class
  std::map<std::pair<CountryCode, int32_t>, CountryYearFlows> countries;  // (country, year)
  std::map<PairKey, uint64_t> pairs;
  std::map<int32_t, OrgYearFlows> org;                     // per year; empty without a scope
  // Tenure events by (kind, year, observed years abroad): the distribution of
  // stay and migration lengths (for a return, the length of the stay it ends).
  std::map<std::tuple<TenureKind, int32_t, int32_t>, uint64_t> event_lengths;

 private:
  std::vector<TenureEvent> events_scratch_;
};

// The organisation's flows summed over the years [first_year, last_year]
// (present counts author-years).  For key-figure sheets.
OrgYearFlows OrgTotal(const MobilityTally& tally, int first_year, int last_year);

}  // namespace coopscope::mobility
