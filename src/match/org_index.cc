#include "match/org_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ranges>

#include "match/common_words.h"
#include "match/place_tables.h"
#include "registry/registry.h"

namespace coopscope {
namespace {

constexpr uint32_t kUnknownToken = 0;     // token id of words no name uses
constexpr size_t kMaxNameTokens = 24;     // longer names are not indexed
constexpr size_t kMinSpelledOutLetters = 4;  // shorter words with an umlaut get no spelled-out form
constexpr uint32_t kNoEntry = UINT32_MAX;
// The shortest beginning of a name whose organisations' country counts
// (PrefixCountry).
constexpr size_t kPrefixMinTokens = 2;
constexpr uint32_t kSegmentBreak = UINT32_MAX;  // hashed where a name or a span crosses a comma
constexpr uint64_t kSpanSeed = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kSpanMultiplier = 0xD6E8FEB86659FD93ull;
constexpr size_t kMaxAncestorDepth = 8;   // ROR hierarchies are shallow; guards against cycles
constexpr uint32_t kFirstCnrsUmrNumber = 2000;  // UMR/UMS numbers from here on are CNRS units
constexpr size_t kUnitMinDigits = 3, kUnitMaxDigits = 4;
constexpr size_t kAcronymCaseFreeLength = 5;
constexpr size_t kUniqueNameMinTokens = 3;
// An organisation found by name alone gives its country to the string only
// when one of the name's words is used by at most this many organisations.
constexpr uint32_t kCountryRareWordOrgs = 30;
// Of two candidates with equal scores, names of at least this many words
// are ranked by their place in the affiliation (the later first).
constexpr uint32_t kTieByOrderMinWords = 2;
// A name of common words held inside the names of this many organisations
// of other countries (not its registry relatives) is generic.
constexpr uint16_t kGenericAbroadMinOrgs = 2;

// Variants of names (docs/matcher.md, session 7): link words are dropped
// ("The University of Texas Southwestern Medical Center" is found for
// "University of Texas Southwestern Medical Center"), one spelling stands for
// another ("centre" / "center"), an abbreviation for the words it abbreviates
// in the registry's languages ("Univ Montpellier" for "Université de
// Montpellier"), and the words may come in another order ("X University" for
// "University of X", which needs the organisation's city: "Washington
// University" is not the University of Washington).  Folded forms.
constexpr uint32_t kLinkToken = UINT32_MAX;
constexpr size_t kVariantMinWords = 2;  // words of a variant key besides link words
constexpr uint64_t kSpellingSeed = kSpanSeed ^ 1, kAbbreviationSeed = kSpanSeed ^ 2;
bool IsVariantLinkWord(std::string_view t) {
  static constexpr std::array<std::string_view, 21> kLinks = {
      "the", "of", "and", "for", "at", "in", "de", "des", "du", "d", "la", "le", "les", "l", "et", "y", "e",
      "di", "del", "der", "und"};
  return std::find(kLinks.begin(), kLinks.end(), t) != kLinks.end();
}
// Spellings of one word in one language.
struct VariantSpelling {
  std::string_view word, canonical;
};
constexpr std::array<VariantSpelling, 1> kVariantSpellings = {{{"centre", "center"}}};
// Abbreviations, and the words they stand for in the registry's languages.
struct Abbreviation {
  std::array<std::string_view, 2> abbreviations;  // the first names the class
  std::array<std::string_view, 9> words;
};
constexpr std::array<Abbreviation, 32> kAbbreviations = {{
    {{"univ"}, {"university", "universite", "universitat", "universitaet", "universidad", "universita", "universiteit",
               "universidade", "universitatea"}},
    {{"inst"}, {"institute", "institut", "instituto", "istituto", "institutet"}},
    {{"hosp"}, {"hospital", "hopital", "hospitalier", "hospitalar"}},
    {{"ctr", "cntr"}, {"center", "centre", "centro", "zentrum"}},
    {{"lab", "labo"}, {"laboratory", "laboratoire", "laboratorio"}},
    {{"coll"}, {"college"}},
    {{"natl"}, {"national", "nacional", "nazionale"}},
    {{"dept"}, {"department", "departement", "departamento", "dipartimento"}},
    {{"sci"}, {"science", "sciences"}},
    {{"technol", "tech"}, {"technology", "technologie", "tecnologia", "technological", "technical", "technische"}},
    {{"med"}, {"medical", "medicine", "medicina", "medecine", "medizin", "medizinische"}},
    {{"sch"}, {"school"}},
    {{"res"}, {"research", "recherche"}},
    {{"hlth"}, {"health"}},
    {{"chem"}, {"chemistry", "chemical"}},
    {{"phys"}, {"physics", "physical"}},
    {{"biol"}, {"biology", "biological"}},
    {{"agr", "agric"}, {"agriculture", "agricultural", "agricultura"}},
    {{"engn"}, {"engineering"}},
    {{"acad"}, {"academy", "academie", "akademie", "academia"}},
    {{"fac"}, {"faculty", "faculte", "facultad"}},
    {{"clin"}, {"clinic", "clinical", "clinique", "klinik"}},
    {{"polytech"}, {"polytechnic", "polytechnique"}},
    {{"mol"}, {"molecular", "moleculaire"}},
    {{"int"}, {"international"}},
    {{"fdn"}, {"foundation", "fondation"}},
    {{"assoc"}, {"association"}},
    {{"soc"}, {"society", "societe"}},
    {{"vet"}, {"veterinary", "veterinaire"}},
    {{"pharm"}, {"pharmacy", "pharmaceutical", "pharmacie"}},
    {{"appl"}, {"applied", "appliquee"}},
    {{"comp", "comput"}, {"computer", "computing", "computational"}},
}};

// The prefixes of every name's hash and ordered variant key are marked in a
// bit set, so that a span stops being extended at its first word no name
// continues with (a bit test instead of hash probes).  False positives only
// cost a probe.
constexpr size_t kNamePrefixBits = size_t{1} << 25;  // 4 MiB

// Room reserved for the names' hashes: ROR records carry about two names
// (display name, labels, aliases, acronyms), some of them with a comma.
constexpr size_t kPendingNamesPerEntry = 4;

uint64_t VariantWord(uint32_t canonical) {  // splitmix64: the key is a sum, so words must mix well
  uint64_t z = canonical + kSpanSeed;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
uint64_t VariantKey(uint64_t sum, uint32_t words) { return (sum ^ words) * kSpanMultiplier; }

uint64_t Extend(uint64_t hash, uint32_t token) {
  uint64_t h = (hash ^ token) * kSpanMultiplier;
  return h ^ (h >> 29);
}

// Unit types whose every unit is a CNRS unit, and types shared with other
// institutes (told apart by number or by "CNRS" written beside them).
bool IsCnrsOnlyUnitType(std::string_view t) {
  return t == "irl" || t == "uar" || t == "upr" || t == "fre" || t == "umi" || t == "usr";
}
bool IsSharedUnitType(std::string_view t) { return t == "umr" || t == "ums"; }
bool IsUnitType(std::string_view t) { return IsCnrsOnlyUnitType(t) || IsSharedUnitType(t); }
// Types of teams of universities and institutes, never CNRS units by their
// number: "EA 4294", "UR 875", "ERL 1133", Inserm's "U 1069", a research
// federation "FR 2488".
bool IsTeamUnitType(std::string_view t) { return t == "ea" || t == "ur" || t == "erl" || t == "u" || t == "fr"; }
// International research laboratories: units abroad.
bool IsUnitAbroadType(std::string_view t) { return t == "irl" || t == "umi"; }
// The first word of a French unit code, followed by its number: the types
// above and those of university teams ("EA 4294", "UR 7516", "US 1426").
bool IsUnitCodeHead(std::string_view t) {
  return IsUnitType(t) || t == "ea" || t == "ur" || t == "us" || t == "ue" || t == "erl";
}

// Words written between a unit type and its number ("UMR CNRS 5505").
bool IsUnitQualifier(std::string_view t) {
  return t == "cnrs" || t == "inserm" || t == "inrae" || t == "inra" || t == "ird" || t == "mnhn" ||
         t == "cea" || t == "ifremer" || t == "s" || t == "n" || t == "no";
}

// The first words of names that say what kind of sub-unit they are
// ("Department of Biological Sciences"): such names are generic however rare
// their other words.
bool IsSubunitHead(std::string_view t) {
  static constexpr std::array<std::string_view, 16> kHeads = {
      "department", "dept", "departement", "departamento", "dipartimento", "abteilung", "faculty", "faculte",
      "facultad", "division", "section", "chair", "lehrstuhl", "school", "service", "unit"};
  return std::find(kHeads.begin(), kHeads.end(), t) != kHeads.end();
}

// The last words of names that say what kind of organisation they are: a
// registry name followed in its segment by capitalised words ending in one
// ("Columbia University Irving Medical Center", "University of Pennsylvania
// Health System") is the head of a longer name the registry lacks.
bool IsOrganisationKindTail(std::string_view t) {
  static constexpr std::array<std::string_view, 12> kTails = {
      "center", "centre", "hospital", "university", "trust", "system",
      "laboratory", "unit", "group", "programme", "program", "clinic"};
  return std::find(kTails.begin(), kTails.end(), t) != kTails.end();
}

// The first words of names that say what kind of organisation they are
// ("Institute of Experimental Medicine").
bool IsOrganisationKindHead(std::string_view t) {
  static constexpr std::array<std::string_view, 11> kHeads = {
      "institute", "institut",   "center", "centre",      "university",  "hospital",
      "college",   "laboratory", "school", "universitat", "universiteit"};  // "universitat": Universität
  return std::find(kHeads.begin(), kHeads.end(), t) != kHeads.end();
}

// Words that join a name to what precedes it without being part of it.
bool IsNameLinkWord(std::string_view t) {
  static constexpr std::array<std::string_view, 12> kLinks = {"and", "of",  "the", "at", "for", "in",
                                                              "de",  "des", "du",  "et", "und", "y"};
  return std::find(kLinks.begin(), kLinks.end(), t) != kLinks.end();
}

// Words that say a kind of organisation, in the registry's main languages:
// an acronym followed by capitalised words holding one starts a longer name
// ("MRC London Institute of Medical Sciences").
bool IsOrganisationKindWord(std::string_view t) {
  static constexpr std::array<std::string_view, 13> kKinds = {
      "institute", "institut", "istituto", "instituto",  "center",      "centre", "centro",
      "hospital",  "ospedale", "hopital",  "laboratory", "laboratoire", "clinic"};
  return std::find(kKinds.begin(), kKinds.end(), t) != kKinds.end();
}

// Whether the name starting at token `b` follows "<capitalised> Hospital of"
// or "… Clinic of", perhaps with "the", in its segment: "Shengjing Hospital
// of China Medical University" is a hospital, not the university.
bool FollowsHospitalOf(const std::vector<AffiliationToken>& tokens, size_t b) {
  size_t q = b;
  auto same = [&](size_t i) { return tokens[i].segment == tokens[b].segment; };
  if (q > 0 && same(q - 1) && tokens[q - 1].text == "the") --q;
  if (q < 2 || !same(q - 1) || !same(q - 2) || tokens[q - 1].text != "of" || !tokens[q - 2].capital) return false;
  return tokens[q - 2].text == "hospital" || tokens[q - 2].text == "clinic";
}

// Whether a name word is a proper noun: in no common-word list, not a number,
// and at least `min_letters` long.
bool IsProperWord(std::string_view w, bool common, size_t min_letters) {
  return !common && w.size() >= min_letters &&
         !std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether the string is one affiliation (no ';'): several may be of several
// countries, some unknown ("Laboratoire … UPJV 2081; Southern Federal
// University"), so the fallbacks for a country leave them alone.
bool OneAffiliation(const AffiliationText& text) {
  return text.segments.empty() || text.segments.back().group == text.segments.front().group;
}

// Whether the name starting at token `b` comes after "member of" in its
// segment: "Charité – Universitätsmedizin Berlin, corporate member of Freie
// Universität Berlin and Humboldt-Universität zu Berlin" names the Charité;
// the universities it is a member of tell the country only.  Not when the
// string starts with it: "Member of the German Center for Lung Research".
bool FollowsMemberOf(const std::vector<AffiliationToken>& tokens, const AffiliationSegment& seg, size_t b) {
  for (size_t q = std::max<size_t>(seg.first, 1); q + 1 < b; ++q)
    if (tokens[q].text == "member" && tokens[q + 1].text == "of") return true;
  return false;
}

// Whether the name at tokens [b, end), a research unit's ("Institute of
// Bioinformatics", "Laboratory of Biochemistry"), goes on in its segment
// with "and" and a capitalised word that starts no other organisation: the
// string names a longer unit ("Institute of Bioinformatics and Structural
// Biology"), not two ("University of Oslo and Oslo University Hospital" is
// not read here: a university is not such a unit).
bool ContinuesWithAnd(const std::vector<AffiliationToken>& tokens, size_t seg_end, size_t b, size_t end) {
  static constexpr std::array<std::string_view, 6> kUnitHeads = {"institute",  "institut",    "laboratory",
                                                                 "laboratoire", "center", "centre"};
  if (std::find(kUnitHeads.begin(), kUnitHeads.end(), tokens[b].text) == kUnitHeads.end()) return false;
  if (end + 1 >= seg_end || tokens[end - 1].segment != tokens[b].segment || tokens[end].text != "and") return false;
  const AffiliationToken& next = tokens[end + 1];
  return next.capital && !next.upper && !IsOrganisationKindHead(next.text) && !IsOrganisationKindTail(next.text) &&
         next.text != "department";
}

// Whether the name starting at token `b` of segment `seg` starts with a kind
// of organisation right after a capitalised qualifier that makes it a longer
// name ("Medical University of Innsbruck", "Metropolitan State University of
// Denver", "Netherlands Institute for Neuroscience").  Not when the word
// before is an acronym, a number or itself a kind of organisation, when
// either is joined by a hyphen or a full stop, nor when the segment names a
// unit or lists fields before it (a comma missing: "Department of Medicine
// University of Toronto", "Rheumatology and Musculoskeletal Sciences
// University of Oxford").
bool EndsQualifiedName(const std::vector<AffiliationToken>& tokens, const AffiliationSegment& seg, size_t b) {
  if (b == 0 || b - 1 < seg.first || b >= seg.last) return false;
  const AffiliationToken& before = tokens[b - 1];
  if (!before.capital || before.upper || before.digits || IsNameLinkWord(before.text) || before.sep_before == '-' ||
      tokens[b].sep_before != ' ' || !IsOrganisationKindHead(tokens[b].text) || IsOrganisationKindHead(before.text) ||
      IsOrganisationKindTail(before.text))
    return false;
  for (size_t q = seg.first; q + 1 < b; ++q) {
    std::string_view w = tokens[q].text;
    bool plural_unit = w.ends_with('s') && IsSubunitHead(w.substr(0, w.size() - 1));  // "Departments of …"
    if (plural_unit || IsSubunitHead(w) || IsOrganisationKindHead(w) || IsOrganisationKindTail(w) || w == "and")
      return false;
  }
  return true;
}

bool ParseUnitNumber(std::string_view digits, uint32_t* number) {
  if (digits.size() < kUnitMinDigits || digits.size() > kUnitMaxDigits) return false;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  std::from_chars(digits.data(), digits.data() + digits.size(), *number);
  return true;
}

}  // namespace

const RegistryEntry& OrgCandidate::located() const {
  return unit != nullptr && unit->country != kNoCountry ? *unit : *entry;
}

std::string UnitCode::Key() const { return fmt::format("{} {}", type, number); }

namespace {

// How --explain calls a kind of name.
const char* NameKindWord(NameKind kind) {
  return kind == NameKind::kDisplay ? "name" : kind == NameKind::kAlias ? "alias" : "acronym";
}

// Whether the string names INRA or INRAE and not the CNRS.
bool NamesInraeNotCnrs(const AffiliationText& text) {
  bool inrae = false;
  for (const AffiliationToken& t : text.tokens) {
    if (t.text == "cnrs") return false;
    inrae |= t.text == "inra" || t.text == "inrae";
  }
  return inrae;
}

}  // namespace

std::vector<UnitCode> FindUnitCodes(const AffiliationText& text) {
  std::vector<UnitCode> out;
  const auto& t = text.tokens;
  for (size_t k = 0; k < t.size(); ++k) {
    std::string_view word = t[k].text;
    UnitCode code;
    bool qualified_cnrs = false;
    size_t letters = 0;
    while (letters < word.size() && word[letters] >= 'a' && word[letters] <= 'z') ++letters;
    if (letters < word.size()) {  // "umr5505"
      const std::string_view type = word.substr(0, letters);
      if (!(IsUnitType(type) || IsTeamUnitType(type)) || !ParseUnitNumber(word.substr(letters), &code.number))
        continue;
      code.type = std::string(type);
    } else {
      if (!IsUnitType(word) && !IsTeamUnitType(word)) continue;
      size_t n = k + 1;
      // Its institution's acronym may stand between them too ("UR UPJV 4666").
      while (n < t.size() && (IsUnitQualifier(t[n].text) || (n == k + 1 && t[n].upper && !t[n].digits)))
        qualified_cnrs |= t[n++].text == "cnrs";
      if (n >= t.size() || !ParseUnitNumber(t[n].text, &code.number)) continue;
      code.type = std::string(word);
    }
    code.cnrs = IsCnrsOnlyUnitType(code.type) || qualified_cnrs ||
                (IsSharedUnitType(code.type) && code.number >= kFirstCnrsUmrNumber && code.number < 10000);
    // INRAE's support units are UARs too: "INRA, UAR 1266, DIST … Versailles"
    // is no CNRS unit, unless the CNRS is written.
    if (code.type == "uar" && !qualified_cnrs && NamesInraeNotCnrs(text)) code.cnrs = false;
    code.in_france = !IsUnitAbroadType(code.type);
    code.team = IsTeamUnitType(code.type);
    out.push_back(std::move(code));
  }
  return out;
}

OrgIndex::OrgIndex(const Registry& registry, const OrgWeights& weights) : registry_(registry), weights_(weights) {
  const auto& entries = registry.entries();
  city_tokens_.resize(entries.size());
  name_prefixes_.assign(kNamePrefixBits / 64, 0);
  std::vector<uint32_t> last_entry_of_token(1, 0);
  token_orgs_.assign(1, 0);
  name_starts_.assign(1, 0);
  PendingNames pending;  // every name under its hashes, duplicates of an organisation included
  pending.reserve(kPendingNamesPerEntry * entries.size());
  // (word, organisation's country) once per organisation, for the words of
  // its names that are not acronyms (ProperWordCountry).
  std::vector<std::pair<uint32_t, CountryCode>> word_countries;
  // (first word, organisation's country) once per organisation, for its
  // names of several words that are not acronyms.
  std::vector<std::pair<uint32_t, CountryCode>> first_word_countries;
  std::vector<uint32_t> last_entry_of_first_word(1, UINT32_MAX);
  std::vector<uint32_t> last_entry_of_word(1, UINT32_MAX);
  IndexUmlautSpellings();
  for (uint32_t i = 0; i < entries.size(); ++i) {
    const RegistryEntry& e = entries[i];
    if (e.ror == 0) continue;  // the matcher answers with ROR ids
    // A name with " & " is indexed as read ("and") and without the sign,
    // as strings write it glued ("Eco&Sols" for "Eco & Sols").
    auto index = [&](const std::string& name, NameKind kind) {
      const size_t first_token = pending_tokens_.size();
      IndexName(i, name, kind, &pending);
      if (kind != NameKind::kAcronym && e.country != kNoCountry) {
        last_entry_of_word.resize(vocabulary_.size() + 1, UINT32_MAX);
        for (size_t k = first_token; k < pending_tokens_.size(); ++k)
          if (uint32_t t = pending_tokens_[k]; last_entry_of_word[t] != i) {
            last_entry_of_word[t] = i;
            word_countries.emplace_back(t, e.country);
          }
        last_entry_of_first_word.resize(vocabulary_.size() + 1, UINT32_MAX);
        if (uint32_t t = pending_tokens_[first_token];
            pending_tokens_.size() > first_token + 1 && last_entry_of_first_word[t] != i) {
          last_entry_of_first_word[t] = i;
          first_word_countries.emplace_back(t, e.country);
        }
      }
      if (name.find(" & ") == std::string::npos) return;
      std::string glued;
      for (size_t at = 0; at < name.size(); ++at) {
        glued.push_back(name[at]);
        if (name.compare(at, 3, " & ") == 0) at += 2;  // keep one space
      }
      IndexName(i, glued, kind, &pending);
    };
    index(e.name, NameKind::kDisplay);
    for (const auto& a : e.aliases) {
      bool acronym = std::find(e.acronyms.begin(), e.acronyms.end(), a) != e.acronyms.end();
      index(a, acronym ? NameKind::kAcronym : NameKind::kAlias);
    }
    city_tokens_[i] = NameTokens(e.city);
    // Count each word once per organisation.
    token_orgs_.resize(vocabulary_.size() + 1, 0);
    last_entry_of_token.resize(vocabulary_.size() + 1, UINT32_MAX);
    for (uint32_t t : pending_tokens_)
      if (last_entry_of_token[t] != i) {
        last_entry_of_token[t] = i;
        ++token_orgs_[t];
      }
    pending_tokens_.clear();
  }
  // One NameRef per organisation under each hash: the first name giving it,
  // with the strongest kind of name of those that give it.
  by_name_.Build(std::move(pending), [](NameRef& kept, const NameRef& r) {
    if (kept.entry != r.entry) return false;
    kept.kind = std::min(kept.kind, r.kind);
    return true;
  });
  {
    std::vector<bool> counted(name_starts_.size(), false);
    for (const NameRef& r : by_name_.values())
      if (!counted[r.name]) {
        counted[r.name] = true;
        ++names_indexed_;
        max_name_tokens_ = std::max<size_t>(max_name_tokens_, r.tokens);
      }
  }
  // The words of variants are known words, even those no name uses
  // ("univ"); each word has its canonical spelling and its abbreviation's.
  for (const VariantSpelling& v : kVariantSpellings)
    for (std::string_view w : {v.word, v.canonical})
      vocabulary_.try_emplace(std::string(w), static_cast<uint32_t>(vocabulary_.size() + 1));
  for (const Abbreviation& a : kAbbreviations)
    for (std::string_view w : a.abbreviations)
      if (!w.empty()) vocabulary_.try_emplace(std::string(w), static_cast<uint32_t>(vocabulary_.size() + 1));
  token_orgs_.resize(vocabulary_.size() + 1, 0);
  variant_tokens_.resize(vocabulary_.size() + 1);
  for (const auto& [word, id] : vocabulary_) {
    VariantToken& v = variant_tokens_[id];
    v.spelling = IsVariantLinkWord(word) ? kLinkToken : id;
    for (const VariantSpelling& sp : kVariantSpellings)
      if (sp.word == word) v.spelling = vocabulary_.at(std::string(sp.canonical));
    v.abbreviated = v.spelling;
    for (const Abbreviation& a : kAbbreviations) {
      v.abbreviation = std::find(a.abbreviations.begin(), a.abbreviations.end(), word) != a.abbreviations.end();
      if (v.abbreviation || std::find(a.words.begin(), a.words.end(), word) != a.words.end()) {
        v.abbreviated = vocabulary_.at(std::string(a.abbreviations.front()));
        break;
      }
    }
  }
  // Which words are common words of a language (proper nouns are not).
  std::vector<std::string_view> words(vocabulary_.size() + 1);
  for (const auto& [word, id] : vocabulary_) words[id] = word;
  common_token_ = MarkCommonWords(words);
  const std::vector<bool>& common = common_token_;
  // The rarity of every name, now that the counts are known, and whether it
  // holds a proper noun.
  for (NameRef& r : by_name_.values()) {
    r.rarest = RarestOf(r);
    for (uint32_t t : NameWords(r.name)) r.proper |= IsProperWord(words[t], common[t], 2);
  }
  ancestor_starts_.reserve(entries.size() + 1);
  ancestor_starts_.push_back(0);
  for (const RegistryEntry& e : entries) {
    for (RorId a : ComputeAncestors(e.ror)) ancestor_ids_.push_back(a);
    ancestor_starts_.push_back(static_cast<uint32_t>(ancestor_ids_.size()));
  }
  MarkNamesInsideForeignNames();
  IndexVariants();
  IndexPrefixCountries(words);
  word_country_ = ProperWordCountries(words, std::move(word_countries));
  first_word_country_ = ProperWordCountries(words, std::move(first_word_countries));
  std::vector<uint32_t>().swap(name_words_);
  std::vector<uint32_t>().swap(name_starts_);
  cnrs_ = registry.FindRor(ParseRorId(kCnrsRorId));
}

void OrgIndex::IndexPrefixCountries(const std::vector<std::string_view>& words) {
  const auto& entries = registry_.entries();
  std::vector<PrefixCountryRef> all;
  for (const NameRef& r : by_name_.values()) {
    if (r.kind == NameKind::kAcronym || r.comma || r.tokens < kPrefixMinTokens + 1) continue;
    const CountryCode country = entries[r.entry].country;
    if (country == kNoCountry) continue;
    std::span<const uint32_t> name = NameWords(r.name);
    // Each beginning as written, and with its words abbreviated and its link
    // words dropped as variants are (VariantToken): "Ludwig-Maximilians-
    // University" begins "Ludwig-Maximilians-Universität München" that way.
    uint64_t h = kSpanSeed, abbreviated = kAbbreviationSeed;
    bool proper = false;
    for (size_t k = 0; k + 1 < name.size(); ++k) {
      h = Extend(h, name[k]);
      const VariantToken& v = variant_tokens_[name[k]];
      if (v.spelling != kLinkToken) abbreviated = Extend(abbreviated, v.abbreviated);
      proper |= IsProperWord(words[name[k]], common_token_[name[k]], 2);
      if (k + 1 >= kPrefixMinTokens && proper) {
        all.push_back({h, country});
        if (abbreviated != h) all.push_back({abbreviated, country});
      }
    }
  }
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    bool one_country = true;
    for (; j < all.size() && all[j].hash == all[i].hash; ++j) one_country &= all[j].country == all[i].country;
    // A beginning that is a whole name of its own is read as that name.
    if (one_country && by_name_.Find(all[i].hash).empty() && by_variant_.Find(all[i].hash).empty())
      prefix_countries_.push_back(all[i]);
    i = j;
  }
  prefix_countries_.shrink_to_fit();
}

std::vector<CountryCode> OrgIndex::ProperWordCountries(const std::vector<std::string_view>& words,
                                                       std::vector<std::pair<uint32_t, CountryCode>> sorted) const {
  std::sort(sorted.begin(), sorted.end());
  std::vector<CountryCode> word_country(vocabulary_.size() + 1, kNoCountry);
  for (size_t i = 0; i < sorted.size();) {
    const uint32_t token = sorted[i].first;
    size_t j = i, best = 0, total = 0;
    CountryCode best_country = kNoCountry;
    while (j < sorted.size() && sorted[j].first == token) {
      size_t k = j;
      while (k < sorted.size() && sorted[k] == sorted[j]) ++k;
      if (k - j > best) {
        best = k - j;
        best_country = sorted[j].second;
      }
      total += k - j;
      j = k;
    }
    if (IsProperWord(words[token], common_token_[token], kProperWordMinLetters) && total >= kProperWordMinOrgs &&
        best >= kProperWordMinShare * static_cast<double>(total))
      word_country[token] = best_country;
    i = j;
  }
  return word_country;
}

OrgIndex::NamesCountry OrgIndex::ProperWordCountry(const AffiliationText& text) const {
  NamesCountry found;
  if (!OneAffiliation(text)) return {};
  for (uint32_t k = 0; k < text.tokens.size(); ++k) {
    // Words in capitals are read too ("CNRS", "UMR"), though "PTE" (Pécs's
    // university) then reads as the "Pte" of Singapore's company names.
    if (!text.tokens[k].capital) continue;
    uint32_t id = TokenId(text.tokens[k].text);
    if (id == kUnknownToken || id >= word_country_.size()) continue;
    // A word that begins a segment is read as the first word of a name:
    // "Harvard" begins the names of American organisations only, though
    // "Fundación México en Harvard" holds it too.
    const AffiliationSegment& seg = text.segments[text.tokens[k].segment];
    const bool first = k == seg.first || (k == seg.first + 1 && text.tokens[seg.first].text == "the");
    const CountryCode country = first && first_word_country_[id] != kNoCountry ? first_word_country_[id] : word_country_[id];
    if (country == kNoCountry) continue;
    if (found.country != kNoCountry && found.country != country) return {};
    if (found.country == kNoCountry) found = {country, k, k + 1, first && country == first_word_country_[id]};
  }
  return found;
}

OrgIndex::NamesCountry OrgIndex::AcronymCountry(const AffiliationText& text) const {
  NamesCountry found;
  if (!OneAffiliation(text)) return {};
  // In a string written in capitals, three words in a row (Irstea's BibTeX
  // "GIP LITTORAL AQUITAIN MERIGNAC FRA", a reference "GORDON JP, 1973, PHYS
  // REV A"), a word in capitals is no acronym; in a list of acronyms ("CEA,
  // DES/IRESNE/DEC"), it is.
  for (size_t k = 0, run = 0; k < text.tokens.size(); ++k) {
    const AffiliationToken& t = text.tokens[k];
    const bool joined = k > 0 && t.sep_before == ' ' && t.segment == text.tokens[k - 1].segment;
    run = t.upper ? (joined ? run + 1 : 1) : 0;
    if (run >= 3) return {};
  }
  const auto& entries = registry_.entries();
  for (uint32_t k = 0; k < text.tokens.size(); ++k) {
    const AffiliationToken& t = text.tokens[k];
    if (!t.upper || t.text.size() < kAcronymCountryMinLetters) continue;
    uint32_t id = TokenId(t.text);
    if (id == kUnknownToken) continue;
    CountryCode country = kNoCountry;
    bool one = true;
    for (const NameRef& r : by_name_.Find(Extend(kSpanSeed, id))) {
      if (r.tokens != 1) continue;  // a hash collision
      CountryCode c = entries[r.entry].country;
      if (c == kNoCountry || (country != kNoCountry && c != country)) one = false;
      country = c;
    }
    if (!one || country == kNoCountry) continue;
    if (found.country != kNoCountry && found.country != country) return {};
    if (found.country == kNoCountry) found = {country, k, k + 1, false, true};
  }
  return found;
}

OrgIndex::NamesCountry OrgIndex::PrefixCountry(const AffiliationText& text) const {
  NamesCountry found;
  if (!OneAffiliation(text)) return {};
  for (const AffiliationSegment& seg : text.segments) {
    uint32_t b = seg.first;
    if (seg.last > b + 1 && text.tokens[b].text == "the") ++b;
    if (seg.last - b < kPrefixMinTokens) continue;
    uint64_t h = kSpanSeed, abbreviated = kAbbreviationSeed;
    bool known = true;
    for (uint32_t k = b; k < seg.last && known; ++k) {
      uint32_t id = TokenId(text.tokens[k].text);
      known = id != kUnknownToken;
      h = Extend(h, id);
      if (known && variant_tokens_[id].spelling != kLinkToken)
        abbreviated = Extend(abbreviated, variant_tokens_[id].abbreviated);
    }
    if (!known) continue;
    auto find = [&](uint64_t key) {
      auto at = std::lower_bound(prefix_countries_.begin(), prefix_countries_.end(), PrefixCountryRef{key, kNoCountry});
      return at != prefix_countries_.end() && at->hash == key ? at : prefix_countries_.end();
    };
    auto it = find(h);
    if (it == prefix_countries_.end()) it = find(abbreviated);
    if (it == prefix_countries_.end()) continue;
    if (found.country != kNoCountry && found.country != it->country) return {};
    if (found.country == kNoCountry) found = {it->country, b, seg.last, true};
  }
  return found;
}

void OrgIndex::MarkNamesInsideForeignNames() {
  const auto& entries = registry_.entries();
  std::span<NameRef> refs = by_name_.values();
  // Every indexed name once, by organisation, so that each organisation
  // counts once per name it contains.
  std::vector<std::pair<uint32_t, uint32_t>> names;  // (entry, name index)
  names.reserve(refs.size());
  for (const NameRef& r : refs) names.emplace_back(r.entry, r.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  auto related = [&](const RegistryEntry& a, const RegistryEntry& b) {
    // ROR's "related" links too: the Institut Pasteur's network abroad
    // ("Institut Pasteur de Tunis", "… du Cambodge") are its relatives.
    if (std::find(a.ror_related.begin(), a.ror_related.end(), b.ror) != a.ror_related.end() ||
        std::find(b.ror_related.begin(), b.ror_related.end(), a.ror) != b.ror_related.end())
      return true;
    std::span<const RorId> up = AncestorsOf(a.ror);
    if (std::find(up.begin(), up.end(), b.ror) != up.end()) return true;
    up = AncestorsOf(b.ror);
    return std::find(up.begin(), up.end(), a.ror) != up.end();
  };
  std::vector<uint32_t> last_container(refs.size(), UINT32_MAX);  // per NameRef: the last outer organisation counted
  for (const auto& [outer, name] : names) {
    CountryCode country = entries[outer].country;
    if (country == kNoCountry) continue;
    std::span<const uint32_t> words = NameWords(name);
    for (size_t b = 0; b < words.size(); ++b) {
      uint64_t h = kSpanSeed;
      for (size_t end = b + 1; end <= words.size(); ++end) {
        h = Extend(h, words[end - 1]);
        // Every prefix of a name's hash is marked: no longer span is a name.
        if (!IsNamePrefix(h)) break;
        if (end - b == words.size() || end - b < 2) continue;  // the whole name; single words need support anyway
        for (NameRef& inner : by_name_.Find(h)) {
          CountryCode c = entries[inner.entry].country;
          uint32_t& last = last_container[&inner - refs.data()];
          if (inner.tokens != end - b || c == kNoCountry || SameOrTerritory(c, country) || last == outer) continue;
          last = outer;
          if (!related(entries[outer], entries[inner.entry]) && inner.foreign_containers < UINT16_MAX)
            ++inner.foreign_containers;
        }
      }
    }
  }
}

void OrgIndex::MarkNamePrefix(uint64_t key) {
  size_t bit = key & (kNamePrefixBits - 1);
  name_prefixes_[bit / 64] |= uint64_t{1} << (bit % 64);
}

bool OrgIndex::IsNamePrefix(uint64_t key) const {
  size_t bit = key & (kNamePrefixBits - 1);
  return (name_prefixes_[bit / 64] >> (bit % 64)) & 1;
}

void OrgIndex::IndexVariants() {
  std::span<const NameRef> refs = by_name_.values();
  // In the order the names were read (display name first, then the
  // aliases; a name as written before its form with comma breaks), so that
  // the NameRef kept for an organisation under a variant key is its first
  // name giving that key.
  std::vector<uint32_t> order(refs.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return std::pair(refs[x].name, refs[x].comma) < std::pair(refs[y].name, refs[y].comma);
  });
  std::vector<std::pair<uint64_t, VariantRef>> variants;
  variants.reserve(3 * refs.size());
  for (uint32_t at : order) {
    const NameRef& r = refs[at];
    uint64_t spelling = kSpellingSeed, abbreviated = kAbbreviationSeed, sum = 0;
    uint32_t words = 0;
    for (uint32_t t : NameWords(r.name)) {
      const VariantToken& v = variant_tokens_[t];
      if (v.spelling == kLinkToken) continue;
      spelling = Extend(spelling, v.spelling);
      abbreviated = Extend(abbreviated, v.abbreviated);
      MarkNamePrefix(spelling);
      MarkNamePrefix(abbreviated);
      sum += VariantWord(v.spelling);
      ++words;
    }
    if (words < kVariantMinWords) continue;
    for (uint64_t key : {spelling, abbreviated, VariantKey(sum, words)}) variants.push_back({key, {at, r.kind}});
  }
  by_variant_.Build(std::move(variants), [&](VariantRef& kept, const VariantRef& v) {
    if (refs[kept.ref].entry != refs[v.ref].entry) return false;
    kept.kind = std::min(kept.kind, v.kind);
    return true;
  });
}

uint32_t OrgIndex::RarestOf(const NameRef& ref) const {
  uint32_t rarest = UINT32_MAX;
  for (uint32_t t : NameWords(ref.name)) rarest = std::min(rarest, token_orgs_[t]);
  return rarest;
}

namespace {

// The name with its umlauts written as two letters, as strings often do:
// "Universität Würzburg" → "Universitaet Wuerzburg".  Empty when it has none.
std::string WithUmlautsSpelledOut(std::string_view name) {
  std::string out;
  bool any = false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char* two = nullptr;
    if (name[i] == '\xC3' && i + 1 < name.size()) switch (name[i + 1]) {
        case '\xA4': two = "ae"; break;
        case '\xB6': two = "oe"; break;
        case '\xBC': two = "ue"; break;
        case '\x84': two = "Ae"; break;
        case '\x96': two = "Oe"; break;
        case '\x9C': two = "Ue"; break;
        default: break;
      }
    if (two == nullptr) {
      out.push_back(name[i]);
      continue;
    }
    out.append(two);
    any = true;
    ++i;
  }
  if (!any) out.clear();
  return out;
}

}  // namespace

void OrgIndex::IndexUmlautSpellings() {
  auto add = [&](std::string_view name) {
    std::string spelled = WithUmlautsSpelledOut(name);
    if (spelled.empty()) return;
    std::vector<std::string> folded = NameTokens(name), other = NameTokens(spelled);
    if (folded.size() != other.size()) return;
    // Short words stay apart: "Ü" spelled "ue" would be the acronym "UE".
    for (size_t k = 0; k < folded.size(); ++k)
      if (folded[k] != other[k] && folded[k].size() >= kMinSpelledOutLetters)
        spelled_out_.try_emplace(std::move(other[k]), std::move(folded[k]));
  };
  for (const RegistryEntry& e : registry_.entries()) {
    if (e.ror == 0) continue;
    add(e.name);
    for (const auto& a : e.aliases) add(a);
  }
}

std::string_view OrgIndex::Spelling(std::string_view token) const {
  if (spelled_out_.empty()) return token;
  auto it = spelled_out_.find(token);
  return it == spelled_out_.end() ? token : std::string_view(it->second);
}

uint32_t OrgIndex::TokenId(std::string_view token) const {
  auto it = vocabulary_.find(Spelling(token));
  return it == vocabulary_.end() ? kUnknownToken : it->second;
}

void OrgIndex::IndexName(uint32_t entry, std::string_view name, NameKind kind, PendingNames* out) {
  AffiliationText text = ParseAffiliation(name);
  for (const UnitCode& code : FindUnitCodes(text)) {
    // A team's number is not its alone over the years ("EA 7517" is
    // Amiens' MP3CV and a team of CY Cergy): no lab is found by it.
    if (code.team) continue;
    auto& list = by_unit_code_[code.Key()];
    if (std::find(list.begin(), list.end(), entry) == list.end()) list.push_back(entry);
  }
  if (text.tokens.empty() || text.tokens.size() > kMaxNameTokens) return;
  // A name that holds what reads as an e-mail address ("CNRS@CREATE
  // Singapore") is not indexed as what is left ("Singapore").
  if (!text.removed.empty()) return;
  // A name with a comma ("University of California, Davis") is indexed with
  // and without the break; one without a comma only without, so that a
  // string's span across a comma ("Health Sciences, University of Macau")
  // does not read as a name that has none ("Health Sciences University").
  uint64_t h = kSpanSeed, h_break = kSpanSeed;
  for (size_t k = 0; k < text.tokens.size(); ++k) {
    const auto& t = text.tokens[k];
    auto [it, inserted] =
        vocabulary_.try_emplace(std::string(Spelling(t.text)), static_cast<uint32_t>(vocabulary_.size() + 1));
    if (k > 0 && t.segment != text.tokens[k - 1].segment) h_break = Extend(h_break, kSegmentBreak);
    h = Extend(h, it->second);
    h_break = Extend(h_break, it->second);
    MarkNamePrefix(h);
    MarkNamePrefix(h_break);
    name_words_.push_back(it->second);
    pending_tokens_.push_back(it->second);
  }
  // The name's refs; those of an organisation already under a hash are
  // dropped when the index is built (KeyedLists::Build), and a name none
  // of whose refs is kept is not counted.
  NameRef ref;
  ref.entry = entry;
  ref.kind = kind;
  ref.tokens = static_cast<uint8_t>(text.tokens.size());
  ref.name = static_cast<uint32_t>(name_starts_.size() - 1);
  ref.subunit = IsSubunitHead(text.tokens.front().text);
  name_starts_.push_back(static_cast<uint32_t>(name_words_.size()));
  out->emplace_back(h, ref);
  if (h_break == h) return;
  ref.comma = true;
  out->emplace_back(h_break, ref);
}

const std::vector<std::string>& OrgIndex::CityTokens(const RegistryEntry& e) const {
  return city_tokens_[&e - registry_.entries().data()];
}

bool OrgIndex::CityAppears(const RegistryEntry& e, const AffiliationText& text, size_t skip_first,
                           size_t skip_last) const {
  const auto& city = CityTokens(e);
  if (city.empty() || city.size() > text.tokens.size()) return false;
  for (size_t i = 0; i + city.size() <= text.tokens.size(); ++i) {
    if (i < skip_last && i + city.size() > skip_first) continue;
    size_t k = 0;
    while (k < city.size() && text.tokens[i + k].text == city[k]) ++k;
    if (k == city.size()) return true;
  }
  return false;
}

std::vector<RorId> OrgIndex::Ancestors(RorId ror) const {
  std::span<const RorId> up = AncestorsOf(ror);
  return {up.begin(), up.end()};
}

std::span<const RorId> OrgIndex::AncestorsOf(RorId ror) const {
  const RegistryEntry* e = registry_.FindRor(ror);
  if (e == nullptr) return {};
  const size_t i = e - registry_.entries().data();
  return {ancestor_ids_.data() + ancestor_starts_[i], ancestor_starts_[i + 1] - ancestor_starts_[i]};
}

std::vector<RorId> OrgIndex::ComputeAncestors(RorId ror) const {
  std::vector<RorId> out;
  std::vector<RorId> frontier = {ror};
  for (size_t depth = 0; depth < kMaxAncestorDepth && !frontier.empty(); ++depth) {
    std::vector<RorId> next;
    for (RorId id : frontier) {
      const RegistryEntry* e = registry_.FindRor(id);
      if (e == nullptr) continue;
      for (RorId p : e->ror_parents)
        if (p != ror && std::find(out.begin(), out.end(), p) == out.end()) {
          out.push_back(p);
          next.push_back(p);
        }
    }
    frontier = std::move(next);
  }
  return out;
}

uint32_t OrgIndex::FamilyHead(std::vector<std::pair<uint32_t, bool>> carriers, const AffiliationText& text) const {
  const auto& entries = registry_.entries();
  std::sort(carriers.begin(), carriers.end());
  // One entry per organisation, displayed if any of its names is.
  size_t n = 0;
  for (size_t i = 0; i < carriers.size(); ++i) {
    if (n > 0 && carriers[n - 1].first == carriers[i].first)
      carriers[n - 1].second = carriers[n - 1].second || carriers[i].second;
    else
      carriers[n++] = carriers[i];
  }
  carriers.resize(n);
  if (carriers.size() < 2) return kNoEntry;
  for (const auto& [candidate, displayed] : carriers) {
    if (!displayed) continue;
    const RorId root = entries[candidate].ror;
    const bool heads_all = std::all_of(carriers.begin(), carriers.end(), [&](const auto& other) {
      if (other.first == candidate) return true;
      std::span<const RorId> up = AncestorsOf(entries[other.first].ror);
      return std::find(up.begin(), up.end(), root) != up.end();
    });
    if (!heads_all) continue;
    // A site's city written names the site.
    const bool site_city =
        std::any_of(carriers.begin(), carriers.end(), [&](const auto& c) { return CityAppears(entries[c.first], text); });
    return site_city ? kNoEntry : candidate;
  }
  return kNoEntry;
}

std::vector<OrgCandidate> OrgIndex::Match(const AffiliationText& text, CountryCode country, bool explain,
                                          std::vector<std::string>* refused) const {
  const auto& tokens = text.tokens;
  const auto& entries = registry_.entries();
  std::vector<uint32_t> ids(tokens.size());
  for (size_t k = 0; k < tokens.size(); ++k) ids[k] = TokenId(tokens[k].text);

  std::vector<OrgCandidate> accepted;
  // Weak names without support (an acronym, a single word), kept in case a
  // unit of theirs is named too (see below).
  std::vector<OrgCandidate> unsupported;
  auto describe = [&](const RegistryEntry& e, NameKind kind, size_t b, size_t end, double score,
                      std::string_view notes) {
    if (!explain) return std::string();
    std::string span = JoinTokens(tokens, b, end);
    return fmt::format("{} \"{}\" → {} {} ({}{}; score {:.2f})", NameKindWord(kind), span, FormatRorId(e.ror), e.name,
                       e.country ? CountryName(e.country) : "--", notes, score);
  };

  // Why a name found gave no candidate: the first organisation refused for
  // each reason, and how many more were refused for it (see `refuse` below).
  struct Refusal {
    std::string_view why;
    const RegistryEntry* first = nullptr;
    NameKind kind = NameKind::kDisplay;
    size_t more = 0;
  };
  auto report_refusals = [&](const std::vector<Refusal>& refusals, size_t b, size_t end) {
    if (refusals.empty()) return;
    const std::string span = JoinTokens(tokens, b, end);
    for (const Refusal& r : refusals) {
      refused->push_back(fmt::format("refused {} \"{}\" → {} {} ({}){}: {}", NameKindWord(r.kind), span, FormatRorId(r.first->ror),
                                     r.first->name, r.first->country ? CountryName(r.first->country) : "--",
                                     r.more > 0 ? fmt::format(" and {} more", r.more) : std::string(), r.why));
    }
  };

  // Scores the organisations carrying the name found at [b, end) and keeps
  // the best if it is alone.  A variant of a name (another word order or
  // spelling, see VariantKey) counts only with the country or the city.
  auto consider = [&](const auto& refs, size_t b, size_t end, VariantKind variant) {
    const size_t k = end - 1;
    // A capitalised word before the name, in the same segment, may make it
    // part of a longer name ("Medical Research Institute" in "Kenya Medical
    // Research Institute").
    bool cut_before = b > 0 && tokens[b - 1].segment == tokens[b].segment && tokens[b - 1].capital &&
                      !IsNameLinkWord(tokens[b - 1].text);
    // The name is the whole segment ("…, University of Hong Kong, …"),
    // perhaps after "the": the string names this organisation and nothing
    // longer.
    const AffiliationSegment& seg = text.segments[tokens[b].segment];
    bool whole_segment = tokens[k].segment == tokens[b].segment && end == seg.last &&
                         (b == seg.first || (b == seg.first + 1 && tokens[seg.first].text == "the"));
    // A link word after the name, in the same segment, may make it the start
    // of a longer name ("Institute of Biochemistry" in "Institute of
    // Biochemistry and Molecular Biology").
    bool cut_after = tokens[k].segment == tokens[b].segment && end < seg.last && IsNameLinkWord(tokens[end].text);
    // Capitalised words after the name, in the same segment, that end in a
    // kind of organisation, or start with one ("KU Leuven" in "VIB-KU Leuven
    // Center for Microbiology"): the string names a longer organisation,
    // which the registry does not hold (else its longer name would win).
    // Footnote numbers that end the segment do not count ("Wuhan University
    // Renmin Hospital 5").
    size_t seg_end = seg.last;
    while (seg_end > end && tokens[seg_end - 1].digits) --seg_end;
    const bool capital_after = tokens[k].segment == tokens[b].segment && end < seg_end && tokens[end].capital &&
                               !IsNameLinkWord(tokens[end].text);
    bool heads_longer =
        capital_after && (IsOrganisationKindTail(tokens[seg_end - 1].text) || IsOrganisationKindTail(tokens[end].text));
    // An acronym followed by capitalised words that name a kind of
    // organisation is the first word of a longer name: "MRC London Institute
    // of Medical Sciences", "CSIRO Australian Centre for Disease
    // Preparedness", "IRCCS Ospedale Policlinico San Martino".
    bool acronym_heads_longer = false;
    for (size_t q = end; capital_after && q < seg_end && !acronym_heads_longer; ++q) {
      if (!tokens[q].capital && !IsNameLinkWord(tokens[q].text)) break;
      acronym_heads_longer = IsOrganisationKindWord(tokens[q].text);
    }
    // A name right after "<…> Hospital of (the)" names the university of a
    // hospital the registry lacks: "Shengjing Hospital of China Medical
    // University", "The First Affiliated Hospital of Zhengzhou University".
    heads_longer |= FollowsHospitalOf(tokens, b);
    heads_longer |= FollowsMemberOf(tokens, seg, b);
    heads_longer |= ContinuesWithAnd(tokens, seg_end, b, end);
    // A name that starts with a kind of organisation right after a
    // capitalised word (not an acronym, a number, nor itself a kind of
    // organisation; neither joined by a hyphen) is the end of a longer name:
    // "Medical University of Innsbruck", "Metropolitan State University of
    // Denver", "Netherlands Institute for Neuroscience" — unless the segment
    // names a unit before it, where a comma is missing ("Department of
    // Medicine University of Toronto", "Rheumatology and Musculoskeletal
    // Sciences University of Oxford").
    heads_longer |= EndsQualifiedName(tokens, seg, b);
    // So does a name ending in a kind of organisation followed by "of" and a
    // capitalised word: "Hunan University of Science and Technology" is not
    // Hunan University.
    heads_longer |= cut_after && end + 1 < seg.last && tokens[end].text == "of" && tokens[end + 1].capital &&
                    IsOrganisationKindTail(tokens[k].text);
    // A name of common words that starts with a kind of organisation right
    // after a proper noun, not joined by a hyphen, ends a longer name: "Max
    // Planck Institute of Experimental Medicine", "Moscow Institute of
    // Physics and Technology" (not "Psychiatry University of California",
    // a comma missing, nor "Justus-Liebig-University of Giessen").
    bool ends_proper_name = cut_before && tokens[b].sep_before == ' ' && IsOrganisationKindHead(tokens[b].text) &&
                            (ids[b - 1] == kUnknownToken || !common_token_[ids[b - 1]]);
    // A variant right after a capitalised word is part of a longer name the
    // registry lacks: "Tech. Univ. Munchen" is not "Universität München".
    if (variant != VariantKind::kNone && cut_before) return;
    bool all_upper = true;
    for (size_t q = b; q < end; ++q) all_upper &= tokens[q].upper || tokens[q].digits;
    std::vector<OrgCandidate> here;
    std::vector<int> support;  // what, besides the kind of name, speaks for each
    std::vector<NameKind> kinds;  // the kind of name giving each
    std::vector<bool> city_in_name;  // its city written only inside the name found
    // (An acronym's name found in a word not written in capitals is no
    // acronym the string meant: "of" is not the Office of Fusion's "OF".)
    std::vector<Refusal> refusals;
    // Nor is a link word in capitals ("OF" in "UNIVERSITY OF …").
    auto refuse = [&](const RegistryEntry& e, NameKind kind, std::string_view why) {
      if (refused == nullptr ||
          (kind == NameKind::kAcronym && (!all_upper || (end == b + 1 && IsVariantLinkWord(tokens[b].text)))))
        return;
      for (Refusal& r : refusals)
        if (r.why == why) {
          ++r.more;
          return;
        }
      refusals.push_back({why, &e, kind, 0});
    };
    auto elsewhere = [&](const RegistryEntry& e) {
      return country != kNoCountry && e.country != kNoCountry && !SameOrTerritory(country, e.country);
    };
    // Several organisations carrying the name may be one organisation and
    // its sites (FamilyHead).
    uint32_t head = kNoEntry;
    if (refs.size() > 1) {
      std::vector<std::pair<uint32_t, bool>> carriers;  // (entry, the name is its display name or a label)
      for (const NameRef& ref : refs)
        if ((variant != VariantKind::kNone || ref.tokens == end - b) && !elsewhere(entries[ref.entry]))
          carriers.emplace_back(ref.entry, ref.kind == NameKind::kDisplay);
      head = FamilyHead(std::move(carriers), text);
    }
    const size_t names_carrying = head != kNoEntry ? 1 : refs.size();
    for (const NameRef& ref : refs) {
      if (variant == VariantKind::kNone && ref.tokens != end - b) continue;  // a hash collision
      if (head != kNoEntry && ref.entry != head) continue;  // a site of the head
      const RegistryEntry& e = entries[ref.entry];
      bool country_agrees = country != kNoCountry && e.country != kNoCountry && SameOrTerritory(country, e.country);
      if (elsewhere(e)) {
        refuse(e, ref.kind, "in another country than the string's");
        continue;
      }
      // A variant holds a proper noun or a rare word: "Institute of Molecular
      // Medicine" is not the "Institute for Molecular Medicine".
      if (variant != VariantKind::kNone && !ref.proper && ref.rarest > weights_.distinctive_max_orgs) {
        refuse(e, ref.kind, "a variant of a name of common words");
        continue;
      }
      bool city = CityAppears(e, text);
      // The words of a name in another order are that name when they are a
      // whole segment and the organisation's city is written outside them:
      // "Ottawa University" (Kansas) is not the University of Ottawa.
      if (variant == VariantKind::kOrder && (!whole_segment || !CityAppears(e, text, b, end))) {
        refuse(e, ref.kind, "its words in another order, without its city written");
        continue;
      }
      // One word that is one organisation's display name, a proper noun
      // written as a whole segment, tells that organisation's country
      // ("…, RIKEN"), not the organisation: single words are often another
      // organisation's acronym, or a partner beside the host ("Inserm").
      const bool lone_display = ref.tokens == 1 && ref.kind == NameKind::kDisplay && names_carrying == 1 &&
                                whole_segment && ref.proper && variant == VariantKind::kNone;
      bool weak = (ref.kind == NameKind::kAcronym || ref.tokens == 1 || variant != VariantKind::kNone) && !lone_display;
      // Needs support; one organisation's name as written may still get it
      // from a unit of it named in the string (see `unsupported`).
      const bool lacks_support = weak && !country_agrees && !city;
      if (lacks_support && (names_carrying != 1 || variant != VariantKind::kNone)) {
        refuse(e, ref.kind,
               variant != VariantKind::kNone ? "a variant of a name: needs the country or the city"
                                             : "an acronym or one word that several organisations carry: needs the "
                                               "country or the city");
        continue;
      }
      // A rare word makes a name distinctive, and so does a name of three
      // words or more that no other organisation carries ("Southern Medical
      // University"), unless it may be the end of a longer name.
      // A name that is a whole segment, carried by one organisation and
      // holding a proper noun names it ("University of Hong Kong"); one of
      // common words only ("Open University", "Food and Drug
      // Administration") may be another country's, missing from the registry.
      bool unique_whole = whole_segment && names_carrying == 1 && ref.tokens >= 2 && ref.kind != NameKind::kAcronym &&
                          ref.proper;
      // A name of common words that organisations of other countries, not
      // its relatives, hold inside their own longer names ("Institute of
      // Microbiology" in "… of the Czech Academy of Sciences" and "… and
      // Virology"; "Ecole Normale Supérieure" in "… de Laghouat", "… d'Oran")
      // names a kind of organisation: it needs the country or the city.
      bool generic_abroad = ref.foreign_containers >= kGenericAbroadMinOrgs && !ref.proper;
      bool distinctive = (ref.rarest <= weights_.distinctive_max_orgs || unique_whole ||
                          (ref.tokens >= kUniqueNameMinTokens && names_carrying == 1 && !cut_before && !cut_after)) &&
                         !ref.subunit && !generic_abroad;
      if (!distinctive && !country_agrees && !city) {  // a generic name needs support too
        refuse(e, ref.kind,
               ref.subunit        ? "a kind of unit (department, faculty…): needs the country or the city"
               : generic_abroad   ? "common words that other countries' organisations hold in their names: needs "
                                    "the country or the city"
                                  : "common words, or carried by several organisations: needs the country or the "
                                    "city");
        continue;
      }
      // A unit's name of common words ("Department of Virology", Institut
      // Pasteur's) is the name of a thousand units of its country: it needs
      // its organisation's city.
      if (ref.subunit && !ref.proper && !city) {
        refuse(e, ref.kind, "a kind of unit (department, faculty…) of common words: needs the city");
        continue;
      }
      // A team's number as a name ("EA 7517", an alias of CY Cergy's
      // BONHEURS, is also Amiens' MP3CV; see FindUnitCodes) names the team
      // only in its city.
      if (end - b == 2 && IsTeamUnitType(tokens[b].text) && tokens[b + 1].digits && !city) {
        refuse(e, ref.kind, "a team's number, which teams of other cities have had: needs the city");
        continue;
      }
      size_t letters = tokens[b].text.size();
      if (ref.kind == NameKind::kAcronym && !all_upper && letters < kAcronymCaseFreeLength) {
        refuse(e, ref.kind, "a short acronym not written in capitals");
        continue;
      }
      // A French unit type followed by its number is a unit code, not an
      // acronym ("EA 6311" is not Éco-Anthropologie, "EA"); a link word is
      // never an acronym ("NEW ORLEANS, CITY OF" is not the Office of
      // Fusion, "OF").
      if (ref.kind == NameKind::kAcronym && ref.tokens == 1 &&
          (IsVariantLinkWord(tokens[b].text) ||
           (IsUnitCodeHead(tokens[b].text) && end < seg.last && tokens[end].segment == tokens[b].segment &&
            tokens[end].digits && tokens[end].text.size() >= kUnitMinDigits &&
            tokens[end].text.size() <= kUnitMaxDigits))) {
        refuse(e, ref.kind, "a unit type before its number, or a link word: no acronym");
        continue;
      }
      double score = variant != VariantKind::kNone    ? weights_.variant
                     : ref.kind == NameKind::kDisplay ? weights_.display_name
                     : ref.kind == NameKind::kAlias   ? weights_.alias
                                                      : weights_.acronym;
      if (country_agrees) score += weights_.country_agrees;
      if (city) score += weights_.city_appears;
      if (!e.active) score += weights_.inactive;
      score = std::min(score, 1.0);
      // A name of common words after a proper noun ends a longer name.
      const bool ends_longer_name = ends_proper_name && !ref.proper;
      const bool part_of_longer =
          heads_longer || (acronym_heads_longer && ref.kind == NameKind::kAcronym) || ends_longer_name ||
          (lone_display && !country_agrees && !city);
      if (lacks_support) {
        if (part_of_longer) {
          refuse(e, ref.kind, "an acronym or one word, without the country or the city, inside a longer name");
          continue;
        }
        unsupported.push_back({&e, weights_.min_score, static_cast<uint32_t>(b), static_cast<uint32_t>(end), false,
                               describe(e, ref.kind, b, end, weights_.min_score,
                                        ", no support but a unit of it named: the unit's institution")});
        unsupported.back().supported = false;
        unsupported.back().by_relative = true;
        refuse(e, ref.kind, "an acronym or one word without the country or the city (it counts beside a unit of it)");
        continue;
      }
      if (score < weights_.min_score) {
        refuse(e, ref.kind, "its score is under the floor");
        continue;
      }
      std::string notes;  // built only when explaining: its concatenations allocate
      if (explain)
        notes = std::string(variant == VariantKind::kNone    ? ""
                            : variant == VariantKind::kOrder ? ", its words in another order"
                                                             : ", a variant of the name") +
                (country_agrees ? ", country agrees" : "") + (city ? ", city appears" : "") +
                (e.active ? "" : ", inactive") +
                (!part_of_longer ? ""
                 : lone_display && !heads_longer ? ", one word alone: country only"
                                                 : ", part of a longer name: country only");
      here.push_back({&e, score, static_cast<uint32_t>(b), static_cast<uint32_t>(end), false,
                      describe(e, ref.kind, b, end, score, notes)});
      here.back().heads_longer = part_of_longer;
      here.back().variant = variant != VariantKind::kNone;
      here.back().short_acronym_by_country = ref.kind == NameKind::kAcronym && ref.tokens == 1 &&
                                             letters <= kShortAcronymLetters && country_agrees && !city;
      // Such a name's country is not evidence without support either, when
      // the name heads a longer one (see AffiliationMatcher::Match).
      here.back().supported = country_agrees || city ||
                              ((ref.rarest <= kCountryRareWordOrgs || unique_whole) && !generic_abroad &&
                               !ends_longer_name);
      support.push_back(2 * country_agrees + 2 * city + e.active);
      city_in_name.push_back(city && !CityAppears(e, text, b, end));
      kinds.push_back(ref.kind);
    }
    if (here.empty()) {
      report_refusals(refusals, b, end);
      return;
    }
    // Several organisations carry this name: one is taken only when the
    // country, the city or its being active tells it apart, not when it merely
    // holds the name as its display name and the others as an alias
    // ("Ecole Normale Supérieure": Bujumbura's name, an alias in Paris).
    // A city written only inside the name does not tell a carrier apart from
    // one whose city begins with it: "Newcastle University" is the UK's, in
    // Newcastle upon Tyne, and an alias of Australia's, in Newcastle.
    for (size_t q = 0; q < here.size(); ++q) {
      if (!city_in_name[q]) continue;
      const auto& city = CityTokens(*here[q].entry);
      for (size_t r = 0; r < here.size(); ++r) {
        const auto& other = CityTokens(*here[r].entry);
        if (r != q && other.size() > city.size() && std::equal(city.begin(), city.end(), other.begin())) {
          support[q] -= 2;
          break;
        }
      }
    }
    size_t best = 0;
    for (size_t q = 1; q < here.size(); ++q)
      if (support[q] > support[best] || (support[q] == support[best] && here[q].score > here[best].score)) best = q;
    bool ambiguous = false;
    for (size_t q = 0; q < here.size(); ++q) ambiguous |= q != best && support[q] >= support[best];
    if (ambiguous) {
      for (size_t q = 0; q < here.size(); ++q)
        if (support[q] >= support[best])
          refuse(*here[q].entry, kinds[q], "carried by several organisations that nothing in the string tells apart");
      report_refusals(refusals, b, end);
      return;
    }
    accepted.push_back(std::move(here[best]));
  };

  for (size_t b = 0; b < tokens.size(); ++b) {
    if (ids[b] == kUnknownToken) continue;
    uint64_t h = kSpanSeed;
    uint32_t group = text.segments[tokens[b].segment].group;
    // The variant keys of the span within b's segment (see IndexVariants).
    // (A variant right after a capitalised word is refused: see consider.)
    const bool variant_start = variant_tokens_[ids[b]].spelling != kLinkToken &&
                               !(b > 0 && tokens[b - 1].segment == tokens[b].segment && tokens[b - 1].capital &&
                                 !IsNameLinkWord(tokens[b - 1].text));
    const AffiliationSegment& segment = text.segments[tokens[b].segment];
    const bool segment_start = b == segment.first || (b == segment.first + 1 && tokens[segment.first].text == "the");
    uint64_t spelling = kSpellingSeed, abbreviated = kAbbreviationSeed, sum = 0;
    uint32_t words = 0;
    bool abbreviation = false, spelling_prefix = variant_start, abbreviated_prefix = variant_start;
    bool name_prefix = true;
    for (size_t end = b + 1; end <= tokens.size() && end - b <= max_name_tokens_; ++end) {
      size_t k = end - 1;
      if (ids[k] == kUnknownToken || text.segments[tokens[k].segment].group != group) break;
      if (k > b && tokens[k].segment != tokens[k - 1].segment) h = Extend(h, kSegmentBreak);
      if (name_prefix) {
        h = Extend(h, ids[k]);
        name_prefix = IsNamePrefix(h);
      }
      const bool same_segment = tokens[k].segment == tokens[b].segment;
      const VariantToken& v = variant_tokens_[ids[k]];
      if (v.spelling != kLinkToken) {
        if (spelling_prefix) {
          spelling = Extend(spelling, v.spelling);
          spelling_prefix = IsNamePrefix(spelling);
        }
        if (abbreviated_prefix) {
          abbreviated = Extend(abbreviated, v.abbreviated);
          abbreviated_prefix = IsNamePrefix(abbreviated);
        }
        sum += VariantWord(v.spelling);
        ++words;
        abbreviation |= v.abbreviation;
      }
      // Nothing longer can be a name, as written or as a variant (the words
      // of a whole segment in another order are read at its end).
      if (!name_prefix && !spelling_prefix && !abbreviated_prefix && !(segment_start && same_segment)) break;
      // A name cut inside a hyphenated word ("University of Milan" in
      // "University of Milan-Bicocca") is not that name.
      if (end < tokens.size() && tokens[end].sep_before == '-' && tokens[end].segment == tokens[k].segment) continue;
      if (name_prefix) {
        std::span<const NameRef> refs = by_name_.Find(h);
        if (!refs.empty()) {
          consider(refs, b, end, VariantKind::kNone);
          continue;
        }
      }
      // Not found as written: a variant of a name.
      if (!variant_start || !same_segment || v.spelling == kLinkToken || words < kVariantMinWords) continue;
      std::span<const VariantRef> found;
      VariantKind kind = VariantKind::kNone;
      if (abbreviation) {
        if (abbreviated_prefix) found = by_variant_.Find(abbreviated);
        kind = VariantKind::kAbbreviation;
      } else if (spelling_prefix) {
        found = by_variant_.Find(spelling);
        kind = VariantKind::kSpelling;
      }
      if (found.empty() && segment_start && end == segment.last) {  // another order: a whole segment
        found = by_variant_.Find(VariantKey(sum, words));
        kind = VariantKind::kOrder;
      }
      if (!found.empty())
        consider(found | std::views::transform([&](const VariantRef& v) {
                   NameRef r = by_name_.values()[v.ref];
                   r.kind = v.kind;
                   return r;
                 }),
                 b, end, kind);
    }
  }
  // A name inside a longer accepted name is part of it ("University of
  // California" in "University of California, Davis").
  std::vector<OrgCandidate> out;
  for (auto& c : accepted) {
    bool inside = std::any_of(accepted.begin(), accepted.end(), [&](const OrgCandidate& o) {
      return o.first_token <= c.first_token && c.last_token <= o.last_token &&
             o.last_token - o.first_token > c.last_token - c.first_token;
    });
    if (!inside) out.push_back(std::move(c));
  }
  // French unit codes: the lab when a registry record carries the code, and
  // the CNRS for CNRS units.
  for (const UnitCode& code : FindUnitCodes(text)) {
    auto it = by_unit_code_.find(code.Key());
    if (it != by_unit_code_.end() && it->second.size() == 1) {
      const RegistryEntry& lab = entries[it->second.front()];
      out.push_back({&lab, weights_.unit_code_lab, 0, 0, false,
                     explain ? fmt::format("unit code \"{}\" → {} {} (named in its registry record; score {:.2f})",
                                           code.Key(), FormatRorId(lab.ror), lab.name, weights_.unit_code_lab)
                             : std::string()});
    }
    if (code.cnrs && cnrs_ != nullptr)
      out.push_back({cnrs_, weights_.unit_code_parent, 0, 0, true,
                     explain ? fmt::format("unit code \"{}\" is a CNRS unit → {} {} (score {:.2f})", code.Key(),
                                           FormatRorId(cnrs_->ror), cnrs_->name, weights_.unit_code_parent)
                             : std::string()});
  }
  // A weak name without support (an acronym, a single word) counts when it
  // names a registry ancestor of an organisation found in the string, and
  // is not inside a longer name found: "UPJV" beside one of its labs
  // ("HEMATIM - Hématopoïèse et immunologie - UR UPJV 4666"), "Inserm"
  // beside one of its units.  It is then given as the named ancestor (below),
  // but its country is not evidence.
  if (!unsupported.empty()) {
    std::vector<RorId> named_ancestors;
    for (const OrgCandidate& c : out)
      if (!c.parent_by_code)
        for (RorId a : AncestorsOf(c.entry->ror)) named_ancestors.push_back(a);
    for (OrgCandidate& c : unsupported) {
      bool inside = std::any_of(out.begin(), out.end(), [&](const OrgCandidate& o) {
        return o.last_token > o.first_token && o.first_token <= c.first_token && c.last_token <= o.last_token;
      });
      if (!inside && std::find(named_ancestors.begin(), named_ancestors.end(), c.entry->ror) != named_ancestors.end())
        out.push_back(std::move(c));
    }
  }
  // One candidate per organisation, best first.  Equal scores: in one
  // affiliation (no ';' between them), of two names of several words, the
  // one written later, as strings name the unit before its institution
  // ("Howard Hughes Medical Institute, University of Washington", "University
  // Medical Center Groningen, University of Groningen"); otherwise the longer
  // name.  Single words are left out ("Université de Lille, Inserm": Inserm
  // is a partner, not the host).
  std::stable_sort(out.begin(), out.end(), [&](const OrgCandidate& x, const OrgCandidate& y) {
    if (x.score != y.score) return x.score > y.score;
    const uint32_t x_words = x.last_token - x.first_token, y_words = y.last_token - y.first_token;
    if (x_words >= kTieByOrderMinWords && y_words >= kTieByOrderMinWords && x.first_token != y.first_token &&
        text.segments[tokens[x.first_token].segment].group == text.segments[tokens[y.first_token].segment].group)
      return x.first_token > y.first_token;
    return x_words > y_words;
  });
  std::vector<OrgCandidate> unique;
  for (auto& c : out) {
    auto same = std::find_if(unique.begin(), unique.end(), [&](const OrgCandidate& u) { return u.entry == c.entry; });
    if (same == unique.end())
      unique.push_back(std::move(c));
    else if (!c.heads_longer)  // also named on its own elsewhere in the string
      same->heads_longer = false;
  }
  // The organisation given is the best candidate that does not head a longer
  // name (those before it only tell the country); when it is a unit whose
  // parent institution is named too: the institution.
  auto given = std::find_if(unique.begin(), unique.end(), [](const OrgCandidate& c) { return !c.heads_longer; });
  if (given != unique.end() && given->last_token > given->first_token) {
    std::span<const RorId> ancestors = AncestorsOf(given->entry->ror);
    for (auto q = given + 1; q != unique.end(); ++q)
      if (q->last_token > q->first_token && !q->heads_longer &&
          std::find(ancestors.begin(), ancestors.end(), q->entry->ror) != ancestors.end()) {
        std::rotate(given, q, q + 1);
        break;
      }
    // The institution given (so promoted, or written after its unit) keeps
    // the country of a unit of it named in the string.
    for (auto q = unique.begin(); given->unit == nullptr && q != unique.end(); ++q) {
      if (q == given || q->last_token == q->first_token || q->heads_longer) continue;
      std::span<const RorId> up = AncestorsOf(q->entry->ror);
      if (std::find(up.begin(), up.end(), given->entry->ror) != up.end()) given->unit = q->entry;
    }
  }
  return unique;
}

}  // namespace coopscope
