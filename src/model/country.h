// Country codes (ISO 3166-1 alpha-2) packed into 16 bits.
//
// A CountryCode is 0 when unknown; otherwise ('A'..'Z') pairs.  Pure values,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace coopscope {

using CountryCode = uint16_t;
inline constexpr CountryCode kNoCountry = 0;

// Upper-cases and packs a two-letter code; returns kNoCountry for anything
// else (null, "", "XX1", digits).
constexpr CountryCode MakeCountry(std::string_view code) {
  if (code.size() != 2) return kNoCountry;
  auto up = [](char c) -> int {
    if (c >= 'a' && c <= 'z') return c - 'a' + 'A';
    return (c >= 'A' && c <= 'Z') ? c : -1;
  };
  int a = up(code[0]), b = up(code[1]);
  if (a < 0 || b < 0) return kNoCountry;
  return static_cast<CountryCode>((a << 8) | b);
}

inline std::string CountryName(CountryCode code) {
  if (code == kNoCountry) return "";
  return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
}

// Dense index 0..675 of a valid code, for table lookups.
constexpr int CountryIndex(CountryCode code) {
  return ((code >> 8) - 'A') * 26 + ((code & 0xff) - 'A');
}
inline constexpr int kCountrySlots = 26 * 26;

}  // namespace coopscope
