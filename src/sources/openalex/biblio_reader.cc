#include "sources/openalex/biblio_reader.h"

#include <fmt/format.h>

#include <initializer_list>

namespace coopscope {
namespace {

namespace od = simdjson::ondemand;

// A string, or "" for null or another type.
std::string_view StringOf(od::value v) {
  std::string_view s;
  if (v.get_string().get(s)) return {};
  return s;
}

// The string at a path of keys inside an object value ({"source":
// {"display_name": …}}); "" when a step is missing, null or not an object.
std::string_view StringAt(od::value v, std::initializer_list<std::string_view> path) {
  for (std::string_view key : path) {
    od::object o;
    if (v.get_object().get(o) || o.find_field_unordered(key).get(v)) return {};
  }
  return StringOf(v);
}

}  // namespace

Status ParseOpenAlexBiblio(od::object& obj, RawWork* w) {
  w->clear();
  for (auto field : obj) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return Status(ErrorCode::kParse, simdjson::error_message(e));
    od::value v = field.value();
    if (key == "id") {
      std::string_view s = StringOf(v);
      OpenAlexId id = ParseOpenAlexId(s, 'W');
      if (id == 0) return Status(ErrorCode::kParse, fmt::format("\"id\" \"{}\" is not an OpenAlex work id (W…)", s.substr(0, 60)));
      w->source_id = FormatOpenAlexId(id, 'W');
    } else if (key == "doi") {
      w->doi = NormalizeDoi(StringOf(v));
    } else if (key == "title" || key == "display_name") {
      // The same text under two names; either may be null.
      std::string_view s = StringOf(v);
      if (w->title.empty()) w->title.assign(s);
    } else if (key == "publication_year") {
      int64_t y;
      if (!v.get_int64().get(y) && y >= 1000 && y <= 2999) w->year = static_cast<int32_t>(y);
    } else if (key == "primary_location") {
      std::string_view s = StringAt(v, {"source", "display_name"});
      if (!s.empty()) w->journal.assign(s);
    } else if (key == "host_venue") {
      std::string_view s = StringAt(v, {"display_name"});
      if (w->journal.empty() && !s.empty()) w->journal.assign(s);
    } else if (key == "authorships") {
      od::array list;
      if (v.get_array().get(list)) continue;
      for (auto item : list) {
        od::object ao;
        if (item.get_object().get(ao)) continue;
        if (w->authors == 0) {
          for (auto f : ao) {
            std::string_view k;
            if (f.unescaped_key().get(k)) break;
            if (k == "author") w->first_author.assign(StringAt(f.value(), {"display_name"}));
          }
        }
        ++w->authors;
      }
    }
  }
  if (w->source_id.empty()) return Status(ErrorCode::kParse, "record without an \"id\": not an OpenAlex work");
  if (w->year == 0) return Status(ErrorCode::kParse, "work without a \"publication_year\"");
  return Status::Ok();
}

Status ReadOpenAlexBiblioFile(const std::string& path, const Limits& limits, const RawRecordFn& fn,
                              std::vector<Reject>* rejects, ReadCounts* counts) {
  JsonRecordReader reader(limits, rejects);
  RawWork w;
  Status pending;
  // The record takes effect only once the reader accepted the whole of it.
  reader.set_on_accept([&](const RecordPos& pos) {
    Status st = fn(w, pos);
    if (!st.ok()) {
      ++counts->rejected;
      rejects->push_back(Reject{path, pos.line, pos.offset, st.code(), st.message()});
    }
  });
  return reader.ReadFile(path, [&](od::object& obj, const RecordPos&) { return ParseOpenAlexBiblio(obj, &w); },
                         counts);
}

}  // namespace coopscope
