// Synthetic OpenAlex author entities (2024+ shape: `affiliations[]` with
// `years`, `last_known_institutions`, `counts_by_year`, summary bulk; a share
// in the old shape with only `last_known_institution`), drawn from the real
// ROR records through a synth::Universe, deterministic by seed, with a known
// mix of mobility histories: non-mobile (one or two domestic institutions),
// migrants (some with an overlap year), directional travellers (a foreign
// affiliation added while the origin stays), returnees (a temporary stay
// abroad, then home: directional travellers by the rules), non-directional
// travellers (two countries from the first year) and authors without any
// affiliation (unclassified).  French authors often sit in CNRS units, so
// the CNRS scope sees moves in and out.  Institutions with a null country are
// not drawn, so the expected classes hold with or without a registry (under
// the default country policy).  Pure function of its options.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "io/status.h"
#include "registry/registry.h"

namespace coopscope {

struct AuthorGenOptions {
  std::string out_dir;        // writes <out_dir>/authors/updated_date=…/part_NNN.{jsonl,gz,zst} + manifest.json
  uint64_t authors = 100000;
  uint64_t seed = 42;
  unsigned parts = 4;
  std::string compression = "none";  // none, gz, zst
  int first_year = 2008, last_year = 2023;
  // The mix, as shares of all authors (the rest is non-mobile).
  double migrant_share = 0.08;
  double directional_share = 0.08;
  double returnee_share = 0.04;
  double non_directional_share = 0.03;
  double empty_share = 0.02;   // no affiliation: unclassified
  double legacy_share = 0.03;  // old shape (last_known_institution only): non-mobile
};

// The classes the rules must find (indexed like mobility::MobilityClass:
// unclassified, non-mobile, migrant, directional, non-directional) with the
// default MobilityOptions (every year, one publication at least).
struct AuthorGenSummary {
  std::array<uint64_t, 5> expected{};
  uint64_t records = 0;
  uint64_t bytes = 0;
};

// REGISTRY supplies the institutions (a ROR v2 dump with CNRS and its units).
Result<AuthorGenSummary> GenerateAuthors(const AuthorGenOptions& options, const Registry& registry);

}  // namespace coopscope
