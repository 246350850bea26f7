#include "sources/hal/hal_reader.h"

#include <fmt/format.h>
#include <simdjson.h>

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

void ReadHalJson(std::string_view text, uint64_t base, ExportSink* sink) {
  simdjson::padded_string padded(text);
  od::parser parser;
  HalDocReader reader;
  RawWork w;
  const char* const begin = padded.data();
  // Line of a position: the HAL API writes one line, pretty-printed files many.
  uint64_t line = 1;
  size_t counted = 0;
  auto pos_of = [&](const char* p) {
    size_t at = static_cast<size_t>(p - begin);
    for (; counted < at && counted < text.size(); ++counted) line += text[counted] == '\n';
    return RecordPos{line, base + at};
  };
  od::document doc;
  if (auto err = parser.iterate(padded).get(doc)) {
    sink->Reject(RecordPos{1, base}, fmt::format("not JSON: {}", simdjson::error_message(err)));
    return;
  }
  auto here = [&]() {
    const char* loc = nullptr;
    if (doc.current_location().get(loc)) loc = begin + text.size();
    return loc;
  };
  // Every element of the docs array; false on a JSON error (then rejected).
  auto each = [&](od::array& docs) -> simdjson::error_code {
    for (auto el : docs) {
      const char* loc = here();
      RecordPos pos = pos_of(loc);
      od::value v;
      if (auto err = el.get(v)) return err;
      od::object obj;
      if (v.get_object().get(obj)) {
        sink->Reject(pos, "a HAL document is not a JSON object");
        continue;
      }
      std::string why = reader.Read(obj, &w);
      const char* after = here();
      if (after < loc) after = loc;
      if (!why.empty()) {
        sink->Reject(pos, why);
        continue;
      }
      sink->Deliver(w, pos, std::string_view(loc, static_cast<size_t>(after - loc)));
    }
    return simdjson::SUCCESS;
  };
  simdjson::error_code err = simdjson::SUCCESS;
  od::json_type type;
  if ((err = doc.type().get(type))) {
  } else if (type == od::json_type::array) {
    od::array docs;
    err = doc.get_array().get(docs);
    if (!err) err = each(docs);
  } else if (type == od::json_type::object) {
    od::object root;
    od::object response;
    od::array docs;
    if ((err = doc.get_object().get(root))) {
    } else if (root.find_field_unordered("response").get_object().get(response)) {
      return sink->Reject(RecordPos{1, base}, "a JSON object without response.docs (not a HAL API answer)");
    } else if (response.find_field_unordered("docs").get_array().get(docs)) {
      return sink->Reject(RecordPos{1, base}, "a HAL answer without a docs list");
    } else {
      err = each(docs);
    }
  } else {
    return sink->Reject(RecordPos{1, base}, "neither a HAL answer nor a list of documents");
  }
  if (err) sink->Reject(pos_of(here()), fmt::format("malformed JSON: {}", simdjson::error_message(err)));
}

}  // namespace coopscope
