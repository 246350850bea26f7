#include "hr/records.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "io/ascii.h"
#include "model/calendar.h"
#include "model/continent.h"
#include "model/country.h"

namespace coopscope::hr {
namespace {

using T = ColumnType;

const std::array<RecordSchema, 5>& Schemas() {
  static const std::array<RecordSchema, 5> schemas = {
      RecordSchema{RecordKind::kPeople,
                   "people",
                   {
                       {"person_id", T::kPersonId, true, "", "A1B2C3", "the person's id in the HR system"},
                       {"nationality", T::kCountry, true, "", "IT", "nationality, ISO 3166-1 alpha-2"},
                       {"category", T::kEnum, true, "researcher|engineer|phd_student|postdoc", "researcher",
                        "staff category"},
                       {"unit", T::kText, true, "", "0abcd1234", "the unit the person works in (ROR id or unit code)"},
                       {"start_date", T::kDate, true, "", "2015-09-01", "first day in the organisation"},
                       {"end_date", T::kDate, false, "", "2021-08-31", "last day; empty while in post"},
                   },
                   {"person_id"},
                   "start_date",
                   "end_date"},
      RecordSchema{RecordKind::kRecruitments,
                   "recruitments",
                   {
                       {"person_id", T::kPersonId, true, "", "A1B2C3", "the recruit (must be in people)"},
                       {"year", T::kYear, true, "", "2022", "year of recruitment"},
                       {"grade", T::kText, true, "", "CRCN", "grade or post recruited to"},
                       {"nationality", T::kCountry, true, "", "DE", "nationality at recruitment"},
                       {"previous_country", T::kCountry, false, "", "US",
                        "country of the previous position; empty when unknown"},
                       {"unit", T::kText, false, "", "0abcd1234", "recruiting unit; empty: the person's unit"},
                   },
                   {"person_id", "year"},
                   "",
                   ""},
      RecordSchema{RecordKind::kMissions,
                   "missions",
                   {
                       {"person_id", T::kPersonId, true, "", "A1B2C3", "the traveller (must be in people)"},
                       {"unit", T::kText, true, "", "0abcd1234", "the unit paying or sending"},
                       {"country", T::kCountry, true, "", "JP", "destination country"},
                       {"city", T::kText, true, "", "Kyoto", "destination city"},
                       {"institution", T::kText, false, "", "Kyoto University", "host institution (name or ROR id)"},
                       {"start_date", T::kDate, true, "", "2022-03-14", "first day"},
                       {"end_date", T::kDate, true, "", "2022-03-18", "last day"},
                       {"purpose", T::kEnum, true, "conference|research|fieldwork|teaching|meeting|training|other",
                        "conference", "purpose of the mission"},
                       {"instrument", T::kText, true, "", "IRP", "funding instrument (IRP, ANR, ERC, own funds…)"},
                   },
                   {"person_id", "start_date", "country", "city", "institution"},
                   "start_date",
                   "end_date"},
      RecordSchema{RecordKind::kVisitors,
                   "visitors",
                   {
                       {"person_id", T::kPersonId, true, "", "V77", "the visitor's id"},
                       {"origin_country", T::kCountry, true, "", "BR", "country of the home institution"},
                       {"origin_institution", T::kText, false, "", "Universidade de São Paulo",
                        "home institution (name or ROR id)"},
                       {"host_unit", T::kText, true, "", "0abcd1234", "the unit hosting"},
                       {"start_date", T::kDate, true, "", "2022-05-02", "first day"},
                       {"end_date", T::kDate, true, "", "2022-07-29", "last day"},
                       {"instrument", T::kText, true, "", "invited professor", "funding instrument"},
                   },
                   {"person_id", "start_date", "host_unit"},
                   "start_date",
                   "end_date"},
      RecordSchema{RecordKind::kStructures,
                   "structures",
                   {
                       {"code", T::kText, true, "", "IRL2958", "the structure's code"},
                       {"type", T::kEnum, true, "IRL|IRP|IRN|IEA|IRC", "IRL", "international structure type"},
                       {"title", T::kText, true, "", "Georgia Tech-CNRS", "title"},
                       {"start_date", T::kDate, true, "", "2019-01-01", "first day"},
                       {"end_date", T::kDate, false, "", "2023-12-31", "last day; empty when open"},
                       {"lead_unit", T::kText, true, "", "0abcd1234", "the French lead unit"},
                       {"partners", T::kRorList, false, "", "01zkghx44;05f82e368", "partner institutions, ROR ids"},
                       {"countries", T::kCountryList, true, "", "US;FR", "countries of the partners"},
                   },
                   {"code"},
                   "start_date",
                   "end_date"},
  };
  return schemas;
}


std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// A ROR id: '0', six Crockford base-32 characters (lower case) and two
// check digits, ISO 7064 MOD 97-10 of the number they encode (every id of
// the ROR records in ../shared/data passes).
bool IsRorForm(std::string_view id) {
  if (id.size() != 9 || id[0] != '0') return false;
  if (id[7] < '0' || id[7] > '9' || id[8] < '0' || id[8] > '9') return false;
  static constexpr std::string_view kDigits = "0123456789abcdefghjkmnpqrstvwxyz";
  uint64_t n = 0;
  for (size_t i = 1; i < 7; ++i) {
    size_t v = kDigits.find(id[i]);
    if (v == std::string_view::npos) return false;
    n = n * 32 + v;
  }
  return 98 - (n * 100) % 97 == static_cast<uint64_t>((id[7] - '0') * 10 + (id[8] - '0'));
}

template <typename F>
std::string ValidateList(std::string_view value, std::string* out, F&& item) {
  out->clear();
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(';', start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view part = Trim(value.substr(start, end - start));
    std::string normal;
    if (!item(part, &normal)) return std::string(part);
    if (!out->empty()) out->push_back(';');
    *out += normal;
    start = end + 1;
  }
  return "";
}

}  // namespace

const RecordSchema& SchemaOf(RecordKind kind) { return Schemas()[static_cast<size_t>(kind)]; }

std::string_view KindName(RecordKind kind) { return SchemaOf(kind).name; }

std::optional<RecordKind> ParseKind(std::string_view name) {
  for (RecordKind k : kAllKinds)
    if (SchemaOf(k).name == name) return k;
  return std::nullopt;
}

bool IsIdentifyingColumn(std::string_view header) {
  static constexpr std::string_view kNames[] = {"name",       "full_name", "first_name",    "last_name",
                                                "surname",    "given_name", "family_name",  "email",
                                                "birth_date", "birthdate",  "date_of_birth"};
  for (std::string_view n : kNames)
    if (EqualsIgnoreAsciiCase(header, n)) return true;
  return false;
}

std::optional<int64_t> ParseDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n) -> int {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap)) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string ValidateField(const ColumnSpec& column, std::string_view raw, std::string* out) {
  std::string_view value = Trim(raw);
  out->clear();
  if (value.empty()) return column.required ? "a value (the column is required)" : "";
  if (value.size() > kMaxCellBytes) return fmt::format("at most {} bytes", kMaxCellBytes);
  if (HasControl(value)) return "text without control characters";
  switch (column.type) {
    case T::kPersonId:
    case T::kText:
      out->assign(value);
      return "";
    case T::kCountry: {
      CountryCode c = MakeCountry(value);
      if (!IsAssignedCountry(c)) return "an ISO 3166-1 alpha-2 country code such as FR";
      *out = CountryName(c);
      return "";
    }
    case T::kDate:
      if (!ParseDate(value)) return "a date YYYY-MM-DD between 1900 and 2100";
      out->assign(value);
      return "";
    case T::kYear: {
      int y = 0;
      if (value.size() != 4) return "a year between 1900 and 2100";
      for (char c : value) {
        if (c < '0' || c > '9') return "a year between 1900 and 2100";
        y = y * 10 + (c - '0');
      }
      if (y < 1900 || y > 2100) return "a year between 1900 and 2100";
      out->assign(value);
      return "";
    }
    case T::kEnum: {
      std::string_view allowed = column.allowed;
      for (size_t start = 0; start <= allowed.size();) {
        size_t end = allowed.find('|', start);
        if (end == std::string_view::npos) end = allowed.size();
        std::string_view option = allowed.substr(start, end - start);
        if (EqualsIgnoreAsciiCase(option, value)) {
          out->assign(option);
          return "";
        }
        start = end + 1;
      }
      return fmt::format("one of {}", allowed);
    }
    case T::kRorList: {
      std::string bad = ValidateList(value, out, [](std::string_view part, std::string* normal) {
        std::string_view id = part;
        for (std::string_view prefix : {"https://ror.org/", "http://ror.org/", "ror.org/"})
          if (id.substr(0, prefix.size()) == prefix) id.remove_prefix(prefix.size());
        if (!IsRorForm(id)) return false;
        normal->assign(id);
        return true;
      });
      if (!bad.empty()) return fmt::format("ROR ids separated by ';' (such as 02feahw73); '{}' is not one", bad);
      return "";
    }
    case T::kCountryList: {
      std::string bad = ValidateList(value, out, [](std::string_view part, std::string* normal) {
        CountryCode c = MakeCountry(part);
        if (!IsAssignedCountry(c)) return false;
        *normal = CountryName(c);
        return true;
      });
      if (!bad.empty())
        return fmt::format("ISO 3166-1 alpha-2 codes separated by ';' (such as US;FR); '{}' is not one", bad);
      return "";
    }
  }
  return "a known column type";
}

DurationClass ClassifyDuration(int64_t days) {
  if (days <= 7) return DurationClass::kUpToWeek;
  if (days <= 31) return DurationClass::kUpToMonth;
  if (days <= 365) return DurationClass::kUpToYear;
  return DurationClass::kLonger;
}

std::string_view DurationClassName(DurationClass c) {
  constexpr std::string_view kNames[] = {"up_to_7_days", "8_to_31_days", "32_to_365_days", "over_365_days"};
  return kNames[static_cast<int>(c)];
}

}  // namespace coopscope::hr
