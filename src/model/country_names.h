// Country names in English and French, read from Debian's iso-codes package
// (the ISO 3166-1 list in /usr/share/iso-codes/json and its French gettext
// catalogue), loaded once on first use.  Without the package, a name falls
// back to the alpha-2 code, so output stays correct if plainer.  Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "model/country.h"

namespace coopscope {

enum class Lang : uint8_t { kEn, kFr };

// "en" or "fr" (case-insensitive); false for anything else.
bool ParseLang(std::string_view text, Lang* lang);

// The common name of the country ("France", "Allemagne"); its code when unknown.
std::string LocalCountryName(CountryCode code, Lang lang);

// Where the names come from (tests and the sheet's sources line).
inline constexpr const char* kIsoCodesJson = "/usr/share/iso-codes/json/iso_3166-1.json";
inline constexpr const char* kIsoCodesFrenchMo = "/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo";

}  // namespace coopscope
