// The schemas of the organisation's own records (docs/hr-records.md): people,
// recruitments, missions, incoming visitors and international structures.
// Each schema is data — columns with a type, whether required, allowed
// values — and one validator serves them all: ValidateField checks and
// normalises a cell (upper-case countries, bare ROR ids, lower-case
// categories), so every import error names the column, the value and what was
// expected.  Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coopscope::hr {

enum class RecordKind : uint8_t { kPeople, kRecruitments, kMissions, kVisitors, kStructures };
inline constexpr RecordKind kAllKinds[] = {RecordKind::kPeople, RecordKind::kRecruitments, RecordKind::kMissions,
                                           RecordKind::kVisitors, RecordKind::kStructures};

enum class ColumnType : uint8_t {
  kPersonId,     // any non-empty id; stored only as its keyed pseudonym
  kText,         // free text, no control characters
  kCountry,      // ISO 3166-1 alpha-2 (assigned, or XK)
  kDate,         // YYYY-MM-DD, a real calendar date, 1900-2100
  kYear,         // 1900-2100
  kEnum,         // one of `allowed` (case-insensitive; stored as written in `allowed`)
  kRorList,      // ROR ids separated by ';' (bare or https://ror.org/…)
  kCountryList,  // countries separated by ';'
};

struct ColumnSpec {
  std::string_view name;
  ColumnType type;
  bool required;
  std::string_view allowed;  // kEnum: values separated by '|'
  std::string_view example;
  std::string_view meaning;
};

struct RecordSchema {
  RecordKind kind;
  std::string_view name;  // also the table name and the file-name prefix
  std::vector<ColumnSpec> columns;
  std::vector<std::string_view> key;  // the natural key: columns that identify a record
  // A pair of date columns where the second may not precede the first.
  std::string_view start_column, end_column;
};

const RecordSchema& SchemaOf(RecordKind kind);
std::string_view KindName(RecordKind kind);
std::optional<RecordKind> ParseKind(std::string_view name);

// Columns that identify a person (names, e-mail, birth date): accepted in an
// input so that raw exports load, but dropped on reading and never stored.
bool IsIdentifyingColumn(std::string_view header);

// Longest accepted cell, in bytes.
inline constexpr size_t kMaxCellBytes = 1024;

// Checks `value` against `column`; on success writes the normalised value to
// *out (empty for an empty optional cell) and returns an empty string, else
// returns what was expected ("a date YYYY-MM-DD", "one of researcher|…").
std::string ValidateField(const ColumnSpec& column, std::string_view value, std::string* out);

// "YYYY-MM-DD" → days since 1970-01-01; nullopt when not a valid date.
std::optional<int64_t> ParseDate(std::string_view text);

// Mission duration classes of docs/indicators.md: days = end − start + 1.
enum class DurationClass : uint8_t { kUpToWeek, kUpToMonth, kUpToYear, kLonger };
DurationClass ClassifyDuration(int64_t days);
std::string_view DurationClassName(DurationClass c);  // "up_to_7_days", …

}  // namespace coopscope::hr
