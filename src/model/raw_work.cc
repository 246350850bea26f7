#include "model/raw_work.h"

namespace coopscope {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;
constexpr uint64_t kRawIdBit = uint64_t{1} << 62;
constexpr uint64_t kRawIdMask = kRawIdBit - 1;

uint64_t Fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * kFnvPrime;
  return h;
}

}  // namespace

OpenAlexId RawWorkId(const RawWork& w) {
  uint64_t h;
  if (!w.doi.empty())
    h = Fnv(Fnv(kFnvOffset, "doi:"), w.doi);
  else if (!w.source_id.empty())
    h = Fnv(Fnv(kFnvOffset, "id:"), w.source_id);
  else
    return 0;
  return (h & kRawIdMask) | kRawIdBit;
}

std::string NormalizeDoi(std::string_view text) {
  size_t p = text.find("10.");
  if (p == std::string_view::npos) return "";
  std::string_view s = text.substr(p);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '.' || s.back() == ','))
    s.remove_suffix(1);
  if (s.find('/') == std::string_view::npos) return "";
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace coopscope
