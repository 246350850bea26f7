// The key-figures sheet (docs/indicators.md, "Key figures"): on generated HR
// records for a fixed seed, each figure is checked against a value the test
// computes itself from the generated CSV files, with its own parser and its
// own reading of the definitions; suppression in Markdown and JSON; the CLI
// end to end on real works and author records.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/keyfigures_output.h"
#include "hr/generate.h"
#include "hr/hr_db.h"
#include "hr/indicators.h"
#include "keyfigures/sheet.h"

namespace coopscope {
namespace {

namespace fs = std::filesystem;
using keyfigures::Sheet;

const std::string kData = COOPSCOPE_SHARED_DATA;
const std::string kRor = kData + "/ror-records-subset/ror_v2_subset_latest.json.gz";

// The test's own CSV reader: RFC 4180 quotes, header row → maps.
std::vector<std::map<std::string, std::string>> ReadCsv(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
  if (rows.back().empty()) rows.pop_back();
  std::vector<std::map<std::string, std::string>> out;
  for (size_t r = 1; r < rows.size(); ++r) {
    std::map<std::string, std::string> m;
    for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) m[rows[0][c]] = rows[r][c];
    out.push_back(std::move(m));
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// In post at some time of YEAR.
bool InPost(const std::map<std::string, std::string>& r, int year, const char* start = "start_date",
            const char* end = "end_date") {
  const std::string y = std::to_string(year);
  return r.at(start) <= y + "-12-31" && (r.at(end).empty() || r.at(end) >= y + "-01-01");
}

int64_t Days(const std::string& date) {
  int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
  // Days from civil (Howard Hinnant's algorithm, written out here).
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

class KeyFiguresGenerated : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("coopscope-kf-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    hr::HrGenerateOptions g;
    g.out_dir = (*dir_ / "csv").string();
    g.registry = kRor;
    g.scale = "small";
    g.seed = 20221;
    g.first_year = 2020;
    g.last_year = 2022;
    auto generated = hr::GenerateHr(g);
    ASSERT_TRUE(generated.ok()) << generated.status().message();
    auto db = hr::HrDb::Open((*dir_ / "hr.db").string(), true);
    ASSERT_TRUE(db.ok()) << db.status().message();
    std::vector<std::string> files;
    for (const char* f : {"people.csv", "recruitments.csv", "missions.csv", "visitors.csv", "structures.csv"})
      files.push_back((*dir_ / "csv" / f).string());
    auto imported = db.value()->Import(files);
    ASSERT_TRUE(imported.ok()) << imported.status().message();
    hr::HrQuery q;
    q.first_year = q.last_year = kYear;
    q.min_cell = 0;
    auto report = hr::ComputeHrIndicators(*db.value(), q);
    ASSERT_TRUE(report.ok()) << report.status().message();
    report_ = new hr::HrReport(std::move(report.value()));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete report_;
  }

  Sheet Make(Lang lang, int min_cell) const {
    keyfigures::SheetInputs in;
    in.org_name = "CNRS";
    in.year = kYear;
    in.lang = lang;
    in.min_cell = min_cell;
    in.hr = report_;
    in.hr_source = "hr.db";
    return keyfigures::BuildSheet(in);
  }
  static std::vector<std::map<std::string, std::string>> Csv(const char* name) { return ReadCsv(*dir_ / "csv" / name); }

  static constexpr int kYear = 2021;
  static fs::path* dir_;
  static hr::HrReport* report_;
};
fs::path* KeyFiguresGenerated::dir_ = nullptr;
hr::HrReport* KeyFiguresGenerated::report_ = nullptr;

double Num(const Sheet& s, const char* id) {
  const keyfigures::Figure* f = s.Find(id);
  EXPECT_NE(f, nullptr) << id;
  if (f == nullptr || !f->number) return -1;
  return *f->number;
}

TEST_F(KeyFiguresGenerated, ForeignStaffFigureByFigure) {
  const Sheet sheet = Make(Lang::kEn, 0);
  std::map<std::string, std::pair<int, int>> by_category;  // category → (foreign, staff)
  for (const auto& r : Csv("people.csv")) {
    if (!InPost(r, kYear)) continue;
    auto& c = by_category[r.at("category")];
    c.second++;
    if (Upper(r.at("nationality")) != "FR") c.first++;
  }
  const int rpp = by_category["researcher"].first + by_category["phd_student"].first + by_category["postdoc"].first;
  ASSERT_GT(rpp, 0);
  EXPECT_EQ(Num(sheet, "people.foreign_researchers_phd_postdocs"), rpp);
  EXPECT_EQ(Num(sheet, "people.foreign_researchers"), by_category["researcher"].first);
  EXPECT_EQ(Num(sheet, "people.foreign_phd_students"), by_category["phd_student"].first);
  EXPECT_EQ(Num(sheet, "people.foreign_postdocs"), by_category["postdoc"].first);
  EXPECT_EQ(Num(sheet, "people.foreign_engineers"), by_category["engineer"].first);
  const int staff = by_category["researcher"].second + by_category["phd_student"].second + by_category["postdoc"].second;
  const std::string value = sheet.Find("people.foreign_researchers_phd_postdocs")->value;
  EXPECT_NE(value.find(keyfigures::FormatCount(staff, Lang::kEn)), std::string::npos) << value;
  EXPECT_NE(value.find(keyfigures::FormatPercent(static_cast<double>(rpp) / staff, Lang::kEn)), std::string::npos)
      << value;
}

TEST_F(KeyFiguresGenerated, RecruitmentMissionsVisitorsStructures) {
  const Sheet sheet = Make(Lang::kEn, 0);
  int recruits = 0, foreign_recruits = 0;
  for (const auto& r : Csv("recruitments.csv"))
    if (r.at("year") == std::to_string(kYear)) {
      ++recruits;
      foreign_recruits += Upper(r.at("nationality")) != "FR";
    }
  ASSERT_GT(recruits, 0);
  EXPECT_NEAR(Num(sheet, "recruitment.foreign_share"), static_cast<double>(foreign_recruits) / recruits, 1e-12);

  int abroad = 0;
  std::map<std::string, int> destinations;
  std::array<int, 4> durations{};
  for (const auto& r : Csv("missions.csv")) {
    if (r.at("start_date").substr(0, 4) != std::to_string(kYear) || Upper(r.at("country")) == "FR") continue;
    ++abroad;
    destinations[Upper(r.at("country"))]++;
    const int64_t days = Days(r.at("end_date")) - Days(r.at("start_date")) + 1;
    durations[days <= 7 ? 0 : days <= 31 ? 1 : days <= 365 ? 2 : 3]++;
  }
  ASSERT_GT(abroad, 100);
  EXPECT_EQ(Num(sheet, "missions.abroad"), abroad);
  auto first = std::max_element(destinations.begin(), destinations.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second < b.second : a.first > b.first;
  });
  EXPECT_EQ(Num(sheet, "missions.destinations"), first->second);
  EXPECT_EQ(sheet.Find("missions.destinations")->value.rfind(LocalCountryName(MakeCountry(first->first), Lang::kEn), 0),
            0u)
      << sheet.Find("missions.destinations")->value;
  const std::string duration = sheet.Find("missions.duration")->value;
  EXPECT_NE(duration.find("up to a week " + keyfigures::FormatPercent(static_cast<double>(durations[0]) / abroad,
                                                                      Lang::kEn)),
            std::string::npos)
      << duration;
  EXPECT_NE(duration.find("longer " + keyfigures::FormatPercent(static_cast<double>(durations[3]) / abroad, Lang::kEn)),
            std::string::npos)
      << duration;

  int visitors = 0;
  for (const auto& r : Csv("visitors.csv")) visitors += r.at("start_date").substr(0, 4) == std::to_string(kYear);
  EXPECT_EQ(Num(sheet, "visitors.total"), visitors);

  int structures = 0;
  std::map<std::string, int> types;
  for (const auto& r : Csv("structures.csv"))
    if (InPost(r, kYear)) {
      ++structures;
      types[r.at("type")]++;
    }
  ASSERT_GT(structures, 0);
  EXPECT_EQ(Num(sheet, "structures.by_type"), structures);
  for (const auto& [type, n] : types)
    EXPECT_NE(sheet.Find("structures.by_type")->value.find(type + " " + std::to_string(n)), std::string::npos)
        << type << " in " << sheet.Find("structures.by_type")->value;
}

TEST_F(KeyFiguresGenerated, SmallCountsAreSuppressedInMarkdownAndJson) {
  // A threshold above every count: no person count may leak, in any format.
  const int big = 1000000;
  for (Lang lang : {Lang::kEn, Lang::kFr}) {
    const Sheet sheet = Make(lang, big);
    for (const char* id : {"people.foreign_researchers_phd_postdocs", "people.foreign_postdocs", "missions.abroad",
                           "visitors.total", "recruitment.foreign_share"}) {
      const keyfigures::Figure* f = sheet.Find(id);
      ASSERT_NE(f, nullptr) << id;
      EXPECT_FALSE(f->number.has_value()) << id << " = " << f->value;
      EXPECT_NE(f->value.find("<1000000"), std::string::npos) << id << " = " << f->value;
    }
    const std::string md = keyfigures::RenderMarkdown(sheet);
    const std::string json = keyfigures::RenderJson(sheet);
    const std::string abroad = std::to_string(static_cast<int>(Num(Make(lang, 0), "missions.abroad")));
    EXPECT_EQ(md.find(" " + abroad + "\n"), std::string::npos);
    EXPECT_EQ(json.find("\"value\":\"" + abroad), std::string::npos);
    EXPECT_NE(json.find("\"suppressed\":true"), std::string::npos);
  }
  // The default threshold keeps large counts.
  const Sheet sheet = Make(Lang::kEn, hr::kDefaultMinCell);
  EXPECT_TRUE(sheet.Find("missions.abroad")->number.has_value());
}

TEST_F(KeyFiguresGenerated, FrenchAndEnglishTextsDiffer) {
  const Sheet en = Make(Lang::kEn, 5), fr = Make(Lang::kFr, 5);
  EXPECT_EQ(en.Find("missions.abroad")->label, "Missions abroad started in the year");
  EXPECT_EQ(fr.Find("missions.abroad")->label, "Missions à l'étranger commencées dans l'année");
  EXPECT_EQ(Num(en, "missions.abroad"), Num(fr, "missions.abroad"));
  for (const Sheet* s : {&en, &fr})
    for (const auto& section : s->sections)
      for (const auto& f : section.figures) {
        EXPECT_FALSE(f.label.empty()) << f.id;
        EXPECT_FALSE(f.source.empty()) << f.id;
        if (f.available) {
          EXPECT_FALSE(f.method.empty()) << f.id << " = " << f.value;
        }
      }
  // Without publications or author records, those figures say so, in the sheet's language.
  EXPECT_FALSE(fr.Find("publications.pp_foreign")->available);
  EXPECT_NE(fr.Find("publications.pp_foreign")->source.find("indisponible"), std::string::npos);
  EXPECT_NE(en.Find("mobility.incoming")->source.find("not available"), std::string::npos);
}

TEST(KeyFigures, LocalisedNumbersAndCountryNames) {
  EXPECT_EQ(keyfigures::FormatCount(60000, Lang::kEn), "60,000");
  EXPECT_EQ(keyfigures::FormatCount(60000, Lang::kFr), "60\u202f000");
  EXPECT_EQ(keyfigures::FormatCount(999, Lang::kFr), "999");
  EXPECT_EQ(keyfigures::FormatPercent(0.6021, Lang::kEn), "60.2%");
  EXPECT_EQ(keyfigures::FormatPercent(0.6021, Lang::kFr), "60,2\u00a0%");
  EXPECT_EQ(LocalCountryName(MakeCountry("DE"), Lang::kFr), "Allemagne");
  EXPECT_EQ(LocalCountryName(MakeCountry("DE"), Lang::kEn), "Germany");
  EXPECT_EQ(LocalCountryName(MakeCountry("US"), Lang::kFr), "États-Unis");
  EXPECT_EQ(LocalCountryName(MakeCountry("KR"), Lang::kEn), "South Korea");
}

// The command end to end on real works (the World Bank Group, as in the
// sample run), real author records and generated HR records.
TEST(KeyFiguresCli, SheetFromRealWorksAuthorsAndHrRecords) {
  const fs::path dir = fs::temp_directory_path() / ("coopscope-kfcli-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string bin = COOPSCOPE_BINARY;
  auto run = [&](const std::string& args, std::string* out) {
    const std::string cmd = bin + " " + args + " > " + (dir / "out").string() + " 2> " + (dir / "err").string();
    int rc = std::system(cmd.c_str());
    std::ifstream in(dir / "out");
    out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return WEXITSTATUS(rc);
  };
  std::string out;
  ASSERT_EQ(run("generate hr --out " + (dir / "csv").string() + " --registry " + kRor +
                    " --scale small --seed 3 --years 2007",
                &out),
            0);
  ASSERT_EQ(run("hr import --db " + (dir / "hr.db").string() + " " + (dir / "csv/people.csv").string() + " " +
                    (dir / "csv/missions.csv").string() + " " + (dir / "csv/recruitments.csv").string() + " " +
                    (dir / "csv/visitors.csv").string() + " " + (dir / "csv/structures.csv").string(),
                &out),
            0);
  const std::string works = kData + "/openalex-works-openalexpro";
  ASSERT_EQ(run("keyfigures --org I55633929 --registry " + kRor + " " + works + " --year 2007 --lang fr --hr-db " +
                    (dir / "hr.db").string() + " --authors " + kData + "/openalex-snapshot-sample-2023/authors -q",
                &out),
            0)
      << out;
  EXPECT_NE(out.find("chiffres clés"), std::string::npos) << out;
  // 2007: two works of the World Bank Group, one with a foreign country (indicators on the same files).
  EXPECT_NE(out.find("World Bank Group"), std::string::npos) << out;
  EXPECT_NE(out.find("**Part des publications impliquant au moins un laboratoire étranger** : 50,0\u00a0% (1 / 2)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Missions à l'étranger"), std::string::npos);
  EXPECT_NE(out.find("Méthode :"), std::string::npos);
  ASSERT_EQ(run("keyfigures --org I55633929 --registry " + kRor + " " + works +
                    " --year 2022 --lang en --format json -q",
                &out),
            0);
  EXPECT_NE(out.find("\"schema\":\"coopscope/keyfigures\""), std::string::npos);
  EXPECT_NE(out.find("\"id\":\"publications.pp_foreign\""), std::string::npos);
  // English numbers and names: in 2007 the World Bank Group (home US, inferred) co-signs one of its
  // two works with Colombia, Costa Rica and Nicaragua.
  ASSERT_EQ(run("keyfigures --org I55633929 --registry " + kRor + " " + works + " --year 2007 --lang en -q", &out), 0);
  EXPECT_NE(out.find("**First partner countries**: Colombia (1, 50.0%), Costa Rica (1, 50.0%), Nicaragua (1, 50.0%)"),
            std::string::npos)
      << out;
  // Wrong options are refused with a message.
  EXPECT_EQ(run("keyfigures --org I55633929 --registry " + kRor + " " + works + " --year 2022 --lang de", &out), 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace coopscope

namespace coopscope {
namespace {

// hr join (docs/indicators.md "Records and publications") on a hand-built HR
// database and the real works of the World Bank Group: the Brookings
// Institution (ROR 04aj4sh46) co-signs one World Bank work in 2005 and one in
// 2007 (`indicators --csv-table institutions` on the same files says so), so a
// structure with Brookings starting in 2007 has 1 co-publication before (2005)
// and 1 since (2007); five missions to the US in 2007 show, two to GB in 2009
// are suppressed.
TEST(HrJoin, StructuresAndCountriesAgainstHandCountedValues) {
  const fs::path dir = fs::temp_directory_path() / ("coopscope-join-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [&](const char* name, const std::string& text) { std::ofstream(dir / name) << text; };
  write("people.csv",
        "person_id,nationality,category,unit,start_date,end_date\n"
        "P1,FR,researcher,I55633929,2000-01-01,\nP2,IT,postdoc,I55633929,2006-01-01,2010-12-31\n");
  std::string missions = "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n";
  for (int i = 1; i <= 5; ++i)
    missions += fmt::format("P{},I55633929,US,Washington,,2007-0{}-01,2007-0{}-05,research,IRP\n", 1 + i % 2, i, i);
  missions += "P2,I55633929,US,Washington,,2005-02-01,2005-02-10,research,own funds\n";
  missions += "P1,I55633929,GB,Cambridge,,2009-01-10,2009-01-12,conference,own funds\n";
  missions += "P2,I55633929,GB,Cambridge,,2009-02-10,2009-02-12,conference,own funds\n";
  write("missions.csv", missions);
  write("structures.csv",
        "code,type,title,start_date,end_date,lead_unit,partners,countries\n"
        "IRP9001,IRP,World Bank-Brookings,2007-01-01,,I55633929,04aj4sh46,US\n"
        "IRN9002,IRN,Unknown partner,2006-01-01,2008-12-31,I55633929,05zzzzz40,US\n");
  const std::string bin = COOPSCOPE_BINARY;
  const std::string db = (dir / "hr.db").string();
  auto run = [&](const std::string& args) {
    const std::string out = (dir / "out").string();
    int rc = std::system((bin + " " + args + " > " + out + " 2> " + (dir / "err").string()).c_str());
    std::ifstream in(out);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return std::make_pair(WEXITSTATUS(rc), text);
  };
  ASSERT_EQ(run("hr import -q --db " + db + " " + (dir / "people.csv").string() + " " + (dir / "missions.csv").string() +
                " " + (dir / "structures.csv").string())
                .first,
            0);
  auto [rc, json] = run("hr join --db " + db + " --org I55633929 --home FR --registry " + kRor + " --years 2005-2009 " +
                        kData + "/openalex-works-openalexpro --format json");
  ASSERT_EQ(rc, 0) << json;
  for (const char* expected : {
           "\"code\":\"IRP9001\",\"type\":\"IRP\",\"start_year\":2007,\"year\":2005,\"phase\":\"before\",\"copubs\":1",
           "\"code\":\"IRP9001\",\"type\":\"IRP\",\"start_year\":2007,\"year\":2006,\"phase\":\"before\",\"copubs\":0",
           "\"code\":\"IRP9001\",\"type\":\"IRP\",\"start_year\":2007,\"year\":2007,\"phase\":\"since\",\"copubs\":1",
           "\"code\":\"IRP9001\",\"type\":\"IRP\",\"start_year\":2007,\"year\":2008,\"phase\":\"since\",\"copubs\":0",
           "{\"country\":\"US\",\"year\":2007,\"missions\":5,",
           "{\"country\":\"US\",\"year\":2005,\"missions\":\"<5\",",
           "{\"country\":\"GB\",\"year\":2009,\"missions\":\"<5\",\"copubs\":1}",
           // A partner the registry does not hold is still matched by the works' own ROR ids: none here.
           "\"code\":\"IRN9002\",\"type\":\"IRN\",\"start_year\":2006,\"year\":2006,\"phase\":\"since\",\"copubs\":0,",
       })
    EXPECT_NE(json.find(expected), std::string::npos) << expected << "\nin " << json;
  // The same join answered from a store of the same works is identical.
  ASSERT_EQ(run("store build -q " + (dir / "store").string() + " --registry " + kRor + " " + kData +
                "/openalex-works-openalexpro")
                .first,
            0);
  auto [rc_store, json_store] = run("hr join --db " + db + " --org I55633929 --home FR --store " +
                                    (dir / "store").string() + " --years 2005-2009 --format json");
  ASSERT_EQ(rc_store, 0) << json_store;
  EXPECT_EQ(json_store, json);
  // The country table's co-publications equal the indicators' partner countries on the same files.
  auto [rc2, csv] = run("indicators --org I55633929 --home FR --registry " + kRor + " " + kData +
                        "/openalex-works-openalexpro --years 2009 --window 0 --format csv --csv-table partners -q");
  ASSERT_EQ(rc2, 0);
  EXPECT_NE(csv.find("year,2009,2009,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",GB,1,"), std::string::npos) << csv;
  // Bad use is refused with a message.
  EXPECT_EQ(run("hr join --db " + db + " --org I55633929 --registry " + kRor + " --years 2005-2009").first, 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace coopscope
