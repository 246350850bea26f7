#include "model/work.h"

#include <array>

#include "model/calendar.h"

namespace coopscope {
namespace {

constexpr std::array<std::string_view, 10> kTypeNames = {"unknown",   "education",  "healthcare", "company", "archive",
                                                         "nonprofit", "government", "facility",   "funder",  "other"};

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

InstitutionType ParseInstitutionType(std::string_view text) {
  for (size_t i = 1; i < kTypeNames.size(); ++i)
    if (text == kTypeNames[i]) return static_cast<InstitutionType>(i);
  return InstitutionType::kUnknown;
}

std::string_view InstitutionTypeName(InstitutionType type) {
  return kTypeNames[static_cast<size_t>(type)];
}

int64_t ParseTimestampMicros(std::string_view s) {
  int64_t y, mo, d;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) || s[7] != '-' ||
      !Digits(s, 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
    return -1;
  int64_t micros =
      DaysFromCivil(static_cast<int>(y), static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400LL * 1000000LL;
  if (s.size() == 10) return micros;
  int64_t h, mi, se;
  if ((s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, &h) || s.size() < 19 || s[13] != ':' ||
      !Digits(s, 14, 2, &mi) || s[16] != ':' || !Digits(s, 17, 2, &se))
    return -1;
  micros += ((h * 60 + mi) * 60 + se) * 1000000LL;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    int64_t frac = 0;
    int digits = 0;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      if (digits < 6) {
        frac = frac * 10 + (s[pos] - '0');
        ++digits;
      }
    }
    while (digits++ < 6) frac *= 10;
    micros += frac;
  }
  return micros;
}

}  // namespace coopscope
