#include "match/country_evidence.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "match/place_tables.h"
#include "registry/registry.h"

namespace coopscope {
namespace {

// Words after which a country name is part of an organisation's name
// ("University of Georgia", "Universidad de Chile", "Hospital of Wales").
bool IsLinkWord(std::string_view w) {
  static constexpr std::array<std::string_view, 22> kLinks = {
      "of", "de", "du", "des", "di", "del", "della", "der", "fur", "the", "and", "y",
      "et", "und", "da", "do", "dos", "das", "la", "le", "l", "d"};
  return std::find(kLinks.begin(), kLinks.end(), w) != kLinks.end();
}

// Words after which a demonym names a language or a culture ("Department
// of Spanish", "Center for Chinese Studies"); "the" is not one of them.
bool IsAfterLink(std::string_view w) {
  return w != "the" && (IsLinkWord(w) || w == "for" || w == "in" || w == "on");
}

// Words that name the form of a state ("Republic of …", "Kingdom of …").
bool IsStateFormWord(std::string_view w) {
  static constexpr std::array<std::string_view, 17> kForms = {
      "republic", "kingdom", "state", "states", "federal", "democratic", "islamic", "people", "s", "united",
      "the", "sultanate", "commonwealth", "principality", "socialist", "arab", "federation"};
  return std::find(kForms.begin(), kForms.end(), w) != kForms.end();
}
bool StateFormOnly(const std::vector<AffiliationToken>& tokens, size_t b, size_t e) {
  if (b >= e) return false;
  for (size_t k = b; k < e; ++k)
    if (!IsStateFormWord(tokens[k].text)) return false;
  return true;
}

// Whether a segment of one word in capitals spells the initials of the words
// that end the segment before it, link words aside: the acronym of that name,
// not a place ("Dementia Research Centre (DRC)" is no Congo, "Royal Society
// of Arts (RSA)" no South Africa).
bool AcronymOfNameBefore(const AffiliationText& text, size_t s) {
  const AffiliationSegment& seg = text.segments[s];
  if (s == 0 || seg.last - seg.first != 1) return false;
  const AffiliationToken& acronym = text.tokens[seg.first];
  const AffiliationSegment& prev = text.segments[s - 1];
  if (!acronym.upper || acronym.text.size() < 2 || prev.group != seg.group || prev.last != seg.first) return false;
  size_t want = acronym.text.size();  // letters still to match, from the right
  for (size_t k = prev.last; k > prev.first && want > 0; --k) {
    const std::string& w = text.tokens[k - 1].text;
    if (IsAfterLink(w) || w == "the") continue;
    if (w.empty() || w[0] != acronym.text[want - 1]) return false;
    --want;
  }
  return want == 0;
}

// Tokens that are part of a postal address but name no place.
bool IsPostalWord(std::string_view w) {
  return w == "cedex" || w == "bp" || w == "cs" || w == "po" || w == "box" || w == "p" || w == "o";
}

bool HasDigit(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

constexpr size_t kZipDigits = 5;       // a US ZIP code
constexpr size_t kPostalMinDigits = 4; // the shortest code after a postal prefix ("A-1090")


// One segment being read from the right.
struct SegmentReader {
  const std::vector<AffiliationToken>& tokens;
  std::vector<bool> noise;  // per token of the segment
  size_t first, b, e;       // the segment's first token; the current core [b, e)
  bool zip = false;         // a 5-digit code was stripped

  SegmentReader(const std::vector<AffiliationToken>& t, size_t first_token, size_t last_token)
      : tokens(t), noise(last_token - first_token, false), first(first_token), b(first_token), e(last_token) {}

  bool IsNoise(size_t k) const { return noise[k - first]; }
  void Strip() {
    while (b < e && IsNoise(e - 1)) {
      if (tokens[e - 1].digits && tokens[e - 1].text.size() == kZipDigits) zip = true;
      --e;
    }
    while (b < e && IsNoise(b)) ++b;
  }
  size_t size() const { return e - b; }
};

}  // namespace

PlaceIndex::PlaceIndex() {
  for (const auto& row : CountryNames())
    for (auto name : row.names) Add(name, {PlaceKind::kCountry, MakeCountry(row.code), kNoCountry});
  for (const auto& r : RegionNames()) {
    if (!r.name.empty()) Add(r.name, {PlaceKind::kRegion, MakeCountry(r.country), kNoCountry});
    if (!r.abbreviation.empty()) region_codes_[NormalizeName(r.abbreviation)] = MakeCountry(r.country);
  }
  for (const auto& a : AmbiguousPlaces())
    Add(a.name, {PlaceKind::kAmbiguous, MakeCountry(a.country_a), MakeCountry(a.country_b)});
  for (const auto& row : PostalPrefixes())
    for (auto p : row.names) postal_prefixes_[NormalizeName(p)] = MakeCountry(row.code);
  for (const auto& c : CountryCodes3()) codes3_[NormalizeName(c.code)] = MakeCountry(c.country);
  for (const auto& row : CityNames())
    for (auto name : row.names) Add(name, {PlaceKind::kCity, MakeCountry(row.code), kNoCountry});
  for (const auto& row : Demonyms())
    for (auto name : row.names) Add(name, {PlaceKind::kDemonym, MakeCountry(row.code), kNoCountry});
}

void PlaceIndex::Add(std::string_view name, PlaceHit hit) {
  std::vector<std::string> tokens = NameTokens(name);
  if (tokens.empty()) return;
  max_tokens_ = std::max(max_tokens_, tokens.size());
  uint8_t& longest = longest_from_[tokens.front()];
  longest = static_cast<uint8_t>(std::max<size_t>(longest, std::min<size_t>(tokens.size(), UINT8_MAX)));
  auto& hits = phrases_[JoinTokens(tokens)];
  for (const auto& h : hits)
    if (h.kind == hit.kind && h.country == hit.country) return;
  hits.push_back(hit);
}

void PlaceIndex::AddRegistryCities(const Registry& registry, size_t min_orgs, double min_share) {
  std::unordered_map<std::string, std::map<CountryCode, size_t>> counts;
  for (const RegistryEntry& e : registry.entries())
    if (!e.city.empty() && e.country != kNoCountry) ++counts[JoinTokens(NameTokens(e.city))][e.country];
  for (const auto& [city, by_country] : counts) {
    if (city.empty() || phrases_.count(city)) continue;
    size_t total = 0, best = 0;
    CountryCode best_country = kNoCountry;
    for (const auto& [country, n] : by_country) {
      total += n;
      if (n > best) best = n, best_country = country;
    }
    if (total < min_orgs || best < min_share * static_cast<double>(total)) continue;
    Add(city, {PlaceKind::kCity, best_country, kNoCountry});
  }
}

namespace {
const PlaceHit* FirstOfKind(const std::vector<PlaceHit>* hits, std::initializer_list<PlaceKind> kinds);
}  // namespace

void PlaceIndex::AddInnerPlaces(const Registry& registry, size_t min_orgs, double min_share) {
  // The single country of a place phrase; kNoCountry for ambiguous names,
  // names of places in several countries and phrases that are no place.
  auto place_country = [&](const std::string& phrase) {
    const std::vector<PlaceHit>* hits = Find(phrase);
    if (hits == nullptr || FirstOfKind(hits, {PlaceKind::kAmbiguous}) != nullptr) return kNoCountry;
    CountryCode c = hits->front().country;
    for (const PlaceHit& h : *hits)
      if (h.country != c) return kNoCountry;
    return c;
  };
  struct Tally {
    size_t total = 0, own = 0;
    size_t last_entry = SIZE_MAX;
  };
  std::unordered_map<std::string, Tally> tallies;
  // The phrases that begin a longer place name ("new" of "new mexico"): a
  // span of a name stops growing at the first that none continues.
  std::unordered_set<std::string> heads;
  for (const auto& [phrase, hits] : phrases_)
    for (size_t at = phrase.find(' '); at != std::string::npos; at = phrase.find(' ', at + 1))
      heads.insert(phrase.substr(0, at));
  const auto& entries = registry.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    const RegistryEntry& e = entries[i];
    if (e.country == kNoCountry) continue;
    std::vector<std::pair<std::string, CountryCode>> found;
    auto scan = [&](const std::string& name) {
      std::vector<std::string> words = NameTokens(name);
      found.clear();
      // A name holding places of two countries ("German University in
      // Cairo", "Kazakh-German University") says nothing of its countries
      // and demonyms alone; only the longest place at each word counts for
      // this ("Mexico" in "New Mexico" is no second place).  Cities count
      // everywhere: "University of Nottingham Malaysia", "Bristol-Myers Squibb
      // (United States)" tell that a city's name is carried abroad.
      auto home = [](CountryCode c) { return SovereignOf(c) != kNoCountry ? SovereignOf(c) : c; };
      CountryCode first_home = kNoCountry;
      bool two_countries = false;
      size_t covered = 0;  // words before this are inside a longer place already seen
      for (size_t b = 0; b < words.size(); ++b) {
        std::string phrase;
        size_t longest = 0;
        CountryCode longest_country = kNoCountry;
        for (size_t len = 1; len <= max_tokens_ && b + len <= words.size(); ++len) {
          if (len > 1) {
            if (!heads.contains(phrase)) break;
            phrase.push_back(' ');
          }
          phrase += words[b + len - 1];
          if (Find(phrase) == nullptr) continue;
          CountryCode c = place_country(phrase);
          longest = len;
          longest_country = c;
          if (c != kNoCountry) found.emplace_back(phrase, c);
        }
        if (longest == 0 || b + longest <= covered) continue;
        covered = b + longest;
        if (longest_country == kNoCountry) continue;
        if (first_home == kNoCountry) first_home = home(longest_country);
        two_countries |= home(longest_country) != first_home;
      }
      for (const auto& [phrase, c] : found) {
        if (two_countries && FirstOfKind(Find(phrase), {PlaceKind::kCountry, PlaceKind::kDemonym}) != nullptr) continue;
        Tally& t = tallies[phrase];
        if (t.last_entry == i) continue;  // each organisation once
        t.last_entry = i;
        ++t.total;
        t.own += e.country == c || SovereignOf(e.country) == c;
      }
    };
    scan(e.name);
    for (const auto& a : e.aliases) scan(a);
  }
  for (const auto& [phrase, t] : tallies)
    if (t.total >= min_orgs && t.own >= min_share * static_cast<double>(t.total)) {
      inner_places_.emplace(phrase, place_country(phrase));
      inner_first_words_.insert(phrase.substr(0, phrase.find(' ')));
      inner_max_tokens_ = std::max<size_t>(inner_max_tokens_, 1 + std::count(phrase.begin(), phrase.end(), ' '));
    }
}

CountryCode PlaceIndex::InnerPlace(std::string_view phrase) const {
  auto it = inner_places_.find(phrase);
  return it == inner_places_.end() ? kNoCountry : it->second;
}

const std::vector<PlaceHit>* PlaceIndex::Find(std::string_view phrase) const {
  auto it = phrases_.find(phrase);
  return it == phrases_.end() ? nullptr : &it->second;
}

namespace {
// Whether every word of the affiliation (the segments of one group) is
// written in capitals.
bool GroupInCapitals(const AffiliationText& text, uint32_t group) {
  for (const AffiliationSegment& seg : text.segments) {
    if (seg.group != group) continue;
    for (uint32_t k = seg.first; k < seg.last; ++k)
      if (!text.tokens[k].upper && !HasDigit(text.tokens[k].text)) return false;
  }
  return true;
}
}  // namespace

CountryCode PlaceIndex::CountryCode3(std::string_view folded) const {
  auto it = codes3_.find(folded);
  return it == codes3_.end() ? kNoCountry : it->second;
}

CountryCode PlaceIndex::RegionCode(std::string_view folded) const {
  auto it = region_codes_.find(folded);
  return it == region_codes_.end() ? kNoCountry : it->second;
}

CountryCode PlaceIndex::PostalPrefix(std::string_view folded) const {
  auto it = postal_prefixes_.find(folded);
  return it == postal_prefixes_.end() ? kNoCountry : it->second;
}

namespace {

const PlaceHit* FirstOfKind(const std::vector<PlaceHit>* hits, std::initializer_list<PlaceKind> kinds) {
  if (hits == nullptr) return nullptr;
  for (const auto& h : *hits)
    if (std::find(kinds.begin(), kinds.end(), h.kind) != kinds.end()) return &h;
  return nullptr;
}

// The longest suffix of the core that is a country, ambiguous name or region.
struct SuffixHit {
  PlaceHit hit;
  size_t length = 0;
};
SuffixHit LongestPlaceSuffix(const SegmentReader& r, const PlaceIndex& places) {
  size_t longest = std::min(places.max_tokens(), r.size());
  for (size_t len = longest; len >= 1; --len) {
    if (places.LongestFrom(r.tokens[r.e - len].text) < len) continue;
    std::string phrase = JoinTokens(r.tokens, r.e - len, r.e);
    if (const PlaceHit* h = FirstOfKind(places.Find(phrase),
                                        {PlaceKind::kRegion, PlaceKind::kCountry, PlaceKind::kAmbiguous}))
      return {*h, len};
  }
  return {};
}

// A country (or an ambiguous name) that starts the core, followed by postal
// codes perhaps and a conjunction with words after it.
struct LeadingCountry {
  PlaceHit hit;
  size_t length = 0;  // tokens of the country's name
  size_t next = 0;    // the first token after the conjunction
};
bool IsConjunction(std::string_view w) {
  return w == "and" || w == "et" || w == "und";
}
LeadingCountry CountryBeforeConjunction(const SegmentReader& r, const PlaceIndex& places) {
  if (r.size() == 0) return {};
  for (size_t len = std::min(places.LongestFrom(r.tokens[r.b].text), r.size()); len >= 1; --len) {
    const PlaceHit* h =
        FirstOfKind(places.Find(JoinTokens(r.tokens, r.b, r.b + len)), {PlaceKind::kCountry, PlaceKind::kAmbiguous});
    if (h == nullptr) continue;
    size_t k = r.b + len;
    while (k < r.e && r.IsNoise(k)) ++k;
    if (k + 1 < r.e && IsConjunction(r.tokens[k].text)) return {*h, len, k + 1};
    return {};
  }
  return {};
}

// Whether the place [b, e) of the core is joined by a hyphen to a place of
// another country or to a combining form ("Institute for Medical Research
// Israel-Canada", "Sino-German"): a venture of two countries, no evidence of
// either.  "Duisburg-Essen" (one country) stays.
bool JoinedToAnotherCountry(const SegmentReader& r, size_t b, size_t e, CountryCode country, const PlaceIndex& places) {
  static constexpr std::array<std::string_view, 12> kCombining = {
      "sino", "indo", "franco", "anglo", "italo", "russo", "hispano", "luso", "greco", "austro", "nippo", "afro"};
  auto other = [&](const std::string& word) {
    if (std::find(kCombining.begin(), kCombining.end(), word) != kCombining.end()) return true;
    const std::vector<PlaceHit>* hits = places.Find(word);
    return hits != nullptr &&
           std::any_of(hits->begin(), hits->end(), [&](const PlaceHit& h) { return h.country != country; });
  };
  return (b > r.b && r.tokens[b].sep_before == '-' && other(r.tokens[b - 1].text)) ||
         (e < r.e && r.tokens[e].sep_before == '-' && other(r.tokens[e].text));
}

// "US" written before a number ("CHU Lille, US 41") or glued after a unit's
// number ("CNRS3480/US") is a French unit type (unité de service), not the
// United States.
bool IsFrenchServiceUnit(const std::vector<AffiliationToken>& tokens, size_t k, size_t segment_end) {
  const AffiliationToken& t = tokens[k];
  if (t.text != "us" || !t.upper) return false;
  if (k + 1 < segment_end && tokens[k + 1].digits) return true;
  return k > 0 && t.sep_before == '/' && tokens[k - 1].segment == t.segment && HasDigit(tokens[k - 1].text);
}

struct SegmentFacts {
  CountryCode region = kNoCountry;  // the segment is (or ends with) a region of this country
};

}  // namespace

std::vector<CountryEvidence> CollectCountryEvidence(const AffiliationText& text, const PlaceIndex& places,
                                                    const CountryWeights& w, bool explain,
                                                    std::vector<std::string>* notes) {
  std::vector<CountryEvidence> out;
  const auto& tokens = text.tokens;
  std::vector<SegmentFacts> facts(text.segments.size());
  // Evidence of a segment waiting to learn whether the next segment is a
  // region of another country (which makes it a place of that country).
  struct Pending {
    CountryEvidence evidence;
    size_t segment;
  };
  std::vector<Pending> places_in_segments;

  auto add = [&](CountryCode country, CountryCode other, double weight, uint32_t group, bool trailing,
                 bool region_code, std::string_view what, std::string_view phrase) {
    CountryEvidence ev;
    ev.country = country;
    ev.other = other;
    ev.weight = weight;
    ev.group = group;
    ev.trailing = trailing;
    ev.region_code = region_code;
    if (explain) ev.reason = fmt::format("{} \"{}\"", what, phrase);
    return ev;
  };

  for (size_t s = 0; s < text.segments.size(); ++s) {
    const AffiliationSegment& seg = text.segments[s];
    SegmentReader r(tokens, seg.first, seg.last);
    // Postal prefixes ("D-69120") and codes are noise once read.
    for (size_t k = seg.first; k < seg.last; ++k) {
      const AffiliationToken& t = tokens[k];
      if (HasDigit(t.text) || IsPostalWord(t.text)) r.noise[k - seg.first] = true;
      if (k + 1 < seg.last && t.upper && tokens[k + 1].digits && tokens[k + 1].sep_before == '-' &&
          tokens[k + 1].text.size() >= kPostalMinDigits) {
        if (CountryCode c = places.PostalPrefix(t.text); c != kNoCountry) {
          r.noise[k - seg.first] = true;
          out.push_back(add(c, kNoCountry, w.postal_prefix, seg.group, false, false, "postal prefix",
                            t.text + "-" + tokens[k + 1].text));
        }
      }
    }
    r.Strip();
    if (AcronymOfNameBefore(text, s)) {
      if (notes != nullptr) {
        std::string acronym = tokens[seg.first].text;
        for (char& c : acronym) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        notes->push_back(fmt::format("\"{}\" spells the initials of the name before it: its acronym, not a place",
                                     acronym));
      }
      continue;
    }
    // 0. Two affiliations joined by "and" after the first one's country
    // ("…, Villeurbanne Cedex, France and Informació i Fenomens Quàntics, …,
    // Barcelona, Spain"): that country ends an affiliation, and the segment
    // goes on with the next one.
    if (LeadingCountry lead = CountryBeforeConjunction(r, places); lead.length > 0) {
      out.push_back(add(lead.hit.country, lead.hit.other, w.trailing_country, seg.group, true, false,
                        "country ending an affiliation before \"and\"", JoinTokens(tokens, r.b, r.b + lead.length)));
      r.b = lead.next;
      r.Strip();
    }
    bool trailing_segment = seg.last_in_group;
    // 0b. An ISO alpha-3 code ending an affiliation written in capitals,
    // after another word ("IRSTEA BORDEAUX UR ETBX FRA", "UNIV HELSINKI
    // FIN"), not in a mixed-case string or a list of acronyms, where it is an
    // acronym ("Biometris (PPO/PRI)", "…, ENS Paris Saclay, CRI").  As weak
    // as a city: exports misuse codes ("VIENNA AUS" for Austria), and a city
    // of another country ties with it, a city and an organisation outweigh
    // it ("UNIVERSITY OF NATURAL RESOURCES AND LIFE SCIENCES VIENNA AUS": AT).
    if (trailing_segment && r.size() > 1 && tokens[r.e - 1].upper && tokens[r.e - 1].text.size() == 3 &&
        tokens[r.e - 2].upper && tokens[r.e - 1].sep_before == ' ' && GroupInCapitals(text, seg.group)) {
      if (CountryCode c = places.CountryCode3(tokens[r.e - 1].text); c != kNoCountry) {
        places_in_segments.push_back(
            {add(c, kNoCountry, w.country_code, seg.group, true, false, "country code", tokens[r.e - 1].text), s});
        --r.e;
        r.Strip();
        if (r.size() == 0) continue;
      }
    }
    // 1. A country (or a region, or an ambiguous name) at the end.
    SuffixHit suffix = LongestPlaceSuffix(r, places);
    if (suffix.length == 1 && IsFrenchServiceUnit(tokens, r.e - 1, seg.last)) continue;
    if (suffix.length > 0 && suffix.hit.kind != PlaceKind::kRegion) {
      bool whole = suffix.length == r.size();
      bool linked = !whole && IsLinkWord(tokens[r.e - suffix.length - 1].text);
      // "Republic of Seychelles", "Kingdom of Bahrain": the words before the
      // link name the form of the state, not an organisation.
      if (linked && StateFormOnly(tokens, r.b, r.e - suffix.length - 1)) whole = true, linked = false;
      std::string phrase = JoinTokens(tokens, r.e - suffix.length, r.e);
      if (whole || (trailing_segment && !linked)) {
        double weight = whole ? (trailing_segment ? w.trailing_country : w.country_segment) : w.trailing_in_name;
        auto ev = add(suffix.hit.country, suffix.hit.other, weight, seg.group, trailing_segment && whole, false,
                      suffix.hit.kind == PlaceKind::kAmbiguous ? "ambiguous place" : "country", phrase);
        if (whole)
          places_in_segments.push_back({std::move(ev), s});
        else
          out.push_back(std::move(ev));
        r.e -= suffix.length;
        r.Strip();
        suffix = LongestPlaceSuffix(r, places);
      } else {
        // A country inside a name is no evidence from this segment, unless
        // the registry's names holding it are nearly all in that country
        // ("National Research Council of Italy", "Universidad de Chile"; not
        // "Beth Israel Deaconess Medical Center").
        if (suffix.hit.kind == PlaceKind::kCountry && places.InnerPlace(phrase) == suffix.hit.country &&
            !JoinedToAnotherCountry(r, r.e - suffix.length, r.e, suffix.hit.country, places)) {
          auto ev = add(suffix.hit.country, kNoCountry, w.inner_place, seg.group, false, false, "country inside a name",
                        phrase);
          ev.in_name = true;
          places_in_segments.push_back({std::move(ev), s});
        }
        continue;
      }
    }
    // 2. A region: a name, or an abbreviation in capitals.
    CountryCode region = kNoCountry;
    if (suffix.length > 0 && suffix.hit.kind == PlaceKind::kRegion) {
      bool whole = suffix.length == r.size();
      bool linked = !whole && IsLinkWord(tokens[r.e - suffix.length - 1].text);
      if (!linked) {
        region = suffix.hit.country;
        out.push_back(add(region, kNoCountry, r.zip ? w.region_with_zip : w.region_name, seg.group, false, false,
                          "region", JoinTokens(tokens, r.e - suffix.length, r.e)));
        r.e -= suffix.length;
        r.Strip();
      }
    } else if (r.size() > 0 && tokens[r.e - 1].upper) {
      if (CountryCode c = places.RegionCode(tokens[r.e - 1].text); c != kNoCountry) {
        region = c;
        out.push_back(add(c, kNoCountry, r.zip ? w.region_with_zip : w.region_code, seg.group, false, !r.zip,
                          r.zip ? "region and ZIP code" : "region code", tokens[r.e - 1].text));
        --r.e;
        r.Strip();
      }
    }
    facts[s].region = region;
    // 3. What is left, whole: a city, a country or an ambiguous name.
    if (r.size() == 0) continue;
    std::string rest = JoinTokens(tokens, r.b, r.e);
    const std::vector<PlaceHit>* hits = places.Find(rest);
    const PlaceHit* h = FirstOfKind(hits, {PlaceKind::kCountry, PlaceKind::kAmbiguous, PlaceKind::kCity});
    if (h == nullptr) {
      // 4. A city or a region inside the segment, usually in a name
      // ("University of Tokyo", "University of Colorado School of Medicine"):
      // the longest phrase at each word.  Countries inside names stay out
      // (step 1), and so do ambiguous names.
      for (size_t b = r.b; b < r.e; ++b) {
        if (!places.StartsInnerPlace(tokens[b].text)) continue;  // most words start none: one probe
        // A longer place starting here holds the word ("Porto" in "Porto
        // Alegre"): only a phrase at least that long counts.
        size_t longer = 1;
        for (size_t len = std::min(places.LongestFrom(tokens[b].text), r.e - b); len > 1; --len)
          if (places.Find(JoinTokens(tokens, b, b + len)) != nullptr) {
            longer = len;
            break;
          }
        for (size_t len = std::min(places.inner_max_tokens(), r.e - b); len >= longer; --len) {
          std::string phrase = len == 1 ? tokens[b].text : JoinTokens(tokens, b, b + len);
          CountryCode in = places.InnerPlace(phrase);
          if (in == kNoCountry || (region != kNoCountry && in != region)) continue;
          // A demonym after a link word names a language or a culture, not
          // the organisation's country ("Department of Spanish", "School of
          // Chinese Medicine"); "of the Russian Academy" is the academy.
          if (b > r.b && IsAfterLink(tokens[b - 1].text) &&
              FirstOfKind(places.Find(phrase), {PlaceKind::kDemonym}) != nullptr)
            continue;
          // A country's name between capitalised words that are no link
          // words is inside a proper name ("Beth Israel Deaconess Medical
          // Center" is in Boston); not at the end of one ("Centre for
          // Research and Technology Hellas", "IST Austria"), nor in a string
          // written in capitals, where every word is capitalised ("UNIVERSITY
          // OF EASTERN FINLAND JOENSUU FIN", Web of Science's style).
          if (b > r.b && b + len < r.e && !tokens[b].upper && tokens[b - 1].capital &&
              !IsAfterLink(tokens[b - 1].text) &&
              tokens[b - 1].text != "the" &&
              tokens[b + len].capital && !IsAfterLink(tokens[b + len].text) &&
              FirstOfKind(places.Find(phrase), {PlaceKind::kCountry}) != nullptr)
            continue;
          // A place joined by a hyphen to another names two countries'
          // venture ("Institute for Medical Research Israel-Canada",
          // "Sino-German").
          if (JoinedToAnotherCountry(r, b, b + len, in, places)) continue;
          auto ev = add(in, kNoCountry, w.inner_place, seg.group, false, false, "place inside a name", phrase);
          ev.in_name = true;
          places_in_segments.push_back({std::move(ev), s});
          b += len - 1;
          break;
        }
      }
      continue;
    }
    if (region != kNoCountry && h->country != region && h->other != region) continue;  // "Paris TX"
    double weight = h->kind == PlaceKind::kCity ? w.city : w.country_segment;
    const char* what = h->kind == PlaceKind::kCity ? "city" : h->kind == PlaceKind::kAmbiguous ? "ambiguous place"
                                                                                              : "country";
    places_in_segments.push_back({add(h->country, h->other, weight, seg.group, false, false, what, rest), s});
  }
  // A place followed, in the same affiliation, by a region of another
  // country is a place of that country ("Paris, TX"; "Lebanon, NH").
  for (auto& p : places_in_segments) {
    size_t next = p.segment + 1;
    if (next < text.segments.size() && text.segments[next].group == text.segments[p.segment].group) {
      CountryCode region = facts[next].region;
      if (region != kNoCountry && region != p.evidence.country && region != p.evidence.other) continue;
    }
    out.push_back(std::move(p.evidence));
  }
  // A region abbreviation contradicted by a trailing country of the same
  // affiliation is a local abbreviation ("Perth, WA, Australia").
  std::vector<CountryEvidence> kept;
  kept.reserve(out.size());
  for (auto& ev : out) {
    if (ev.region_code) {
      bool contradicted = std::any_of(out.begin(), out.end(), [&](const CountryEvidence& o) {
        return o.trailing && o.group == ev.group && o.country != ev.country && o.other == kNoCountry;
      });
      if (contradicted) continue;
    }
    kept.push_back(std::move(ev));
  }
  return kept;
}

CountryDecision DecideCountry(const std::vector<CountryEvidence>& evidence, const CountryWeights& w,
                              bool explain) {
  CountryDecision d;
  std::array<double, kCountrySlots> sum{};
  std::array<bool, kCountrySlots> placed{};  // a place of this country is written in the string
  std::vector<CountryCode> seen;
  auto credit = [&](CountryCode c, double weight) {
    if (c == kNoCountry) return;
    if (sum[CountryIndex(c)] == 0) seen.push_back(c);
    sum[CountryIndex(c)] += weight;
  };
  for (const auto& ev : evidence) {
    if (ev.other == kNoCountry) credit(ev.country, ev.weight);
    if (ev.other == kNoCountry && !ev.organisation && !ev.in_name) placed[CountryIndex(ev.country)] = true;
    if (explain)
      d.evidence.push_back(ev.other == kNoCountry
                               ? fmt::format("{} → {} (+{})", ev.reason, CountryName(ev.country), ev.weight)
                               : fmt::format("{} → {} or {}", ev.reason, CountryName(ev.country),
                                             CountryName(ev.other)));
  }
  // An ambiguous name counts for the side other evidence already supports.
  for (const auto& ev : evidence) {
    if (ev.other == kNoCountry) continue;
    double a = sum[CountryIndex(ev.country)], b = sum[CountryIndex(ev.other)];
    if (a == 0 && b == 0) {
      if (explain) d.evidence.push_back(fmt::format("{}: nothing else decides, ignored", ev.reason));
      continue;
    }
    CountryCode side = a >= b ? ev.country : ev.other;
    credit(side, ev.weight);
    if (explain) d.evidence.push_back(fmt::format("{} read as {} (+{})", ev.reason, CountryName(side), ev.weight));
  }
  // Territories absorb their sovereign.
  for (CountryCode c : seen) {
    CountryCode sovereign = SovereignOf(c);
    if (sovereign == kNoCountry || sum[CountryIndex(c)] == 0) continue;
    double s = sum[CountryIndex(sovereign)];
    if (s == 0) continue;
    // A territory known only as a matched organisation's country, beside
    // much stronger evidence of its sovereign, is not the place: "Université
    // de La Réunion, Montpellier, France" is in France.
    if (!placed[CountryIndex(c)] && sum[CountryIndex(c)] < w.conflict_ratio * s) continue;
    sum[CountryIndex(c)] += s;
    sum[CountryIndex(sovereign)] = 0;
    if (explain)
      d.evidence.push_back(fmt::format("{} is a territory of {}: its evidence counts for {}", CountryName(c),
                                       CountryName(sovereign), CountryName(c)));
  }
  CountryCode best = kNoCountry;
  double top = 0, second = 0;
  for (CountryCode c : seen) {
    double v = sum[CountryIndex(c)];
    if (v > top) {
      second = top;
      top = v;
      best = c;
    } else if (v > second) {
      second = v;
    }
  }
  if (best == kNoCountry || top < w.min_score) {
    if (explain) d.evidence.push_back("country: not enough evidence, unknown");
    return d;
  }
  if (second >= w.conflict_ratio * top) {
    if (explain)
      d.evidence.push_back(fmt::format("country: conflicting evidence ({} vs {}), unknown", top, second));
    return d;
  }
  d.country = best;
  d.score = std::min(1.0, top / w.strong) * top / (top + second);
  return d;
}

}  // namespace coopscope
