// Small helpers shared by the OpenAlex record parsers (works, authors): raw
// key comparison, field errors and nullable strings.  Pure functions.
#pragma once

#include <fmt/format.h>
#include <simdjson.h>

#include <string_view>

#include "io/status.h"
#include "model/ids.h"
#include "model/work.h"

namespace coopscope::openalex_json {

// Keys of OpenAlex objects never hold escapes, so a raw comparison is exact.
inline bool KeyIs(simdjson::ondemand::raw_json_string key, const char* name) { return key.unsafe_is_equal(name); }

inline Status FieldError(const char* field, simdjson::error_code error) {
  return Status(error == simdjson::UTF8_ERROR ? ErrorCode::kInvalidUtf8 : ErrorCode::kParse,
                fmt::format("field \"{}\": {}", field, simdjson::error_message(error)));
}

// Reads a string or null; null gives "".
inline simdjson::error_code StringOrNull(simdjson::ondemand::value v, std::string_view* out) {
  bool is_null = false;
  if (auto e = v.is_null().get(is_null); e) return e;
  if (is_null) {
    *out = {};
    return simdjson::SUCCESS;
  }
  return v.get_string().get(*out);
}

// Reads an integer or null; null sets *is_null (and leaves *out).
inline simdjson::error_code Int64OrNull(simdjson::ondemand::value v, bool* is_null, int64_t* out) {
  if (auto e = v.is_null().get(*is_null); e) return e;
  return *is_null ? simdjson::SUCCESS : v.get_int64().get(*out);
}

// The "id" of an entity of kind LETTER ('W', 'A'…); KIND names it in errors
// ("work", "author").
inline Status EntityId(simdjson::ondemand::value v, char letter, const char* kind, OpenAlexId* out) {
  std::string_view s;
  if (auto e = v.get_string().get(s)) return FieldError("id", e);
  *out = ParseOpenAlexId(s, letter);
  if (*out == 0)
    return Status(ErrorCode::kParse,
                  fmt::format("\"id\" \"{}\" is not an OpenAlex {} id ({}…)", s.substr(0, 60), kind, letter));
  return Status::Ok();
}

// "updated_date" (null or absent: 0) as microseconds since 1970.
inline Status UpdatedDate(simdjson::ondemand::value v, int64_t* micros) {
  std::string_view s;
  if (auto e = StringOrNull(v, &s)) return FieldError("updated_date", e);
  if (s.empty()) return Status::Ok();
  int64_t parsed = ParseTimestampMicros(s);
  if (parsed < 0) return Status(ErrorCode::kParse, fmt::format("\"updated_date\" \"{}\" is not a date", s.substr(0, 40)));
  *micros = parsed;
  return Status::Ok();
}

}  // namespace coopscope::openalex_json
