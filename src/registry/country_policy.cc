#include "registry/country_policy.h"

#include <fmt/format.h>

namespace coopscope {

const std::vector<std::string>& FrenchOverseasCodes() {
  static const std::vector<std::string> codes = {"GF", "GP", "MQ", "RE", "YT", "PM",
                                                 "BL", "MF", "WF", "PF", "NC", "TF"};
  return codes;
}

CountryPolicy CountryPolicy::Identity() {
  CountryPolicy policy;
  for (int i = 0; i < kCountrySlots; ++i)
    policy.table_[i] = static_cast<CountryCode>((('A' + i / 26) << 8) | ('A' + i % 26));
  return policy;
}

CountryPolicy::CountryPolicy() {
  for (int i = 0; i < kCountrySlots; ++i) table_[i] = static_cast<CountryCode>((('A' + i / 26) << 8) | ('A' + i % 26));
  SetOverseasAsFrance(true);
  SetHongKongMacaoAsChina(true);
}

void CountryPolicy::SetOverseasAsFrance(bool on) {
  for (const std::string& code : FrenchOverseasCodes()) {
    CountryCode c = MakeCountry(code);
    table_[CountryIndex(c)] = on ? MakeCountry("FR") : c;
  }
}

void CountryPolicy::SetHongKongMacaoAsChina(bool on) {
  for (std::string_view code : {"HK", "MO"}) {
    CountryCode c = MakeCountry(code);
    table_[CountryIndex(c)] = on ? MakeCountry("CN") : c;
  }
}

Status CountryPolicy::AddRule(std::string_view rule) {
  auto eq = rule.find('=');
  CountryCode from = eq == std::string_view::npos ? kNoCountry : MakeCountry(rule.substr(0, eq));
  CountryCode to = eq == std::string_view::npos ? kNoCountry : MakeCountry(rule.substr(eq + 1));
  if (from == kNoCountry || to == kNoCountry)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("country rule '{}' is not of the form XX=YY (two ISO 3166-1 alpha-2 codes)", rule));
  table_[CountryIndex(from)] = to;
  return Status::Ok();
}

std::vector<std::string> CountryPolicy::Rules() const {
  std::vector<std::string> out;
  for (int i = 0; i < kCountrySlots; ++i) {
    CountryCode from = static_cast<CountryCode>((('A' + i / 26) << 8) | ('A' + i % 26));
    if (table_[i] != from) out.push_back(CountryName(from) + "=" + CountryName(table_[i]));
  }
  return out;
}

}  // namespace coopscope
