// The rank and country tallies of a generation as catalog blobs
// (docs/store-format.md "Tallies"): one blob naming the ranked organisations,
// then per year one blob of rank rows and one of country pairs.  Written by
// the settle step, read by `rank`, `countries`, the stored answers' choice of
// organisations and `store verify`.
//
// A blob: magic, format version, crc32, then one zstd frame of LEB128
// varints.  Decoding is bounds-checked: a damaged blob is an error naming it
// (`where`), never a crash.  Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "indicators/work_facts.h"
#include "io/status.h"
#include "model/country.h"
#include "model/ids.h"

namespace coopscope::store {

inline constexpr char kTallyMagic[8] = {'C', 'O', 'O', 'P', 'T', 'A', 'L', 'Y'};
inline constexpr uint32_t kTallyFormatVersion = 1;

// How the organisation dictionary describes a ranked organisation.
enum class TallyNaming : uint8_t {
  kNone = 0,      // no name known
  kRegistry = 1,  // the registry's entry (the reader looks it up: name, mapped country, ROR)
  kWorks = 2,     // as the works state it: name, country, ROR kept in the blob
  kWorksEntry = 3,  // as the works state it, which is a registry entry's (by the ROR they give): its number kept
};

struct TallyOrg {
  PartnerKey key = 0;
  TallyNaming naming = TallyNaming::kNone;
  std::string name;  // kWorks only
  CountryCode country = kNoCountry;  // kWorks only
  RorId ror = 0;                     // kWorks only
  uint32_t entry = 0;                // kWorksEntry: its index in the registry's entries
};

// One organisation's tallies in a year; `org` indexes the dictionary.
struct TallyRank {
  uint32_t org = 0;
  uint64_t p = 0, p_int_collab = 0;
  double p_frac = 0;
};

struct TallyPair {
  CountryCode a = 0, b = 0;  // a <= b; (a, a) holds a's own P
  uint64_t copubs = 0;
};

// The dictionary: organisations in ascending key order, with the fingerprint
// of the registry that named them (RegistryCrc, as meta.registry_crc).
std::string EncodeTallyOrgs(uint32_t registry_crc, const std::vector<TallyOrg>& orgs);
Status DecodeTallyOrgs(std::string_view blob, const std::string& where, uint32_t* registry_crc,
                       std::vector<TallyOrg>* out);

// A year's rank rows in ascending `org`.  p_frac is kept to the 6 decimals
// `rank` orders by and prints (`llround(p_frac * 1e6)`, "{:.6f}", "{:.2f}");
// a value whose 6-decimal form would change any of them is kept whole.
std::string EncodeRankYear(const std::vector<TallyRank>& rows);
// `orgs`: the dictionary's size (every row's org must be below it).
Status DecodeRankYear(std::string_view blob, const std::string& where, size_t orgs, std::vector<TallyRank>* out);

// A year's country pairs in ascending (a, b).
std::string EncodePairsYear(const std::vector<TallyPair>& rows);
Status DecodePairsYear(std::string_view blob, const std::string& where, std::vector<TallyPair>* out);

}  // namespace coopscope::store
