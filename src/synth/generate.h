// Synthetic OpenAlex works for scale tests and benchmarks, deterministic by
// seed: heavy-tailed author counts (up to thousands), the country mix of
// world output, about 15% of works with CNRS units drawn from the real ROR
// records, labs with a null country, multi-parent lineages, 2022-format
// records without lineage or countries, and a share of duplicated ids with
// older updated_date.  Pure function of its options.
#pragma once

#include <cstdint>
#include <string>

#include "io/status.h"

namespace coopscope {

struct GenerateOptions {
  std::string out_dir;      // folder to write into (created)
  uint64_t works = 100000;  // works in all
  uint64_t first_index = 0;  // works are numbered [first_index, first_index + works): disjoint runs, disjoint ids
  uint64_t seed = 42;
  unsigned parts = 4;                // files written
  std::string compression = "none";  // none, gz, zst
  std::string registry;              // ROR v2 dump to draw CNRS units and partners from (required)
  double cnrs_share = 0.15;          // share of works with a CNRS unit
  double duplicate_share = 0.01;     // share of works written twice (older version first)
  int first_year = 2015, last_year = 2024;
  unsigned threads = 0;  // 0 = all cores
};

// Writes <out_dir>/works/updated_date=YYYY-MM-DD/part_NNN.{jsonl,gz,zst} plus a
// manifest.json with each part's record_count.
Status RunGenerate(const GenerateOptions& options);

}  // namespace coopscope
