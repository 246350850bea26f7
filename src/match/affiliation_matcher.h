// The affiliation matcher: a raw affiliation string → a country (ISO2, with a
// score and its evidence) and → a ROR organisation (with its ancestors, a
// score and why).  See docs/matcher.md for the method and the measured
// precision and recall.
//
// Unknown stays unknown: when evidence is weak or conflicts, the country or
// the organisation is left empty rather than guessed.  French overseas
// territories keep their own codes (GP, RE, …); CountryPolicy maps them
// later if the caller wants.
//
// Built once (from a Registry that must outlive it, or without one for
// countries only), then immutable: Match is const and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "match/country_evidence.h"
#include "match/org_index.h"
#include "model/country.h"
#include "model/ids.h"

namespace coopscope {

class Registry;
struct RegistryEntry;

struct MatchOptions {
  bool explain = false;  // fill the evidence lists (slower)
};

struct AffiliationMatch {
  CountryCode country = kNoCountry;  // kNoCountry: unknown
  double country_score = 0;          // 0..1
  const RegistryEntry* organisation = nullptr;  // nullptr: none accepted
  double organisation_score = 0;                // 0..1
  std::vector<RorId> ancestors;                 // of `organisation`, nearest first
  std::vector<OrgCandidate> candidates;         // every accepted organisation, best first (see OrgIndex::Match)
  std::vector<std::string> country_evidence;    // when explaining
  std::vector<std::string> notes;               // when explaining: removed noise and the like
  std::vector<std::string> refused;             // when explaining: names found and why they gave no organisation
  bool place_found = false;  // the string itself names a place (country evidence before organisations)
};

class AffiliationMatcher {
 public:
  AffiliationMatcher();                              // countries only
  explicit AffiliationMatcher(const Registry& registry);
  ~AffiliationMatcher();

  AffiliationMatch Match(std::string_view text, const MatchOptions& options = {}) const;

  bool has_registry() const { return orgs_ != nullptr; }
  const Registry* registry() const;  // nullptr: countries only
  const CountryWeights& country_weights() const { return country_weights_; }
  const PlaceIndex& places() const { return places_; }

 private:
  // Whether the candidate's name is one word that makes a whole segment
  // (footnote numbers aside) and is a place of `country` (or of any country
  // when it is unknown): a region code or a place name, not an organisation.
  bool IsPlaceSegment(const AffiliationText& text, const OrgCandidate& c, CountryCode country) const;

  // Whether the string names a city (of the place tables or the registry's
  // cities) of the organisation's country other than its own.
  bool NamesAnotherCity(const AffiliationText& text, const RegistryEntry& e) const;

  CountryWeights country_weights_;
  PlaceIndex places_;
  std::unique_ptr<OrgIndex> orgs_;
};

// Limits of the cities learnt from the registry: a city counts when this many
// organisations sit there, nearly all in one country.
inline constexpr size_t kRegistryCityMinOrgs = 3;
inline constexpr double kRegistryCityMinShare = 0.9;
// A city or region counts inside a name when this many organisations carry it
// in a name, this share of them in the place's country (2, not 3, since
// session 10: "University of Genova", "Princeton Neuroscience Institute";
// 1 lets one odd name speak, docs/matcher.md).
inline constexpr size_t kInnerPlaceMinOrgs = 2;
inline constexpr double kInnerPlaceMinShare = 0.95;

}  // namespace coopscope
