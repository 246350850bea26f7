// ASCII case folding for the keywords of input formats (CSV headers, enum
// values, BibTeX field names, ROR relationship types).  Not for names:
// those go through the Unicode folding of registry/ and match/.
#pragma once

#include <string_view>

namespace coopscope {

constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  return true;
}

}  // namespace coopscope
