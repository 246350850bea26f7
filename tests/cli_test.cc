// The command line as a user meets it: exit codes, error messages, the
// output formats and the rejects file (README "Exit codes", docs/output-schema.md).
#include <gtest/gtest.h>
#include <simdjson.h>

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

}  // namespace
}  // namespace coopscope::testing
