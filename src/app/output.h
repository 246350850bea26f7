// Renders a Report as a terminal table, CSV or JSON (schema
// "coopscope/indicators" version 1, described in docs/output-schema.md).
#pragma once

#include <ostream>
#include <string>

#include "indicators/report.h"

namespace coopscope {

enum class CsvTable { kIndicators, kPartners, kInstitutions };

void WriteTable(const Report& report, std::ostream& out, size_t top);
void WriteCsv(const Report& report, std::ostream& out, CsvTable table);
void WriteJson(const Report& report, std::ostream& out);

// Fixed 6 decimals with trailing zeros removed: stable across platforms.
std::string FormatNumber(double value);
// A JSON string literal, quotes included, escaped.
std::string JsonString(std::string_view s);
// A CSV cell, quoted when it holds a comma, quote or line break.
std::string CsvCell(std::string_view s);

}  // namespace coopscope
