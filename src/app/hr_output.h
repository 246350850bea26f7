// Renders an HR indicator report (hr/indicators.h) as a terminal table, CSV
// (long format: table, year, key, measure, value) or JSON (schema
// "coopscope/hr-indicators" version 1, docs/output-schema.md).  Every cell is
// printed through hr::HrValueText, so a suppressed count reads "<5" in all
// three.
#pragma once

#include <ostream>

#include "hr/indicators.h"

namespace coopscope {

void WriteHrTable(const hr::HrReport& report, std::ostream& out);
void WriteHrCsv(const hr::HrReport& report, std::ostream& out);
void WriteHrJson(const hr::HrReport& report, std::ostream& out);

}  // namespace coopscope
