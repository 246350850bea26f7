// The command line as a user meets it: exit codes, error messages, the
// output formats and the rejects file (README "Exit codes", docs/output-schema.md).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "app/commands.h"
#include "engine_util.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

const std::string kWorks = " " + kWorksUnique;

TEST(Cli, JsonHoldsTheDocumentedFields) {
  TempDir dir;
  auto r = RunCli("indicators --org I55633929 --format json --quiet" + kWorks, dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // --quiet and not a terminal: nothing on stderr
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(r.out).get(doc)) << r.out.substr(0, 200);
  EXPECT_EQ(std::string_view(doc["schema"]), "coopscope/indicators");
  EXPECT_EQ(int64_t(doc["schema_version"]), 1);
  for (const char* key : {"read", "accepted", "rejected", "duplicates", "merged_dropped"})
    EXPECT_FALSE(doc["ingest"][key].error()) << key;
  simdjson::dom::element total = doc["total"];
  for (const char* key : {"p", "p_frac", "p_collab", "p_int_collab", "pp_int_collab", "p_foreign", "pp_foreign",
                          "p_industry", "p_short_dist", "p_long_dist", "p_no_country", "partners"})
    EXPECT_FALSE(total[key].error()) << key;
  EXPECT_EQ(uint64_t(total["p"]), 9u);
  simdjson::dom::array years = doc["by_year"];
  EXPECT_EQ(years.size(), 13u);  // 1998..2010, empty years included
  EXPECT_EQ(int64_t(years.at(0)["year"]), 1998);
  simdjson::dom::array partners = total["partners"];
  ASSERT_EQ(partners.size(), 4u);
  EXPECT_EQ(std::string_view(partners.at(0)["country"]), "CO");
  EXPECT_EQ(uint64_t(partners.at(0)["copubs"]), 1u);
}

TEST(Cli, CsvTables) {
  TempDir dir;
  auto r =
      RunCli("indicators --org I55633929 --format csv --years 2005-2007 --window 2 -q" + kWorks, dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, 30), "period,first_year,last_year,p,");
  EXPECT_NE(r.out.find("\nyear,2005,2005,2,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nwindow,2005,2006,2,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ntotal,2005,2007,4,"), std::string::npos) << r.out;
  auto p = RunCli("indicators --org I55633929 --format csv --csv-table partners -q" + kWorks, dir.path().string());
  EXPECT_NE(p.out.find("total,1998,2010,1,CO,1,0.428571,0.111111"), std::string::npos) << p.out;
}

TEST(Cli, TableIsReadable) {
  TempDir dir;
  auto r = RunCli("indicators --org I55633929" + kWorks, dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("World Bank Group (I55633929)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("records read 340 = accepted 340 + rejected 0 + duplicates 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("First partner countries"), std::string::npos);
  EXPECT_EQ(r.err, "");  // stderr is not a terminal: no progress line
}

TEST(Cli, ExitCodes) {
  TempDir dir;
  std::string d = dir.path().string();
  auto missing = RunCli("indicators --org I1 /nonexistent/works.jsonl", d);
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("input /nonexistent/works.jsonl does not exist"), std::string::npos) << missing.err;
  auto no_org = RunCli("indicators" + kWorks, d);
  EXPECT_EQ(no_org.exit_code, 2);
  EXPECT_NE(no_org.err.find("no organisation"), std::string::npos) << no_org.err;
  auto bad_years = RunCli("indicators --org I1 --years 2020-2010" + kWorks, d);
  EXPECT_EQ(bad_years.exit_code, 2);
  auto unknown_name = RunCli("indicators --org 'Universite imaginaire' --registry " + kRorSubset + kWorks, d);
  EXPECT_EQ(unknown_name.exit_code, 5);
  EXPECT_NE(unknown_name.err.find("no organisation named 'Universite imaginaire'"), std::string::npos)
      << unknown_name.err;
  auto no_registry = RunCli("indicators --org Stanford" + kWorks, d);
  EXPECT_EQ(no_registry.exit_code, 5);
  EXPECT_NE(no_registry.err.find("add --registry FILE"), std::string::npos) << no_registry.err;
  auto bad_flag = RunCli("indicators --frobnicate" + kWorks, d);
  EXPECT_EQ(bad_flag.exit_code, 2);
}

TEST(Cli, RejectsFileAndStrict) {
  TempDir dir;
  WriteFile(dir.File("w.jsonl"), "{\"id\":\"W1\",\"publication_year\":2020,\"authorships\":[]}\n{oops\n");
  auto r = RunCli("indicators --org I1 --rejects " + dir.File("rejects.tsv") + " " + dir.File("w.jsonl"),
                  dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 records rejected"), std::string::npos) << r.err;
  std::string tsv = ReadFile(dir.File("rejects.tsv"));
  EXPECT_EQ(tsv.substr(0, 29), "file\tline\toffset\tkind\treason\n");
  // Line 2 starts after the 52 bytes of line 1 and its line break.
  EXPECT_NE(tsv.find(dir.File("w.jsonl") + "\t2\t53\tparse\tnot a JSON object"), std::string::npos) << tsv;
  auto strict = RunCli("indicators --org I1 --strict " + dir.File("w.jsonl"), dir.path().string());
  EXPECT_EQ(strict.exit_code, 3);
  EXPECT_NE(strict.err.find("stopped at the first reject (--strict): " + dir.File("w.jsonl") + ":2:53: parse:"),
            std::string::npos)
      << strict.err;
  auto capped = RunCli("indicators --org I1 --max-rejects 0 " + dir.File("w.jsonl"), dir.path().string());
  EXPECT_EQ(capped.exit_code, 0);  // 0: no limit
}

TEST(Cli, ScopeShowListsMembersAndWhy) {
  TempDir dir;
  auto r = RunCli("scope show --org 02feahw73 --registry " + kRorSubset, dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Centre National de la Recherche Scientifique"), std::string::npos);
  EXPECT_NE(r.out.find("root"), std::string::npos);
  EXPECT_NE(r.out.find("ROR child of 02feahw73"), std::string::npos);
}

TEST(Cli, ScopeFile) {
  TempDir dir;
  WriteFile(dir.File("scope.toml"),
            "name = \"World Bank, minus the Group\"\nroots = [\"I1334329717\"]\nhome_country = \"US\"\n");
  auto r = RunCli("indicators --scope " + dir.File("scope.toml") + " --format json -q" + kWorks, dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"name\": \"World Bank, minus the Group\""), std::string::npos);
  EXPECT_NE(r.out.find("\"home_country_inferred\": false"), std::string::npos);
  WriteFile(dir.File("bad.toml"), "roots = [\"I1\"]\nrooots = 3\n");
  auto bad = RunCli("indicators --scope " + dir.File("bad.toml") + kWorks, dir.path().string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown key \"rooots\""), std::string::npos) << bad.err;
}


// `match --input` writes one CSV row per string; with --explain a fifth
// column holds the evidence --explain prints for one string (docs/matcher.md).
TEST(Cli, MatchFileWithItsEvidence) {
  TempDir dir;
  WriteFile(dir.File("strings.txt"),
            "Emory University, Atlanta, GA 30322, USA\nDepartment of Physics, Paris, Texas\nSomewhere\n");
  auto plain = RunCli("match --input " + dir.File("strings.txt"), dir.path().string());
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.substr(0, plain.out.find('\n')), "string,country,ror,score");
  EXPECT_NE(plain.out.find("\"Emory University, Atlanta, GA 30322, USA\",US,,"), std::string::npos) << plain.out;
  auto r = RunCli("match --explain --input " + dir.File("strings.txt"), dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  for (size_t at = 0, next; at < r.out.size(); at = next + 1) {
    next = r.out.find('\n', at);
    if (next == std::string::npos) next = r.out.size();
    lines.push_back(r.out.substr(at, next - at));
  }
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], "string,country,ror,score,evidence");
  // The evidence names what made the country, joined by " | " (CSV doubles its quotes).
  EXPECT_NE(lines[1].find(",US,,"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"\"usa\"\" → US"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(" | "), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(",US,,"), std::string::npos) << lines[2];  // Paris, Texas
  EXPECT_NE(lines[3].find("Somewhere,,,,"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find("unknown"), std::string::npos) << lines[3];
}


// Commands that allocate run with malloc's heaps on transparent huge pages
// (app/main.cc runs the program again with GLIBC_TUNABLES set); --version,
// --help and the two catalog-only commands do not pay for the second start.
TEST(Cli, HugePagesForTheCommandsThatAllocate) {
  EXPECT_FALSE(WantsHugePages({}));
  EXPECT_FALSE(WantsHugePages({"--version"}));
  EXPECT_FALSE(WantsHugePages({"rank", "--help"}));
  EXPECT_FALSE(WantsHugePages({"countries", "--store", "s", "--year", "2020"}));
  EXPECT_FALSE(WantsHugePages({"store", "info", "s"}));
  EXPECT_FALSE(WantsHugePages({"store", "-q", "info", "s"}));
  EXPECT_TRUE(WantsHugePages({"store", "build", "s", "in"}));
  EXPECT_TRUE(WantsHugePages({"indicators", "--store", "s", "--org", "I1"}));
  EXPECT_TRUE(WantsHugePages({"rank", "--store", "s", "--year", "2022"}));
  EXPECT_TRUE(WantsHugePages({"hr", "import", "x.csv"}));

  const char* saved = std::getenv("GLIBC_TUNABLES");
  const std::string before = saved != nullptr ? saved : "";
  ::unsetenv("GLIBC_TUNABLES");
  EXPECT_TRUE(AddHugePagesTunable());
  EXPECT_STREQ(std::getenv("GLIBC_TUNABLES"), "glibc.malloc.hugetlb=1");
  EXPECT_FALSE(AddHugePagesTunable());  // once: the program started again does not start a third time
  ::setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2", 1);
  EXPECT_TRUE(AddHugePagesTunable());
  EXPECT_STREQ(std::getenv("GLIBC_TUNABLES"), "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
  ::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0", 1);  // the user's choice stands
  EXPECT_FALSE(AddHugePagesTunable());
  EXPECT_STREQ(std::getenv("GLIBC_TUNABLES"), "glibc.malloc.hugetlb=0");
  if (saved != nullptr)
    ::setenv("GLIBC_TUNABLES", before.c_str(), 1);
  else
    ::unsetenv("GLIBC_TUNABLES");

  // Through the program: the same answers with and without the tunable.
  TempDir dir;
  const std::string d = dir.path().string();
  const std::string q = "indicators -q --format json --org 02feahw73 --registry " +
                        SharedData("ror-records-subset/ror_v2_subset_latest.json.gz") + " " +
                        SharedData("openalex-works-openalexpro");
  auto tuned = RunCli(q, d);
  ::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0", 1);
  auto plain = RunCli(q, d);
  if (saved != nullptr)
    ::setenv("GLIBC_TUNABLES", before.c_str(), 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
  EXPECT_EQ(tuned.exit_code, 0) << tuned.err;
  EXPECT_EQ(tuned.out, plain.out);
  EXPECT_EQ(tuned.err, plain.err);
}

// coopscope hands fetch, hr, generate hr and keyfigures over to coopscope-ext
// (app/main.cc): every command the extended group registers is recognised,
// and no core command is.
TEST(Cli, ExtendedCommandsAreHandedOverAndNoOthers) {
  CLI::App core, all;
  RegisterCommands(core);
  RegisterCommands(all);
  RegisterExtendedCommands(all);
  std::set<std::string> core_names;
  for (const CLI::App* sub : core.get_subcommands({})) core_names.insert(sub->get_name());
  size_t extended = 0;
  for (const CLI::App* sub : all.get_subcommands({})) {
    const std::string name = sub->get_name();
    if (!core_names.count(name)) {
      ++extended;
      EXPECT_TRUE(NeedsExtendedProgram({name})) << name;
      EXPECT_TRUE(NeedsExtendedProgram({name, "--help"})) << name;
      continue;
    }
    EXPECT_FALSE(NeedsExtendedProgram({name})) << name;
    EXPECT_FALSE(NeedsExtendedProgram({name, "--threads", "2"})) << name;
    // Subcommands an extended group adds below a core command (generate hr).
    std::set<std::string> below;
    for (const CLI::App* c : core.get_subcommand(name)->get_subcommands({})) below.insert(c->get_name());
    for (const CLI::App* c : sub->get_subcommands({})) {
      if (below.count(c->get_name())) {
        EXPECT_FALSE(NeedsExtendedProgram({name, c->get_name()})) << name << " " << c->get_name();
      } else {
        ++extended;
        EXPECT_TRUE(NeedsExtendedProgram({name, c->get_name(), "--out", "x"})) << name << " " << c->get_name();
      }
    }
  }
  EXPECT_EQ(extended, 4u);  // fetch, hr, keyfigures, generate hr
  EXPECT_TRUE(NeedsExtendedProgram({"--help"}));  // the whole list
  EXPECT_FALSE(NeedsExtendedProgram({"--version"}));
  EXPECT_FALSE(NeedsExtendedProgram({}));
}

// What a user sees: the handed-over commands work through coopscope, the
// whole list of commands shows, and coopscope itself loads none of the
// libraries only they need.  Without coopscope-ext next to it, a clear error.
TEST(Cli, CoopscopeHandsTheExtendedCommandsToCoopscopeExt) {
  TempDir dir;
  const std::string d = dir.path().string();
  auto help = RunCli("--help", d);
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* name : {"fetch", "hr", "keyfigures", "indicators", "store", "rank"})
    EXPECT_NE(help.out.find(std::string("  ") + name), std::string::npos) << name << "\n" << help.out;
  auto hr_help = RunCli("hr import --help", d);
  EXPECT_EQ(hr_help.exit_code, 0) << hr_help.err;
  EXPECT_NE(hr_help.out.find("--db"), std::string::npos) << hr_help.out;
  auto hr_info = RunCli("hr info --db " + d + "/absent.db", d);
  EXPECT_NE(hr_info.exit_code, 0);
  EXPECT_EQ(hr_info.err.find("coopscope-ext"), std::string::npos) << hr_info.err;  // hr's own message

  std::FILE* p = ::popen((std::string("readelf -d ") + COOPSCOPE_BINARY + " 2>/dev/null").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string dynamic;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) dynamic.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << "readelf is part of binutils, which g++ needs";
  EXPECT_NE(dynamic.find("libsqlite3"), std::string::npos) << dynamic;
  for (const char* lib : {"libcpp-httplib", "libssl", "libcrypto", "libzip", "libexpat"})
    EXPECT_EQ(dynamic.find(lib), std::string::npos) << lib << " is needed by coopscope itself:\n" << dynamic;

  const std::string alone = d + "/alone";
  std::filesystem::create_directories(alone);
  std::filesystem::copy_file(COOPSCOPE_BINARY, alone + "/coopscope");
  std::string out = d + "/alone.out", err = d + "/alone.err";
  int status = std::system((alone + "/coopscope hr info --db x.db >" + out + " 2>" + err).c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 70);
  EXPECT_NE(ReadFile(err).find("this command runs in coopscope-ext, which should be installed next to coopscope"),
            std::string::npos)
      << ReadFile(err);
  status = std::system((alone + "/coopscope --version >" + out + " 2>" + err).c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(err);
}

}  // namespace
}  // namespace coopscope::testing
