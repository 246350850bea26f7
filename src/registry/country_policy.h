// The country policy of ../shared/guide/INDICATORS.md: which stated codes
// count as which country.  Defaults: French overseas codes count as FR, HK and
// MO as CN, TW stays TW.  Immutable after set-up; thread-safe to read.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "io/status.h"
#include "model/country.h"

namespace coopscope {

class CountryPolicy {
 public:
  CountryPolicy();  // identity mapping plus the defaults
  static CountryPolicy Identity();

  // Applies the policy; kNoCountry stays kNoCountry.
  CountryCode Map(CountryCode code) const { return code == kNoCountry ? kNoCountry : table_[CountryIndex(code)]; }
  // "XX=YY": counts XX as YY.  "XX=XX" undoes a default.
  Status AddRule(std::string_view rule);
  void SetOverseasAsFrance(bool on);
  void SetHongKongMacaoAsChina(bool on);
  // The rules that differ from identity, "GF=FR" etc., sorted.
  std::vector<std::string> Rules() const;

 private:
  std::array<CountryCode, kCountrySlots> table_;
};

// French overseas codes of the policy (GF GP MQ RE YT PM BL MF WF PF NC TF).
const std::vector<std::string>& FrenchOverseasCodes();

}  // namespace coopscope
