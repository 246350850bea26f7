#include "mobility/history.h"

#include <algorithm>

namespace coopscope::mobility {

void AuthorHistory::Finish(const MobilityOptions& options) {
  years_.clear();
  countries_.clear();
  std::sort(raw_.begin(), raw_.end());
  for (const Raw& r : raw_) {
    if (!options.InWindow(r.year)) continue;
    if (r.country == kNoCountry) continue;  // handled below
    if (years_.empty() || years_.back().year != r.year) {
      YearSet y;
      y.year = r.year;
      y.begin = y.end = static_cast<uint32_t>(countries_.size());
      years_.push_back(y);
    }
    YearSet& y = years_.back();
    y.in_scope = y.in_scope || r.in_scope;
    if (y.end == y.begin || countries_.back() != r.country) {
      countries_.push_back(r.country);
      ++y.end;
    }
  }
  // An institution of S without a known country does not make a year
  // observed, but it marks an observed year as in S.
  for (const Raw& r : raw_) {
    if (!r.in_scope || r.country != kNoCountry || !options.InWindow(r.year)) continue;
    auto it = std::lower_bound(years_.begin(), years_.end(), r.year,
                               [](const YearSet& y, int32_t year) { return y.year < year; });
    if (it != years_.end() && it->year == r.year) it->in_scope = true;
  }
  publications = std::max<uint32_t>(publications, static_cast<uint32_t>(years_.size()));
}

}  // namespace coopscope::mobility
