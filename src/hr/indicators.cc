#include "hr/indicators.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "model/continent.h"

namespace coopscope::hr {
namespace {

// Counts keyed by (year, key), turned into a table sorted by year, then by
// count (descending) and key, or by a fixed key order when one is given.
class Tally {
 public:
  void Add(int year, const std::string& key, uint64_t n = 1) { counts_[{year, key}] += n; }
  HrTable ToTable(std::string name, std::string key_name, std::string measure,
                  const std::vector<std::string>& order = {}) const {
    HrTable t{std::move(name), std::move(key_name), {std::move(measure)}, {}, order.empty()};
    for (const auto& [yk, n] : counts_) t.rows.push_back({yk.first, yk.second, {HrValue{static_cast<double>(n)}}});
    auto rank = [&](const std::string& key) {
      auto it = std::find(order.begin(), order.end(), key);
      return static_cast<size_t>(it - order.begin());
    };
    std::stable_sort(t.rows.begin(), t.rows.end(), [&](const HrRow& a, const HrRow& b) {
      if (a.year != b.year) return a.year < b.year;
      if (!order.empty()) return rank(a.key) < rank(b.key);
      if (a.values[0].value != b.values[0].value) return a.values[0].value > b.values[0].value;
      return a.key < b.key;
    });
    return t;
  }

 private:
  std::map<std::pair<int, std::string>, uint64_t> counts_;
};

// A (total, foreign, share) row.
HrRow ShareRow(int year, std::string key, uint64_t total, uint64_t foreign) {
  HrRow r{year, std::move(key), {}};
  r.values.push_back(HrValue{static_cast<double>(total)});
  r.values.push_back(HrValue{static_cast<double>(foreign)});
  HrValue share{total ? static_cast<double>(foreign) / static_cast<double>(total) : 0.0, true};
  share.numerator = 1;
  share.denominator = 0;
  r.values.push_back(share);
  return r;
}

int YearOf(const std::string& date) { return date.size() >= 4 ? std::stoi(date.substr(0, 4)) : 0; }

bool ActiveIn(const std::string& start, const std::string& end, int year) {
  return start <= fmt::format("{:04}-12-31", year) && (end.empty() || end >= fmt::format("{:04}-01-01", year));
}

std::vector<std::string> ClassOrder() {
  std::vector<std::string> order;
  for (int c = 0; c < 4; ++c) order.emplace_back(DurationClassName(static_cast<DurationClass>(c)));
  return order;
}

}  // namespace

const HrTable* HrReport::Find(std::string_view name) const {
  for (const HrTable& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

const HrValue* HrReport::Value(std::string_view table, int year, std::string_view key, std::string_view measure) const {
  const HrTable* t = Find(table);
  if (!t) return nullptr;
  auto m = std::find(t->measures.begin(), t->measures.end(), measure);
  if (m == t->measures.end()) return nullptr;
  for (const HrRow& r : t->rows)
    if (r.year == year && r.key == key) return &r.values[static_cast<size_t>(m - t->measures.begin())];
  return nullptr;
}

Result<HrReport> ComputeHrIndicators(HrDb& db, const HrQuery& q) {
  HrReport report;
  report.query = q;
  const std::string home = CountryName(q.home);
  const std::string from = fmt::format("{:04}-01-01", q.first_year), to = fmt::format("{:04}-12-31", q.last_year);
  Status st;
  Tally totals;

  // Missions abroad, by the year they start.
  {
    auto s = db.sql().Prepare(
        "SELECT start_date, end_date, country, purpose, instrument FROM missions "
        "WHERE start_date BETWEEN ?1 AND ?2 AND (?3 = '' OR unit = ?3)");
    if (!s.ok()) return s.status();
    s->Bind(1, std::string_view(from)).Bind(2, std::string_view(to)).Bind(3, std::string_view(q.unit));
    Tally country, continent, duration, purpose, instrument;
    while (s->Step(&st)) {
      std::string start = s->Text(0), end = s->Text(1), c = s->Text(2);
      int year = YearOf(start);
      totals.Add(year, "missions");
      if (c == home) continue;
      totals.Add(year, "missions_abroad");
      country.Add(year, c);
      continent.Add(year, std::string(ContinentName(ContinentOf(MakeCountry(c)))));
      int64_t days = ParseDate(end).value_or(0) - ParseDate(start).value_or(0) + 1;
      duration.Add(year, std::string(DurationClassName(ClassifyDuration(days))));
      purpose.Add(year, s->Text(3));
      instrument.Add(year, s->Text(4));
    }
    if (!st.ok()) return st;
    report.tables.push_back(country.ToTable("missions_by_country", "country", "missions"));
    report.tables.push_back(continent.ToTable("missions_by_continent", "continent", "missions"));
    report.tables.push_back(duration.ToTable("missions_by_duration", "duration", "missions", ClassOrder()));
    report.tables.push_back(purpose.ToTable("missions_by_purpose", "purpose", "missions"));
    report.tables.push_back(instrument.ToTable("missions_by_instrument", "instrument", "missions"));
  }

  // Staff in post during the year, by category, with the foreign share.
  {
    auto s = db.sql().Prepare(
        "SELECT nationality, category, start_date, end_date FROM people "
        "WHERE start_date <= ?2 AND (end_date = '' OR end_date >= ?1) AND (?3 = '' OR unit = ?3)");
    if (!s.ok()) return s.status();
    s->Bind(1, std::string_view(from)).Bind(2, std::string_view(to)).Bind(3, std::string_view(q.unit));
    const std::vector<std::string> categories = {"researcher", "engineer", "phd_student", "postdoc"};
    std::map<std::pair<int, std::string>, std::pair<uint64_t, uint64_t>> staff;  // (year, category) → (all, foreign)
    while (s->Step(&st)) {
      std::string nationality = s->Text(0), category = s->Text(1), start = s->Text(2), end = s->Text(3);
      bool foreign = nationality != home;
      for (int y = q.first_year; y <= q.last_year; ++y) {
        if (!ActiveIn(start, end, y)) continue;
        for (const std::string& key : {category, std::string("all")}) {
          auto& [all, f] = staff[{y, key}];
          ++all;
          f += foreign;
        }
      }
    }
    if (!st.ok()) return st;
    HrTable t{"staff_by_category", "category", {"staff", "foreign", "foreign_share"}, {}};
    for (int y = q.first_year; y <= q.last_year; ++y)
      for (const char* key : {"researcher", "engineer", "phd_student", "postdoc", "all"}) {
        auto it = staff.find({y, key});
        if (it == staff.end()) continue;
        t.rows.push_back(ShareRow(y, key, it->second.first, it->second.second));
        if (std::string_view(key) == "all") {
          totals.Add(y, "staff", it->second.first);
          totals.Add(y, "foreign_staff", it->second.second);
        }
      }
    report.tables.push_back(std::move(t));
  }

  // Recruits: foreign share and previous countries.
  {
    auto s = db.sql().Prepare(
        "SELECT r.year, r.nationality, r.previous_country FROM recruitments r LEFT JOIN people p USING(person_id) "
        "WHERE r.year BETWEEN ?1 AND ?2 AND (?3 = '' OR (CASE WHEN r.unit = '' THEN p.unit ELSE r.unit END) = ?3)");
    if (!s.ok()) return s.status();
    s->Bind(1, static_cast<int64_t>(q.first_year)).Bind(2, static_cast<int64_t>(q.last_year)).Bind(3, std::string_view(q.unit));
    std::map<int, std::pair<uint64_t, uint64_t>> recruits;
    Tally previous;
    while (s->Step(&st)) {
      int year = static_cast<int>(s->Int(0));
      auto& [all, f] = recruits[year];
      ++all;
      f += s->Text(1) != home;
      std::string prev = s->Text(2);
      previous.Add(year, prev.empty() ? "unknown" : prev);
    }
    if (!st.ok()) return st;
    HrTable t{"recruits", "recruits", {"recruits", "foreign", "foreign_share"}, {}};
    for (const auto& [year, c] : recruits) {
      t.rows.push_back(ShareRow(year, "all", c.first, c.second));
      totals.Add(year, "recruits", c.first);
    }
    report.tables.push_back(std::move(t));
    report.tables.push_back(previous.ToTable("recruits_by_previous_country", "country", "recruits"));
  }

  // Incoming visitors by origin, by the year they arrive.
  {
    auto s = db.sql().Prepare(
        "SELECT start_date, origin_country, instrument FROM visitors "
        "WHERE start_date BETWEEN ?1 AND ?2 AND (?3 = '' OR host_unit = ?3)");
    if (!s.ok()) return s.status();
    s->Bind(1, std::string_view(from)).Bind(2, std::string_view(to)).Bind(3, std::string_view(q.unit));
    Tally country, continent, instrument;
    while (s->Step(&st)) {
      int year = YearOf(s->Text(0));
      std::string c = s->Text(1);
      totals.Add(year, "visitors");
      country.Add(year, c);
      continent.Add(year, std::string(ContinentName(ContinentOf(MakeCountry(c)))));
      instrument.Add(year, s->Text(2));
    }
    if (!st.ok()) return st;
    report.tables.push_back(country.ToTable("visitors_by_country", "country", "visitors"));
    report.tables.push_back(continent.ToTable("visitors_by_continent", "continent", "visitors"));
    report.tables.push_back(instrument.ToTable("visitors_by_instrument", "instrument", "visitors"));
  }

  // International structures active during the year.
  {
    auto s = db.sql().Prepare(
        "SELECT type, countries, start_date, end_date FROM structures "
        "WHERE start_date <= ?2 AND (end_date = '' OR end_date >= ?1) AND (?3 = '' OR lead_unit = ?3)");
    if (!s.ok()) return s.status();
    s->Bind(1, std::string_view(from)).Bind(2, std::string_view(to)).Bind(3, std::string_view(q.unit));
    Tally type, country;
    while (s->Step(&st)) {
      std::string t = s->Text(0), countries = s->Text(1), start = s->Text(2), end = s->Text(3);
      for (int y = q.first_year; y <= q.last_year; ++y) {
        if (!ActiveIn(start, end, y)) continue;
        type.Add(y, t);
        totals.Add(y, "structures");
        for (size_t i = 0; i + 2 <= countries.size(); i += 3)
          if (countries.compare(i, 2, home) != 0) country.Add(y, countries.substr(i, 2));
      }
    }
    if (!st.ok()) return st;
    report.tables.push_back(type.ToTable("structures_by_type", "type", "structures", {"IRL", "IRP", "IRN", "IEA", "IRC"}));
    report.tables.push_back(country.ToTable("structures_by_country", "country", "structures"));
  }

  report.tables.insert(report.tables.begin(),
                       totals.ToTable("totals", "indicator", "count",
                                      {"staff", "foreign_staff", "recruits", "missions", "missions_abroad", "visitors",
                                       "structures"}));
  SuppressSmallCells(&report, q.min_cell);
  return report;
}

void SuppressSmallCells(HrReport* report, int min_cell) {
  report->query.min_cell = min_cell;
  if (min_cell <= 1) return;
  for (HrTable& table : report->tables)
    for (HrRow& row : table.rows) {
      // Shares first: they read the counts before those are zeroed.
      for (HrValue& v : row.values) {
        if (!v.share) continue;
        double num = v.numerator >= 0 ? row.values[v.numerator].value : 0;
        double den = v.denominator >= 0 ? row.values[v.denominator].value : 0;
        if (IsSmallCount(num, min_cell) || IsSmallCount(den, min_cell) || IsSmallCount(den - num, min_cell))
          v.suppressed = true;
      }
      for (HrValue& v : row.values)
        if (!v.share && IsSmallCount(v.value, min_cell)) v.suppressed = true;
      for (HrValue& v : row.values)
        if (v.suppressed) v.value = 0;
    }
  for (HrTable& table : report->tables) {
    if (!table.ranked) continue;
    std::stable_sort(table.rows.begin(), table.rows.end(), [](const HrRow& a, const HrRow& b) {
      if (a.year != b.year) return a.year < b.year;
      bool sa = a.values[0].suppressed, sb = b.values[0].suppressed;
      if (sa != sb) return sb;  // shown counts first, in their ranking
      return sa && a.key < b.key;
    });
  }
}

std::string SuppressedText(int min_cell) { return fmt::format("<{}", min_cell); }

std::string HrValueText(const HrValue& v, int min_cell) {
  if (v.suppressed) return SuppressedText(min_cell);
  if (v.share) return fmt::format("{:.4f}", v.value);
  return fmt::format("{}", static_cast<uint64_t>(v.value));
}

}  // namespace coopscope::hr
