// Every reject kind (README "Bad input"): a malformed line, invalid UTF-8, a
// truncated .gz and .zst, an over-long line, a record that is not a work, a
// manifest mismatch — each with file, line, byte offset and reason; the run
// goes on, counts reconcile, and --strict stops at the first.
#include <gtest/gtest.h>

#include "engine_util.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

std::string WorkLine(uint64_t id, int year, const std::string& updated = "2024-01-01T00:00:00") {
  return "{\"id\":\"https://openalex.org/W" + std::to_string(id) + "\",\"publication_year\":" + std::to_string(year) +
         ",\"updated_date\":\"" + updated +
         "\",\"authorships\":[{\"institutions\":[{\"id\":\"https://openalex.org/I1\",\"country_code\":\"FR\","
         "\"type\":\"education\",\"lineage\":[\"https://openalex.org/I1\"]}],\"countries\":[\"FR\"]},"
         "{\"institutions\":[{\"id\":\"https://openalex.org/I2\",\"country_code\":\"DE\",\"type\":\"company\","
         "\"lineage\":[\"https://openalex.org/I2\"]}],\"countries\":[\"DE\"]}]}";
}

TEST(Rejects, MalformedLineNamesFileLineOffset) {
  TempDir dir;
  std::string l1 = WorkLine(1, 2020), l2 = "{\"id\": \"https://openalex.org/W2\", \"publication_year\": 20",
              l3 = WorkLine(3, 2021);
  WriteFile(dir.File("w.jsonl"), l1 + "\n" + l2 + "\n" + l3 + "\n");
  Pipeline p;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("w.jsonl")})) << p.status.message();
  auto rejects = p.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].file, dir.File("w.jsonl"));
  EXPECT_EQ(rejects[0].line, 2u);
  EXPECT_EQ(rejects[0].offset, l1.size() + 1);
  EXPECT_EQ(rejects[0].code, ErrorCode::kParse);
  EXPECT_NE(rejects[0].reason.find("not a JSON object"), std::string::npos) << rejects[0].reason;
  EXPECT_EQ(p.collected.ingest.read, 3u);
  EXPECT_EQ(p.collected.ingest.accepted, 2u);
  EXPECT_EQ(p.collected.ingest.rejected, 1u);
  EXPECT_EQ(p.collected.works.size(), 2u);  // the run went on
}

TEST(Rejects, InvalidUtf8) {
  TempDir dir;
  std::string bad = WorkLine(2, 2020);
  bad.replace(bad.find("education"), 1, "\xC3\x28");  // an invalid two-byte sequence
  WriteFile(dir.File("w.jsonl"), WorkLine(1, 2020) + "\n" + bad + "\n");
  Pipeline p;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("w.jsonl")}));
  auto rejects = p.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].code, ErrorCode::kInvalidUtf8);
  EXPECT_EQ(rejects[0].line, 2u);
  EXPECT_NE(rejects[0].reason.find("UTF-8"), std::string::npos) << rejects[0].reason;
}

TEST(Rejects, NotAWork) {
  TempDir dir;
  WriteFile(dir.File("w.jsonl"),
            "{\"id\":\"https://openalex.org/A5023888391\",\"publication_year\":2020}\n"
            "{\"id\":\"https://openalex.org/W5\"}\n"
            "{\"id\":\"https://openalex.org/W6\",\"publication_year\":\"2020\"}\n" +
                WorkLine(7, 2020) + "\n" +
                "{\"id\":\"https://openalex.org/W8\",\"publication_year\":2020,\"cited_by_count\":-3}\n"
                "{\"id\":\"https://openalex.org/W9\",\"publication_year\":2020,\"cited_by_count\":\"many\"}\n"
                "{\"id\":\"https://openalex.org/W10\",\"publication_year\":2020,\"cited_by_count\":null,"
                "\"type\":null,\"primary_topic\":null}\n");
  Pipeline p;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("w.jsonl")}));
  auto rejects = p.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 5u);
  EXPECT_NE(rejects[0].reason.find("not an OpenAlex work id"), std::string::npos) << rejects[0].reason;
  EXPECT_NE(rejects[1].reason.find("without a \"publication_year\""), std::string::npos) << rejects[1].reason;
  EXPECT_NE(rejects[2].reason.find("field \"publication_year\""), std::string::npos) << rejects[2].reason;
  EXPECT_EQ(rejects[3].line, 5u);
  EXPECT_NE(rejects[3].reason.find("\"cited_by_count\" -3 is out of range"), std::string::npos) << rejects[3].reason;
  EXPECT_EQ(rejects[4].line, 6u);
  EXPECT_NE(rejects[4].reason.find("field \"cited_by_count\""), std::string::npos) << rejects[4].reason;
  EXPECT_EQ(p.collected.ingest.accepted, 2u);  // W7, and W10 whose nulls read as unknown
}

TEST(Rejects, OverLongLineHasANamedOverridableLimit) {
  TempDir dir;
  std::string big = WorkLine(2, 2020);
  big.insert(big.size() - 1, ",\"abstract\":\"" + std::string(5000, 'x') + "\"");
  std::string l1 = WorkLine(1, 2020);
  WriteFile(dir.File("w.jsonl"), l1 + "\n" + big + "\n" + WorkLine(3, 2020) + "\n");
  Pipeline p;
  p.run.limits.max_record_bytes = 2000;
  p.run.limits.read_buffer_bytes = 1024;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("w.jsonl")}));
  auto rejects = p.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].code, ErrorCode::kTooLong);
  EXPECT_EQ(rejects[0].line, 2u);
  EXPECT_EQ(rejects[0].offset, l1.size() + 1);
  EXPECT_NE(rejects[0].reason.find("over the limit of 2000 bytes (--max-record-bytes)"), std::string::npos)
      << rejects[0].reason;
  EXPECT_EQ(p.collected.works.size(), 2u);  // the lines after it are read

  Pipeline raised;  // the same file with the default limit: nothing rejected
  ASSERT_TRUE(raised.Run({"I1"}, {}, {dir.File("w.jsonl")}));
  EXPECT_EQ(raised.rejects.size(), 0u);
}

TEST(Rejects, TruncatedGzipKeepsWhatCameBefore) {
  TempDir dir;
  std::string text;
  for (int i = 1; i <= 2000; ++i) text += WorkLine(static_cast<uint64_t>(i), 2020) + "\n";
  WriteFile(dir.File("w.jsonl"), text);
  ASSERT_EQ(std::system(("gzip -c " + dir.File("w.jsonl") + " > " + dir.File("full.gz")).c_str()), 0);
  std::string gz = ReadFile(dir.File("full.gz"));
  WriteFile(dir.File("cut.gz"), gz.substr(0, gz.size() / 2));
  Pipeline p;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("cut.gz")}));
  auto rejects = p.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].code, ErrorCode::kCorrupt);
  EXPECT_NE(rejects[0].reason.find("truncated gzip stream"), std::string::npos) << rejects[0].reason;
  uint64_t kept = p.collected.ingest.accepted;
  EXPECT_GT(kept, 100u);
  EXPECT_LT(kept, 2000u);
  EXPECT_EQ(rejects[0].line, kept + 1);  // the record cut in half
  EXPECT_EQ(p.collected.ingest.read, kept + 1);

  Pipeline whole;  // and the intact file reads all 2000
  ASSERT_TRUE(whole.Run({"I1"}, {}, {dir.File("full.gz")}));
  EXPECT_EQ(whole.collected.ingest.accepted, 2000u);
  EXPECT_EQ(whole.rejects.size(), 0u);
}

TEST(Rejects, TruncatedZstd) {
  TempDir dir;
  std::string text;
  for (int i = 1; i <= 2000; ++i) text += WorkLine(static_cast<uint64_t>(i), 2020) + "\n";
  WriteFile(dir.File("w.jsonl"), text);
  ASSERT_EQ(std::system(("zstd -q -c " + dir.File("w.jsonl") + " > " + dir.File("full.zst")).c_str()), 0);
  std::string z = ReadFile(dir.File("full.zst"));
  WriteFile(dir.File("cut.zst"), z.substr(0, z.size() / 2));
  Pipeline whole, cut;
  ASSERT_TRUE(whole.Run({"I1"}, {}, {dir.File("full.zst")}));
  EXPECT_EQ(whole.collected.ingest.accepted, 2000u);
  ASSERT_TRUE(cut.Run({"I1"}, {}, {dir.File("cut.zst")}));
  auto rejects = cut.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_NE(rejects[0].reason.find("truncated zstd stream"), std::string::npos) << rejects[0].reason;
  EXPECT_GT(cut.collected.ingest.accepted, 100u);  // what came before the cut is kept
  EXPECT_EQ(cut.collected.ingest.read, cut.collected.ingest.accepted + 1);
}

TEST(Rejects, ManifestMismatch) {
  TempDir dir;
  std::string part = dir.File("works/updated_date=2024-01-01/part_000.jsonl");
  WriteFile(part, WorkLine(1, 2020) + "\n" + WorkLine(2, 2020) + "\n");
  WriteFile(dir.File("works/manifest.json"),
            "{\"entries\":[{\"url\":\"s3://openalex/data/works/updated_date=2024-01-01/part_000.gz\","
            "\"meta\":{\"content_length\":10,\"record_count\":3}}],\"meta\":{\"record_count\":3}}");
  Pipeline p;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.path().string()}));
  auto rejects = p.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].code, ErrorCode::kMismatch);
  EXPECT_EQ(rejects[0].file, part);
  EXPECT_NE(rejects[0].reason.find("lists 3 records for part updated_date=2024-01-01/part_000; the file holds 2"),
            std::string::npos)
      << rejects[0].reason;
  EXPECT_EQ(p.collected.ingest.manifest_mismatches, 1u);
  EXPECT_EQ(p.collected.works.size(), 2u);
  EXPECT_EQ(p.collected.ingest.read,
            p.collected.ingest.accepted + p.collected.ingest.rejected + p.collected.ingest.duplicates);
}

TEST(Rejects, StrictStopsAtTheFirst) {
  TempDir dir;
  WriteFile(dir.File("w.jsonl"), WorkLine(1, 2020) + "\nnot json\n" + WorkLine(3, 2020) + "\n");
  Pipeline p;
  p.run.strict = true;
  EXPECT_FALSE(p.Run({"I1"}, {}, {dir.File("w.jsonl")}));
  EXPECT_NE(p.status.message().find("w.jsonl:2:"), std::string::npos) << p.status.message();
}

TEST(Rejects, MergedIdsAreDroppedAndCounted) {
  TempDir dir;
  WriteFile(dir.File("snap/works/updated_date=2024-01-01/part_000.jsonl"),
            WorkLine(1, 2020) + "\n" + WorkLine(2, 2020) + "\n" + WorkLine(3, 2020) + "\n");
  WriteFile(dir.File("snap/merged_ids/works/2024-02-01.csv"),
            "merge_date,id,merge_into_id\n2024-02-01,W2,W3\n2024-02-01,bogus,W3\n");
  Pipeline p;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("snap")}));
  EXPECT_EQ(p.collected.ingest.merged_dropped, 1u);
  EXPECT_EQ(p.collected.works.size(), 2u);
  EXPECT_EQ(p.rejects.size(), 1u);  // the bogus merged-id row
  EXPECT_EQ(p.rejects.Sorted()[0].line, 3u);
}

TEST(Rejects, DuplicateKeepsTheNewestVersion) {
  TempDir dir;
  // W1 first read in 2021 (newest), then an older 2020 version; W2 twice with
  // the same date: the last read wins.
  std::string newer = WorkLine(1, 2021, "2024-06-01T00:00:00");
  std::string older = WorkLine(1, 2020, "2023-01-01T00:00:00");
  WriteFile(dir.File("a.jsonl"), newer + "\n" + WorkLine(2, 2018) + "\n");
  WriteFile(dir.File("b.jsonl"), older + "\n" + WorkLine(2, 2019) + "\n");
  Pipeline p;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("a.jsonl"), dir.File("b.jsonl")}));
  EXPECT_EQ(p.collected.ingest.duplicates, 2u);
  ASSERT_NE(p.Facts(1), nullptr);
  EXPECT_EQ(p.Facts(1)->year, 2021);
  EXPECT_EQ(p.Facts(2)->year, 2019);
}

}  // namespace
}  // namespace coopscope::testing

namespace coopscope::testing {
namespace {

TEST(Rejects, JsonArraysAreReadElementByElement) {
  // Brackets and escaped quotes inside strings, elements cut across tiny
  // read buffers, a scalar element, and an array cut short.
  TempDir dir;
  std::string tricky = WorkLine(2, 2021);
  tricky.insert(tricky.size() - 1, ",\"title\":\"a ] } \\\" [ { \\\\\"");
  WriteFile(dir.File("works.json"), "[\n  " + WorkLine(1, 2020) + ",\n  " + tricky + ",\n  42,\n  " +
                                        WorkLine(3, 2022) + "\n]\n");
  Pipeline p;
  p.run.limits.read_buffer_bytes = 7;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("works.json")})) << p.status.message();
  EXPECT_EQ(p.collected.works.size(), 3u);
  auto rejects = p.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].line, 4u);
  EXPECT_NE(rejects[0].reason.find("array element is not a JSON object"), std::string::npos);
  EXPECT_EQ(p.collected.ingest.read, 4u);

  std::string text = ReadFile(dir.File("works.json"));
  WriteFile(dir.File("cut.json"), text.substr(0, text.size() - 40));
  Pipeline cut;
  ASSERT_TRUE(cut.Run({"I1"}, {}, {dir.File("cut.json")}));
  EXPECT_EQ(cut.collected.works.size(), 2u);
  auto cut_rejects = cut.rejects.Sorted();
  ASSERT_EQ(cut_rejects.size(), 2u);
  EXPECT_NE(cut_rejects[1].reason.find("the file ends inside this array element"), std::string::npos);
  EXPECT_EQ(cut_rejects[1].line, 5u);
}

}  // namespace
}  // namespace coopscope::testing

namespace coopscope::testing {
namespace {

// Regression (found by Mutation.DamagedRealRecordsNeverCrash): a line holding
// a valid work followed by more tokens was kept as a work *and* counted as a
// reject, so read != accepted + rejected + duplicates.
TEST(Rejects, TrailingContentRejectsTheLineAndKeepsNothing) {
  TempDir dir;
  WriteFile(dir.File("w.jsonl"), WorkLine(1, 2020) + WorkLine(2, 2020) + "\n" + WorkLine(3, 2020) + " x\n");
  Pipeline p;
  ASSERT_TRUE(p.Run({"I1"}, {}, {dir.File("w.jsonl")}));
  EXPECT_EQ(p.collected.ingest.read, 2u);
  EXPECT_EQ(p.collected.ingest.rejected, 2u);
  EXPECT_EQ(p.collected.ingest.accepted, 0u);
  EXPECT_TRUE(p.collected.works.empty());
  auto rejects = p.rejects.Sorted();
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_NE(rejects[0].reason.find("trailing content after the JSON object"), std::string::npos) << rejects[0].reason;
  EXPECT_EQ(rejects[1].line, 2u);  // a bare word after the object: simdjson's own error
}

}  // namespace
}  // namespace coopscope::testing
