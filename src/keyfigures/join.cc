#include "keyfigures/join.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "hr/indicators.h"
#include "sources/export_reader.h"

namespace coopscope::keyfigures {
namespace {

// Work ids per year of a collection.
std::map<int, std::set<OpenAlexId>> IdsByYear(const Collected& c) {
  std::map<int, std::set<OpenAlexId>> out;
  for (const WorkFacts& f : c.works) out[f.year].insert(f.id);
  return out;
}

}  // namespace

Result<JoinReport> JoinRecordsAndPublications(hr::HrDb& db, const Scope& org, const Registry& registry,
                                              const CountryPolicy& policy, const CollectFn& collect,
                                              const JoinOptions& options) {
  if (options.first_year <= 0 || options.last_year < options.first_year)
    return Status(ErrorCode::kInvalidArgument, "give the years to join, e.g. --years 2015-2022");
  JoinReport out;
  out.first_year = options.first_year;
  out.last_year = options.last_year;
  CountryCode home = options.home != kNoCountry ? options.home : org.home();

  // Co-publications of the organisation per partner country and year.
  auto collected = collect(org);
  if (!collected.ok()) return collected.status();
  ReportOptions ro;
  ro.first_year = options.first_year;
  ro.last_year = options.last_year;
  ro.window = 0;
  ro.resamples = 0;
  ro.home = home;
  Report report = BuildReport(collected.value(), org, policy, registry.size() > 0, ro);
  out.org_name = report.org_name;
  home = report.home;  // h(S): given, the roots' country, or inferred from the works
  out.home = home;
  std::map<std::pair<CountryCode, int>, CountryYearJoin> cells;
  for (const PeriodIndicators& p : report.by_year)
    for (const PartnerCountryRow& r : p.partner_countries) {
      CountryYearJoin& c = cells[{r.country, p.first_year}];
      c.country = r.country;
      c.year = p.first_year;
      c.copubs = r.copubs.full;
    }

  // Missions abroad per destination and year, suppressed by the one rule.
  hr::HrQuery q;
  q.first_year = options.first_year;
  q.last_year = options.last_year;
  if (home != kNoCountry) q.home = home;
  q.min_cell = options.min_cell;
  auto hr_report = hr::ComputeHrIndicators(db, q);
  if (!hr_report.ok()) return hr_report.status();
  if (const hr::HrTable* t = hr_report->Find("missions_by_country"))
    for (const hr::HrRow& row : t->rows) {
      CountryCode c = policy.Map(MakeCountry(row.key));
      if (c == kNoCountry || c == home) continue;
      CountryYearJoin& cell = cells[{c, row.year}];
      cell.country = c;
      cell.year = row.year;
      cell.missions += row.values[0].value;
      cell.missions_suppressed = cell.missions_suppressed || row.values[0].suppressed;
    }
  for (auto& [key, cell] : cells) {
    if (cell.missions_suppressed) cell.missions = 0;
    out.countries.push_back(cell);
  }

  // Structures: W(lead unit) ∩ W(partners), per year.
  auto s = db.sql().Prepare("SELECT code, type, start_date, end_date, lead_unit, partners FROM structures ORDER BY code");
  if (!s.ok()) return s.status();
  Status st;
  std::map<std::string, std::map<int, std::set<OpenAlexId>>> cache;  // scope key → ids by year
  auto ids_of = [&](const std::vector<std::string>& roots, std::string* note)
      -> const std::map<int, std::set<OpenAlexId>>* {
    std::string key;
    for (const std::string& r : roots) key += r + ";";
    if (auto it = cache.find(key); it != cache.end()) return &it->second;
    // Roots the registry cannot resolve are left out and named; none left: no answer.
    ScopeSpec spec;
    std::string unknown;
    for (const std::string& r : roots) {
      ScopeSpec one;
      one.roots = {r};
      if (Scope::Build(one, registry).ok()) {
        spec.roots.push_back(r);
      } else {
        unknown += (unknown.empty() ? "" : ", ") + r;
      }
    }
    if (!unknown.empty()) *note = "unknown to the registry: " + unknown;
    if (spec.roots.empty()) return nullptr;
    auto scope = Scope::Build(spec, registry);
    if (!scope.ok()) {
      *note = scope.status().message();
      return nullptr;
    }
    auto c = collect(scope.value());
    if (!c.ok()) {
      *note = c.status().message();
      return nullptr;
    }
    return &(cache[key] = IdsByYear(c.value()));
  };
  while (s->Step(&st)) {
    const std::string code = s->Text(0), type = s->Text(1), start = s->Text(2), end = s->Text(3),
                      lead = s->Text(4), partners = s->Text(5);
    std::vector<std::string> partner_list;
    ForEachListItem(partners, [&](std::string_view item) { partner_list.emplace_back(item); });
    std::string note;
    const auto* lead_ids = ids_of({lead}, &note);
    const auto* partner_ids = lead_ids == nullptr || partner_list.empty() ? nullptr : ids_of(partner_list, &note);
    if (partner_list.empty()) note = "no partner institution listed";
    for (int y = options.first_year; y <= options.last_year; ++y) {
      StructureYearJoin row;
      row.code = code;
      row.type = type;
      row.start_year = start.size() >= 4 ? std::stoi(start.substr(0, 4)) : 0;
      row.end_year = end.size() >= 4 ? std::stoi(end.substr(0, 4)) : 0;
      row.year = y;
      row.unresolved = lead_ids == nullptr || partner_ids == nullptr;
      row.note = note;
      if (!row.unresolved) {
        auto a = lead_ids->find(y), b = partner_ids->find(y);
        if (a != lead_ids->end() && b != partner_ids->end())
          for (OpenAlexId id : a->second) row.copubs += b->second.count(id);
      }
      out.structures.push_back(std::move(row));
    }
  }
  if (!st.ok()) return st;
  return out;
}

}  // namespace coopscope::keyfigures
