#include "match/affiliation_text.h"

#include <algorithm>
#include <array>

#include "io/ascii.h"
#include "registry/registry.h"

namespace coopscope {
namespace {

// The length of the UTF-8 sequence starting with `c` (1 for stray bytes).
size_t Utf8Length(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 6) return 2;
  if ((c >> 4) == 14) return 3;
  if ((c >> 3) == 30) return 4;
  return 1;
}

uint32_t DecodeAt(std::string_view s, size_t i, size_t len) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k])); };
  if (len == 2) return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (len == 3) return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  if (len == 4) return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  return b(0);
}

// What a character does to the text.
enum class CharRole { kWord, kWordBreak, kSegmentBreak, kGroupBreak };

CharRole RoleOf(uint32_t cp) {
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return CharRole::kWord;
    if (c == ';') return CharRole::kGroupBreak;
    if (c == ',' || c == '(' || c == ')' || c == '[' || c == ']' || c == '|' || c == '\n' || c == '\r' ||
        c == '\t')
      return CharRole::kSegmentBreak;
    return CharRole::kWordBreak;
  }
  if (cp == 0xFF0C || cp == 0x3001) return CharRole::kSegmentBreak;  // full-width and ideographic commas
  if (cp == 0xFF1B) return CharRole::kGroupBreak;                    // full-width semicolon
  // No-break space, middle dot, general punctuation (dashes, quotes, spaces),
  // CJK punctuation, full-width forms' punctuation.
  if (cp == 0xA0 || cp == 0xB7 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
      (cp >= 0xFF01 && cp <= 0xFF0F))
    return CharRole::kWordBreak;
  return CharRole::kWord;
}

// Room for tokens reserved per character of a string (words of seven
// characters and a space, on average, in affiliations).
constexpr size_t kCharsPerTokenReserved = 8;

bool IsDash(uint32_t cp) { return cp == '-' || cp == 0x2013 || cp == 0x2014; }

// Unicode hyphens (U+2010 hyphen, U+2011 non-breaking hyphen, U+2012 figure
// dash) join words as '-' does: "F‐91128 Palaiseau" has a postal prefix.
bool IsUnicodeHyphen(uint32_t cp) {
  return cp >= 0x2010 && cp <= 0x2012;
}

// Control characters written as text by exports that keep one record a line
// ("… Crolles, Cedex, France#TAB#", "… Tunisia#R##N#Université of Rennes 1"):
// the length of the marker at `s[i]`, 0 when none.  They break segments as
// the characters they stand for do.
size_t EscapedControlLength(std::string_view s, size_t i) {
  for (std::string_view marker : {"#TAB#", "#N#", "#R#"})
    if (s.substr(i, marker.size()) == marker) return marker.size();
  return 0;
}

// Where `needle` (lower case) occurs in `text` whatever the case of its
// ASCII letters, from `from` on; npos when nowhere.
size_t FindIgnoreCase(std::string_view text, std::string_view needle, size_t from = 0) {
  for (size_t at = from; at + needle.size() <= text.size(); ++at)
    if (EqualsIgnoreAsciiCase(text.substr(at, needle.size()), needle)) return at;
  return std::string_view::npos;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreAsciiCase(text.substr(0, prefix.size()), prefix);
}

// An ORCID identifier: 0000-0002-1825-0097 (the last character may be X).
bool IsOrcid(std::string_view w) {
  static constexpr size_t kOrcidLength = 19;
  if (w.size() < kOrcidLength) return false;
  for (size_t start = 0; start + kOrcidLength <= w.size(); ++start) {
    bool ok = true;
    for (size_t k = 0; k < kOrcidLength && ok; ++k) {
      char c = w[start + k];
      if (k % 5 == 4)
        ok = c == '-';
      else
        ok = (c >= '0' && c <= '9') || (k == kOrcidLength - 1 && (c == 'X' || c == 'x'));
    }
    if (ok) return true;
  }
  return false;
}

// Whitespace-separated words that are not part of an address.
// (Case-insensitive for ASCII letters, without a lower-case copy: every word
// of every string and registry name passes here.)
bool IsNoiseWord(std::string_view w) {
  if (w.find('@') != std::string_view::npos) return true;
  if (StartsWithIgnoreCase(w, "http://") || StartsWithIgnoreCase(w, "https://") || StartsWithIgnoreCase(w, "www."))
    return true;
  if (FindIgnoreCase(w, "orcid.org") != std::string_view::npos || IsOrcid(w)) return true;
  while (!w.empty() && (w.back() == ':' || w.back() == '.' || w.back() == ',' || w.back() == ')')) w.remove_suffix(1);
  while (!w.empty() && w.front() == '(') w.remove_prefix(1);
  for (std::string_view noise : {"orcid", "e-mail", "email", "mail", "courriel"})
    if (EqualsIgnoreAsciiCase(w, noise)) return true;
  return false;
}

// Removes noise words, keeping the separators that end them.
std::string RemoveNoise(std::string_view raw, std::vector<std::string>* removed) {
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    size_t j = i;
    while (j < raw.size() && raw[j] != ' ' && raw[j] != '\t' && raw[j] != '\n') ++j;
    std::string_view word = raw.substr(i, j - i);
    if (!word.empty() && IsNoiseWord(word)) {
      removed->emplace_back(word);
      // Keep group and segment breaks glued to the word ("x@y.fr;").
      for (char c : word)
        if (c == ';' || c == ',' || c == ')' || c == '(') out.push_back(c);
      out.push_back(' ');
    } else {
      out.append(word);
    }
    if (j < raw.size()) out.push_back(raw[j]);
    i = j + 1;
  }
  // "Electronic address:" (PubMed) announces an e-mail already removed.
  static constexpr std::string_view kElectronic = "electronic address";
  for (size_t at = FindIgnoreCase(out, kElectronic); at != std::string::npos;
       at = FindIgnoreCase(out, kElectronic, at + kElectronic.size()))
    for (size_t k = at; k < at + kElectronic.size(); ++k) out[k] = ' ';
  return out;
}

bool AllUpperAscii(std::string_view word) {
  if (word.empty()) return false;
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Builder {
 public:
  explicit Builder(AffiliationText* out) : out_(out) {}

  void Word(std::string_view word, char sep_before) {
    std::string folded = NormalizeName(word);
    bool upper = AllUpperAscii(word);
    size_t start = 0;
    while (start < folded.size()) {
      size_t end = folded.find(' ', start);
      if (end == std::string::npos) end = folded.size();
      if (end > start) {
        AffiliationToken t;
        // (Most words fold to one token: moved whole, not copied.)
        const bool whole = start == 0 && end == folded.size();
        t.text = whole ? std::move(folded) : folded.substr(start, end - start);
        t.upper = upper;
        t.capital = start == 0 && !word.empty() && word.front() >= 'A' && word.front() <= 'Z';
        t.digits = AllDigits(t.text);
        t.sep_before = sep_before;
        t.segment = static_cast<uint32_t>(out_->segments.size());
        out_->tokens.push_back(std::move(t));
        if (whole) break;
      }
      start = end + 1;
    }
  }
  void EndSegment() {
    uint32_t first = segment_first_, last = static_cast<uint32_t>(out_->tokens.size());
    if (last > first) {
      out_->segments.push_back({first, last, group_, false});
    }
    segment_first_ = last;
  }
  void EndGroup() {
    EndSegment();
    if (!out_->segments.empty() && out_->segments.back().group == group_) {
      out_->segments.back().last_in_group = true;
      ++group_;
    }
  }

 private:
  AffiliationText* out_;
  uint32_t segment_first_ = 0;
  uint32_t group_ = 0;
};

// The possessive "'s" joined to its word, as strings write it without the
// apostrophe as often as with: "King's College" and "Kings College" both
// read "kings college", "Children’s Hospital" "childrens hospital".
void JoinPossessives(std::string* s) {
  auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c & 0x80) != 0; };
  std::string& t = *s;
  size_t out = 0;
  for (size_t i = 0; i < t.size();) {
    const size_t quote = t[i] == '\'' ? 1 : t.compare(i, 3, "\xE2\x80\x99") == 0 ? 3 : 0;
    const size_t after = i + quote;
    if (quote > 0 && out > 0 && is_letter(t[out - 1]) && after < t.size() && (t[after] == 's' || t[after] == 'S') &&
        (after + 1 == t.size() || !is_letter(t[after + 1]))) {
      i = after;  // drop the apostrophe
      continue;
    }
    t[out++] = t[i++];
  }
  t.resize(out);
}

}  // namespace

AffiliationText ParseAffiliation(std::string_view raw) {
  AffiliationText text;
  text.tokens.reserve(raw.size() / kCharsPerTokenReserved + 1);
  std::string clean = RemoveNoise(raw, &text.removed);
  JoinPossessives(&clean);
  Builder builder(&text);
  std::string_view s = clean;
  size_t word_start = std::string::npos;
  char sep = ' ';
  auto flush = [&](size_t end) {
    if (word_start != std::string::npos) builder.Word(s.substr(word_start, end - word_start), sep);
    word_start = std::string::npos;
  };
  for (size_t i = 0; i < s.size();) {
    size_t len = Utf8Length(static_cast<unsigned char>(s[i]));
    if (i + len > s.size()) len = 1;
    uint32_t cp = DecodeAt(s, i, len);
    CharRole role = RoleOf(cp);
    if (cp == '#')
      if (size_t marker = EscapedControlLength(s, i); marker > 0) len = marker, role = CharRole::kSegmentBreak;
    // A dash between spaces (" - ", " – ") separates segments.
    if (role == CharRole::kWordBreak && IsDash(cp) && i > 0 && s[i - 1] == ' ' && i + len < s.size() &&
        s[i + len] == ' ')
      role = CharRole::kSegmentBreak;
    if (cp == '&' && i > 0 && s[i - 1] == ' ' && i + 1 < s.size() && s[i + 1] == ' ') {
      // "Science & Technology" reads as "Science and Technology" ("A&M" stays two letters).
      flush(i);
      builder.Word("and", sep);
      sep = ' ';
      i += len;
      continue;
    }
    if (role == CharRole::kWord) {
      if (word_start == std::string::npos) word_start = i;
    } else {
      flush(i);
      if (role == CharRole::kSegmentBreak) {
        builder.EndSegment();
        sep = ' ';
      } else if (role == CharRole::kGroupBreak) {
        builder.EndGroup();
        sep = ' ';
      } else {
        sep = cp < 0x80 ? static_cast<char>(cp) : IsUnicodeHyphen(cp) ? '-' : ' ';
      }
    }
    i += len;
  }
  flush(s.size());
  builder.EndGroup();
  return text;
}

std::vector<std::string> NameTokens(std::string_view name) {
  AffiliationText text = ParseAffiliation(name);
  std::vector<std::string> out;
  out.reserve(text.tokens.size());
  for (auto& t : text.tokens) out.push_back(std::move(t.text));
  return out;
}

std::string JoinTokens(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  return out;
}

std::string JoinTokens(const std::vector<AffiliationToken>& tokens, size_t b, size_t e) {
  std::string out;
  for (size_t k = b; k < e; ++k) {
    if (k > b) out.push_back(' ');
    out += tokens[k].text;
  }
  return out;
}

}  // namespace coopscope
