#include "sources/openalex/work_parser.h"

#include "sources/openalex/json_fields.h"

#include <fmt/format.h>

#include <algorithm>

namespace coopscope {
namespace {

using simdjson::ondemand::array;
using simdjson::ondemand::object;
using simdjson::ondemand::raw_json_string;
using simdjson::ondemand::value;

using openalex_json::FieldError;
using openalex_json::Int64OrNull;
using openalex_json::KeyIs;
using openalex_json::StringOrNull;

}  // namespace

Status WorkParser::ParseInstitution(object& obj, Work* work) {
  InstitutionRef inst;
  for (auto field : obj) {
    raw_json_string key;
    if (auto e = field.key().get(key)) return FieldError("institutions", e);
    value v = field.value();
    std::string_view s;
    if (KeyIs(key, "id")) {
      if (auto e = StringOrNull(v, &s)) return FieldError("institutions[].id", e);
      inst.id = ParseOpenAlexId(s, 'I');
    } else if (KeyIs(key, "ror")) {
      if (auto e = StringOrNull(v, &s)) return FieldError("institutions[].ror", e);
      inst.ror = ParseRorId(s);
    } else if (KeyIs(key, "country_code")) {
      if (auto e = StringOrNull(v, &s)) return FieldError("institutions[].country_code", e);
      inst.country = MakeCountry(s);
    } else if (KeyIs(key, "type")) {
      if (auto e = StringOrNull(v, &s)) return FieldError("institutions[].type", e);
      inst.type = ParseInstitutionType(s);
    } else if (KeyIs(key, "display_name")) {
      if (auto e = StringOrNull(v, &s)) return FieldError("institutions[].display_name", e);
      inst.name_begin = static_cast<uint32_t>(work->text.size());
      work->text.append(s);
      inst.name_end = static_cast<uint32_t>(work->text.size());
    } else if (KeyIs(key, "lineage")) {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return FieldError("institutions[].lineage", e);
      if (is_null) continue;
      array lineage;
      if (auto e = v.get_array().get(lineage)) return FieldError("institutions[].lineage", e);
      inst.has_lineage = true;
      inst.lineage_begin = static_cast<uint32_t>(work->lineage.size());
      for (auto item : lineage) {
        if (auto e = item.get_string().get(s)) return FieldError("institutions[].lineage", e);
        if (OpenAlexId id = ParseOpenAlexId(s, 'I')) work->lineage.push_back(id);
      }
      inst.lineage_end = static_cast<uint32_t>(work->lineage.size());
    }
  }
  if (inst.id == 0 && inst.ror == 0 && inst.country == kNoCountry) return Status::Ok();  // an empty shell
  work->institutions.push_back(inst);
  return Status::Ok();
}

Status WorkParser::ParseAuthorship(object& obj, Work* work) {
  Authorship a;
  a.inst_begin = a.inst_end = static_cast<uint32_t>(work->institutions.size());
  a.country_begin = a.country_end = static_cast<uint32_t>(work->countries.size());
  affiliation_ids_.clear();
  for (auto field : obj) {
    raw_json_string key;
    if (auto e = field.key().get(key)) return FieldError("authorships", e);
    value v = field.value();
    if (KeyIs(key, "institutions")) {
      array list;
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return FieldError("authorships[].institutions", e);
      if (is_null) continue;
      if (auto e = v.get_array().get(list)) return FieldError("authorships[].institutions", e);
      for (auto item : list) {
        object io;
        if (auto e = item.get_object().get(io)) return FieldError("authorships[].institutions[]", e);
        Status st = ParseInstitution(io, work);
        if (!st.ok()) return st;
      }
      a.inst_end = static_cast<uint32_t>(work->institutions.size());
    } else if (KeyIs(key, "countries")) {
      array list;
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return FieldError("authorships[].countries", e);
      if (is_null) continue;
      if (auto e = v.get_array().get(list)) return FieldError("authorships[].countries", e);
      for (auto item : list) {
        std::string_view s;
        if (auto e = item.get_string().get(s)) return FieldError("authorships[].countries", e);
        if (CountryCode c = MakeCountry(s)) work->countries.push_back(c);
      }
      a.country_end = static_cast<uint32_t>(work->countries.size());
    } else if (KeyIs(key, "author")) {
      // author.id, for author × year sequences (mobility); a null or odd
      // author leaves it 0.
      object author;
      std::string_view s;
      if (!v.get_object().get(author) && !author.find_field_unordered("id").get_string().get(s))
        a.author = ParseOpenAlexId(s, 'A');
    } else if (KeyIs(key, "affiliations")) {
      // 2024+: affiliations[].institution_ids; used only when institutions[] is
      // empty (older matchers filled one but not the other).
      array list;
      if (v.get_array().get(list)) continue;
      for (auto item : list) {
        object ao;
        if (item.get_object().get(ao)) continue;
        array ids;
        if (ao.find_field_unordered("institution_ids").get_array().get(ids)) continue;
        for (auto id : ids) {
          std::string_view s;
          if (!id.get_string().get(s))
            if (OpenAlexId x = ParseOpenAlexId(s, 'I')) affiliation_ids_.push_back(x);
        }
      }
    }
  }
  if (a.inst_begin == a.inst_end && !affiliation_ids_.empty()) {
    std::sort(affiliation_ids_.begin(), affiliation_ids_.end());
    affiliation_ids_.erase(std::unique(affiliation_ids_.begin(), affiliation_ids_.end()), affiliation_ids_.end());
    for (OpenAlexId id : affiliation_ids_) {
      InstitutionRef inst;
      inst.id = id;
      work->institutions.push_back(inst);
    }
    a.inst_begin = static_cast<uint32_t>(work->institutions.size() - affiliation_ids_.size());
    a.inst_end = static_cast<uint32_t>(work->institutions.size());
  }
  work->authorships.push_back(a);
  return Status::Ok();
}

Status WorkParser::Parse(object& obj, Work* work) {
  work->clear();
  bool has_year = false;
  for (auto field : obj) {
    raw_json_string key;
    if (auto e = field.key().get(key)) return FieldError("(key)", e);
    value v = field.value();
    if (KeyIs(key, "id")) {
      if (Status st = openalex_json::EntityId(v, 'W', "work", &work->id); !st.ok()) return st;
    } else if (KeyIs(key, "publication_year")) {
      bool is_null = false;
      int64_t year = 0;
      if (auto e = Int64OrNull(v, &is_null, &year)) return FieldError("publication_year", e);
      if (is_null) continue;
      if (year < 1000 || year > 2999)
        return Status(ErrorCode::kParse, fmt::format("\"publication_year\" {} is out of range", year));
      work->year = static_cast<int32_t>(year);
      has_year = true;
    } else if (KeyIs(key, "type")) {
      std::string_view s;
      if (auto e = StringOrNull(v, &s)) return FieldError("type", e);
      work->type.assign(s);
    } else if (KeyIs(key, "cited_by_count")) {
      bool is_null = false;
      int64_t n = 0;
      if (auto e = Int64OrNull(v, &is_null, &n)) return FieldError("cited_by_count", e);
      if (is_null) continue;
      if (n < 0 || n > UINT32_MAX)
        return Status(ErrorCode::kParse, fmt::format("\"cited_by_count\" {} is out of range", n));
      work->citations = static_cast<uint32_t>(n);
    } else if (KeyIs(key, "primary_topic")) {
      // primary_topic.field.id, "https://openalex.org/fields/17": the field's
      // number; a null or odd topic leaves it 0.
      object topic, field;
      std::string_view s;
      if (!v.get_object().get(topic) && !topic.find_field_unordered("field").get_object().get(field) &&
          !field.find_field_unordered("id").get_string().get(s))
        work->field = ParseFieldId(s);
    } else if (KeyIs(key, "updated_date")) {
      if (Status st = openalex_json::UpdatedDate(v, &work->updated_micros); !st.ok()) return st;
    } else if (KeyIs(key, "authorships")) {
      array list;
      if (auto e = v.get_array().get(list)) return FieldError("authorships", e);
      for (auto item : list) {
        object ao;
        if (auto e = item.get_object().get(ao)) return FieldError("authorships[]", e);
        Status st = ParseAuthorship(ao, work);
        if (!st.ok()) return st;
      }
    }
  }
  if (work->id == 0) return Status(ErrorCode::kParse, "record without an \"id\": not an OpenAlex work");
  if (!has_year) return Status(ErrorCode::kParse, "work without a \"publication_year\"");
  return Status::Ok();
}

}  // namespace coopscope
