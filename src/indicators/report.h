// Indicators of an organisation (../shared/guide/INDICATORS.md) per year, for
// the whole year range and for moving windows, from the facts the engine
// kept.  Tallies are mergeable partial sums, so years add up to periods and
// threads (later, MPI ranks) combine.  Pure computation; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "indicators/engine.h"
#include "indicators/tally.h"

namespace coopscope {

struct Interval {
  double low = 0, high = 0;
};

struct PartnerCountryRow {
  CountryCode country;
  Copubs copubs;
  double share;
};
struct PartnerInstitutionRow {
  PartnerKey key;
  PartnerInfo info;
  Copubs copubs;
  double share;
};

// The indicators of one period (a year, a window or the whole range).
struct PeriodIndicators {
  int first_year = 0, last_year = 0;
  Tally tally;
  std::array<std::optional<double>, kIndicators> pp{};  // empty when P = 0
  std::array<std::optional<Interval>, kIndicators> ci{};
  std::vector<PartnerCountryRow> partner_countries;         // ranked: copubs desc, then code
  std::vector<PartnerInstitutionRow> partner_institutions;  // ranked, cut to top_institutions
  uint64_t partner_institutions_total = 0;
};

struct ReportOptions {
  int first_year = 0, last_year = 0;  // 0 = from the data
  int window = 4;                     // moving window width in years; 0 = none
  size_t top_institutions = 100;      // 0 = all
  int resamples = 1000;
  uint64_t seed = 20240101;
  CountryCode home = kNoCountry;  // h(S); kNoCountry = infer from the data
};

struct Report {
  std::string org_name;
  std::vector<ScopeMember> roots;
  CountryCode home = kNoCountry;
  bool home_inferred = false;
  int first_year = 0, last_year = 0;
  std::vector<PeriodIndicators> by_year;  // every year of the range, also empty ones
  std::vector<PeriodIndicators> windows;
  PeriodIndicators total;
  IngestReport ingest;
  std::vector<std::string> country_rules;
  bool registry_loaded = false;
  int resamples = 0;
  uint64_t seed = 0;
};

// How the report describes a partner institution: from collected.registry
// when it knows the partner, else as the works described it (the arena, then
// collected.directory).
PartnerInfo DescribePartner(const Collected& collected, PartnerKey key, const CountryPolicy& policy);

Report BuildReport(const Collected& collected, const Scope& scope, const CountryPolicy& policy, bool registry_loaded,
                   const ReportOptions& options);
// The same, taking collected's yearly tallies instead of copying them.
Report BuildReport(Collected&& collected, const Scope& scope, const CountryPolicy& policy, bool registry_loaded,
                   const ReportOptions& options);

// 95% interval of PP from a bootstrap over the P works: each resample's
// P_x is Binomial(P, PP) (resampling works with replacement), so the
// resamples are drawn as binomials with a fixed seed.  Percentiles by nearest
// rank: the 25th and 975th of 1000 sorted resamples.
Interval BootstrapInterval(uint64_t p, uint64_t p_x, int resamples, uint64_t seed);

}  // namespace coopscope
