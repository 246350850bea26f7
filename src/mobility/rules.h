// The mobility rules of ../shared/guide/INDICATORS.md ("Further definitions",
// Mobility, after Robinson-Garcia et al. 2019), applied to one finished
// AuthorHistory.  Pure functions, thread-safe.
//
// With O = the countries of the first observed year of the window, F = those
// of the last observed year and U = the union over the window:
//   unclassified        fewer than min_publications in the window, or no
//                       observed year;
//   non-mobile          |U| = 1 ("one country throughout");
//   migrant             O ∩ F = ∅ (the origin has disappeared after a move;
//                       with several origin countries, all of them);
//   directional traveller      otherwise, |O| = 1 (foreign countries added,
//                              the origin kept — present in the last year);
//   non-directional traveller  otherwise, |O| ≥ 2 (several countries from
//                              the first year on, the origin kept).
// An author who leaves the origin and comes back within the window is
// therefore a traveller (with a temporary stay and a return among the tenure
// events); the same author with the window ending abroad is a migrant: the
// window right-censors the history.
//
// Tenure events follow from the home/abroad state of each observed year
// (home: the year holds an origin country; abroad: none of them):
//   temporary stay  a run of abroad years followed by a home year;
//   return          the home year that ends a temporary stay;
//   migration       the run of abroad years that lasts to the last observed
//                   year (open, hence right-censored by construction).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "mobility/history.h"

namespace coopscope::mobility {

enum class MobilityClass : uint8_t {
  kUnclassified = 0,
  kNonMobile,
  kMigrant,
  kDirectionalTraveller,
  kNonDirectionalTraveller,
};
inline constexpr int kMobilityClasses = 5;
std::string_view MobilityClassName(MobilityClass c);  // "non-mobile", "migrant", …

// The class of a finished history.
MobilityClass Classify(const AuthorHistory& history, const MobilityOptions& options);

enum class TenureKind : uint8_t { kTemporaryStay, kReturn, kMigration };
std::string_view TenureKindName(TenureKind kind);  // "temporary-stay", "return", "migration"

struct TenureEvent {
  TenureKind kind = TenureKind::kMigration;
  int32_t year = 0;       // first abroad year (stay, migration) or the return year
  int32_t end_year = 0;   // last abroad year of a stay or a migration (as observed)
  int32_t years_abroad = 0;  // observed years abroad (a stay's or migration's run; before a return)
  int32_t home_years = 0;    // observed home years before the move (stay, migration)
  std::vector<CountryCode> from;  // origin countries held in the year before (stay, migration); abroad countries of the last abroad year (return)
  std::vector<CountryCode> to;    // countries of the first abroad year (stay, migration); origin countries of the return year
};

// The tenure events of a finished history, in year order (non-mobile
// histories have none; callers skip unclassified ones).
void TenureEvents(const AuthorHistory& history, std::vector<TenureEvent>* events);

// O, the origin countries (those of the first observed year); empty when no
// year is observed.
std::span<const CountryCode> Origin(const AuthorHistory& history);

}  // namespace coopscope::mobility
