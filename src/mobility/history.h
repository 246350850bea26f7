// The unit of bibliometric mobility (../shared/guide/INDICATORS.md, "Further
// definitions", Mobility — Robinson-Garcia et al. 2019): one author's
// sequence of (year, set of countries), restricted to a year window, plus
// whether the author was in the organisation scope S that year and how many
// publications the author has in the window.
//
// An AuthorHistory is a reusable buffer, like Work: readers add raw
// observations in any order, then Finish() sorts them into one YearSet per
// year with a sorted, distinct country set.  Observations outside the window
// and observations without a known country are dropped (a year without a
// known country is not observed).  Not thread-safe; one per thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/country.h"
#include "model/ids.h"

namespace coopscope::mobility {

// The year window and the publication floor of the classification.
struct MobilityOptions {
  int first_year = 0;     // 0 = no lower bound
  int last_year = 9999;   // inclusive
  uint32_t min_publications = 1;  // fewer publications in the window: unclassified

  bool InWindow(int year) const { return year >= first_year && year <= last_year; }
};

struct YearSet {
  int32_t year = 0;
  bool in_scope = false;    // an institution of S that year
  uint32_t begin = 0, end = 0;  // range in AuthorHistory::countries (sorted, distinct)
};

class AuthorHistory {
 public:
  OpenAlexId author = 0;
  // Publications in the window (Finish() raises it to the number of observed
  // years when the source gave fewer: each observed year holds one at least).
  uint32_t publications = 0;

  void clear() {
    author = 0;
    publications = 0;
    raw_.clear();
    years_.clear();
    countries_.clear();
  }
  // One institution (or stated country) of the author in one year.
  void Add(int32_t year, CountryCode country, bool in_scope) { raw_.push_back({year, country, in_scope}); }
  // Builds the year sets of the window from the raw observations.
  void Finish(const MobilityOptions& options);

  const std::vector<YearSet>& years() const { return years_; }
  std::span<const CountryCode> CountriesOf(const YearSet& y) const {
    return {countries_.data() + y.begin, y.end - y.begin};
  }

 private:
  struct Raw {
    int32_t year;
    CountryCode country;
    bool in_scope;
    bool operator<(const Raw& o) const { return year != o.year ? year < o.year : country < o.country; }
  };
  std::vector<Raw> raw_;
  std::vector<YearSet> years_;
  std::vector<CountryCode> countries_;
};

}  // namespace coopscope::mobility
