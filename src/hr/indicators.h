// Indicators from the organisation's own records (docs/indicators.md, "HR
// records"): per year and, optionally, for one unit — missions abroad by
// destination country, continent, duration class, purpose and instrument;
// staff by category with the foreign share; foreign share of recruits and
// their previous countries; visitors by origin; international structures by
// type and partner country.
//
// Small-cell suppression happens here, once, for every output: a count under
// `min_cell` (default 5) is marked suppressed and its value zeroed before the
// report leaves this layer, and a share is suppressed when its numerator, its
// denominator or their difference is under `min_cell`.  Writers print a
// suppressed cell with HrValueText ("<5").  No table is ever per person.
// Pure functions of the database; thread-safe for distinct HrDb objects.
#pragma once

#include <string>
#include <vector>

#include "hr/hr_db.h"
#include "model/country.h"

namespace coopscope::hr {

inline constexpr int kDefaultMinCell = 5;

struct HrQuery {
  int first_year = 0, last_year = 0;  // inclusive
  std::string unit;                   // empty: the whole organisation
  CountryCode home = MakeCountry("FR");
  int min_cell = kDefaultMinCell;     // counts under it are suppressed; 0 or 1: none
};

struct HrValue {
  double value = 0;
  bool share = false;
  bool suppressed = false;
  // For a share: the positions of its numerator and denominator in the row.
  int numerator = -1, denominator = -1;
};

struct HrRow {
  int year = 0;
  std::string key;
  std::vector<HrValue> values;  // one per HrTable::measures
};

struct HrTable {
  std::string name;      // e.g. "missions_by_country"
  std::string key_name;  // e.g. "country"
  std::vector<std::string> measures;
  std::vector<HrRow> rows;
  // Rows ranked by their first count (else in a fixed order of keys).  Once
  // suppressed, ranked rows are listed by key, so that their order does not
  // tell which small count is larger.
  bool ranked = false;
};

struct HrReport {
  HrQuery query;
  std::vector<HrTable> tables;
  const HrTable* Find(std::string_view name) const;
  // The value of (table, year, key, measure); nullptr when absent.
  const HrValue* Value(std::string_view table, int year, std::string_view key, std::string_view measure) const;
};

// Computes every table for the query, with suppression applied.
Result<HrReport> ComputeHrIndicators(HrDb& db, const HrQuery& query);

// Marks and zeroes small cells (called by ComputeHrIndicators; exposed so any
// report assembled elsewhere goes through the same rule).
void SuppressSmallCells(HrReport* report, int min_cell);

// The one small-cell rule of every output (HR tables, mobility, key
// figures): a count is suppressed when it is under min_cell, and min_cell 0
// or 1 suppresses nothing.  SuppressedText is how a suppressed cell prints.
inline bool IsSmallCount(double n, int min_cell) { return min_cell > 1 && n < min_cell; }
std::string SuppressedText(int min_cell);  // "<5"

// The printed form of a cell: "<5" when suppressed, an integer for a count, a
// share with four decimals.
std::string HrValueText(const HrValue& value, int min_cell);

}  // namespace coopscope::hr
