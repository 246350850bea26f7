#include "mobility/flows.h"

#include <algorithm>

namespace coopscope::mobility {
namespace {

template <typename Map>
void MergeCounts(Map* into, const Map& from) {
  for (const auto& [k, v] : from) (*into)[k] += v;
}

void MergeClassCounts(ClassCounts* into, const ClassCounts& from) {
  for (int i = 0; i < kMobilityClasses; ++i) (*into)[i] += from[i];
}

uint64_t Sum(const ClassCounts& c) {
  uint64_t s = 0;
  for (uint64_t x : c) s += x;
  return s;
}

}  // namespace

void CountryYearFlows::Merge(const CountryYearFlows& o) {
  in_migrants += o.in_migrants;
  out_migrants += o.out_migrants;
  in_travellers += o.in_travellers;
  out_travellers += o.out_travellers;
  returns += o.returns;
}

uint64_t OrgYearFlows::TotalIncoming() const { return Sum(incoming); }
uint64_t OrgYearFlows::TotalOutgoing() const { return Sum(outgoing); }

void OrgYearFlows::Merge(const OrgYearFlows& o) {
  MergeClassCounts(&present, o.present);
  MergeClassCounts(&incoming, o.incoming);
  MergeClassCounts(&outgoing, o.outgoing);
  MergeCounts(&origins, o.origins);
  MergeCounts(&destinations, o.destinations);
}

MobilityClass MobilityTally::Add(const AuthorHistory& h, const MobilityOptions& options) {
  MobilityClass cls = Classify(h, options);
  const int ci = static_cast<int>(cls);
  ++authors[ci];
  if (cls == MobilityClass::kUnclassified) return cls;
  std::span<const CountryCode> origin = Origin(h);
  for (CountryCode o : origin) ++by_origin[o][ci];

  TenureEvents(h, &events_scratch_);
  for (const TenureEvent& e : events_scratch_) {
    ++events[static_cast<int>(e.kind)];
    ++event_lengths[{e.kind, e.year, e.years_abroad}];
    if (e.kind == TenureKind::kReturn) {
      for (CountryCode c : e.to) ++countries[{c, e.year}].returns;
    } else if (e.kind == TenureKind::kMigration) {
      for (CountryCode c : e.from) ++countries[{c, e.year}].out_migrants;
      for (CountryCode c : e.to) ++countries[{c, e.year}].in_migrants;
      for (CountryCode f : e.from)
        for (CountryCode t : e.to) ++pairs[{f, t, e.year, FlowKind::kMigrant}];
    }
  }

  if (cls == MobilityClass::kDirectionalTraveller || cls == MobilityClass::kNonDirectionalTraveller) {
    // Each non-origin country, in the year it first appears.
    const auto& years = h.years();
    for (size_t i = 1; i < years.size(); ++i) {
      for (CountryCode c : h.CountriesOf(years[i])) {
        if (std::binary_search(origin.begin(), origin.end(), c)) continue;
        bool seen = false;
        for (size_t j = 1; j < i && !seen; ++j) {
          auto k = h.CountriesOf(years[j]);
          seen = std::binary_search(k.begin(), k.end(), c);
        }
        if (seen) continue;
        const int32_t y = years[i].year;
        ++countries[{c, y}].in_travellers;
        for (CountryCode o : origin) {
          ++countries[{o, y}].out_travellers;
          ++pairs[{o, c, y, FlowKind::kTraveller}];
        }
      }
    }
  }

  // The organisation scope: presence and moves across its boundary.
  const auto& years = h.years();
  for (size_t i = 0; i < years.size(); ++i) {
    const YearSet& y = years[i];
    if (y.in_scope) ++org[y.year].present[ci];
    if (i == 0) continue;
    const YearSet& p = years[i - 1];
    if (p.in_scope == y.in_scope) continue;
    OrgYearFlows& f = org[y.year];
    if (y.in_scope) {
      ++f.incoming[ci];
      for (CountryCode c : h.CountriesOf(p)) ++f.origins[c];
    } else {
      ++f.outgoing[ci];
      for (CountryCode c : h.CountriesOf(y)) ++f.destinations[c];
    }
  }
  return cls;
}

void MobilityTally::Merge(const MobilityTally& o) {
  MergeClassCounts(&authors, o.authors);
  for (size_t i = 0; i < events.size(); ++i) events[i] += o.events[i];
  for (const auto& [k, v] : o.by_origin) MergeClassCounts(&by_origin[k], v);
  for (const auto& [k, v] : o.countries) countries[k].Merge(v);
  MergeCounts(&pairs, o.pairs);
  MergeCounts(&event_lengths, o.event_lengths);
  for (const auto& [k, v] : o.org) org[k].Merge(v);
}

OrgYearFlows OrgTotal(const MobilityTally& tally, int first_year, int last_year) {
  OrgYearFlows total;
  for (auto it = tally.org.lower_bound(first_year); it != tally.org.end() && it->first <= last_year; ++it)
    total.Merge(it->second);
  return total;
}

}  // namespace coopscope::mobility
