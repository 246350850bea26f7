// Continents of ISO 3166-1 alpha-2 countries (the seven-continent model of
// GeoNames: AF, AN, AS, EU, NA, OC, SA), and the list of assigned codes (plus
// XK, Kosovo, in common use).  Pure, thread-safe look-ups over a fixed table.
#pragma once

#include <string_view>

#include "model/country.h"

namespace coopscope {

enum class Continent : uint8_t { kUnknown = 0, kAfrica, kAntarctica, kAsia, kEurope, kNorthAmerica, kOceania, kSouthAmerica };

// kUnknown for a code that is not an assigned country.
Continent ContinentOf(CountryCode country);
// True for an assigned ISO 3166-1 alpha-2 code (or XK).
inline bool IsAssignedCountry(CountryCode country) { return ContinentOf(country) != Continent::kUnknown; }
// "AF", "AN", "AS", "EU", "NA", "OC", "SA"; "" for kUnknown.
std::string_view ContinentCode(Continent c);
// "Africa", …, "South America"; "unknown" for kUnknown.
std::string_view ContinentName(Continent c);

}  // namespace coopscope
