#include "indicators/report.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>

#include "io/threads.h"

namespace coopscope {
namespace {

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Applies h: the foreign flag, the partner countries and the foreign
// country mentions.
void ApplyHome(CountryCode home, Tally* t) {
  const int foreign = static_cast<int>(Indicator::kForeign), none = static_cast<int>(Indicator::kNoCountry);
  t->flagged[foreign] = t->p - t->flagged[none];
  t->flagged_frac[foreign] = t->p_frac;
  t->flagged_frac[foreign].Subtract(t->flagged_frac[none]);
  t->foreign_country_mentions = t->country_mentions;
  if (auto it = t->single_country.find(home); it != t->single_country.end()) {
    t->flagged[foreign] -= it->second.full;
    t->flagged_frac[foreign].Subtract(it->second.frac);
  }
  if (auto it = t->countries.find(home); it != t->countries.end()) {
    t->foreign_country_mentions -= it->second.full;
    t->countries.erase(it);
  }
}

void Finish(PeriodIndicators* period, const Collected& collected, const CountryPolicy& policy,
            const ReportOptions& options, CountryCode home, uint64_t seed) {
  ApplyHome(home, &period->tally);
  const Tally& t = period->tally;
  for (int i = 0; i < kIndicators; ++i) {
    if (t.p == 0) continue;
    period->pp[i] = static_cast<double>(t.flagged[i]) / static_cast<double>(t.p);
    period->ci[i] = BootstrapInterval(t.p, t.flagged[i], options.resamples, SplitMix(seed + static_cast<uint64_t>(i)));
  }
  for (const auto& [c, cp] : t.countries)
    period->partner_countries.push_back({c, cp, t.p ? static_cast<double>(cp.full) / static_cast<double>(t.p) : 0.0});
  std::sort(period->partner_countries.begin(), period->partner_countries.end(),
            [](const PartnerCountryRow& a, const PartnerCountryRow& b) {
              if (a.copubs.full != b.copubs.full) return a.copubs.full > b.copubs.full;
              return a.country < b.country;
            });
  // Ranked by (works, key): a total order, so the top rows do not depend on
  // the order the sums were made in.  Ranked as (works, key) pairs, a third
  // of the rows' size, then the top rows' sums found by key.
  std::vector<std::pair<uint64_t, PartnerKey>> ranked;
  ranked.reserve(t.institutions.size());
  for (const auto& [key, cp] : t.institutions) ranked.emplace_back(cp.full, key);
  auto before = [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  };
  period->partner_institutions_total = ranked.size();
  if (options.top_institutions != 0 && ranked.size() > options.top_institutions) {
    std::nth_element(ranked.begin(), ranked.begin() + static_cast<ptrdiff_t>(options.top_institutions), ranked.end(),
                     before);
    ranked.resize(options.top_institutions);
  }
  std::sort(ranked.begin(), ranked.end(), before);
  for (const auto& [full, key] : ranked) {
    auto it = std::lower_bound(t.institutions.begin(), t.institutions.end(), key,
                               [](const auto& row, PartnerKey k) { return row.first < k; });
    const Copubs& cp = it->second;  // present: ranked holds t.institutions' keys
    PartnerInfo info = DescribePartner(collected, key, policy);
    period->partner_institutions.push_back(
        {key, info, cp, t.p ? static_cast<double>(cp.full) / static_cast<double>(t.p) : 0.0});
  }
}

}  // namespace

const char* IndicatorName(Indicator indicator) {
  static const char* kNames[kIndicators] = {"collab",     "int_collab", "foreign",   "industry",
                                            "short_dist", "long_dist",  "no_country"};
  return kNames[static_cast<int>(indicator)];
}

const char* CollabTypeName(CollabType type) {
  static const char* kNames[kCollabTypes] = {"international", "national", "institutional", "single_author"};
  return kNames[static_cast<int>(type)];
}

const char* CountryClassName(CountryClass cls) {
  static const char* kNames[kCountryClasses] = {
      "no_country",  "domestic_single_institution", "domestic_multi_institution", "bilateral", "trilateral",
      "four_or_more"};
  return kNames[static_cast<int>(cls)];
}

FracUnits ToFracUnits(double frac) { return static_cast<FracUnits>(std::ldexp(frac, 62)); }

double FracSum::value() const { return std::ldexp(static_cast<double>(units()), -62); }

void Tally::AddFlags(uint16_t flags, CollabType type, CountryClass country_class, const Copubs& works) {
  p += works.full;
  p_frac.Add(works.frac);
  const bool set[kIndicators] = {(flags & kFlagCollab) != 0,        (flags & kFlagIntCollab) != 0,
                                 false,                              (flags & kFlagIndustry) != 0,
                                 (flags & kFlagShortDistance) != 0, (flags & kFlagLongDistance) != 0,
                                 (flags & kFlagNoCountry) != 0};
  for (int i = 0; i < kIndicators; ++i)
    if (set[i]) {
      flagged[i] += works.full;
      flagged_frac[i].Add(works.frac);
    }
  if (flags & kFlagDistanceKnown) distance_known += works.full;
  collab_types[static_cast<int>(type)] += works.full;
  country_classes[static_cast<int>(country_class)] += works.full;
}

void Tally::AddCountries(const CountryCode* k, size_t nk, const Copubs& works) {
  country_mentions += works.full * nk;
  for (size_t i = 0; i < nk; ++i) countries[k[i]].Add(works);
  if (nk == 1) single_country[k[0]].Add(works);
}

void Tally::SetInstitutions(const std::unordered_map<PartnerKey, Copubs>& sums) {
  institutions.assign(sums.begin(), sums.end());
  std::sort(institutions.begin(), institutions.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
}

void Tally::Merge(const Tally& o) { MergeAll({&o}); }

void Tally::MergeAll(const std::vector<const Tally*>& parts) {
  size_t total = institutions.size();
  for (const Tally* o : parts) {
    p += o->p;
    p_frac.Add(o->p_frac);
    for (int i = 0; i < kIndicators; ++i) {
      flagged[i] += o->flagged[i];
      flagged_frac[i].Add(o->flagged_frac[i]);
    }
    distance_known += o->distance_known;
    for (int i = 0; i < kCollabTypes; ++i) collab_types[i] += o->collab_types[i];
    for (int i = 0; i < kCountryClasses; ++i) country_classes[i] += o->country_classes[i];
    for (const auto& [c, cp] : o->countries) countries[c].Add(cp);
    for (const auto& [c, cp] : o->single_country) single_country[c].Add(cp);
    country_mentions += o->country_mentions;
    foreign_country_mentions += o->foreign_country_mentions;
    total += o->institutions.size();
  }
  // The partner institutions: one k-way merge of sorted runs into one
  // vector (merging them pairwise would copy the growing sum once per part).
  using Run = std::pair<std::vector<std::pair<PartnerKey, Copubs>>::const_iterator,
                        std::vector<std::pair<PartnerKey, Copubs>>::const_iterator>;
  std::vector<Run> runs;
  if (!institutions.empty()) runs.emplace_back(institutions.cbegin(), institutions.cend());
  for (const Tally* o : parts)
    if (!o->institutions.empty()) runs.emplace_back(o->institutions.cbegin(), o->institutions.cend());
  if (runs.empty() || (runs.size() == 1 && !institutions.empty())) return;
  std::vector<std::pair<PartnerKey, Copubs>> merged;
  merged.reserve(total);
  while (!runs.empty()) {
    PartnerKey least = runs[0].first->first;
    for (const Run& r : runs) least = std::min(least, r.first->first);
    merged.emplace_back(least, Copubs{});
    Copubs& into = merged.back().second;
    for (size_t i = 0; i < runs.size();) {
      Run& r = runs[i];
      if (r.first->first == least) {
        into.Add(r.first->second);
        if (++r.first == r.second) {
          runs[i] = runs.back();
          runs.pop_back();
          continue;
        }
      }
      ++i;
    }
  }
  institutions = std::move(merged);
}

Interval BootstrapInterval(uint64_t p, uint64_t p_x, int resamples, uint64_t seed) {
  if (p == 0 || resamples <= 0) return {};
  std::mt19937_64 rng(seed);
  std::binomial_distribution<uint64_t> draw(p, static_cast<double>(p_x) / static_cast<double>(p));
  std::vector<uint64_t> samples(static_cast<size_t>(resamples));
  for (auto& s : samples) s = draw(rng);
  std::sort(samples.begin(), samples.end());
  size_t lo = static_cast<size_t>(std::ceil(0.025 * resamples)) - 1;
  size_t hi = static_cast<size_t>(std::ceil(0.975 * resamples)) - 1;
  return {static_cast<double>(samples[lo]) / static_cast<double>(p),
          static_cast<double>(samples[hi]) / static_cast<double>(p)};
}

PartnerInfo DescribePartner(const Collected& collected, PartnerKey key, const CountryPolicy& policy) {
  const Registry* registry = collected.registry;
  const RegistryEntry* e = nullptr;
  if (registry != nullptr && registry->size() != 0)
    e = (key & kRorKeyBit) ? registry->FindRor(key & ~kRorKeyBit) : registry->FindOpenAlex(key);
  if (e != nullptr) return PartnerInfo{e->name, policy.Map(e->country), e->ror, true};
  if (auto it = collected.arena.partner_info.find(key); it != collected.arena.partner_info.end()) return it->second;
  PartnerInfo info;
  if (collected.directory != nullptr) collected.directory->Find(key, &info);
  return info;
}

namespace {
Report BuildReportFrom(const Collected& collected, std::map<int, Tally>* movable, const Scope& scope,
                       const CountryPolicy& policy, bool registry_loaded, const ReportOptions& options);
}  // namespace

Report BuildReport(const Collected& collected, const Scope& scope, const CountryPolicy& policy, bool registry_loaded,
                   const ReportOptions& options) {
  return BuildReportFrom(collected, nullptr, scope, policy, registry_loaded, options);
}

Report BuildReport(Collected&& collected, const Scope& scope, const CountryPolicy& policy, bool registry_loaded,
                   const ReportOptions& options) {
  return BuildReportFrom(collected, &collected.years, scope, policy, registry_loaded, options);
}

namespace {

// `movable`: collected's yearly tallies when the caller gives them up.
Report BuildReportFrom(const Collected& collected, std::map<int, Tally>* movable, const Scope& scope,
                       const CountryPolicy& policy, bool registry_loaded, const ReportOptions& options) {
  Report report;
  report.org_name = scope.name();
  report.roots = scope.roots();
  // Roots the registry does not name take the name the works give them.
  for (ScopeMember& root : report.roots) {
    if (!root.name.empty()) continue;
    if (auto it = collected.arena.root_names.find(root.openalex); it != collected.arena.root_names.end()) {
      if (report.org_name == FormatOpenAlexId(root.openalex, 'I')) report.org_name = it->second;
      root.name = it->second;
    }
  }
  report.ingest = collected.ingest;
  report.country_rules = policy.Rules();
  report.registry_loaded = registry_loaded;
  report.resamples = options.resamples;
  report.seed = options.seed;
  report.home = options.home != kNoCountry ? options.home : scope.home();
  if (report.home == kNoCountry) {
    report.home = collected.inferred_home;
    report.home_inferred = true;
  }
  // The works per year: summed already (the store), else summed here.
  std::map<int, Tally> summed;
  if (!collected.tallied) {
    std::map<int, std::unordered_map<PartnerKey, Copubs>> partners;
    for (const WorkFacts& f : collected.works) {
      Tally& t = summed[f.year];
      Copubs one;
      one.Add(ToFracUnits(f.frac));
      t.AddFlags(f.flags, f.type, f.country_class, one);
      t.AddCountries(collected.arena.countries.data() + f.countries_begin, f.countries_end - f.countries_begin, one);
      auto& p = partners[f.year];
      for (uint32_t i = f.partners_begin; i < f.partners_end; ++i) p[collected.arena.partners[i]].Add(one);
    }
    for (const auto& [year, p] : partners) summed[year].SetInstitutions(p);
  }
  const std::map<int, Tally>& by_year = collected.tallied ? collected.years : summed;
  std::map<int, Tally>* take = collected.tallied ? movable : &summed;  // moved from rather than copied
  int first = options.first_year, last = options.last_year;
  if (first == 0 || last == 0) {
    int lo = 0, hi = 0;
    for (const auto& [year, t] : by_year) {
      if (year == 0 || t.p == 0) continue;
      if (lo == 0 || year < lo) lo = year;
      hi = std::max(hi, year);
    }
    if (first == 0) first = lo;
    if (last == 0) last = hi;
  }
  report.first_year = first;
  report.last_year = last;
  std::map<int, Tally> years;
  for (int y = first; y <= last && first != 0; ++y) {
    Tally& t = years[y];
    if (auto it = by_year.find(y); it != by_year.end()) t = take != nullptr ? std::move((*take)[y]) : it->second;
  }
  const uint64_t seed = options.seed;
  // Every period's tallies (the whole range and the windows merged from the
  // years, then the years' tallies moved into theirs), then every period
  // finished: the periods are independent, each with its own seed, so both
  // steps run on two threads.
  report.total.first_year = first;
  report.total.last_year = last;
  std::vector<std::pair<PeriodIndicators*, uint64_t>> periods = {{&report.total, SplitMix(seed ^ 0x70741)}};
  std::vector<std::vector<const Tally*>> parts(1);
  for (const auto& [year, tally] : years) parts[0].push_back(&tally);
  if (options.window > 0) {
    for (int start = first; start + options.window - 1 <= last && first != 0; ++start) {
      PeriodIndicators& period = report.windows.emplace_back();
      period.first_year = start;
      period.last_year = start + options.window - 1;
      parts.emplace_back();
      for (int y = start; y <= period.last_year; ++y) parts.back().push_back(&years[y]);
    }
    for (PeriodIndicators& period : report.windows)
      periods.emplace_back(&period, SplitMix(seed ^ (static_cast<uint64_t>(period.first_year) << 20) ^
                                             static_cast<uint64_t>(options.window)));
  }
  auto on_two_threads = [](size_t n, const auto& task) {
    std::atomic<size_t> next{0};
    RunThreads(ThreadsFor(2, n), [&](unsigned) {
      for (size_t i; (i = next.fetch_add(1)) < n;) task(i);
    });
  };
  on_two_threads(parts.size(), [&](size_t i) { periods[i].first->tally.MergeAll(parts[i]); });
  report.by_year.reserve(years.size());
  for (auto& [year, tally] : years) {
    PeriodIndicators& period = report.by_year.emplace_back();
    period.first_year = period.last_year = year;
    period.tally = std::move(tally);
  }
  for (PeriodIndicators& period : report.by_year)
    periods.emplace_back(&period, SplitMix(seed ^ static_cast<uint64_t>(period.first_year) * 1000003));
  on_two_threads(periods.size(), [&](size_t i) {
    Finish(periods[i].first, collected, policy, options, report.home, periods[i].second);
  });
  return report;
}

}  // namespace

}  // namespace coopscope
