#include "model/ids.h"

#include <charconv>
#include <system_error>

namespace coopscope {
namespace {

std::string_view StripPrefix(std::string_view text, std::string_view host) {
  if (text.starts_with("https://"))
    text.remove_prefix(8);
  else if (text.starts_with("http://"))
    text.remove_prefix(7);
  if (text.starts_with(host)) text.remove_prefix(host.size());
  return text;
}

// Crockford base32 as used by ROR: digits and lower-case letters without
// i, l, o, u.
int Base32Value(char c) {
  static constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

constexpr std::string_view kBase32 = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr size_t kRorLength = 9;

}  // namespace

OpenAlexId ParseOpenAlexId(std::string_view text, char letter) {
  text = StripPrefix(text, "openalex.org/");
  if (text.size() < 2 || (text[0] != letter && text[0] != letter + ('a' - 'A'))) return 0;
  OpenAlexId value = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9' || i > 19) return 0;
    value = value * 10 + static_cast<OpenAlexId>(c - '0');
  }
  return value;
}

uint16_t ParseFieldId(std::string_view text) {
  const size_t at = text.rfind("fields/");
  if (at == std::string_view::npos || (at > 0 && text[at - 1] != '/')) return 0;
  text.remove_prefix(at + 7);
  uint16_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() ? value : 0;
}

RorId ParseRorId(std::string_view text) {
  // The prefix as often as it is written: real OpenAlex records sometimes
  // write it twice ("https://ror.org/https://ror.org/01ppj9r51").
  while (text.starts_with("http://") || text.starts_with("https://") || text.starts_with("ror.org/"))
    text = StripPrefix(text, "ror.org/");
  if (text.size() != kRorLength) return 0;
  RorId value = 0;
  for (char c : text) {
    int v = Base32Value(c);
    if (v < 0) return 0;
    value = (value << 5) | static_cast<RorId>(v);
  }
  return value == 0 ? 0 : value;
}

std::string FormatOpenAlexId(OpenAlexId id, char letter) {
  return std::string(1, letter) + std::to_string(id);
}

std::string FormatRorId(RorId id) {
  std::string out(kRorLength, '0');
  for (size_t i = kRorLength; i-- > 0;) {
    out[i] = kBase32[id & 31];
    id >>= 5;
  }
  return out;
}

}  // namespace coopscope
