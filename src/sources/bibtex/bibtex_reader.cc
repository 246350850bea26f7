#include "sources/bibtex/bibtex_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "io/ascii.h"
#include "sources/scopus/scopus_reader.h"

namespace coopscope {
namespace {


bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The value without its TeX braces, with runs of white space made one space.
void CleanValue(std::string_view v, std::string* out) {
  out->clear();
  bool space = false;
  for (char c : v) {
    if (c == '{' || c == '}') continue;
    if (IsSpace(c)) {
      space = true;
      continue;
    }
    if (space && !out->empty()) out->push_back(' ');
    space = false;
    out->push_back(c);
  }
}

// "@article{" or "@book (": an entry's head.
bool StartsEntry(std::string_view s) {
  size_t i = 1;
  while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) ++i;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i > 1 && i < s.size() && (s[i] == '{' || s[i] == '(');
}

size_t FindChar(std::string_view s, char c, size_t from) {
  if (from >= s.size()) return s.size();
  const void* p = std::memchr(s.data() + from, c, s.size() - from);
  return p == nullptr ? s.size() : static_cast<size_t>(static_cast<const char*>(p) - s.data());
}

// The '}' that closes the '{' at `open` (braces nest), found with memchr
// jumps rather than a byte loop; s.size() when it is not closed.  With
// stop_at_entry, an "@type{" at a line start ends the search unclosed (a
// new entry begins): its position is returned.
size_t MatchBrace(std::string_view s, size_t open, bool stop_at_entry) {
  const size_t n = s.size();
  size_t nb = FindChar(s, '{', open + 1), nc = FindChar(s, '}', open + 1);
  size_t na = stop_at_entry ? FindChar(s, '@', open + 1) : n;
  int depth = 1;
  for (;;) {
    size_t m = std::min({nb, nc, na});
    if (m >= n) return n;
    if (m == nb) {
      ++depth;
      nb = FindChar(s, '{', m + 1);
    } else if (m == nc) {
      if (--depth == 0) return m;
      nc = FindChar(s, '}', m + 1);
    } else {
      if (s[m - 1] == '\n' && StartsEntry(s.substr(m))) return m;
      na = FindChar(s, '@', m + 1);
    }
  }
}

struct BibFields {
  std::string_view key, author, year, doi, affiliation, url, unique_id, title, journal;
  void clear() { *this = BibFields(); }
};

}  // namespace

void ReadBibtex(std::string_view text, uint64_t base, ExportSink* sink) {
  const size_t n = text.size();
  size_t i = 0;
  uint64_t line = 1;
  size_t line_counted_to = 0;  // line counts the '\n' in text[0, line_counted_to)
  auto line_at = [&](size_t at) {
    for (;;) {
      size_t nl = FindChar(text, '\n', line_counted_to);
      if (nl >= at) break;
      ++line;
      line_counted_to = nl + 1;
    }
    return line;
  };
  BibFields f;
  RawWork w;
  std::string clean, clean2;
  while (i < n) {
    // The next '@' that starts an entry (at a line start, after spaces).
    size_t at = text.find('@', i);
    if (at == std::string_view::npos) break;
    size_t back = at;
    while (back > 0 && (text[back - 1] == ' ' || text[back - 1] == '\t')) --back;
    if (back > 0 && text[back - 1] != '\n' && text[back - 1] != '\r') {
      i = at + 1;
      continue;
    }
    RecordPos pos{line_at(at), base + at};
    size_t j = at + 1;
    while (j < n && text[j] != '{' && text[j] != '(' && text[j] != '\n') ++j;
    std::string_view type = TrimSpaces(text.substr(at + 1, j - at - 1));
    if (j >= n || text[j] == '\n') {
      sink->Reject(pos, fmt::format("entry @{} has no opening brace", type));
      i = j;
      continue;
    }
    // The end of the entry: the brace (or parenthesis) that closes it; braces
    // inside values are balanced, as BibTeX requires.
    const bool paren = text[j] == '(';
    size_t end = j + 1;
    bool closed = false;
    if (!paren) {
      end = MatchBrace(text, j, true);
      closed = end < n && text[end] == '}';
    } else {
      int depth = 0;
      for (; end < n; ++end) {
        char c = text[end];
        if (c == '{') {
          ++depth;
        } else if (c == '}') {
          --depth;
        } else if (c == ')' && depth == 0) {
          closed = true;
          break;
        } else if (c == '@' && text[end - 1] == '\n' && StartsEntry(text.substr(end))) {
          break;  // a new entry starts at a line start: this one was never closed
        }
      }
    }
    if (!closed) {
      sink->Reject(pos, fmt::format("entry @{} is not closed (unbalanced braces)", type));
      i = end;
      continue;
    }
    std::string_view body = text.substr(j + 1, end - j - 1);
    std::string_view bytes = text.substr(at, end + 1 - at);
    i = end + 1;
    if (EqualsIgnoreAsciiCase(type, "comment") || EqualsIgnoreAsciiCase(type, "preamble") || EqualsIgnoreAsciiCase(type, "string")) continue;
    f.clear();
    // key, then name = value pairs.
    size_t k = body.find(',');
    f.key = TrimSpaces(body.substr(0, k));
    std::string bad;
    size_t p = k == std::string_view::npos ? body.size() : k + 1;
    while (p < body.size() && bad.empty()) {
      while (p < body.size() && (IsSpace(body[p]) || body[p] == ',')) ++p;
      if (p >= body.size()) break;
      size_t eq = body.find('=', p);
      if (eq == std::string_view::npos) {
        bad = fmt::format("field \"{}\" without '='", TrimSpaces(body.substr(p, 40)));
        break;
      }
      std::string_view name = TrimSpaces(body.substr(p, eq - p));
      size_t v = eq + 1;
      while (v < body.size() && IsSpace(body[v])) ++v;
      std::string_view value;
      if (v < body.size() && body[v] == '{') {
        size_t e = MatchBrace(body, v, false);
        value = body.substr(v + 1, e - v - 1);
        p = e + 1;
      } else if (v < body.size() && body[v] == '"') {
        int d = 0;
        size_t e = v + 1;
        for (; e < body.size(); ++e) {
          if (body[e] == '{') ++d;
          else if (body[e] == '}') --d;
          else if (body[e] == '"' && d == 0) break;
        }
        value = body.substr(v + 1, e - v - 1);
        p = e + 1;
      } else {
        size_t e = v;
        while (e < body.size() && body[e] != ',') ++e;
        value = TrimSpaces(body.substr(v, e - v));
        p = e;
      }
      if (name.empty()) bad = "a field without a name";
      if (EqualsIgnoreAsciiCase(name, "author")) f.author = value;
      else if (EqualsIgnoreAsciiCase(name, "year")) f.year = value;
      else if (EqualsIgnoreAsciiCase(name, "doi")) f.doi = value;
      else if (EqualsIgnoreAsciiCase(name, "affiliation") || EqualsIgnoreAsciiCase(name, "affiliations")) f.affiliation = value;
      else if (EqualsIgnoreAsciiCase(name, "url")) f.url = value;
      else if (EqualsIgnoreAsciiCase(name, "unique-id")) f.unique_id = value;
      else if (EqualsIgnoreAsciiCase(name, "title")) f.title = value;
      else if (EqualsIgnoreAsciiCase(name, "journal") || (f.journal.empty() && EqualsIgnoreAsciiCase(name, "booktitle"))) f.journal = value;
    }
    if (!bad.empty()) {
      sink->Reject(pos, bad);
      continue;
    }
    w.clear();
    // Authors: "A and B and C".
    CleanValue(f.author, &clean);
    uint32_t authors = clean.empty() ? 0 : 1;
    for (size_t a = clean.find(" and "); a != std::string::npos; a = clean.find(" and ", a + 5)) ++authors;
    w.authors = authors;
    w.first_author.assign(TrimSpaces(std::string_view(clean).substr(0, clean.find(" and "))));
    CleanValue(f.title, &w.title);
    CleanValue(f.journal, &w.journal);
    w.year = FindYear(f.year);
    CleanValue(f.doi, &clean2);
    w.doi = NormalizeDoi(clean2);
    CleanValue(f.unique_id, &clean2);
    if (!clean2.empty()) {
      w.source_id = clean2;
    } else if (size_t e = f.url.find("eid="); e != std::string_view::npos) {
      std::string_view eid = f.url.substr(e + 4);
      w.source_id.assign(eid.substr(0, eid.find('&')));
    } else if (!f.key.empty()) {
      w.source_id = fmt::format("bibtex:{}", f.key);
    }
    CleanValue(f.affiliation, &clean);
    if (!clean.empty()) {
      // One entry per author when the counts agree (IRSTEA), else a list of
      // addresses (Scopus).
      size_t parts = 1;
      for (char c : clean) parts += c == ';';
      if (parts == authors && authors > 1) {
        uint32_t author = 0;
        size_t s = 0;
        while (s <= clean.size()) {
          size_t e = clean.find(';', s);
          if (e == std::string::npos) e = clean.size();
          std::string_view a = TrimSpaces(std::string_view(clean).substr(s, e - s));
          if (!a.empty()) {
            uint32_t idx = static_cast<uint32_t>(w.addresses.size());
            for (uint32_t x = 0; x < w.addresses.size(); ++x)
              if (w.AddressText(w.addresses[x]) == a) idx = x;
            if (idx == w.addresses.size()) w.AddAddress(a);
            w.links.emplace_back(author, idx);
          }
          ++author;
          s = e + 1;
        }
      } else {
        AddScopusAffiliations(clean, {}, &w);
      }
    }
    sink->DeliverIfComplete(w, pos, bytes, "year", "key, DOI or id");
  }
}

}  // namespace coopscope
