// Country evidence in an affiliation string, and the decision it supports.
//
// PlaceIndex folds the tables of place_tables.h (and, optionally, the cities
// where the registry's organisations sit) into a phrase index.
// CollectCountryEvidence reads an AffiliationText segment by segment from the
// right: a trailing country name weighs most, then a country named as a
// segment of its own, a region with a ZIP code, a region, a postal prefix and
// a city.  A place followed by a region of another country is that country's
// place ("Paris, TX", "Lebanon, NH"); a country name inside a longer name
// ("Beth Israel Deaconess Medical Center", "University of Georgia") is not
// evidence, unless the registry vets it as it vets cities, regions and
// demonyms inside names ("National Research Council of Italy", "Polish
// Academy of Sciences"; AddInnerPlaces).  DecideCountry sums the evidence per country and abstains when
// the best country is weak or contradicted: a wrong country is worse than
// none.
//
// PlaceIndex is immutable after construction and thread-safe to read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "match/affiliation_text.h"
#include "model/country.h"

namespace coopscope {

class Registry;

// The weights of country evidence: named, documented in docs/matcher.md.
struct CountryWeights {
  double trailing_country = 10;     // the last segment of an affiliation is a country
  double trailing_in_name = 6;      // the last segment ends with a country ("… Tokyo Japan")
  double country_segment = 6;       // another segment is a country ("Guadeloupe, France")
  double region_with_zip = 8;       // "CA 94305", "Boston, MA 02115"
  double region_name = 5;           // "Massachusetts", "Ontario", "New South Wales"
  double region_code = 3;           // "GA", "ON" in capitals, without a ZIP code
  double postal_prefix = 5;         // "D-69120", "F-75005"
  double country_code = 3;          // an ISO alpha-3 code ending an affiliation in capitals ("… BORDEAUX FRA");
                                    // as weak as a city: exports misuse codes ("VIENNA AUS" for Austria)
  double city = 3;                  // "Tbilisi", "Boston"
  double inner_place = 3;           // a city or region inside a longer segment ("University of Tokyo")
  double organisation = 4;          // the country of the matched organisation
  double min_score = 3;             // below this, no country
  double conflict_ratio = 0.5;      // abstain when the runner-up has this share of the best
  double strong = 10;               // evidence this strong gives a score of 1
};

// kDemonym: an adjective naming a country ("German"), evidence only inside a
// name and only when the registry vets it (AddInnerPlaces).
enum class PlaceKind : uint8_t { kCountry, kRegion, kAmbiguous, kCity, kDemonym };

struct PlaceHit {
  PlaceKind kind = PlaceKind::kCountry;
  CountryCode country = kNoCountry;
  CountryCode other = kNoCountry;  // the second country of an ambiguous name
};

class PlaceIndex {
 public:
  PlaceIndex();  // from the tables of place_tables.h

  // Adds the cities of the registry's organisations where at least
  // `min_orgs` organisations sit and `min_share` of them in one country;
  // names already in the tables keep their meaning.
  void AddRegistryCities(const Registry& registry, size_t min_orgs, double min_share);

  // Learns which cities, regions, countries and demonyms may count when met
  // inside a longer name ("University of Tokyo", "National Research Council
  // of Italy", "Polish Academy of Sciences"): those that at least `min_orgs`
  // organisations carry in one of their names, `min_share` of them in the
  // place's own country or its territories.  "York" (York University CA,
  // University of York GB, New York…), "Canterbury" (NZ, GB), "Israel" (Beth
  // Israel) or "American" (American University of Beirut) do not qualify;
  // "Tokyo", "Colorado", "Italy" and "Polish" do.
  void AddInnerPlaces(const Registry& registry, size_t min_orgs, double min_share);
  // The country of a city or region allowed inside a name; kNoCountry otherwise.
  CountryCode InnerPlace(std::string_view phrase) const;
  // Whether some place allowed inside a name starts with this word.
  bool StartsInnerPlace(std::string_view word) const { return inner_first_words_.contains(word); }
  size_t inner_max_tokens() const { return inner_max_tokens_; }

  // Hits for an exact folded phrase ("new mexico"); nullptr when none.
  const std::vector<PlaceHit>* Find(std::string_view phrase) const;
  // The country of a region abbreviation written in capitals ("GA" → US).
  CountryCode RegionCode(std::string_view folded) const;
  // The country of an ISO alpha-3 code written in capitals ("fra" → FR;
  // see CountryCodes3).
  CountryCode CountryCode3(std::string_view folded) const;
  // The country of a postal prefix ("d" of "D-69120" → DE).
  CountryCode PostalPrefix(std::string_view folded) const;
  size_t max_tokens() const { return max_tokens_; }
  // The most tokens of a phrase of the index that begins with this word; 0
  // when none does.  Scans of a string's phrases ask it first: most words
  // begin no place, and a look-up of a joined phrase costs a string.
  size_t LongestFrom(std::string_view first_word) const {
    auto it = longest_from_.find(first_word);
    return it == longest_from_.end() ? 0 : it->second;
  }
  size_t size() const { return phrases_.size(); }
  // Whether `pred(phrase, hit)` holds for a hit of some phrase of the tokens,
  // anywhere, inside one segment (not across a comma).
  template <typename Pred>
  bool AnyHit(const std::vector<AffiliationToken>& tokens, Pred pred) const {
    for (size_t b = 0; b < tokens.size(); ++b)
      for (size_t end = b + 1, longest = LongestFrom(tokens[b].text);
           end <= tokens.size() && end - b <= longest && tokens[end - 1].segment == tokens[b].segment; ++end) {
        const std::string phrase = JoinTokens(tokens, b, end);
        if (const std::vector<PlaceHit>* hits = Find(phrase))
          for (const PlaceHit& h : *hits)
            if (pred(std::string_view(phrase), h)) return true;
      }
    return false;
  }

 private:
  template <typename V>
  using PhraseMap = std::unordered_map<std::string, V, StringViewHash, std::equal_to<>>;
  void Add(std::string_view name, PlaceHit hit);
  PhraseMap<std::vector<PlaceHit>> phrases_;
  PhraseMap<CountryCode> region_codes_, postal_prefixes_, inner_places_, codes3_;
  size_t max_tokens_ = 1;
  PhraseMap<uint8_t> longest_from_;  // first word → most tokens of a phrase it begins
  std::unordered_set<std::string, StringViewHash, std::equal_to<>> inner_first_words_;
  size_t inner_max_tokens_ = 0;
};

struct CountryEvidence {
  CountryCode country = kNoCountry;
  CountryCode other = kNoCountry;  // set for an ambiguous name: one of the two
  double weight = 0;
  bool trailing = false;      // a trailing country (the strongest kind)
  bool region_code = false;   // an abbreviation without ZIP code
  bool organisation = false;  // the country of a matched organisation, not a place written
  bool in_name = false;       // a place inside an organisation's name: where the organisation is, not the address
  uint32_t group = 0;
  std::string reason;         // filled when explaining
};

// All the country evidence of a parsed string. `notes`, when given, receives
// what was read and set aside as no place (for --explain).
std::vector<CountryEvidence> CollectCountryEvidence(const AffiliationText& text, const PlaceIndex& places,
                                                    const CountryWeights& weights, bool explain,
                                                    std::vector<std::string>* notes = nullptr);

struct CountryDecision {
  CountryCode country = kNoCountry;  // kNoCountry: unknown (no evidence, or conflicting)
  double score = 0;                  // 0..1
  std::vector<std::string> evidence; // filled when explaining
};

// Sums the evidence per country and decides, abstaining on weak or
// conflicting evidence.  Territories (GP, RE, HK…) absorb their sovereign's
// evidence and keep their own code.
CountryDecision DecideCountry(const std::vector<CountryEvidence>& evidence, const CountryWeights& weights,
                              bool explain);

}  // namespace coopscope
