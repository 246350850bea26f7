#include "app/hr_output.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "app/output.h"

namespace coopscope {

using hr::HrReport;
using hr::HrTable;
using hr::HrValueText;

void WriteHrTable(const HrReport& report, std::ostream& out) {
  const hr::HrQuery& q = report.query;
  fmt::print(out, "HR indicators {}-{}, {}; counts under {} shown as <{}\n", q.first_year, q.last_year,
             q.unit.empty() ? "whole organisation" : "unit " + q.unit, q.min_cell, q.min_cell);
  for (const HrTable& t : report.tables) {
    fmt::print(out, "\n{}\n", t.name);
    std::string head = fmt::format("  {:<6} {:<28}", "year", t.key_name);
    for (const std::string& m : t.measures) head += fmt::format(" {:>14}", m);
    fmt::print(out, "{}\n", head);
    if (t.rows.empty()) fmt::print(out, "  (none)\n");
    for (const hr::HrRow& r : t.rows) {
      std::string line = fmt::format("  {:<6} {:<28}", r.year, r.key);
      for (const hr::HrValue& v : r.values) line += fmt::format(" {:>14}", HrValueText(v, q.min_cell));
      fmt::print(out, "{}\n", line);
    }
  }
}

void WriteHrCsv(const HrReport& report, std::ostream& out) {
  out << "table,year,unit,key,measure,value\n";
  for (const HrTable& t : report.tables)
    for (const hr::HrRow& r : t.rows)
      for (size_t i = 0; i < r.values.size(); ++i)
        out << t.name << ',' << r.year << ',' << CsvCell(report.query.unit) << ',' << CsvCell(r.key) << ','
            << t.measures[i] << ',' << HrValueText(r.values[i], report.query.min_cell) << '\n';
}

void WriteHrJson(const HrReport& report, std::ostream& out) {
  const hr::HrQuery& q = report.query;
  fmt::print(out, "{{\"schema\":\"coopscope/hr-indicators\",\"version\":1,\"first_year\":{},\"last_year\":{},",
             q.first_year, q.last_year);
  fmt::print(out, "\"unit\":{},\"home_country\":{},\"min_cell\":{},\"tables\":[", q.unit.empty() ? "null" : JsonString(q.unit),
             JsonString(CountryName(q.home)), q.min_cell);
  for (size_t ti = 0; ti < report.tables.size(); ++ti) {
    const HrTable& t = report.tables[ti];
    fmt::print(out, "{}{{\"name\":{},\"key\":{},\"measures\":[", ti ? "," : "", JsonString(t.name), JsonString(t.key_name));
    for (size_t i = 0; i < t.measures.size(); ++i) fmt::print(out, "{}{}", i ? "," : "", JsonString(t.measures[i]));
    out << "],\"rows\":[";
    for (size_t ri = 0; ri < t.rows.size(); ++ri) {
      const hr::HrRow& r = t.rows[ri];
      fmt::print(out, "{}{{\"year\":{},\"key\":{}", ri ? "," : "", r.year, JsonString(r.key));
      for (size_t i = 0; i < r.values.size(); ++i) {
        // A suppressed cell is the string "<5"; other cells are numbers.
        std::string text = HrValueText(r.values[i], q.min_cell);
        fmt::print(out, ",{}:{}", JsonString(t.measures[i]), r.values[i].suppressed ? JsonString(text) : text);
      }
      out << '}';
    }
    out << "]}";
  }
  out << "]}\n";
}

}  // namespace coopscope
