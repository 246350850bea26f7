#include "hr/generate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_set>
#include <vector>

#include "io/csv.h"
#include "model/calendar.h"
#include "model/continent.h"
#include "model/ids.h"
#include "registry/registry.h"

namespace coopscope::hr {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  uint64_t Below(uint64_t n) { return n ? Next() % n : 0; }
  bool Chance(double p) { return Uniform() < p; }
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1))); }

 private:
  uint64_t s_;
};

struct Weighted {
  std::string_view value;
  double weight;
};

std::string_view Pick(Rng& rng, const std::vector<Weighted>& items) {
  double total = 0;
  for (const auto& w : items) total += w.weight;
  double x = rng.Uniform() * total;
  for (const auto& w : items) {
    if (x < w.weight) return w.value;
    x -= w.weight;
  }
  return items.back().value;
}

// Shares of CNRS missions abroad by destination (rounded from published
// mission and co-publication profiles; only the order of magnitude matters).
const std::vector<Weighted> kDestinations = {
    {"US", 14}, {"DE", 9},  {"GB", 8},   {"IT", 8},   {"ES", 7},   {"CH", 5},   {"BE", 4},   {"CA", 4},
    {"JP", 4},  {"CN", 4},  {"NL", 3},   {"PT", 2},   {"BR", 2},   {"IN", 2},   {"AU", 2},   {"SE", 2},
    {"AT", 1.5}, {"GR", 1.5}, {"DK", 1}, {"NO", 1},   {"PL", 1},   {"MA", 1.5}, {"TN", 1},   {"SN", 0.8},
    {"ZA", 0.8}, {"MX", 1}, {"AR", 0.8}, {"CL", 0.8}, {"KR", 1},   {"SG", 0.8}, {"IL", 0.8}, {"TR", 0.6},
    {"EG", 0.5}, {"VN", 0.6}, {"TH", 0.5}, {"NZ", 0.4}, {"CO", 0.5}, {"PE", 0.4}, {"IE", 1}, {"FI", 0.8},
    {"CZ", 0.7}, {"HU", 0.5}, {"RO", 0.5}, {"CI", 0.4}, {"CM", 0.4}, {"DZ", 0.5}, {"LB", 0.4}, {"GL", 0.1},
    {"AQ", 0.05}, {"PF", 0.2}, {"NC", 0.2}};
const std::vector<Weighted> kNationalities = {
    {"IT", 10}, {"DE", 6}, {"ES", 8}, {"CN", 8}, {"IN", 5}, {"US", 3}, {"GB", 3}, {"BE", 3}, {"PT", 3}, {"GR", 3},
    {"RU", 3},  {"BR", 3}, {"MA", 4}, {"TN", 4}, {"DZ", 4}, {"LB", 3}, {"IR", 3}, {"VN", 3}, {"CO", 2}, {"MX", 2},
    {"JP", 2},  {"PL", 2}, {"RO", 2}, {"SN", 2}, {"CM", 2}, {"TR", 2}, {"AR", 2}, {"CL", 2}, {"CA", 2}, {"CH", 2},
    {"NL", 1},  {"SE", 1}};
const std::vector<Weighted> kPurposes = {{"conference", 40}, {"research", 25}, {"meeting", 12}, {"fieldwork", 8},
                                          {"teaching", 5},    {"training", 5},  {"other", 5}};
const std::vector<Weighted> kMissionInstruments = {
    {"own funds", 35}, {"ANR", 15}, {"ERC", 5}, {"Horizon Europe", 8}, {"IRP", 8}, {"IRL", 4},
    {"IRN", 3},        {"PHC", 4},  {"MITI", 2}, {"host-funded", 10},  {"other", 6}};
const std::vector<Weighted> kVisitorInstruments = {{"invited researcher", 30}, {"invited professor", 20},
                                                    {"visiting PhD", 20},       {"IRP", 8},
                                                    {"IRL", 5},                 {"ERC", 5},
                                                    {"own funds", 12}};

struct Category {
  std::string_view name;
  double stock;          // people in post at CNRS scale
  double french;         // share of French nationals in post
  double french_recruit; // among entrants
  double entry_rate;     // entrants per year / stock
  int term_years;        // 0: permanent
  double mission_weight;
};
constexpr Category kCategories[] = {
    {"researcher", 11000, 0.80, 0.70, 0.035, 0, 45},
    {"engineer", 13500, 0.92, 0.90, 0.035, 0, 20},
    {"phd_student", 6000, 0.55, 0.55, 0.33, 3, 20},
    {"postdoc", 3500, 0.45, 0.45, 0.5, 2, 15},
};

struct Org {
  std::string name, city;
  std::string ror;
};

std::string Date(int64_t days) {
  CivilDate d = CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

int64_t DayIn(Rng& rng, int year) {
  int64_t first = DaysFromCivil(year, 1, 1), last = DaysFromCivil(year, 12, 31);
  return first + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(last - first + 1)));
}

struct Person {
  std::string id;
  size_t category;
  std::string nationality, unit;
  int64_t start, end;  // end < 0: in post
};

}  // namespace

Result<HrGenerateSummary> GenerateHr(const HrGenerateOptions& o) {
  const bool cnrs = o.scale == "cnrs";
  if (!cnrs && o.scale != "small")
    return Status(ErrorCode::kInvalidArgument, fmt::format("generate hr: --scale '{}': choose small or cnrs", o.scale));
  const int first_year = o.first_year ? o.first_year : (cnrs ? 2018 : 2020);
  const int last_year = o.last_year ? o.last_year : (cnrs ? 2023 : 2022);
  if (first_year > last_year || first_year < 1950 || last_year > 2100)
    return Status(ErrorCode::kInvalidArgument, "generate hr: bad year range");
  const double scale = cnrs ? 1.0 : 0.01;
  const uint64_t missions_per_year = o.missions_per_year ? o.missions_per_year : (cnrs ? 60000 : 1500);

  Registry registry;
  RejectLog rejects;
  if (o.registry.empty()) return Status(ErrorCode::kInvalidArgument, "generate hr: --registry (ROR records) is required");
  if (Status st = registry.Load(o.registry, &rejects); !st.ok()) return st;

  // Units: the CNRS child units; organisations by country for hosts and partners.
  std::vector<std::string> units;
  if (const RegistryEntry* cnrs_entry = registry.FindRor(ParseRorId("02feahw73")))
    for (RorId child : cnrs_entry->ror_children) units.push_back(FormatRorId(child));
  std::map<std::string, std::vector<Org>> orgs;
  for (const RegistryEntry& e : registry.entries()) {
    if (!e.ror || e.country == kNoCountry || e.city.empty() || e.name.empty() || !e.active) continue;
    orgs[CountryName(e.country)].push_back({e.name, e.city, FormatRorId(e.ror)});
  }
  if (units.size() < 10)
    for (const Org& org : orgs["FR"])
      if (units.size() < 200) units.push_back(org.ror);
  if (units.empty() || orgs["FR"].empty())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("generate hr: {} holds neither CNRS units nor French organisations", o.registry));
  std::sort(units.begin(), units.end());
  std::vector<Weighted> destinations, nationalities;
  for (const auto& w : kDestinations)
    if (orgs.count(std::string(w.value))) destinations.push_back(w);
  for (const auto& w : kNationalities) nationalities.push_back(w);
  if (destinations.empty()) return Status(ErrorCode::kInvalidArgument, "generate hr: the registry has no foreign organisations");

  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return Status(ErrorCode::kIo, fmt::format("cannot create {}: {}", o.out_dir, ec.message()));
  auto open = [&](const char* name, std::ofstream* f) -> Status {
    f->open(std::filesystem::path(o.out_dir) / name, std::ios::binary | std::ios::trunc);
    return *f ? Status::Ok() : Status(ErrorCode::kIo, fmt::format("cannot write {}/{}", o.out_dir, name));
  };
  std::ofstream people_f, recruits_f, missions_f, visitors_f, structures_f;
  for (auto [name, f] : {std::pair{"people.csv", &people_f}, {"recruitments.csv", &recruits_f},
                         {"missions.csv", &missions_f}, {"visitors.csv", &visitors_f},
                         {"structures.csv", &structures_f}})
    if (Status st = open(name, f); !st.ok()) return st;

  Rng rng(o.seed);
  HrGenerateSummary sum;
  std::vector<Person> people;
  uint64_t next_id = 100000;
  auto nationality = [&](double french_share) {
    return rng.Chance(french_share) ? std::string("FR") : std::string(Pick(rng, nationalities));
  };
  // Staff in post on the first day, then entrants year by year.
  recruits_f << "person_id,year,grade,nationality,previous_country,unit\n";
  for (size_t c = 0; c < std::size(kCategories); ++c) {
    const Category& cat = kCategories[c];
    auto stock = static_cast<uint64_t>(cat.stock * scale + 0.5);
    auto leave = [&](int64_t start) -> int64_t {
      if (cat.term_years) return start + cat.term_years * 365 + rng.Between(-60, 200);
      // Permanent staff leave at about the entry rate, so the stock stays level.
      double years = -std::log(1.0 - rng.Uniform()) / cat.entry_rate;
      return years > 60 ? -1 : start + static_cast<int64_t>(years * 365.25);
    };
    for (uint64_t i = 0; i < stock; ++i) {
      int64_t start = DayIn(rng, first_year - 1 - static_cast<int>(rng.Below(cat.term_years ? cat.term_years : 30)));
      int64_t end = leave(start);
      if (end >= 0 && end < DaysFromCivil(first_year, 1, 1)) end = DaysFromCivil(first_year, 1, 1) + static_cast<int64_t>(rng.Below(365 * 3));
      people.push_back({fmt::format("E{}", next_id++), c, nationality(cat.french), units[rng.Below(units.size())], start, end});
    }
    for (int y = first_year; y <= last_year; ++y) {
      auto entrants = static_cast<uint64_t>(cat.stock * scale * cat.entry_rate + 0.5);
      for (uint64_t i = 0; i < entrants; ++i) {
        int64_t start = DayIn(rng, y);
        Person p{fmt::format("E{}", next_id++), c, nationality(cat.french_recruit), units[rng.Below(units.size())], start,
                 leave(start)};
        if (cat.term_years == 0) {
          std::string grade = c == 0 ? (rng.Chance(0.85) ? "CRCN" : "DR2")
                                     : std::string(Pick(rng, {{"IR", 3}, {"IE", 4}, {"AI", 2}, {"T", 3}}));
          std::string previous;
          if (rng.Chance(0.9)) {
            if (p.nationality != "FR")
              previous = rng.Chance(0.6) ? p.nationality : (rng.Chance(0.6) ? "FR" : std::string(Pick(rng, destinations)));
            else
              previous = rng.Chance(0.75) ? "FR" : std::string(Pick(rng, destinations));
          }
          recruits_f << p.id << ',' << y << ',' << grade << ',' << p.nationality << ',' << previous << ",\n";
          ++sum.recruitments;
        }
        people.push_back(std::move(p));
      }
    }
  }
  people_f << "person_id,nationality,category,unit,start_date,end_date\n";
  for (const Person& p : people)
    people_f << p.id << ',' << p.nationality << ',' << kCategories[p.category].name << ',' << p.unit << ','
             << Date(p.start) << ',' << (p.end >= 0 ? Date(p.end) : "") << '\n';
  sum.people = people.size();

  // Missions: travellers drawn among the staff in post, by category weight.
  missions_f << "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n";
  std::unordered_set<std::string> keys;
  for (int y = first_year; y <= last_year; ++y) {
    std::vector<std::vector<const Person*>> active(std::size(kCategories));
    int64_t jan1 = DaysFromCivil(y, 1, 1), dec31 = DaysFromCivil(y, 12, 31);
    for (const Person& p : people)
      if (p.start <= dec31 && (p.end < 0 || p.end >= jan1)) active[p.category].push_back(&p);
    std::vector<Weighted> cats;
    for (size_t c = 0; c < std::size(kCategories); ++c)
      if (!active[c].empty()) cats.push_back({kCategories[c].name, kCategories[c].mission_weight});
    for (uint64_t i = 0; i < missions_per_year;) {
      std::string_view cat_name = Pick(rng, cats);
      size_t c = 0;
      while (kCategories[c].name != cat_name) ++c;
      const Person& p = *active[c][rng.Below(active[c].size())];
      std::string country = rng.Chance(0.3) ? "FR" : std::string(Pick(rng, destinations));
      const std::vector<Org>& hosts = orgs[country];
      const Org& host = hosts[rng.Below(hosts.size())];
      std::string institution = rng.Chance(0.75) ? host.name : "";
      double u = rng.Uniform();
      int days = u < 0.55 ? rng.Between(1, 7) : u < 0.85 ? rng.Between(8, 31) : u < 0.97 ? rng.Between(32, 365)
                                                                                      : rng.Between(366, 1100);
      int64_t start = DayIn(rng, y);
      std::string key = fmt::format("{}|{}|{}|{}|{}", p.id, start, country, host.city, institution);
      if (!keys.insert(key).second) continue;
      missions_f << p.id << ',' << p.unit << ',' << country << ',' << CsvQuote(host.city) << ',' << CsvQuote(institution) << ','
                 << Date(start) << ',' << Date(start + days - 1) << ',' << Pick(rng, kPurposes) << ','
                 << Pick(rng, kMissionInstruments) << '\n';
      ++i;
      ++sum.missions;
    }
  }

  // Incoming visitors: about a fifth of the missions' number.
  visitors_f << "person_id,origin_country,origin_institution,host_unit,start_date,end_date,instrument\n";
  uint64_t visitor_id = 1;
  for (int y = first_year; y <= last_year; ++y) {
    uint64_t n = missions_per_year / 5;
    for (uint64_t i = 0; i < n; ++i) {
      std::string country(Pick(rng, destinations));
      const Org& origin = orgs[country][rng.Below(orgs[country].size())];
      int days = rng.Chance(0.6) ? rng.Between(5, 31) : rng.Between(32, 365);
      int64_t start = DayIn(rng, y);
      visitors_f << 'V' << visitor_id++ << ',' << country << ',' << CsvQuote(origin.name) << ','
                 << units[rng.Below(units.size())] << ',' << Date(start) << ',' << Date(start + days - 1) << ','
                 << Pick(rng, kVisitorInstruments) << '\n';
      ++sum.visitors;
    }
  }

  // International structures with real partner organisations.
  structures_f << "code,type,title,start_date,end_date,lead_unit,partners,countries\n";
  struct StructureType {
    std::string_view type;
    double count;
    int years;  // 0: open-ended
  };
  constexpr StructureType kTypes[] = {{"IRL", 85, 5}, {"IRP", 350, 5}, {"IRN", 120, 5}, {"IEA", 60, 2}, {"IRC", 15, 0}};
  uint64_t code = 1000;
  for (const StructureType& t : kTypes) {
    auto n = std::max<uint64_t>(1, static_cast<uint64_t>(t.count * (cnrs ? 1.0 : 0.03) + 0.5));
    for (uint64_t i = 0; i < n; ++i) {
      std::vector<std::string> countries = {std::string(Pick(rng, destinations))};
      if (rng.Chance(0.3)) countries.emplace_back(Pick(rng, destinations));
      std::sort(countries.begin(), countries.end());
      countries.erase(std::unique(countries.begin(), countries.end()), countries.end());
      std::string partners, country_list, first_partner;
      for (const std::string& country : countries) {
        int k = rng.Between(1, 2);
        for (int j = 0; j < k; ++j) {
          const Org& org = orgs[country][rng.Below(orgs[country].size())];
          if (partners.find(org.ror) != std::string::npos) continue;
          partners += (partners.empty() ? "" : ";") + org.ror;
          if (first_partner.empty()) first_partner = org.name;
        }
        country_list += country + ";";
      }
      country_list += "FR";
      int64_t start = DayIn(rng, rng.Between(first_year - 8, last_year));
      std::string end = t.years && rng.Chance(0.7) ? Date(start + t.years * 365) : "";
      structures_f << t.type << code << ',' << t.type << ',' << CsvQuote(fmt::format("{} {} - CNRS", t.type, first_partner))
                   << ',' << Date(start) << ',' << end << ',' << units[rng.Below(units.size())] << ',' << partners << ','
                   << country_list << '\n';
      ++code;
      ++sum.structures;
    }
  }
  for (std::ofstream* f : {&people_f, &recruits_f, &missions_f, &visitors_f, &structures_f}) {
    f->flush();
    if (!*f) return Status(ErrorCode::kIo, fmt::format("cannot write into {}", o.out_dir));
  }
  return sum;
}

}  // namespace coopscope::hr
