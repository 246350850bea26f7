#include "app/output.h"

#include "io/csv.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace coopscope {
namespace {

constexpr int kSchemaVersion = 1;

}  // namespace

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string CsvCell(std::string_view s) { return CsvQuote(s); }

namespace {

std::string PartnerId(PartnerKey key) {
  return (key & kRorKeyBit) ? "ror:" + FormatRorId(key & ~kRorKeyBit) : FormatOpenAlexId(key, 'I');
}

std::string Percent(const std::optional<double>& v) {
  return v ? fmt::format("{:.1f}%", *v * 100) : "-";
}

std::string PeriodLabel(const PeriodIndicators& p) {
  return p.first_year == p.last_year ? fmt::format("{}", p.first_year)
                                     : fmt::format("{}-{}", p.first_year, p.last_year);
}

void JsonPeriod(const PeriodIndicators& p, std::ostream& out, const char* indent) {
  const Tally& t = p.tally;
  fmt::print(out, "\"p\": {}, \"p_frac\": {}", t.p, FormatNumber(t.p_frac.value()));
  for (int i = 0; i < kIndicators; ++i) {
    const char* name = IndicatorName(static_cast<Indicator>(i));
    fmt::print(out, ",\n{}\"p_{}\": {}, \"p_{}_frac\": {}, \"pp_{}\": {}, \"pp_{}_ci\": ", indent, name, t.flagged[i],
               name, FormatNumber(t.flagged_frac[i].value()), name, p.pp[i] ? FormatNumber(*p.pp[i]) : "null", name);
    if (p.ci[i])
      fmt::print(out, "[{}, {}]", FormatNumber(p.ci[i]->low), FormatNumber(p.ci[i]->high));
    else
      fmt::print(out, "null");
  }
  fmt::print(out, ",\n{}\"p_distance_known\": {}", indent, t.distance_known);
  fmt::print(out, ",\n{}\"collaboration_type\": {{", indent);
  for (int i = 0; i < kCollabTypes; ++i)
    fmt::print(out, "{}\"{}\": {}", i ? ", " : "", CollabTypeName(static_cast<CollabType>(i)), t.collab_types[i]);
  fmt::print(out, "}},\n{}\"country_count_class\": {{", indent);
  for (int i = 0; i < kCountryClasses; ++i)
    fmt::print(out, "{}\"{}\": {}", i ? ", " : "", CountryClassName(static_cast<CountryClass>(i)),
               t.country_classes[i]);
  fmt::print(out, "}},\n{}\"partners\": [", indent);
  for (size_t i = 0; i < p.partner_countries.size(); ++i) {
    const auto& r = p.partner_countries[i];
    fmt::print(out, "{}\n{}  {{\"country\": \"{}\", \"copubs\": {}, \"copubs_frac\": {}, \"share\": {}}}", i ? "," : "",
               indent, CountryName(r.country), r.copubs.full, FormatNumber(r.copubs.frac.value()), FormatNumber(r.share));
  }
  fmt::print(out, "{}],\n{}\"partner_institutions_total\": {},\n{}\"partner_institutions\": [",
             p.partner_countries.empty() ? "" : "\n" + std::string(indent), indent, p.partner_institutions_total,
             indent);
  for (size_t i = 0; i < p.partner_institutions.size(); ++i) {
    const auto& r = p.partner_institutions[i];
    fmt::print(out,
               "{}\n{}  {{\"id\": \"{}\", \"ror\": {}, \"name\": {}, \"country\": {}, \"copubs\": {}, "
               "\"copubs_frac\": {}, \"share\": {}}}",
               i ? "," : "", indent, PartnerId(r.key), r.info.ror ? JsonString(FormatRorId(r.info.ror)) : "null",
               JsonString(r.info.name), r.info.country ? JsonString(CountryName(r.info.country)) : "null",
               r.copubs.full, FormatNumber(r.copubs.frac.value()), FormatNumber(r.share));
  }
  fmt::print(out, "{}]", p.partner_institutions.empty() ? "" : "\n" + std::string(indent));
}

}  // namespace

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "null";
  std::string s = fmt::format("{:.6f}", value);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

void WriteJson(const Report& r, std::ostream& out) {
  fmt::print(out, "{{\n  \"schema\": \"coopscope/indicators\",\n  \"schema_version\": {},\n", kSchemaVersion);
  fmt::print(out, "  \"org\": {{\"name\": {}, \"home_country\": {}, \"home_country_inferred\": {}, \"roots\": [",
             JsonString(r.org_name), r.home ? JsonString(CountryName(r.home)) : "null", r.home_inferred);
  for (size_t i = 0; i < r.roots.size(); ++i) {
    const ScopeMember& m = r.roots[i];
    fmt::print(out, "{}{{\"openalex\": {}, \"ror\": {}, \"name\": {}}}", i ? ", " : "",
               m.openalex ? JsonString(FormatOpenAlexId(m.openalex, 'I')) : "null",
               m.ror ? JsonString(FormatRorId(m.ror)) : "null", JsonString(m.name));
  }
  fmt::print(out, "]}},\n  \"years\": {{\"first\": {}, \"last\": {}}},\n", r.first_year, r.last_year);
  fmt::print(out, "  \"method\": {{\"country_rules\": [");
  for (size_t i = 0; i < r.country_rules.size(); ++i) fmt::print(out, "{}\"{}\"", i ? ", " : "", r.country_rules[i]);
  fmt::print(out, "], \"bootstrap_resamples\": {}, \"bootstrap_seed\": {}, \"registry_loaded\": {}}},\n", r.resamples,
             r.seed, r.registry_loaded);
  const IngestReport& g = r.ingest;
  fmt::print(out,
             "  \"ingest\": {{\"read\": {}, \"accepted\": {}, \"rejected\": {}, \"duplicates\": {}, "
             "\"merged_dropped\": {}, \"in_scope\": {}, \"files\": {}, \"bytes\": {}, \"manifest_parts_checked\": {}, "
             "\"manifest_mismatches\": {}, \"manifest_parts_absent\": {}}},\n",
             g.read, g.accepted, g.rejected, g.duplicates, g.merged_dropped, g.in_scope, g.files, g.bytes,
             g.manifest_parts_checked, g.manifest_mismatches, g.manifest_parts_absent);
  fmt::print(out, "  \"total\": {{\"first_year\": {}, \"last_year\": {},\n    ", r.total.first_year, r.total.last_year);
  JsonPeriod(r.total, out, "    ");
  fmt::print(out, "}},\n  \"by_year\": [");
  for (size_t i = 0; i < r.by_year.size(); ++i) {
    fmt::print(out, "{}\n    {{\"year\": {},\n      ", i ? "," : "", r.by_year[i].first_year);
    JsonPeriod(r.by_year[i], out, "      ");
    fmt::print(out, "}}");
  }
  fmt::print(out, "{}],\n  \"windows\": [", r.by_year.empty() ? "" : "\n  ");
  for (size_t i = 0; i < r.windows.size(); ++i) {
    fmt::print(out, "{}\n    {{\"first_year\": {}, \"last_year\": {},\n      ", i ? "," : "", r.windows[i].first_year,
               r.windows[i].last_year);
    JsonPeriod(r.windows[i], out, "      ");
    fmt::print(out, "}}");
  }
  fmt::print(out, "{}]\n}}\n", r.windows.empty() ? "" : "\n  ");
}

void WriteCsv(const Report& r, std::ostream& out, CsvTable table) {
  std::vector<std::pair<std::string, const PeriodIndicators*>> periods;
  for (const auto& p : r.by_year) periods.emplace_back("year", &p);
  for (const auto& p : r.windows) periods.emplace_back("window", &p);
  periods.emplace_back("total", &r.total);
  if (table == CsvTable::kIndicators) {
    fmt::print(out, "period,first_year,last_year,p,p_frac");
    for (int i = 0; i < kIndicators; ++i) {
      const char* n = IndicatorName(static_cast<Indicator>(i));
      fmt::print(out, ",p_{0},p_{0}_frac,pp_{0},pp_{0}_ci_low,pp_{0}_ci_high", n);
    }
    for (int i = 0; i < kCollabTypes; ++i) fmt::print(out, ",type_{}", CollabTypeName(static_cast<CollabType>(i)));
    for (int i = 0; i < kCountryClasses; ++i)
      fmt::print(out, ",class_{}", CountryClassName(static_cast<CountryClass>(i)));
    fmt::print(out, "\n");
    for (const auto& [kind, p] : periods) {
      const Tally& t = p->tally;
      fmt::print(out, "{},{},{},{},{}", kind, p->first_year, p->last_year, t.p, FormatNumber(t.p_frac.value()));
      for (int i = 0; i < kIndicators; ++i)
        fmt::print(out, ",{},{},{},{},{}", t.flagged[i], FormatNumber(t.flagged_frac[i].value()),
                   p->pp[i] ? FormatNumber(*p->pp[i]) : "", p->ci[i] ? FormatNumber(p->ci[i]->low) : "",
                   p->ci[i] ? FormatNumber(p->ci[i]->high) : "");
      for (int i = 0; i < kCollabTypes; ++i) fmt::print(out, ",{}", t.collab_types[i]);
      for (int i = 0; i < kCountryClasses; ++i) fmt::print(out, ",{}", t.country_classes[i]);
      fmt::print(out, "\n");
    }
  } else if (table == CsvTable::kPartners) {
    fmt::print(out, "period,first_year,last_year,rank,country,copubs,copubs_frac,share\n");
    for (const auto& [kind, p] : periods)
      for (size_t i = 0; i < p->partner_countries.size(); ++i) {
        const auto& row = p->partner_countries[i];
        fmt::print(out, "{},{},{},{},{},{},{},{}\n", kind, p->first_year, p->last_year, i + 1, CountryName(row.country),
                   row.copubs.full, FormatNumber(row.copubs.frac.value()), FormatNumber(row.share));
      }
  } else {
    fmt::print(out, "period,first_year,last_year,rank,id,ror,name,country,copubs,copubs_frac,share\n");
    for (const auto& [kind, p] : periods)
      for (size_t i = 0; i < p->partner_institutions.size(); ++i) {
        const auto& row = p->partner_institutions[i];
        fmt::print(out, "{},{},{},{},{},{},{},{},{},{},{}\n", kind, p->first_year, p->last_year, i + 1,
                   PartnerId(row.key), row.info.ror ? FormatRorId(row.info.ror) : "", CsvCell(row.info.name),
                   CountryName(row.info.country), row.copubs.full, FormatNumber(row.copubs.frac.value()),
                   FormatNumber(row.share));
      }
  }
}

void WriteTable(const Report& r, std::ostream& out, size_t top) {
  std::string roots;
  for (const ScopeMember& m : r.roots) {
    if (!roots.empty()) roots += ", ";
    roots += m.ror ? "ror " + FormatRorId(m.ror) : "";
    if (m.openalex) roots += (m.ror ? " · " : "") + FormatOpenAlexId(m.openalex, 'I');
  }
  fmt::print(out, "{} ({})\nhome country {}{}; years {}–{}\n", r.org_name, roots,
             r.home ? CountryName(r.home) : "unknown", r.home_inferred ? " (inferred from the data)" : "", r.first_year,
             r.last_year);
  const IngestReport& g = r.ingest;
  fmt::print(out, "records read {} = accepted {} + rejected {} + duplicates {}; merged ids dropped {}; in scope {}\n",
             g.read, g.accepted, g.rejected, g.duplicates, g.merged_dropped, g.in_scope);
  if (!r.registry_loaded) fmt::print(out, "no registry loaded: distances unknown, countries only as stated\n");
  fmt::print(out, "\n{:<10} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "period", "P", "P frac", "collab",
             "int", "foreign", "industry", "short", "long", "no cntry");
  auto row = [&](const PeriodIndicators& p) {
    fmt::print(out, "{:<10} {:>7} {:>9.2f}", PeriodLabel(p), p.tally.p, p.tally.p_frac.value());
    for (int i = 0; i < kIndicators; ++i) fmt::print(out, " {:>8}", Percent(p.pp[i]));
    fmt::print(out, "\n");
  };
  for (const auto& p : r.by_year) row(p);
  fmt::print(out, "{}\n", std::string(10 + 8 + 10 + 9 * kIndicators, '-'));
  row(r.total);
  const PeriodIndicators& t = r.total;
  if (t.pp[static_cast<int>(Indicator::kForeign)]) {
    const Interval& ci = *t.ci[static_cast<int>(Indicator::kForeign)];
    fmt::print(out, "\nPP foreign {} (95% stability interval {:.1f}%–{:.1f}%)\n",
               Percent(t.pp[static_cast<int>(Indicator::kForeign)]), ci.low * 100, ci.high * 100);
  }
  fmt::print(out, "Distances known (two geocoded institutions) for {} of {} works.\n", t.tally.distance_known,
             t.tally.p);
  fmt::print(out, "\nCollaboration type: ");
  for (int i = 0; i < kCollabTypes; ++i)
    fmt::print(out, "{}{} {}", i ? ", " : "", CollabTypeName(static_cast<CollabType>(i)), t.tally.collab_types[i]);
  fmt::print(out, "\n\nFirst partner countries, {}:\n", PeriodLabel(t));
  for (size_t i = 0; i < t.partner_countries.size() && i < top; ++i) {
    const auto& pc = t.partner_countries[i];
    fmt::print(out, "  {:>2}. {}  {:>7} co-publications ({:.1f}%), fractional {:.2f}\n", i + 1, CountryName(pc.country),
               pc.copubs.full, pc.share * 100, pc.copubs.frac.value());
  }
  if (t.partner_countries.empty()) fmt::print(out, "  (none)\n");
  fmt::print(out, "\nFirst partner institutions, {} ({} in all):\n", PeriodLabel(t), t.partner_institutions_total);
  for (size_t i = 0; i < t.partner_institutions.size() && i < top; ++i) {
    const auto& pi = t.partner_institutions[i];
    fmt::print(out, "  {:>2}. {:<12} {:<2} {:<48} {:>6} ({:.1f}%)\n", i + 1, PartnerId(pi.key),
               CountryName(pi.info.country),
               pi.info.name.empty() ? std::string("(no name: add an OpenAlex institutions registry)")
                                    : pi.info.name.substr(0, 48),
               pi.copubs.full, pi.share * 100);
  }
  if (t.partner_institutions.empty()) fmt::print(out, "  (none)\n");
}

}  // namespace coopscope
