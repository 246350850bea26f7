#include "match/affiliation_matcher.h"

#include <fmt/format.h>

#include <algorithm>

#include "match/place_tables.h"
#include "registry/registry.h"

namespace coopscope {

AffiliationMatcher::AffiliationMatcher() = default;
AffiliationMatcher::~AffiliationMatcher() = default;

AffiliationMatcher::AffiliationMatcher(const Registry& registry) : orgs_(std::make_unique<OrgIndex>(registry)) {
  places_.AddRegistryCities(registry, kRegistryCityMinOrgs, kRegistryCityMinShare);
  places_.AddInnerPlaces(registry, kInnerPlaceMinOrgs, kInnerPlaceMinShare);
}

bool AffiliationMatcher::IsPlaceSegment(const AffiliationText& text, const OrgCandidate& c, CountryCode country) const {
  if (c.last_token != c.first_token + 1) return false;
  const AffiliationToken& t = text.tokens[c.first_token];
  const AffiliationSegment& seg = text.segments[t.segment];
  if (c.first_token != seg.first) return false;
  for (uint32_t q = c.last_token; q < seg.last; ++q)
    if (!text.tokens[q].digits) return false;
  CountryCode place = t.upper ? places_.RegionCode(t.text) : kNoCountry;
  if (place == kNoCountry)
    if (const auto* hits = places_.Find(t.text); hits != nullptr && !hits->empty()) place = hits->front().country;
  return place != kNoCountry && (country == kNoCountry || place == country);
}

bool AffiliationMatcher::NamesAnotherCity(const AffiliationText& text, const RegistryEntry& e) const {
  const std::string own_city = JoinTokens(NameTokens(e.city));
  return places_.AnyHit(text.tokens, [&](std::string_view phrase, const PlaceHit& h) {
    return phrase != own_city && h.kind == PlaceKind::kCity && h.country == e.country;
  });
}

const Registry* AffiliationMatcher::registry() const { return orgs_ ? &orgs_->registry() : nullptr; }

AffiliationMatch AffiliationMatcher::Match(std::string_view raw, const MatchOptions& options) const {
  AffiliationMatch m;
  const bool explain = options.explain;
  AffiliationText text = ParseAffiliation(raw);
  if (explain)
    for (const auto& r : text.removed) m.notes.push_back(fmt::format("ignored \"{}\" (e-mail, ORCID or URL)", r));
  std::vector<CountryEvidence> evidence =
      CollectCountryEvidence(text, places_, country_weights_, explain, explain ? &m.notes : nullptr);
  m.place_found = !evidence.empty();
  // The string's own country first: it vets the organisations.
  CountryDecision own = DecideCountry(evidence, country_weights_, false);
  if (orgs_ != nullptr) {
    m.candidates = orgs_->Match(text, own.country, explain, explain ? &m.refused : nullptr);
    // A one-word name that is a whole segment (footnote numbers aside) and a
    // place of the string's country is that place: "DC" in "Washington, DC,
    // USA" is not Dordt University's acronym, "Singapore" no organisation.
    std::erase_if(m.candidates, [&](const OrgCandidate& c) { return IsPlaceSegment(text, c, own.country); });
    // A short acronym that only the country supports, in a string naming
    // another city of that country, is another organisation's: "ASL Lecce"
    // is not the Azienda Sanitaria Locale of Salerno, "ICMS … London" not
    // Edinburgh's centre.  Organisations with units (CNRS, Inserm) have
    // sites everywhere and are kept.
    std::erase_if(m.candidates, [&](const OrgCandidate& c) {
      return c.short_acronym_by_country && c.entry->ror_children.empty() && NamesAnotherCity(text, *c.entry);
    });
    // The best organisation named in the string (not the CNRS inferred from
    // a unit code, which may be abroad) is country evidence too.  One given
    // as the organisation always is: a string read as a French institute is
    // read as French.  One that heads a longer name the registry lacks counts
    // only with support (its city, the country, a rare word): "Open
    // University …" may be another country's.
    for (const OrgCandidate& c : m.candidates) {
      if (c.parent_by_code || c.by_relative || c.entry->country == kNoCountry) continue;
      if (!c.supported && c.heads_longer) break;
      const RegistryEntry& where = c.located();
      CountryEvidence ev;
      ev.country = where.country;
      ev.weight = country_weights_.organisation;
      ev.organisation = true;
      if (explain) ev.reason = fmt::format("organisation {} {}", FormatRorId(where.ror), where.name);
      evidence.push_back(std::move(ev));
      break;
    }
    // A French unit code, not an international laboratory's, tells France
    // when nothing else speaks of a country: "Laboratoire GREYC -
    // UMR6072", "Institut d'Histoire du Droit - EA 7401".
    if (evidence.empty())
      for (const UnitCode& code : FindUnitCodes(text)) {
        if (!code.in_france) continue;
        CountryEvidence ev;
        ev.country = MakeCountry("FR");
        ev.weight = country_weights_.organisation;
        if (explain) ev.reason = fmt::format("unit code \"{}\" is a unit in France", code.Key());
        evidence.push_back(std::move(ev));
        break;
      }
    // Nothing else speaks of a country: a segment that begins registry names
    // of one country's organisations ("Wageningen University" of "Wageningen
    // University & Research") tells that country; failing that, capitalised
    // proper nouns that only one country's organisations carry in their
    // names ("Weill Cornell Medical College"), or begin them with ("Harvard
    // Medical School"); failing that, a long acronym in capitals that only
    // one country's organisations hold ("KAIST", "ONERA", "IDIBAPS").
    if (evidence.empty()) {
      OrgIndex::NamesCountry named = orgs_->PrefixCountry(text);
      if (named.country == kNoCountry) named = orgs_->ProperWordCountry(text);
      if (named.country == kNoCountry) named = orgs_->AcronymCountry(text);
      if (named.country != kNoCountry) {
        CountryEvidence ev;
        ev.country = named.country;
        ev.weight = country_weights_.organisation;
        ev.organisation = true;
        if (explain) {
          const std::string words = JoinTokens(text.tokens, named.first, named.last);
          ev.reason = named.acronym ? fmt::format("\"{}\" is a name of this country's organisations only", words)
                      : named.begins
                          ? fmt::format("\"{}\" begins the names of this country's organisations only", words)
                          : fmt::format("\"{}\" is in the names of this country's organisations only", words);
        }
        evidence.push_back(std::move(ev));
      }
    }
  }
  CountryDecision decision = DecideCountry(evidence, country_weights_, explain);
  if (orgs_ != nullptr) {
    // The organisation given: the best candidate that does not head a longer
    // name the registry lacks, and is in the country the string is read as
    // (its unit's, for an institution given for its unit named): "Institute
    // of Virology, Ulm University Medical Center" is in Germany, so not the
    // Slovak Academy's institute of that name.  The CNRS found by a unit code
    // is given for its units abroad too.
    auto given = std::find_if(m.candidates.begin(), m.candidates.end(), [&](const OrgCandidate& c) {
      if (c.heads_longer) return false;
      const CountryCode where = c.located().country;
      return c.parent_by_code || decision.country == kNoCountry || where == kNoCountry ||
             SameOrTerritory(where, decision.country);
    });
    if (given != m.candidates.end()) {
      m.organisation = given->entry;
      m.organisation_score = std::min(1.0, given->score);
      m.ancestors = orgs_->Ancestors(m.organisation->ror);
    }
  }
  m.country = decision.country;
  m.country_score = decision.score;
  m.country_evidence = std::move(decision.evidence);
  return m;
}

}  // namespace coopscope
