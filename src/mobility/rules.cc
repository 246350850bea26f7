#include "mobility/rules.h"

#include <algorithm>

namespace coopscope::mobility {
namespace {

// Whether two sorted, distinct country lists share a country.
bool Intersects(std::span<const CountryCode> a, std::span<const CountryCode> b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j]) ++i; else ++j;
  }
  return false;
}

void Intersection(std::span<const CountryCode> a, std::span<const CountryCode> b, std::vector<CountryCode>* out) {
  out->clear();
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(*out));
}

}  // namespace

std::string_view MobilityClassName(MobilityClass c) {
  switch (c) {
    case MobilityClass::kUnclassified: return "unclassified";
    case MobilityClass::kNonMobile: return "non-mobile";
    case MobilityClass::kMigrant: return "migrant";
    case MobilityClass::kDirectionalTraveller: return "directional-traveller";
    case MobilityClass::kNonDirectionalTraveller: return "non-directional-traveller";
  }
  return "?";
}

std::string_view TenureKindName(TenureKind kind) {
  switch (kind) {
    case TenureKind::kTemporaryStay: return "temporary-stay";
    case TenureKind::kReturn: return "return";
    case TenureKind::kMigration: return "migration";
  }
  return "?";
}

std::span<const CountryCode> Origin(const AuthorHistory& h) {
  if (h.years().empty()) return {};
  return h.CountriesOf(h.years().front());
}

MobilityClass Classify(const AuthorHistory& h, const MobilityOptions& options) {
  const auto& years = h.years();
  if (years.empty() || h.publications < options.min_publications) return MobilityClass::kUnclassified;
  std::span<const CountryCode> origin = h.CountriesOf(years.front());
  // |U| = 1: every year holds exactly the one origin country.
  bool one_country = origin.size() == 1;
  for (size_t i = 1; one_country && i < years.size(); ++i) {
    auto k = h.CountriesOf(years[i]);
    one_country = k.size() == 1 && k[0] == origin[0];
  }
  if (one_country) return MobilityClass::kNonMobile;
  if (!Intersects(origin, h.CountriesOf(years.back()))) return MobilityClass::kMigrant;
  return origin.size() == 1 ? MobilityClass::kDirectionalTraveller : MobilityClass::kNonDirectionalTraveller;
}

void TenureEvents(const AuthorHistory& h, std::vector<TenureEvent>* events) {
  events->clear();
  const auto& years = h.years();
  if (years.size() < 2) return;
  std::span<const CountryCode> origin = h.CountriesOf(years.front());
  size_t spell = 0;        // first abroad year of the current run, when abroad
  bool abroad = false;
  size_t last_home = 0;    // index of the last home year
  int32_t home_years = 1;  // home years before the current run
  std::vector<CountryCode> scratch;
  auto open_event = [&](TenureKind kind, size_t first, size_t last) {
    TenureEvent e;
    e.kind = kind;
    e.year = years[first].year;
    e.end_year = years[last].year;
    e.years_abroad = static_cast<int32_t>(last - first + 1);
    e.home_years = home_years;
    Intersection(origin, h.CountriesOf(years[last_home]), &e.from);
    auto to = h.CountriesOf(years[first]);
    e.to.assign(to.begin(), to.end());
    events->push_back(std::move(e));
  };
  for (size_t i = 1; i < years.size(); ++i) {
    bool home = Intersects(origin, h.CountriesOf(years[i]));
    if (!home && !abroad) {
      abroad = true;
      spell = i;
    } else if (home && abroad) {
      open_event(TenureKind::kTemporaryStay, spell, i - 1);
      TenureEvent r;
      r.kind = TenureKind::kReturn;
      r.year = r.end_year = years[i].year;
      r.years_abroad = static_cast<int32_t>(i - spell);
      r.home_years = home_years;
      auto from = h.CountriesOf(years[i - 1]);
      r.from.assign(from.begin(), from.end());
      Intersection(origin, h.CountriesOf(years[i]), &r.to);
      events->push_back(std::move(r));
      abroad = false;
    }
    if (home) {
      last_home = i;
      ++home_years;
    }
  }
  if (abroad) open_event(TenureKind::kMigration, spell, years.size() - 1);
}

}  // namespace coopscope::mobility
