// Small helpers to write JSON text into a std::string: string escaping and
// OpenAlex id URLs.  Pure functions.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace coopscope::synth {

// Appends text as the inside of a JSON string (no quotes): '"', '\' and
// control characters are escaped; UTF-8 passes through.
inline void AppendEscaped(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      switch (c) {
        case '\n':
          out->append("\\n");
          break;
        case '\t':
          out->append("\\t");
          break;
        case '\r':
          out->append("\\r");
          break;
        default:
          out->append("\\u00");
          out->push_back(kHex[u >> 4]);
          out->push_back(kHex[u & 15]);
      }
    } else {
      out->push_back(c);
    }
  }
}

inline std::string Escaped(std::string_view text) {
  std::string out;
  AppendEscaped(&out, text);
  return out;
}

// Appends "https://openalex.org/<letter><number>" with its quotes.
inline void AppendIdUrl(std::string* out, char letter, uint64_t number) {
  fmt::format_to(std::back_inserter(*out), "\"https://openalex.org/{}{}\"", letter, number);
}

}  // namespace coopscope::synth
