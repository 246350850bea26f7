#include "sources/hal/hal_reader.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>

namespace coopscope {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kCnrsName = "Centre National de la Recherche Scientifique";

bool HasWord(std::string_view s, std::string_view word) {
  for (size_t p = s.find(word); p != std::string_view::npos; p = s.find(word, p + 1)) {
    bool left = p == 0 || !std::isalnum(static_cast<unsigned char>(s[p - 1]));
    size_t e = p + word.size();
    bool right = e == s.size() || !std::isalnum(static_cast<unsigned char>(s[e]));
    if (left && right) return true;
  }
  return false;
}

class HalDocReader {
 public:
  // Fills w from one document; returns the reject reason, or "".
  std::string Read(od::object& obj, RawWork* w) {
    w->clear();
    lab_names_.clear();
    lab_countries_.clear();
    inst_names_.clear();
    inst_countries_.clear();
    bool cnrs = false;
    int32_t year_i = 0;
    std::string_view produced;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return "a field name is not a string";
      od::value v = field.value();
      if (key == "halId_s") {
        std::string_view s;
        if (v.get_string().get(s)) return "halId_s is not a string";
        w->source_id.assign(s);
      } else if (key == "doiId_s") {
        std::string_view s;
        if (!v.get_string().get(s)) w->doi = NormalizeDoi(s);
      } else if (key == "producedDateY_i" || key == "publicationDateY_i") {
        int64_t y;
        if (!v.get_int64().get(y) && year_i == 0) year_i = static_cast<int32_t>(y);
      } else if (key == "producedDate_s" || key == "publicationDate_s") {
        std::string_view s;
        if (!v.get_string().get(s) && produced.empty()) produced_ = std::string(s), produced = produced_;
      } else if (key == "authFullName_s") {
        uint32_t n = 0;
        od::array a;
        if (!v.get_array().get(a))
          for (auto x : a) {
            std::string_view s;
            if (n == 0 && !x.get_string().get(s)) w->first_author.assign(s);
            ++n;
          }
        w->authors = n;
      } else if (key == "title_s") {
        od::array a;
        std::string_view s;
        if (!v.get_array().get(a)) {
          for (auto x : a)
            if (w->title.empty() && !x.get_string().get(s)) w->title.assign(s);
        } else if (!v.get_string().get(s)) {
          w->title.assign(s);
        }
      } else if (key == "journalTitle_s") {
        std::string_view s;
        if (!v.get_string().get(s)) w->journal.assign(s);
      } else if (key == "labStructName_s") {
        if (!Strings(v, &lab_names_)) return "labStructName_s is not a list of strings";
      } else if (key == "labStructCountry_s") {
        if (!Strings(v, &lab_countries_)) return "labStructCountry_s is not a list of strings";
      } else if (key == "instStructName_s") {
        if (!Strings(v, &inst_names_)) return "instStructName_s is not a list of strings";
        for (const auto& n : inst_names_) cnrs = cnrs || n == kCnrsName;
      } else if (key == "instStructCountry_s") {
        if (!Strings(v, &inst_countries_)) return "instStructCountry_s is not a list of strings";
      } else if (key == "instStructAcronym_s") {
        if (!Strings(v, &acronyms_)) return "instStructAcronym_s is not a list of strings";
        for (const auto& a : acronyms_) cnrs = cnrs || HasWord(a, "CNRS");
      }
    }
    w->year = year_i != 0 ? year_i : FindYear(produced);
    if (produced.size() == 10) w->date.assign(produced);
    AddStructures(lab_names_, lab_countries_, w);
    AddStructures(inst_names_, inst_countries_, w);
    if (cnrs) {
      uint32_t a = w->AddAddress(kCnrsName, MakeCountry("FR"), true);
      w->addresses[a].cnrs = true;
    }
    if (w->source_id.empty()) return "no halId_s";
    if (w->year == 0) return "no year (producedDateY_i, publicationDateY_i, producedDate_s)";
    return "";
  }

 private:
  static bool Strings(od::value& v, std::vector<std::string>* out) {
    out->clear();
    od::array a;
    if (v.get_array().get(a)) {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      out->emplace_back(s);
      return true;
    }
    for (auto x : a) {
      std::string_view s;
      if (x.get_string().get(s)) return false;
      out->emplace_back(s);
    }
    return true;
  }
  // Structures named with their country; one address per distinct pair.
  static void AddStructures(const std::vector<std::string>& names, const std::vector<std::string>& countries,
                            RawWork* w) {
    for (size_t i = 0; i < names.size(); ++i) {
      CountryCode c = i < countries.size() ? MakeCountry(countries[i]) : kNoCountry;
      bool seen = false;
      for (const RawAddress& a : w->addresses) seen = seen || (a.country == c && w->AddressText(a) == names[i]);
      if (!seen && !names[i].empty()) w->AddAddress(names[i], c, true);
    }
  }

  std::vector<std::string> lab_names_, lab_countries_, inst_names_, inst_countries_, acronyms_;
  std::string produced_;
};

}  // namespace

namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The end (one past) of the JSON value starting at `at`: an object or array
// is matched by its closing bracket outside strings; a scalar ends at the
// next ',' or ']' outside strings.  text.size() when it does not end.
size_t ValueEnd(std::string_view text, size_t at) {
  const size_t n = text.size();
  int depth = 0;
  bool in_string = false;
  for (size_t i = at; i < n; ++i) {
    char c = text[i];
    if (in_string) {
      // Jump to the closing quote: the next '"' not escaped by an odd run of
      // backslashes (most of a document's bytes are inside strings).
      for (;;) {
        const void* q = std::memchr(text.data() + i, '"', n - i);
        if (q == nullptr) return n;
        size_t qi = static_cast<size_t>(static_cast<const char*>(q) - text.data());
        size_t backslashes = 0;
        while (qi - backslashes > at && text[qi - backslashes - 1] == '\\') ++backslashes;
        i = qi;
        if (backslashes % 2 == 0) break;
        ++i;
      }
      in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (depth == 0) return i;  // a scalar ends before the list's ']'
        if (--depth == 0) return i + 1;
        break;
      case ',':
        if (depth == 0) return i;
        break;
      default:
        break;
    }
  }
  return n;
}

}  // namespace

void ReadHalJson(std::string_view text, uint64_t base, ExportSink* sink) {
  // The documents are framed here, one by one, and each is parsed on its own:
  // a 100 MB answer costs one document of parser memory, and a damaged
  // document is one reject.
  const size_t n = text.size();
  size_t i = 0;
  while (i < n && IsJsonSpace(text[i])) ++i;
  size_t list = n;  // the '[' of the documents
  if (i < n && text[i] == '[') {
    list = i;
  } else if (i < n && text[i] == '{') {
    // {"response":{"numFound":…,"start":…,"docs":[ — the keys before "docs"
    // are numbers, so the first "docs" key is the list's.
    size_t k = text.find("\"docs\"", i);
    if (k != std::string_view::npos) {
      k += 6;
      while (k < n && IsJsonSpace(text[k])) ++k;
      if (k < n && text[k] == ':') {
        ++k;
        while (k < n && IsJsonSpace(text[k])) ++k;
        if (k < n && text[k] == '[') list = k;
      }
    }
    if (list == n) return sink->Reject(RecordPos{1, base}, "a JSON object without response.docs (not a HAL API answer)");
  } else {
    return sink->Reject(RecordPos{1, base}, "neither a HAL answer nor a list of documents");
  }
  od::parser parser;
  HalDocReader reader;
  RawWork w;
  simdjson::padded_string scratch;
  uint64_t line = 1;
  size_t counted = 0;
  auto pos_of = [&](size_t at) {
    line += static_cast<uint64_t>(std::count(text.data() + counted, text.data() + at, '\n'));
    counted = at;
    return RecordPos{line, base + at};
  };
  i = list + 1;
  for (;;) {
    while (i < n && (IsJsonSpace(text[i]) || text[i] == ',')) ++i;
    if (i >= n) return sink->Reject(pos_of(n), "the documents list is not closed (truncated file)");
    if (text[i] == ']') return;
    const size_t at = i;
    const size_t end = ValueEnd(text, at);
    RecordPos pos = pos_of(at);
    i = end;
    if (end >= n) {
      sink->Reject(pos, "a document is not closed (truncated file)");
      return;
    }
    std::string_view bytes = text.substr(at, end - at);
    if (text[at] != '{') {
      sink->Reject(pos, "a HAL document is not a JSON object");
      continue;
    }
    // In place when the file has simdjson's padding after the document, else
    // from a padded copy (the last documents).
    od::document doc;
    simdjson::error_code err;
    if (n - end >= simdjson::SIMDJSON_PADDING) {
      err = parser.iterate(bytes.data(), bytes.size(), bytes.size() + (n - end)).get(doc);
    } else {
      scratch = simdjson::padded_string(bytes);
      err = parser.iterate(scratch).get(doc);
    }
    od::object obj;
    if (!err) err = doc.get_object().get(obj);
    if (err) {
      sink->Reject(pos, fmt::format("malformed JSON: {}", simdjson::error_message(err)));
      continue;
    }
    std::string why = reader.Read(obj, &w);
    if (!why.empty()) {
      sink->Reject(pos, why);
      continue;
    }
    sink->Deliver(w, pos, bytes);
  }
}

}  // namespace coopscope
