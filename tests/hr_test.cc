// The organisation's own records (issue 5): every import error kind with its
// message, all or nothing, idempotent re-import, pseudonyms, purge, small-cell
// suppression in every output format, the indicators' definitions, XLSX, and
// the synthetic generator drawing partners from the real ROR records.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <zip.h>

#include <sstream>

#include "app/hr_output.h"
#include "hr/generate.h"
#include "hr/hr_db.h"
#include "hr/indicators.h"
#include "model/continent.h"
#include "model/ids.h"
#include "registry/registry.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

using hr::HrDb;
using hr::ImportSummary;

const std::string kRor = SharedData("ror-records-subset/ror_v2_subset_latest.json.gz");

const std::string kPeople =
    "person_id,nationality,category,unit,start_date,end_date\n"
    "A1,FR,researcher,U1,2010-01-01,\n"
    "A2,IT,researcher,U1,2015-03-01,\n"
    "A3,DE,engineer,U2,2019-09-01,2022-08-31\n";

std::unique_ptr<HrDb> OpenDb(const TempDir& dir) {
  auto db = HrDb::Open(dir.File("hr.db"), true);
  EXPECT_TRUE(db.ok()) << db.status().message();
  return std::move(db.value());
}

ImportSummary Import(HrDb& db, const std::vector<std::string>& files) {
  auto r = db.Import(files);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.value();
}

uint64_t Count(HrDb& db, hr::RecordKind k) { return db.Count(k).value(); }

// One file, one error expected: checks where it is and what it says.
struct ErrorCase {
  const char* name;       // the error kind
  const char* file_name;  // people.csv, missions.csv…
  std::string content;
  uint64_t line;
  const char* column;
  const char* value;
  const char* expected;  // a part of the expectation text
};

TEST(HrImport, EachErrorKindNamesFileRowColumnValueAndExpectation) {
  const std::string mh = "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n";
  const std::vector<ErrorCase> cases = {
      {"missing required column", "people.csv", "person_id,category,unit,start_date\nA9,researcher,U1,2020-01-01\n", 1,
       "nationality", "", "the required column 'nationality' in the header"},
      {"unknown column", "people.csv", "person_id,nationalty,nationality,category,unit,start_date\n", 1, "nationalty",
       "nationalty", "a column of people: person_id, nationality"},
      {"column twice", "people.csv", "person_id,nationality,nationality,category,unit,start_date\n", 1, "nationality",
       "nationality", "each column once"},
      {"field count", "people.csv", "person_id,nationality,category,unit,start_date\nA9,FR,researcher,U1\n", 2, "", "",
       "5 fields as in the header, found 4"},
      {"empty required value", "people.csv", "person_id,nationality,category,unit,start_date\nA9,FR,researcher,,2020-01-01\n",
       2, "unit", "", "a value (the column is required)"},
      {"bad country", "people.csv", "person_id,nationality,category,unit,start_date\nA9,France,researcher,U1,2020-01-01\n",
       2, "nationality", "France", "an ISO 3166-1 alpha-2 country code"},
      {"unassigned country", "people.csv", "person_id,nationality,category,unit,start_date\nA9,XX,researcher,U1,2020-01-01\n",
       2, "nationality", "XX", "an ISO 3166-1 alpha-2 country code"},
      {"value not allowed", "people.csv", "person_id,nationality,category,unit,start_date\nA9,FR,professor,U1,2020-01-01\n",
       2, "category", "professor", "one of researcher|engineer|phd_student|postdoc"},
      {"bad date", "people.csv", "person_id,nationality,category,unit,start_date\nA9,FR,postdoc,U1,2021-02-29\n", 2,
       "start_date", "2021-02-29", "a date YYYY-MM-DD"},
      {"end before start", "missions.csv", mh + "A1,U1,JP,Kyoto,,2022-03-14,2022-03-10,conference,IRP\n", 2, "end_date",
       "2022-03-10", "a date on or after start_date 2022-03-14"},
      {"bad year", "recruitments.csv", "person_id,year,grade,nationality\nA1,22,CRCN,FR\n", 2, "year", "22",
       "a year between 1900 and 2100"},
      {"bad ROR id", "structures.csv",
       "code,type,title,start_date,lead_unit,partners,countries\nIRL1,IRL,T,2019-01-01,U1,02feahw73;https://ror.org/xyz,US;FR\n",
       2, "partners", "02feahw73;https://ror.org/xyz", "ROR ids separated by ';' (such as 02feahw73); 'https://ror.org/xyz'"},
      {"ROR check digits", "structures.csv",
       "code,type,title,start_date,lead_unit,partners,countries\nIRL1,IRL,T,2019-01-01,U1,02feahw74,US;FR\n", 2,
       "partners", "02feahw74", "'02feahw74' is not one"},
      {"bad country list", "structures.csv",
       "code,type,title,start_date,lead_unit,countries\nIRL1,IRL,T,2019-01-01,U1,US;USA\n", 2, "countries", "US;USA",
       "'USA' is not one"},
      {"unknown structure type", "structures.csv",
       "code,type,title,start_date,lead_unit,countries\nX1,UMR,T,2019-01-01,U1,US\n", 2, "type", "UMR",
       "one of IRL|IRP|IRN|IEA|IRC"},
      {"unknown person", "missions.csv", mh + "Z9,U1,JP,Kyoto,,2022-03-14,2022-03-18,conference,IRP\n", 2, "person_id",
       "Z9", "a person_id present in people"},
      {"same key twice", "missions.csv",
       mh + "A1,U1,JP,Kyoto,,2022-03-14,2022-03-18,conference,IRP\nA1,U1,JP,Kyoto,,2022-03-14,2022-03-19,meeting,ANR\n", 3,
       "", "", "one row per key (person_id, start_date, country, city, institution); line 2 has the same key"},
      {"quote not closed", "missions.csv", mh + "A1,U1,JP,\"Kyoto,,2022-03-14,2022-03-18,conference,IRP\n", 2, "", "",
       "well-formed CSV: line 2: a quoted field is not closed"},
      {"invalid UTF-8", "missions.csv", mh + "A1,U1,JP,Ky\xC3\x28to,,2022-03-14,2022-03-18,conference,IRP\n", 2, "city",
       "Ky\xC3\x28to", "valid UTF-8 text"},
      {"control character", "missions.csv", mh + "A1,U1,JP,Kyo\x01to,,2022-03-14,2022-03-18,conference,IRP\n", 2, "city",
       "Kyo\x01to", "text without control characters"},
      {"cell too long", "missions.csv", mh + "A1,U1,JP," + std::string(2000, 'k') + ",,2022-03-14,2022-03-18,conference,IRP\n",
       2, "city", nullptr, "at most 1024 bytes"},
      {"unknown record kind", "export.csv", "a,b\n1,2\n", 1, "", "", "a file named after its records"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    auto db = OpenDb(dir);
    WriteFile(dir.File("people_base.csv"), kPeople);
    ASSERT_TRUE(Import(*db, {dir.File("people_base.csv")}).committed);
    WriteFile(dir.File(c.file_name), c.content);
    ImportSummary s = Import(*db, {dir.File(c.file_name)});
    EXPECT_FALSE(s.committed);
    ASSERT_EQ(s.error_count, 1u);
    const hr::ImportError& e = s.errors[0];
    EXPECT_EQ(e.file, dir.File(c.file_name));
    EXPECT_EQ(e.line, c.line);
    EXPECT_EQ(e.column, c.column);
    if (c.value) {
      EXPECT_EQ(e.value, c.value);
    }
    EXPECT_NE(e.expected.find(c.expected), std::string::npos) << e.expected;
    // The printed form names all of it.
    std::string text = e.ToString();
    EXPECT_EQ(text.rfind(dir.File(c.file_name) + ":" + std::to_string(c.line) + ":", 0), 0u) << text;
    if (*c.column) {
      EXPECT_NE(text.find(std::string("column '") + c.column + "'"), std::string::npos) << text;
    }
    EXPECT_EQ(Count(*db, hr::RecordKind::kPeople), 3u);  // nothing else written
  }
}

TEST(HrImport, ErrorOffsetsPointAtTheRow) {
  TempDir dir;
  auto db = OpenDb(dir);
  std::string content = "person_id,nationality,category,unit,start_date\nA9,FR,researcher,U1,2020-01-01\nB9,ZZ,researcher,U1,2020-01-01\n";
  WriteFile(dir.File("people.csv"), content);
  ImportSummary s = Import(*db, {dir.File("people.csv")});
  ASSERT_EQ(s.error_count, 1u);
  EXPECT_EQ(s.errors[0].offset, content.find("B9"));
  EXPECT_EQ(s.errors[0].ToReject().ToString().substr(0, dir.File("people.csv").size() + 1), dir.File("people.csv") + ":");
}

TEST(HrImport, OneBadRowAmongManyWritesNothing) {
  TempDir dir;
  auto db = OpenDb(dir);
  std::string people = "person_id,nationality,category,unit,start_date,end_date\n";
  std::string missions = "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n";
  for (int i = 0; i < 2000; ++i) people += fmt::format("P{},FR,researcher,U{},2010-01-01,\n", i, i % 7);
  for (int i = 0; i < 20000; ++i) {
    int day = 1 + i % 28;
    bool bad = i == 12345;
    missions += fmt::format("P{},U1,{},City{},,2022-{:02}-{:02},2022-{:02}-{:02},conference,ANR\n", i % 2000,
                            bad ? "Atlantis" : "US", i, 1 + i % 12, day, 1 + i % 12, day);
  }
  WriteFile(dir.File("people.csv"), people);
  WriteFile(dir.File("missions.csv"), missions);
  ImportSummary s = Import(*db, {dir.File("missions.csv"), dir.File("people.csv")});  // order does not matter
  EXPECT_FALSE(s.committed);
  ASSERT_EQ(s.error_count, 1u);
  EXPECT_EQ(s.errors[0].line, 12345u + 2);
  EXPECT_EQ(s.errors[0].value, "Atlantis");
  for (hr::RecordKind k : hr::kAllKinds) EXPECT_EQ(Count(*db, k), 0u) << hr::KindName(k);
  auto ledger = db->sql().Prepare("SELECT count(*) FROM ledger");
  Status st;
  ASSERT_TRUE(ledger->Step(&st));
  EXPECT_EQ(ledger->Int(0), 0);
  // Fixed, the same files load whole.
  size_t at = missions.find("Atlantis");
  missions.replace(at, 8, "CA");
  WriteFile(dir.File("missions.csv"), missions);
  s = Import(*db, {dir.File("missions.csv"), dir.File("people.csv")});
  EXPECT_TRUE(s.committed);
  EXPECT_EQ(Count(*db, hr::RecordKind::kPeople), 2000u);
  EXPECT_EQ(Count(*db, hr::RecordKind::kMissions), 20000u);
}

// Two validating threads give the same tables, errors, lines and offsets as
// one, also when a quoted line break crosses the split point.
TEST(HrImport, TwoThreadsEqualOne) {
  std::string people = "person_id,nationality,category,unit,start_date\n";
  for (int i = 0; i < 300; ++i) people += fmt::format("P{},FR,engineer,U1,2012-01-01\n", i);
  // A dropped identifying column holds quoted line breaks (validated cells
  // may not), so the middle of the file falls inside a record.
  for (const char* name_break : {" ", "\n"})
  for (bool bad : {false, true}) {
    SCOPED_TRACE(bad ? "with errors" : "valid");
    SCOPED_TRACE(*name_break == '\n' ? "line breaks in quotes" : "one line a row");
    std::string missions = "person_id,name,unit,country,city,institution,start_date,end_date,purpose,instrument\n";
    for (int i = 0; i < 3000; ++i)
      missions += fmt::format("P{},\"Smith{}Jr, \"\"{}\"\"\",U1,DE,Bonn,\"Inst, {}\",2021-{:02}-{:02},2021-12-31,research,ANR\n",
                              i % 300, name_break, i, i, 1 + i % 12, 1 + i % 28);
    std::string m = missions;
    if (bad) {
      m.replace(m.find(",DE,", m.size() / 3), 4, ",D1,");       // in the first half
      m.replace(m.find(",DE,", 2 * m.size() / 3), 4, ",D2,");   // in the second half
    }
    std::vector<std::string> outputs;
    std::vector<std::string> error_texts;
    for (size_t min_bytes : {size_t(1) << 40, size_t(1)}) {
      TempDir dir;
      WriteFile(dir.File("people.csv"), people);
      WriteFile(dir.File("missions.csv"), m);
      auto db = OpenDb(dir);
      hr::ImportOptions o;
      o.parallel_min_bytes = min_bytes;
      auto s = db->Import({dir.File("people.csv"), dir.File("missions.csv")}, o);
      ASSERT_TRUE(s.ok());
      EXPECT_EQ(s->committed, !bad);
      std::string errors;
      for (const auto& e : s->errors) errors += e.ToString().substr(dir.path().string().size()) + "\n";
      error_texts.push_back(errors);
      std::string rows;
      // Each database has its own salt: compare everything but the pseudonym.
      auto q = db->sql().Prepare("SELECT * FROM missions ORDER BY 5, 6");
      Status st;
      while (q->Step(&st))
        for (int c = 1; c < 9; ++c) rows += q->Text(c) + "|";
      outputs.push_back(rows);
      if (!bad) {
        EXPECT_EQ(s->files[1].rows, 3000u);
        EXPECT_EQ(Count(*db, hr::RecordKind::kMissions), 3000u);
      }
    }
    EXPECT_TRUE(outputs[0] == outputs[1]);
    EXPECT_EQ(error_texts[0], error_texts[1]);
    if (bad) {
      EXPECT_EQ(std::count(error_texts[0].begin(), error_texts[0].end(), '\n'), 2) << error_texts[0];
    }
  }
}

TEST(HrImport, ReimportChangesNothingAndCorrectionsUpdateOnlyTheirRows) {
  TempDir dir;
  auto db = OpenDb(dir);
  const std::string missions =
      "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n"
      "A1,U1,JP,Kyoto,Kyoto University,2022-03-14,2022-03-18,conference,IRP\n"
      "A2,U1,US,\"Boston, MA\",\"MIT \"\"main\"\"\",2022-04-01,2022-06-30,research,ERC\n"
      "A3,U2,DE,Berlin,,2022-05-02,2022-05-03,meeting,ANR\n";
  WriteFile(dir.File("people.csv"), kPeople);
  WriteFile(dir.File("missions.csv"), missions);
  ImportSummary first = Import(*db, {dir.File("people.csv"), dir.File("missions.csv")});
  ASSERT_TRUE(first.committed);
  EXPECT_EQ(first.files[1].inserted, 3u);
  hr::HrQuery q{2022, 2022, "", MakeCountry("FR"), 0};
  std::ostringstream before;
  WriteHrJson(hr::ComputeHrIndicators(*db, q).value(), before);

  // The same files again, and a copy under another name: skipped by checksum.
  std::filesystem::copy_file(dir.File("missions.csv"), dir.File("missions_copy.csv"));
  ImportSummary again = Import(*db, {dir.File("people.csv"), dir.File("missions.csv"), dir.File("missions_copy.csv")});
  ASSERT_TRUE(again.committed);
  for (const auto& f : again.files) EXPECT_TRUE(f.already_imported) << f.file;
  std::ostringstream after;
  WriteHrJson(hr::ComputeHrIndicators(*db, q).value(), after);
  EXPECT_EQ(before.str(), after.str());
  EXPECT_EQ(Count(*db, hr::RecordKind::kMissions), 3u);

  // The same rows in another file (new checksum): natural keys, nothing changes.
  WriteFile(dir.File("missions_2022.csv"), missions + "\n");
  ImportSummary same_rows = Import(*db, {dir.File("missions_2022.csv")});
  ASSERT_TRUE(same_rows.committed);
  EXPECT_EQ(same_rows.files[0].rows, 3u);
  EXPECT_EQ(same_rows.files[0].unchanged, 3u);
  EXPECT_EQ(same_rows.files[0].inserted + same_rows.files[0].updated, 0u);

  // A corrected end date updates that row only.
  std::string corrected = missions;
  corrected.replace(corrected.find("2022-05-03"), 10, "2022-05-04");
  WriteFile(dir.File("missions_fix.csv"), corrected);
  ImportSummary fix = Import(*db, {dir.File("missions_fix.csv")});
  EXPECT_EQ(fix.files[0].updated, 1u);
  EXPECT_EQ(fix.files[0].unchanged, 2u);
  EXPECT_EQ(fix.files[0].inserted, 0u);
  EXPECT_EQ(Count(*db, hr::RecordKind::kMissions), 3u);
}

TEST(HrPrivacy, OnlyPseudonymsAreStoredAndIdentifyingColumnsDropped) {
  TempDir dir;
  {
    auto db = OpenDb(dir);
    WriteFile(dir.File("people.csv"),
              "person_id,first_name,last_name,email,nationality,category,unit,start_date\n"
              "EMP-778812,Marie,Curieuse,marie.curieuse@example.org,PL,researcher,U1,2010-01-01\n");
    ImportSummary s = Import(*db, {dir.File("people.csv")});
    ASSERT_TRUE(s.committed);
    EXPECT_EQ(s.files[0].dropped_columns, (std::vector<std::string>{"first_name", "last_name", "email"}));
    std::string p = db->Pseudonym("EMP-778812");
    EXPECT_EQ(p.size(), 21u);
    EXPECT_EQ(p[0], 'p');
    auto q = db->sql().Prepare("SELECT person_id FROM people");
    Status st;
    ASSERT_TRUE(q->Step(&st));
    EXPECT_EQ(q->Text(0), p);
    db->sql().Exec("PRAGMA wal_checkpoint(TRUNCATE);");
  }
  std::string bytes = ReadFile(dir.File("hr.db")) + ReadFile(dir.File("hr.db-wal"));
  for (const char* secret : {"EMP-778812", "Marie", "Curieuse", "example.org"})
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  // Another database has another salt: pseudonyms do not link across databases.
  auto db2 = HrDb::Open(dir.File("other.db"), true);
  auto db1 = HrDb::Open(dir.File("hr.db"), false);
  EXPECT_NE(db1.value()->Pseudonym("EMP-778812"), db2.value()->Pseudonym("EMP-778812"));
  EXPECT_EQ(db1.value()->Pseudonym("EMP-778812"), db1.value()->Pseudonym("EMP-778812"));
}

TEST(HrPrivacy, PurgeDeletesEveryRecordAndKeepsThePersonOut) {
  TempDir dir;
  auto db = OpenDb(dir);
  WriteFile(dir.File("people.csv"), kPeople);
  WriteFile(dir.File("missions.csv"),
            "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n"
            "A2,U1,JP,Kyoto,,2022-03-14,2022-03-18,conference,IRP\n"
            "A2,U1,JP,Tokyo,,2022-05-14,2022-05-18,conference,IRP\n"
            "A1,U1,JP,Osaka,,2022-03-14,2022-03-18,conference,IRP\n");
  WriteFile(dir.File("recruitments.csv"), "person_id,year,grade,nationality,previous_country\nA2,2015,CRCN,IT,IT\n");
  ASSERT_TRUE(Import(*db, {dir.File("people.csv"), dir.File("missions.csv"), dir.File("recruitments.csv")}).committed);
  auto p = db->Purge("A2");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->people, 1u);
  EXPECT_EQ(p->missions, 2u);
  EXPECT_EQ(p->recruitments, 1u);
  EXPECT_EQ(Count(*db, hr::RecordKind::kPeople), 2u);
  EXPECT_EQ(Count(*db, hr::RecordKind::kMissions), 1u);
  // Purging by pseudonym works too (A1 here).
  auto p1 = db->Purge(db->Pseudonym("A1"));
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->total(), 2u);
  // A later export still holding the person: the rows are skipped and counted.
  WriteFile(dir.File("people_2023.csv"), kPeople + "A4,FR,postdoc,U2,2023-01-01,\n");
  ImportSummary s = Import(*db, {dir.File("people_2023.csv")});
  ASSERT_TRUE(s.committed);
  EXPECT_EQ(s.files[0].purged_skipped, 2u);
  EXPECT_EQ(s.files[0].rows, 4u);
  EXPECT_EQ(s.files[0].inserted, 1u);
  EXPECT_EQ(s.files[0].unchanged, 1u);
  EXPECT_EQ(Count(*db, hr::RecordKind::kPeople), 2u);
}

// Three missions to Japan (under 5) and seven to the US; one foreign researcher
// among six researchers.
void SmallCellData(const TempDir& dir, HrDb& db) {
  std::string people = "person_id,nationality,category,unit,start_date\n";
  for (int i = 0; i < 5; ++i) people += fmt::format("F{},FR,researcher,U1,2010-01-01\n", i);
  people += "X1,BR,researcher,U1,2010-01-01\n";
  std::string missions = "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n";
  for (int i = 0; i < 3; ++i) missions += fmt::format("F{},U1,JP,Kyoto,,2022-03-1{},2022-03-18,conference,IRP\n", i, i);
  for (int i = 0; i < 7; ++i) missions += fmt::format("F{},U1,US,Boston,,2022-04-1{},2022-04-18,conference,IRP\n", i % 5, i);
  WriteFile(dir.File("people.csv"), people);
  WriteFile(dir.File("missions.csv"), missions);
  ASSERT_TRUE(Import(db, {dir.File("people.csv"), dir.File("missions.csv")}).committed);
}

TEST(HrSuppression, SmallCountsShowAsUnderFiveInEveryFormat) {
  TempDir dir;
  auto db = OpenDb(dir);
  SmallCellData(dir, *db);
  hr::HrQuery q{2022, 2022, "", MakeCountry("FR"), hr::kDefaultMinCell};
  auto report = hr::ComputeHrIndicators(*db, q);
  ASSERT_TRUE(report.ok());
  const hr::HrValue* jp = report->Value("missions_by_country", 2022, "JP", "missions");
  const hr::HrValue* us = report->Value("missions_by_country", 2022, "US", "missions");
  ASSERT_TRUE(jp && us);
  EXPECT_TRUE(jp->suppressed);
  EXPECT_EQ(jp->value, 0);  // the true count does not leave the library
  EXPECT_FALSE(us->suppressed);
  EXPECT_EQ(us->value, 7);
  const hr::HrValue* foreign = report->Value("staff_by_category", 2022, "researcher", "foreign");
  const hr::HrValue* share = report->Value("staff_by_category", 2022, "researcher", "foreign_share");
  ASSERT_TRUE(foreign && share);
  EXPECT_TRUE(foreign->suppressed);
  EXPECT_TRUE(share->suppressed);  // 1/6 would give the count away

  std::ostringstream table, csv, json;
  WriteHrTable(report.value(), table);
  WriteHrCsv(report.value(), csv);
  WriteHrJson(report.value(), json);
  EXPECT_NE(table.str().find("<5"), std::string::npos);
  EXPECT_NE(csv.str().find("missions_by_country,2022,,JP,missions,<5\n"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("missions_by_country,2022,,US,missions,7\n"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("staff_by_category,2022,,researcher,foreign_share,<5\n"), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(json.str()).get(doc)) << json.str();
  bool seen_jp = false;
  for (simdjson::dom::element t : doc["tables"].get_array()) {
    if (std::string_view(t["name"]) != "missions_by_country") continue;
    for (simdjson::dom::element r : t["rows"].get_array()) {
      if (std::string_view(r["key"]) == "JP") {
        seen_jp = true;
        EXPECT_EQ(std::string_view(r["missions"]), "<5");
      }
      if (std::string_view(r["key"]) == "US") {
        EXPECT_EQ(int64_t(r["missions"]), 7);
      }
    }
  }
  EXPECT_TRUE(seen_jp);
  // No output holds a count under 5 as a number, nor a share.
  for (const std::string& out : {csv.str()})
    for (const char* leak : {",3\n", ",1\n", ",0.1667"}) EXPECT_EQ(out.find(leak), std::string::npos) << leak;
  EXPECT_EQ(json.str().find(":3,"), std::string::npos);
  EXPECT_EQ(json.str().find(":3}"), std::string::npos);

  // Suppressed rows of a ranked table are listed by key, not by their hidden counts.
  q.min_cell = 10;
  std::string extra = "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n"
                      "F0,U1,AR,Salta,,2022-06-01,2022-06-02,conference,IRP\n";
  WriteFile(dir.File("missions_ar.csv"), extra);
  ASSERT_TRUE(Import(*db, {dir.File("missions_ar.csv")}).committed);
  auto ranked = hr::ComputeHrIndicators(*db, q);
  const hr::HrTable* by_country = ranked->Find("missions_by_country");
  ASSERT_EQ(by_country->rows.size(), 3u);
  EXPECT_EQ(by_country->rows[0].key, "AR");  // 1 mission, yet listed before JP (3) and US (7)
  EXPECT_EQ(by_country->rows[1].key, "JP");
  EXPECT_EQ(by_country->rows[2].key, "US");
  q.min_cell = 0;
  auto plain = hr::ComputeHrIndicators(*db, q);
  EXPECT_EQ(plain->Find("missions_by_country")->rows[0].key, "US");

  // Configurable: a threshold of 0 shows everything, 10 hides the US too.
  q.min_cell = 0;
  EXPECT_EQ(hr::ComputeHrIndicators(*db, q)->Value("missions_by_country", 2022, "JP", "missions")->value, 3);
  q.min_cell = 10;
  auto strict = hr::ComputeHrIndicators(*db, q);
  EXPECT_TRUE(strict->Value("missions_by_country", 2022, "US", "missions")->suppressed);
  std::ostringstream csv10;
  WriteHrCsv(strict.value(), csv10);
  EXPECT_NE(csv10.str().find("missions_by_country,2022,,US,missions,<10\n"), std::string::npos);
}

TEST(HrSuppression, CliAppliesItByDefaultInEveryFormat) {
  TempDir dir;
  {
    auto db = OpenDb(dir);
    SmallCellData(dir, *db);
  }
  std::string base = "hr indicators --db " + dir.File("hr.db") + " --year 2022 --format ";
  for (const char* format : {"table", "csv", "json"}) {
    auto r = RunCli(base + format, dir.path().string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("<5"), std::string::npos) << format;
  }
  auto r = RunCli(base + "csv --min-cell 0", dir.path().string());
  EXPECT_NE(r.out.find("missions_by_country,2022,,JP,missions,3\n"), std::string::npos) << r.out;
}

TEST(HrIndicators, DurationClassesContinentsStaffAndStructures) {
  TempDir dir;
  auto db = OpenDb(dir);
  WriteFile(dir.File("people.csv"), kPeople);
  // Boundaries: 7 days, 8, 31, 32, 365, 366; one domestic mission.
  WriteFile(dir.File("missions.csv"),
            "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\n"
            "A1,U1,JP,Kyoto,,2022-01-01,2022-01-07,conference,IRP\n"
            "A1,U1,US,Boston,,2022-02-01,2022-02-08,research,ERC\n"
            "A1,U1,BR,Rio,,2022-03-01,2022-03-31,fieldwork,ANR\n"
            "A2,U1,SN,Dakar,,2022-01-01,2022-02-01,teaching,ANR\n"
            "A2,U1,DE,Bonn,,2022-03-01,2023-02-28,research,ERC\n"
            "A3,U2,AU,Perth,,2022-05-01,2023-05-01,research,ERC\n"
            "A3,U2,FR,Lyon,,2022-06-01,2022-06-02,meeting,own funds\n"
            "A3,U2,CH,Bern,,2021-06-01,2021-06-02,meeting,own funds\n");
  WriteFile(dir.File("structures.csv"),
            "code,type,title,start_date,end_date,lead_unit,partners,countries\n"
            "IRL1,IRL,One,2019-01-01,,U1,https://ror.org/02feahw73,US;FR\n"
            "IRP2,IRP,Two,2020-01-01,2021-12-31,U2,,JP;FR\n");
  ASSERT_TRUE(Import(*db, {dir.File("people.csv"), dir.File("missions.csv"), dir.File("structures.csv")}).committed);
  hr::HrQuery q{2022, 2022, "", MakeCountry("FR"), 0};
  auto r = hr::ComputeHrIndicators(*db, q);
  ASSERT_TRUE(r.ok());
  auto v = [&](const char* table, const char* key, const char* measure) {
    const hr::HrValue* x = r->Value(table, 2022, key, measure);
    return x ? x->value : -1.0;
  };
  EXPECT_EQ(v("totals", "missions", "count"), 7);
  EXPECT_EQ(v("totals", "missions_abroad", "count"), 6);
  EXPECT_EQ(v("missions_by_duration", "up_to_7_days", "missions"), 1);
  EXPECT_EQ(v("missions_by_duration", "8_to_31_days", "missions"), 2);
  EXPECT_EQ(v("missions_by_duration", "32_to_365_days", "missions"), 2);
  EXPECT_EQ(v("missions_by_duration", "over_365_days", "missions"), 1);
  EXPECT_EQ(v("missions_by_continent", "South America", "missions"), 1);
  EXPECT_EQ(v("missions_by_continent", "Europe", "missions"), 1);  // the French mission is not abroad
  EXPECT_EQ(v("missions_by_continent", "Africa", "missions"), 1);
  EXPECT_EQ(v("missions_by_continent", "Oceania", "missions"), 1);
  EXPECT_EQ(v("missions_by_purpose", "research", "missions"), 3);
  EXPECT_EQ(v("missions_by_instrument", "ERC", "missions"), 3);
  EXPECT_EQ(v("staff_by_category", "all", "staff"), 3);
  EXPECT_EQ(v("staff_by_category", "all", "foreign"), 2);
  EXPECT_NEAR(v("staff_by_category", "all", "foreign_share"), 2.0 / 3, 1e-12);
  EXPECT_EQ(v("structures_by_type", "IRL", "structures"), 1);
  EXPECT_EQ(v("structures_by_type", "IRP", "structures"), -1);  // ended in 2021
  EXPECT_EQ(v("structures_by_country", "US", "structures"), 1);
  EXPECT_EQ(v("structures_by_country", "FR", "structures"), -1);  // home is not a partner country
  // One unit only; the engineer A3 left in 2022 and is not staff in 2023.
  q.unit = "U2";
  auto u2 = hr::ComputeHrIndicators(*db, q);
  EXPECT_EQ(u2->Value("totals", 2022, "missions", "count")->value, 2);
  q = {2023, 2023, "", MakeCountry("FR"), 0};
  EXPECT_EQ(hr::ComputeHrIndicators(*db, q)->Value("staff_by_category", 2023, "all", "staff")->value, 2);
}

// docs/hr-records.md documents every column and allowed value of the code's schemas.
TEST(HrModel, SchemasAreDocumented) {
  std::string doc = ReadFile((std::filesystem::path(__FILE__).parent_path().parent_path() / "docs" / "hr-records.md").string());
  ASSERT_FALSE(doc.empty());
  for (hr::RecordKind k : hr::kAllKinds) {
    const hr::RecordSchema& s = hr::SchemaOf(k);
    size_t section = doc.find("## " + std::string(s.name) + "\n");
    ASSERT_NE(section, std::string::npos) << s.name;
    size_t end = doc.find("\n## ", section + 3);
    std::string text = doc.substr(section, end - section);
    for (const hr::ColumnSpec& c : s.columns) {
      EXPECT_NE(text.find("| " + std::string(c.name) + " |"), std::string::npos) << s.name << "." << c.name;
      std::string_view allowed = c.allowed;
      for (size_t start = 0; !allowed.empty() && start <= allowed.size();) {
        size_t bar = allowed.find('|', start);
        if (bar == std::string_view::npos) bar = allowed.size();
        EXPECT_NE(text.find("`" + std::string(allowed.substr(start, bar - start)) + "`"), std::string::npos)
            << s.name << "." << c.name;
        start = bar + 1;
      }
    }
  }
}

TEST(HrModel, ContinentsCoverTheAssignedCodes) {
  EXPECT_EQ(ContinentOf(MakeCountry("FR")), Continent::kEurope);
  EXPECT_EQ(ContinentOf(MakeCountry("GF")), Continent::kSouthAmerica);
  EXPECT_EQ(ContinentOf(MakeCountry("NC")), Continent::kOceania);
  EXPECT_EQ(ContinentOf(MakeCountry("AQ")), Continent::kAntarctica);
  EXPECT_EQ(ContinentOf(MakeCountry("XX")), Continent::kUnknown);
  int assigned = 0;
  for (char a = 'A'; a <= 'Z'; ++a)
    for (char b = 'A'; b <= 'Z'; ++b) assigned += IsAssignedCountry(MakeCountry(std::string{a, b}));
  EXPECT_EQ(assigned, 250);  // 249 ISO 3166-1 codes and XK
  // Every country of the real ROR records has a continent.
  Registry registry;
  RejectLog rejects;
  ASSERT_TRUE(registry.Load(kRor, &rejects).ok());
  for (const RegistryEntry& e : registry.entries())
    if (e.country != kNoCountry) {
      EXPECT_TRUE(IsAssignedCountry(e.country)) << CountryName(e.country);
    }
}

// A real XLSX: shared strings, an inline string, a number and a date cell.
void WriteXlsx(const std::string& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr);
  auto add = [&](const char* name, const std::string& text) {
    char* copy = static_cast<char*>(malloc(text.size()));
    memcpy(copy, text.data(), text.size());
    zip_source_t* s = zip_source_buffer(z, copy, text.size(), 1);
    ASSERT_GE(zip_file_add(z, name, s, ZIP_FL_OVERWRITE), 0);
  };
  add("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
  add("xl/workbook.xml",
      "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
      "<sheet name=\"People\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>");
  add("xl/_rels/workbook.xml.rels",
      "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId7\" Type=\"worksheet\" Target=\"worksheets/people.xml\"/></Relationships>");
  add("xl/styles.xml",
      "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
      "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>");
  add("xl/sharedStrings.xml",
      "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<si><t>person_id</t></si><si><t>nationality</t></si><si><t>category</t></si><si><t>unit</t></si>"
      "<si><t>start_date</t></si><si><r><t>re</t></r><r><t>searcher</t></r></si><si><t>IT</t></si></sst>");
  add("xl/worksheets/people.xml",
      "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
      "<c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" t=\"s\"><v>4</v></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1001</v></c><c r=\"B2\" t=\"s\"><v>6</v></c><c r=\"C2\" t=\"s\"><v>5</v></c>"
      "<c r=\"D2\" t=\"inlineStr\"><is><t>U1</t></is></c><c r=\"E2\" s=\"1\"><v>44562</v></c></row>"
      "<row r=\"4\"><c r=\"A4\"><v>1002</v></c><c r=\"B4\" t=\"inlineStr\"><is><t>Italy</t></is></c>"
      "<c r=\"C4\" t=\"s\"><v>5</v></c><c r=\"D4\" t=\"inlineStr\"><is><t>U1</t></is></c>"
      "<c r=\"E4\" s=\"2\"><v>44563</v></c></row>"
      "</sheetData></worksheet>");
  ASSERT_EQ(zip_close(z), 0);
}

TEST(HrImport, XlsxFirstSheetWithSharedStringsAndDates) {
  TempDir dir;
  WriteXlsx(dir.File("people.xlsx"));
  auto table = hr::ReadXlsx(dir.File("people.xlsx"));
  ASSERT_TRUE(table.ok()) << table.status().message();
  ASSERT_EQ(table->rows.size(), 3u);
  EXPECT_EQ(table->rows[1], (std::vector<std::string>{"1001", "IT", "researcher", "U1", "2022-01-01"}));
  EXPECT_EQ(table->rows[2][4], "2022-01-02");
  EXPECT_EQ(table->lines[2], 4u);
  auto db = OpenDb(dir);
  ImportSummary s = Import(*db, {dir.File("people.xlsx")});
  EXPECT_FALSE(s.committed);
  ASSERT_EQ(s.error_count, 1u);  // "Italy" on sheet row 4
  EXPECT_EQ(s.errors[0].line, 4u);
  EXPECT_EQ(s.errors[0].column, "nationality");
  EXPECT_EQ(s.errors[0].value, "Italy");
  WriteFile(dir.File("bad.xlsx"), "not a zip");
  ImportSummary bad = Import(*db, {dir.File("bad.xlsx")});
  ASSERT_EQ(bad.error_count, 1u);
  EXPECT_NE(bad.errors[0].expected.find("a readable XLSX workbook"), std::string::npos);
}

class HrGenerated : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("coopscope_hr_generated_" + std::to_string(::getpid())));
    hr::HrGenerateOptions o;
    o.out_dir = dir_->string();
    o.registry = kRor;
    o.scale = "small";
    o.seed = 7;
    auto r = hr::GenerateHr(o);
    ASSERT_TRUE(r.ok()) << r.status().message();
    summary_ = r.value();
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string File(const char* name) { return (*dir_ / name).string(); }
  static std::filesystem::path* dir_;
  static hr::HrGenerateSummary summary_;
};
std::filesystem::path* HrGenerated::dir_ = nullptr;
hr::HrGenerateSummary HrGenerated::summary_;

TEST_F(HrGenerated, LoadsWholeAndLooksLikeAnOrganisation) {
  EXPECT_EQ(summary_.missions, 3u * 1500u);  // 2020-2022 at the small scale
  EXPECT_GT(summary_.people, 300u);
  EXPECT_GT(summary_.recruitments, 10u);
  EXPECT_GT(summary_.structures, 10u);
  TempDir dir;
  auto db = OpenDb(dir);
  std::vector<std::string> files;
  for (const char* f : {"structures.csv", "visitors.csv", "missions.csv", "recruitments.csv", "people.csv"})
    files.push_back(File(f));
  ImportSummary s = Import(*db, files);
  ASSERT_TRUE(s.committed) << (s.errors.empty() ? "" : s.errors[0].ToString());
  EXPECT_EQ(Count(*db, hr::RecordKind::kMissions), summary_.missions);
  EXPECT_EQ(Count(*db, hr::RecordKind::kPeople), summary_.people);
  hr::HrQuery q{2021, 2021, "", MakeCountry("FR"), 0};
  auto r = hr::ComputeHrIndicators(*db, q);
  ASSERT_TRUE(r.ok());
  // Every duration class is present, and missions abroad are about 70%.
  for (const char* c : {"up_to_7_days", "8_to_31_days", "32_to_365_days", "over_365_days"})
    EXPECT_GT(r->Value("missions_by_duration", 2021, c, "missions")->value, 0) << c;
  double abroad = r->Value("totals", 2021, "missions_abroad", "count")->value;
  EXPECT_NEAR(abroad / 1500, 0.7, 0.05);
  double share = r->Value("staff_by_category", 2021, "researcher", "foreign_share")->value;
  EXPECT_GT(share, 0.1);
  EXPECT_LT(share, 0.35);
}

TEST_F(HrGenerated, PartnersAndUnitsAreRealRorRecords) {
  Registry registry;
  RejectLog rejects;
  ASSERT_TRUE(registry.Load(kRor, &rejects).ok());
  std::string structures = ReadFile(File("structures.csv"));
  std::istringstream in(structures);
  std::string line;
  std::getline(in, line);
  size_t checked = 0;
  while (std::getline(in, line)) {
    // partners are the 7th field; titles hold no comma unless quoted, so split from the end.
    size_t last = line.rfind(','), before = line.rfind(',', last - 1);
    std::string partners = line.substr(before + 1, last - before - 1);
    std::string countries = line.substr(last + 1);
    for (size_t i = 0; i + 9 <= partners.size(); i += 10) {
      const RegistryEntry* e = registry.FindRor(ParseRorId(partners.substr(i, 9)));
      ASSERT_NE(e, nullptr) << partners;
      EXPECT_NE(countries.find(CountryName(e->country)), std::string::npos) << line;
      ++checked;
    }
  }
  EXPECT_GT(checked, 10u);
  // Units are CNRS child units.
  const RegistryEntry* cnrs = registry.FindRor(ParseRorId("02feahw73"));
  ASSERT_NE(cnrs, nullptr);
  std::string people = ReadFile(File("people.csv"));
  std::string first_unit = people.substr(people.find('\n') + 1);
  for (int k = 0; k < 3; ++k) first_unit = first_unit.substr(first_unit.find(',') + 1);
  first_unit = first_unit.substr(0, first_unit.find(','));
  EXPECT_NE(std::find(cnrs->ror_children.begin(), cnrs->ror_children.end(), ParseRorId(first_unit)),
            cnrs->ror_children.end())
      << first_unit;
}

TEST_F(HrGenerated, SameSeedSameFiles) {
  TempDir dir;
  hr::HrGenerateOptions o;
  o.out_dir = dir.path().string();
  o.registry = kRor;
  o.seed = 7;
  ASSERT_TRUE(hr::GenerateHr(o).ok());
  for (const char* f : {"people.csv", "missions.csv", "structures.csv"})
    EXPECT_EQ(ReadFile(dir.File(f)), ReadFile(File(f))) << f;
}

TEST_F(HrGenerated, CliGenerateImportIndicators) {
  TempDir dir;
  auto g = RunCli("generate hr --out " + dir.File("gen") + " --registry " + kRor + " --scale small --seed 3 --years 2021-2022",
                  dir.path().string());
  ASSERT_EQ(g.exit_code, 0) << g.err;
  std::string files;
  for (const char* f : {"people.csv", "recruitments.csv", "missions.csv", "visitors.csv", "structures.csv"})
    files += " " + dir.File(std::string("gen/") + f);
  auto i = RunCli("hr import --db " + dir.File("hr.db") + files, dir.path().string());
  ASSERT_EQ(i.exit_code, 0) << i.err;
  EXPECT_NE(i.err.find("missions.csv (missions): read 3000 = inserted 3000 + updated 0 + unchanged 0"), std::string::npos)
      << i.err;
  auto again = RunCli("hr import --db " + dir.File("hr.db") + files, dir.path().string());
  EXPECT_NE(again.err.find("already imported (same SHA-256), nothing changed"), std::string::npos) << again.err;
  auto j = RunCli("hr indicators --db " + dir.File("hr.db") + " --years 2021-2022 --format json", dir.path().string());
  ASSERT_EQ(j.exit_code, 0) << j.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(j.out).get(doc));
  EXPECT_EQ(std::string_view(doc["schema"]), "coopscope/hr-indicators");
  // A bad file: exit 3, nothing imported, the error on stderr.
  WriteFile(dir.File("missions_bad.csv"),
            "person_id,unit,country,city,institution,start_date,end_date,purpose,instrument\nE1,U,JP,K,,2022-13-01,2022-12-01,conference,x\n");
  auto bad = RunCli("hr import --db " + dir.File("hr.db") + " " + dir.File("missions_bad.csv"), dir.path().string());
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("missions_bad.csv:2:79: column 'start_date': value '2022-13-01': expected a date YYYY-MM-DD"),
            std::string::npos)
      << bad.err;
  // The works generator still needs its own options.
  auto works = RunCli("generate --works 10", dir.path().string());
  EXPECT_EQ(works.exit_code, 2);
}

}  // namespace
}  // namespace coopscope::testing
