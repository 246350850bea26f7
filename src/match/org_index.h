// Organisation look-up for the affiliation matcher: every name of every
// registry organisation (display name, labels in several languages, aliases,
// acronyms) folded into token ids and indexed by the hash of its token
// sequence, so that all the names inside a string are found with one hash
// probe per (start, length) span; where none is found as written, one more
// probe for a variant of a name (link words dropped, abbreviations, another
// word order: docs/matcher.md, "Variants"); plus French research unit codes
// ("UMR 5505", "IRL 3757") found in the registry's names.
//
// Candidates are scored (docs/matcher.md): the kind of name, agreement with
// the string's country and city, and refused below a floor.  Short or
// acronym names count only with the support of the country or the city.
//
// Built once from a Registry (which must outlive it), then immutable and
// thread-safe to read.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/affiliation_text.h"
#include "match/keyed_lists.h"
#include "model/country.h"
#include "model/ids.h"

namespace coopscope {

class Registry;
struct RegistryEntry;

// The scores of organisation candidates: named, documented in docs/matcher.md.
struct OrgWeights {
  double display_name = 0.85;   // the ROR display name or a label
  double alias = 0.75;          // an alias
  double acronym = 0.6;         // an acronym: needs the country or the city
  double country_agrees = 0.1;  // the string's country is the organisation's
  double city_appears = 0.1;    // the organisation's city is in the string
  double inactive = -0.1;       // withdrawn or inactive records rank lower
  double unit_code_lab = 0.95;  // a lab whose registry names carry the unit code found
  double unit_code_parent = 0.8;// CNRS inferred from a CNRS unit code
  double variant = 0.7;         // a variant of a name ("Univ. of X" for "X University"): needs the country or the city
  double min_score = 0.7;       // candidates below are refused
  // A name counts without the support of the country or the city only if
  // one of its words is this rare: used by at most this many organisations'
  // names ("emory", "verona"; not "department of biological sciences").
  uint32_t distinctive_max_orgs = 60;
};

enum class NameKind : uint8_t { kDisplay, kAlias, kAcronym };

// How a name was found: as written, or as a variant (OrgIndex::IndexVariants).
enum class VariantKind : uint8_t { kNone, kSpelling, kAbbreviation, kOrder };

// A French research unit code found in a string: "UMR 5505" → {"umr", 5505}.
struct UnitCode {
  std::string type;  // umr, irl, uar, upr, fre, umi, usr, ums; ea, ur, erl, u, fr (folded)
  uint32_t number = 0;
  bool cnrs = false;  // a CNRS unit by its type or number, or "CNRS" written beside it
  bool in_france = false;  // a type of unit in France (all but international laboratories)
  bool team = false;       // a university or institute team (EA, UR, ERL, U, FR): numbers reused over time
  std::string Key() const;  // "umr 5505"
};

// The unit codes of a parsed string or name.
std::vector<UnitCode> FindUnitCodes(const AffiliationText& text);

inline constexpr size_t kShortAcronymLetters = 4;
// A proper noun tells a country when the names of this many organisations
// hold it, this share of them in that country (OrgIndex::ProperWordCountry).
inline constexpr size_t kProperWordMinOrgs = 3;
inline constexpr double kProperWordMinShare = 0.95;
inline constexpr size_t kProperWordMinLetters = 3;

// See OrgIndex::AcronymCountry.
inline constexpr size_t kAcronymCountryMinLetters = 5;

struct OrgCandidate {
  const RegistryEntry* entry = nullptr;
  double score = 0;
  uint32_t first_token = 0, last_token = 0;  // the span that named it (empty: found by a unit code)
  bool parent_by_code = false;               // the CNRS inferred from a unit code, not named
  std::string why;                           // filled when explaining
  bool supported = true;                     // the country or the city agrees, or its name has a rare word
  // The name heads a longer one in the string that the registry lacks
  // ("Columbia University" in "Columbia University Irving Medical Center"):
  // evidence of the country, never the organisation given.
  bool heads_longer = false;
  // Found as a variant of a registry name (OrgIndex::IndexVariants): weaker
  // than a name as written, it does not replace the unit named (no
  // "named ancestor" promotion).
  bool variant = false;
  // A weak name without support of its own (an acronym, a single word),
  // accepted because a unit of it is found in the string ("UPJV" beside one
  // of its labs): it may be given as that unit's named ancestor, but its
  // country is not evidence.
  bool by_relative = false;
  // An acronym of at most kShortAcronymLetters letters whose only support is
  // the string's country, not the organisation's city.
  bool short_acronym_by_country = false;
  // Given as the institution of this unit, named in the string too: the
  // unit's country is the string's ("European Bioinformatics Institute" in
  // the UK, of the EMBL in Heidelberg).
  const RegistryEntry* unit = nullptr;

  // The organisation whose country the string is in: the unit's, when the
  // institution is given for a unit of another country.
  const RegistryEntry& located() const;
};

class OrgIndex {
 public:
  explicit OrgIndex(const Registry& registry, const OrgWeights& weights = {});

  // The accepted candidates of a parsed string, best first.  `country` is the
  // string's own country (kNoCountry when unknown): a candidate elsewhere is
  // refused.  The organisation to give is the first candidate that does not
  // head a longer name (`heads_longer`); those before it tell the country only.
  // When explaining, `refused` (if given) receives why each name found in the
  // string gave no candidate: one line per name and reason.
  std::vector<OrgCandidate> Match(const AffiliationText& text, CountryCode country, bool explain,
                                  std::vector<std::string>* refused = nullptr) const;

  const Registry& registry() const { return registry_; }
  const OrgWeights& weights() const { return weights_; }
  size_t names() const { return names_indexed_; }
  // The ROR ids of an organisation's ancestors (ROR parents, transitively),
  // nearest first.
  std::vector<RorId> Ancestors(RorId ror) const;
  // A country read from the words of registry names, and the string's tokens
  // [first, last) that tell it (the first of them when several do).
  struct NamesCountry {
    CountryCode country = kNoCountry;
    uint32_t first = 0, last = 0;
    bool begins = false;  // the words begin the names (else they are in them)
    bool acronym = false;  // the word is the organisations' acronym (AcronymCountry)
  };
  // The country of the organisations whose registry names start with a whole
  // segment of the string ("Purdue University" for "Purdue University
  // System", "Ludwig-Maximilians-Universität" for "… München"): a beginning
  // of two words or more, holding a proper noun, that all its organisations
  // share with one country.  No country when no segment is such a beginning,
  // when two segments tell two countries, or when the string holds several
  // affiliations (';').
  NamesCountry PrefixCountry(const AffiliationText& text) const;
  // The country of the organisations holding, as a one-word name, a word of
  // the string written in capitals of at least kAcronymCountryMinLetters
  // letters ("Department of Electrical Engineering, KAIST"), when they are
  // all of one country; nothing when two such words disagree, when the
  // string holds several affiliations, or when it is written in capitals.
  // Shorter acronyms are too often another organisation's, missing from the
  // registry ("CVC", "PPO" in Wageningen's team names).
  NamesCountry AcronymCountry(const AffiliationText& text) const;
  // The country the string's capitalised proper nouns tell: words of no
  // common-word list that the names of at least kProperWordMinOrgs
  // organisations hold, kProperWordMinShare of them in one country
  // ("Weill", "Hutchinson", "Irstea"); a word that begins a segment counts
  // the organisations whose names (of several words) begin with it
  // ("Harvard Medical School").  No country when none, when two tell two
  // countries, or when the string holds several affiliations (';').
  NamesCountry ProperWordCountry(const AffiliationText& text) const;

 private:
  // One organisation carrying a name (under the hash of its words).
  struct NameRef {
    uint32_t entry = 0;
    uint32_t rarest = 0;  // the fewest organisations sharing one of its words
    uint32_t name = 0;    // index of its words (name_starts_) while building
    uint16_t foreign_containers = 0;  // organisations of other countries, not its relatives, whose names hold it
    NameKind kind = NameKind::kDisplay;
    uint8_t tokens = 0;
    bool subunit = false; // "Department of …", "Faculty of …": a generic kind of unit
    bool proper = false;  // a word of it is in no common-word list (a proper noun: "Hong Kong")
    bool comma = false;   // under the hash with the name's comma breaks (a name with a comma)
  };
  // A name found by a variant key: its NameRef (an index into
  // by_name_.values()) and the strongest kind of name giving that key.
  struct VariantRef {
    uint32_t ref = 0;
    NameKind kind = NameKind::kDisplay;
  };
  using PendingNames = std::vector<std::pair<uint64_t, NameRef>>;
  void MarkNamesInsideForeignNames();
  // (`words`: the vocabulary's words by token id.)
  void IndexPrefixCountries(const std::vector<std::string_view>& words);
  // Per token id, the country of the proper nouns among `word_countries`
  // ((word, organisation's country) pairs, once per organisation) that
  // kProperWordMinOrgs organisations hold, kProperWordMinShare of them in
  // that country.
  std::vector<CountryCode> ProperWordCountries(const std::vector<std::string_view>& words,
                                               std::vector<std::pair<uint32_t, CountryCode>> word_countries) const;
  uint32_t RarestOf(const NameRef& ref) const;
  // Of the organisations carrying a name ((entry, the name is its display
  // name or a label), repeats allowed), the one that is a registry ancestor
  // of all the others and carries the name as its display name or a label:
  // "European Molecular Biology Laboratory" is Heidelberg's, not one of its
  // sites' (which carry the name too).  None (UINT32_MAX) when there is no
  // such organisation, fewer than two carriers, or when the city of one of
  // them is written in the string.
  uint32_t FamilyHead(std::vector<std::pair<uint32_t, bool>> carriers, const AffiliationText& text) const;
  // Fills spelled_out_ from the registry's names.
  void IndexUmlautSpellings();
  // The word as the registry's names fold it: "wuerzburg" → "wurzburg"
  // when a name has "Würzburg"; else the word itself.
  std::string_view Spelling(std::string_view token) const;
  // The id of a word (after Spelling), kUnknownToken when no name has it.
  uint32_t TokenId(std::string_view token) const;
  void IndexVariants();
  void MarkNamePrefix(uint64_t key);
  bool IsNamePrefix(uint64_t key) const;
  void IndexName(uint32_t entry, std::string_view name, NameKind kind, PendingNames* out);
  std::span<const uint32_t> NameWords(uint32_t name) const {
    return {name_words_.data() + name_starts_[name], name_starts_[name + 1] - name_starts_[name]};
  }
  // The ancestors of the organisation with this ROR id (see Ancestors),
  // computed once per organisation when the index is built.
  std::span<const RorId> AncestorsOf(RorId ror) const;
  std::vector<RorId> ComputeAncestors(RorId ror) const;
  // The organisation's city, folded into words.
  const std::vector<std::string>& CityTokens(const RegistryEntry& e) const;
  // Whether the organisation's city is written in the string, outside the
  // tokens [skip_first, skip_last).
  bool CityAppears(const RegistryEntry& e, const AffiliationText& text, size_t skip_first = 0,
                   size_t skip_last = 0) const;

  const Registry& registry_;
  OrgWeights weights_;
  std::unordered_map<std::string, uint32_t, StringViewHash, std::equal_to<>> vocabulary_;
  // Words of registry names with an umlaut, spelled out ("wuerzburg"), to
  // the word as folded ("wurzburg"): strings write either.
  std::unordered_map<std::string, std::string, StringViewHash, std::equal_to<>> spelled_out_;
  std::vector<uint32_t> token_orgs_;  // per token id: organisations using it in a name
  std::vector<bool> common_token_;    // per token id: a common word of a language (not a proper noun)
  std::vector<uint32_t> pending_tokens_;  // while building: the current organisation's words
  // While building: each name's words, back to back (name i's from
  // name_starts_[i] to name_starts_[i + 1]).
  std::vector<uint32_t> name_words_, name_starts_;
  KeyedLists<NameRef> by_name_;
  // Names by their variant key (the canonical forms of their words without
  // link words, in any order): "University of X", "X University", "Univ. X".
  struct VariantToken {
    uint32_t spelling = 0;     // the id of its canonical spelling ("centre" → "center"); kLinkToken: dropped
    uint32_t abbreviated = 0;  // the id of its abbreviation ("université" → "univ"), else `spelling`
    bool abbreviation = false; // it is an abbreviation ("univ")
  };
  std::vector<VariantToken> variant_tokens_;  // per token id
  std::vector<uint64_t> name_prefixes_;       // bit set of the prefixes of names' hashes and ordered variant keys
  KeyedLists<VariantRef> by_variant_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_unit_code_;
  std::vector<std::vector<std::string>> city_tokens_;  // per entry
  // Per entry: its ancestors, from ancestor_ids_[ancestor_starts_[i]] to
  // ancestor_ids_[ancestor_starts_[i + 1]].
  std::vector<uint32_t> ancestor_starts_;
  std::vector<RorId> ancestor_ids_;
  const RegistryEntry* cnrs_ = nullptr;
  // The beginnings of names (hashes as a span's, see PrefixCountry) with
  // the one country of their organisations, sorted by hash.
  struct PrefixCountryRef {
    uint64_t hash = 0;
    CountryCode country = kNoCountry;
    bool operator<(const PrefixCountryRef& o) const { return hash < o.hash; }
  };
  std::vector<PrefixCountryRef> prefix_countries_;
  std::vector<CountryCode> word_country_;  // per token id: the country of a proper noun (ProperWordCountry)
  std::vector<CountryCode> first_word_country_;  // the same, for proper nouns beginning names
  size_t max_name_tokens_ = 1;
  size_t names_indexed_ = 0;
};

// The CNRS (ROR 02feahw73), parent of the units whose codes are found.
inline constexpr std::string_view kCnrsRorId = "02feahw73";

}  // namespace coopscope
