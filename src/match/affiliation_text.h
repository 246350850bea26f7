// An affiliation string cut into the pieces the matcher reasons about.
//
// The raw text is cleaned of what is not an address (e-mail addresses, ORCID
// identifiers, URLs, "Electronic address:" notes), split into groups at ';'
// (several affiliations in one string), each group into segments at ',', '(',
// ')', '[', ']', '|' and ' - ', and each segment into words folded with
// NormalizeName.  Each token keeps what the folding loses and the matcher
// needs: whether it was written in capitals (US state codes, acronyms) and
// the separator before it (postal prefixes such as "D-69120").
//
// Pure functions over values; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace coopscope {

struct AffiliationToken {
  std::string text;       // folded: lower case ASCII, accents removed
  bool upper = false;     // letters only, all capitals, in the raw text
  bool digits = false;    // only digits
  bool capital = false;   // written with an ASCII capital first ("Kenya", "UCLA")
  char sep_before = ' ';  // the raw character before the token ('-', '.', ' ', …); ' ' after a segment break
  uint32_t segment = 0;   // index into AffiliationText::segments
};

struct AffiliationSegment {
  uint32_t first = 0, last = 0;  // token range [first, last)
  uint32_t group = 0;            // affiliations separated by ';'
  bool last_in_group = false;
};

struct AffiliationText {
  std::vector<AffiliationToken> tokens;
  std::vector<AffiliationSegment> segments;  // non-empty segments only
  std::vector<std::string> removed;          // e-mails, ORCIDs, URLs taken out
};

// Cuts `raw` (UTF-8) into groups, segments and tokens.
AffiliationText ParseAffiliation(std::string_view raw);

// The folded tokens of a name written by people ("U.S.A." → u s a;
// "Pointe-à-Pitre" → pointe a pitre), by the same rules as ParseAffiliation.
std::vector<std::string> NameTokens(std::string_view name);

// Tokens joined with single spaces.
std::string JoinTokens(const std::vector<std::string>& tokens);
// The parsed tokens [b, e) joined with single spaces: the phrase they fold to.
std::string JoinTokens(const std::vector<AffiliationToken>& tokens, size_t b, size_t e);

// The hash of the matcher's word and phrase tables, which are looked up by
// string_view without a temporary string (with std::equal_to<>).
struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace coopscope
