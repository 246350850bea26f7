// Fixed tables behind the synthetic works: the world output mix by country
// (share of world publications, approximate, per mille), country names,
// personal names by region, a scientific vocabulary, OpenAlex fields and
// domains, publishers and concepts.  Constant data, thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "model/country.h"

namespace coopscope::synth {

enum class NameRegion : uint8_t {
  kAnglo,
  kChinese,
  kGerman,
  kFrench,
  kJapanese,
  kKorean,
  kIndian,
  kHispanic,
  kLusophone,
  kItalian,
  kSlavic,
  kNordic,
  kMiddleEast,
};

struct CountryInfo {
  std::string_view code;
  std::string_view name;
  double weight;  // approximate share of world output, per mille
  NameRegion region;
};

// Countries of the world output mix, largest first.
std::span<const CountryInfo> WorldMix();
// Weight of any country absent from WorldMix() that the registry knows.
inline constexpr double kTailCountryWeight = 0.6;

// The entry of a country in WorldMix(), or nullptr.
const CountryInfo* FindCountryInfo(CountryCode code);

struct NameList {
  std::span<const std::string_view> given;
  std::span<const std::string_view> family;
};
const NameList& Names(NameRegion region);

std::span<const std::string_view> ScienceWords();   // content words for titles and abstracts
std::span<const std::string_view> FunctionWords();  // "the", "of", …
std::span<const std::string_view> Departments();    // "Department of Physics", …

struct FieldInfo {
  int id;  // OpenAlex field id (11..36)
  std::string_view name;
  int domain;  // 1..4
};
std::span<const FieldInfo> Fields();
std::string_view DomainName(int domain);

struct PublisherInfo {
  std::string_view name;
  int doi_prefix;
};
std::span<const PublisherInfo> Publishers();

struct ConceptInfo {
  std::string_view name;
  int level;
};
std::span<const ConceptInfo> Concepts();

}  // namespace coopscope::synth
