// Synthetic HR records for tests, benchmarks and the sample run: people,
// recruitments, missions (about 60,000 a year at CNRS scale, from a day to
// three years), incoming visitors and international structures, written as
// the CSV files of docs/hr-records.md.  Units are the CNRS child units of the
// ROR records, mission hosts, visitors' institutions and structure partners
// are real ROR organisations of the destination country.  Deterministic by
// seed (its own SplitMix64 stream, no library distribution).
#pragma once

#include <cstdint>
#include <string>

#include "io/status.h"

namespace coopscope::hr {

struct HrGenerateOptions {
  std::string out_dir;
  std::string registry;        // ROR v2 dump (required)
  std::string scale = "small";  // "small" (a few hundred people) or "cnrs"
  uint64_t seed = 42;
  int first_year = 0, last_year = 0;  // 0: 2018-2023 for cnrs, 2020-2022 for small
  uint64_t missions_per_year = 0;     // 0: the scale's (60,000 for cnrs, 1,500 for small)
};

struct HrGenerateSummary {
  uint64_t people = 0, recruitments = 0, missions = 0, visitors = 0, structures = 0;
};

// Writes people.csv, recruitments.csv, missions.csv, visitors.csv and
// structures.csv into out_dir (created).
Result<HrGenerateSummary> GenerateHr(const HrGenerateOptions& options);

}  // namespace coopscope::hr
