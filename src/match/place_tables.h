// The place-name tables of the affiliation matcher, written as data: country
// names and their common variants (English, French, German, Spanish),
// sub-national regions (US states, Canadian provinces, Australian states, the
// nations of the United Kingdom), postal-code prefixes, research cities,
// countries' demonyms ("German", "Polska"), and the names that are several
// places at once (Georgia the country and the US state).
//
// Every name is stored as written by people; the matcher folds it with
// NormalizeName before use.  The tables are immutable static data:
// thread-safe to read.
#pragma once

#include <string_view>
#include <vector>

#include "model/country.h"

namespace coopscope {

// One line of a table: an ISO 3166-1 alpha-2 code and the names meaning it.
struct PlaceNames {
  std::string_view code;  // ISO2 ("US", "FR", "GP", …)
  std::vector<std::string_view> names;
};

// Countries and territories, with variants in several languages.
const std::vector<PlaceNames>& CountryNames();

// A region of a country: a full name and the postal abbreviation used in
// addresses ("California", "CA").
struct RegionName {
  std::string_view country;       // ISO2 of the country holding the region
  std::string_view name;          // "New Mexico", "Ontario", "Scotland"
  std::string_view abbreviation;  // "NM", "ON", ""; matched only in upper case
};
const std::vector<RegionName>& RegionNames();

// Names that are a country and a region of another country at once
// ("Georgia"): they count only when other evidence agrees with one side.
struct AmbiguousPlace {
  std::string_view name;
  std::string_view country_a, country_b;
};
const std::vector<AmbiguousPlace>& AmbiguousPlaces();

// Postal prefixes written before a postal code ("D-69120", "F-75005",
// "CH-8092"), mapped to their country.
const std::vector<PlaceNames>& PostalPrefixes();

// Cities where research is done whose name means one country.  Cities whose
// name is shared by well-known places of several countries (Cambridge,
// Birmingham, Athens, Valencia, London Ontario…) are left out on purpose.
const std::vector<PlaceNames>& CityNames();

// Adjectives naming a country, as organisations' names use them ("German
// Aerospace Center", "Polish Academy of Sciences", "Deutsches
// Krebsforschungszentrum").  They count only inside names, and only those the
// registry vets (PlaceIndex::AddInnerPlaces): "American" (American University
// of Beirut) or "British" (British Columbia) do not.
const std::vector<PlaceNames>& Demonyms();

// ISO 3166-1 alpha-3 codes that end affiliations written in capitals
// ("IRSTEA BORDEAUX UR ETBX FRA" in Irstea's BibTeX exports, "UNIV HELSINKI
// FIN"), read only there (see CollectCountryEvidence).  Codes that are words
// an affiliation in capitals may end with are left out: EST ("PARIS EST"),
// MAR, PER, DOM, SUR, AND, COM, GIN, TON, BEN, ARE, NIC, GEO, COL, MAC.
// "ROM", Romania's former code, is still written.
struct CountryCode3 {
  std::string_view code, country;  // "FRA", "FR"
};
const std::vector<CountryCode3>& CountryCodes3();

// Territories that are part of a larger country in everyday addresses
// ("Pointe-à-Pitre, Guadeloupe, France"): evidence for the sovereign does not
// contradict the territory, and the territory's own code is kept.
struct TerritoryOf {
  std::string_view territory, sovereign;
};
const std::vector<TerritoryOf>& Territories();
// The country a territory belongs to (GP → FR); kNoCountry for others.
CountryCode SovereignOf(CountryCode territory);
// Whether two countries are one, or a territory and its sovereign ("GP" and
// "FR").
bool SameOrTerritory(CountryCode a, CountryCode b);

}  // namespace coopscope
