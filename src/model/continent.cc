#include "model/continent.h"

#include <array>

namespace coopscope {
namespace {

// Space-separated codes per continent (GeoNames countryInfo assignment).
struct ContinentList {
  Continent continent;
  std::string_view codes;
};
constexpr ContinentList kLists[] = {
    {Continent::kAfrica,
     "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU YT MA "
     "MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW"},
    {Continent::kAntarctica, "AQ BV GS HM TF"},
    {Continent::kAsia,
     "AF AM AZ BH BD BT BN KH CN GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM NP KP OM PK PS PH QA SA "
     "SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE IO CC CX"},
    {Continent::kEurope,
     "AL AD AT BY BE BA BG HR CY CZ DK EE FO FI FR DE GI GR GG HU IS IE IM IT JE XK LV LI LT LU MT MD MC ME NL MK "
     "NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB VA AX"},
    {Continent::kNorthAmerica,
     "AI AG AW BS BB BZ BM BQ VG CA KY CR CU CW DM DO SV GL GD GP GT HT HN JM MQ MX MS NI PA PR BL KN LC MF PM VC "
     "SX TT TC US VI"},
    {Continent::kOceania, "AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF"},
    {Continent::kSouthAmerica, "AR BO BR CL CO EC FK GF GY PY PE SR UY VE"},
};

const std::array<Continent, kCountrySlots>& Table() {
  static const std::array<Continent, kCountrySlots> table = [] {
    std::array<Continent, kCountrySlots> t{};
    for (const ContinentList& list : kLists)
      for (size_t i = 0; i + 2 <= list.codes.size(); i += 3) t[CountryIndex(MakeCountry(list.codes.substr(i, 2)))] = list.continent;
    return t;
  }();
  return table;
}

}  // namespace

Continent ContinentOf(CountryCode country) {
  if (country == kNoCountry) return Continent::kUnknown;
  return Table()[CountryIndex(country)];
}

std::string_view ContinentCode(Continent c) {
  constexpr std::string_view kCodes[] = {"", "AF", "AN", "AS", "EU", "NA", "OC", "SA"};
  return kCodes[static_cast<int>(c)];
}

std::string_view ContinentName(Continent c) {
  constexpr std::string_view kNames[] = {"unknown", "Africa",   "Antarctica", "Asia",
                                         "Europe",  "North America", "Oceania", "South America"};
  return kNames[static_cast<int>(c)];
}

}  // namespace coopscope
