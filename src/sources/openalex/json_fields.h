// Small helpers shared by the OpenAlex record parsers (works, authors): raw
// key comparison, field errors and nullable strings.  Pure functions.
#pragma once

#include <fmt/format.h>
#include <simdjson.h>

#include <string_view>

#include "io/status.h"

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

}  // namespace coopscope::openalex_json
