// The store (docs/store-format.md): answers equal to streaming, updates equal
// to fresh builds, crash safety, and damaged segments detected.  Indicator
// definitions: docs/indicators.md.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>

#include <fmt/format.h>

#include "io/json_records.h"
#include "sources/openalex/work_parser.h"
#include "store/bytes_index.h"
#include "store/segment.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "store/tallies.h"
#include "synth/generate.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

namespace fs = std::filesystem;

const std::string kRor = SharedData("ror-records-subset/ror_v2_subset_latest.json.gz");
const std::string kRealRegistries =
    " --registry " + kRor + " --registry " + SharedData("openalex-snapshot-sample-2023/institutions");
const std::string kRealInputs = " " + SharedData("openalex-works-openalexpro") + " " +
                                SharedData("openalex-snapshot-sample-2023") + " " +
                                SharedData("openalex-entities-2025/W2741809807.json");

void Generate(const std::string& out, uint64_t works, uint64_t seed, int parts) {
  GenerateOptions g;
  g.out_dir = out;
  g.works = works;
  g.seed = seed;
  g.parts = parts;
  g.registry = kRor;
  g.threads = 2;
  ASSERT_TRUE(RunGenerate(g).ok());
}

// Streaming JSON and store JSON for one organisation.
void ExpectSameAnswer(const std::string& org, const std::string& registries, const std::string& inputs,
                      const std::string& store, const std::string& scratch) {
  auto streamed = RunCli("indicators -q --format json --org " + org + registries + inputs, scratch);
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  auto stored = RunCli("indicators -q --format json --org " + org + " --store " + store, scratch);
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(streamed.out, stored.out) << "org " << org;
  EXPECT_NE(stored.out.find("\"p\""), std::string::npos);
}

TEST(Store, RealSamplesAnswerLikeStreaming) {
  TempDir dir;
  std::string store = dir.File("store");
  auto built = RunCli("store build -q " + store + kRealRegistries + kRealInputs, dir.path().string());
  ASSERT_EQ(built.exit_code, 0) << built.err;
  for (const char* org : {"I55633929", "I1294671590", "02feahw73", "I4210165038"})
    ExpectSameAnswer(org, kRealRegistries, kRealInputs, store, dir.path().string());
  auto verify = RunCli("store verify " + store, dir.path().string());
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  auto info = RunCli("store info " + store, dir.path().string());
  EXPECT_NE(info.out.find("records read     570 = accepted 367 + rejected 0 + duplicates 203"), std::string::npos)
      << info.out;
  // Building again reads nothing new and changes no answer.
  auto again = RunCli("store build " + store + kRealInputs, dir.path().string());
  EXPECT_NE(again.err.find("0 new files ingested"), std::string::npos) << again.err;
  ExpectSameAnswer("I55633929", kRealRegistries, kRealInputs, store, dir.path().string());
}

class StoreGenerated : public ::testing::TestWithParam<uint64_t> {};

TEST_P(StoreGenerated, AnswersLikeStreamingAndRanksConsistently) {
  TempDir dir;
  Generate(dir.File("data"), 6000, GetParam(), 5);
  std::string store = dir.File("store");
  auto built = RunCli("store build -q --threads 2 " + store + " --registry " + kRor + " " + dir.File("data"),
                      dir.path().string());
  ASSERT_EQ(built.exit_code, 0) << built.err;
  for (const char* org : {"02feahw73", "I1294671590", "I5000000757"})
    ExpectSameAnswer(org, " --registry " + kRor, " " + dir.File("data"), store, dir.path().string());
  // The ranking's CNRS row counts what `indicators --org 02feahw73` counts
  // (the ROR root with its descendants), year by year.
  auto rank = RunCli("rank --format csv --top 1 --year 2020 --store " + store, dir.path().string());
  ASSERT_EQ(rank.exit_code, 0) << rank.err;
  auto ind = RunCli("indicators -q --format csv --years 2020 --window 0 --org 02feahw73 --store " + store,
                    dir.path().string());
  ASSERT_EQ(ind.exit_code, 0) << ind.err;
  ASSERT_NE(rank.out.find("1,I1294671590,02feahw73,"), std::string::npos) << rank.out;
  std::string row = rank.out.substr(rank.out.find("1,I1294671590"));
  std::vector<std::string> cells;
  std::string cell;
  for (char ch : row) {
    if (ch == ',' || ch == '\n') {
      cells.push_back(cell);
      cell.clear();
      if (ch == '\n') break;
    } else {
      cell += ch;
    }
  }
  ASSERT_GE(cells.size(), 10u);
  // P and p_frac alike (regression: p_frac differed, a bare mention of an
  // in-scope institution counted for the ranking only).
  EXPECT_NE(ind.out.find("year,2020,2020," + cells[6] + "," + cells[7] + ","), std::string::npos)
      << ind.out << "\nrank P " << cells[6] << " p_frac " << cells[7];
}

INSTANTIATE_TEST_SUITE_P(Seeds, StoreGenerated, ::testing::Values(3, 11));

// The parts of a generated snapshot, in path order.
std::vector<fs::path> Parts(const std::string& root) {
  std::vector<fs::path> parts;
  for (const auto& e : fs::recursive_directory_iterator(root + "/works"))
    if (e.is_regular_file() && e.path().filename().string().rfind("part_", 0) == 0) parts.push_back(e.path());
  std::sort(parts.begin(), parts.end());
  return parts;
}

// A merged_ids CSV merging away the first n work ids of a generated part.
std::string MergedIdsCsv(const std::string& part, int n) {
  std::string merged = "merge_date,id,merge_into_id\n";
  size_t pos = 0;
  for (int k = 0; k < n && (pos = part.find("\"id\": \"https://openalex.org/W", pos)) != std::string::npos; ++k) {
    pos += 28;  // the W of the id
    merged += "2025-09-01," + part.substr(pos, part.find('"', pos) - pos) + ",W1\n";
  }
  return merged;
}

TEST(Store, UpdateEqualsFreshBuild) {
  TempDir dir;
  Generate(dir.File("all"), 8000, 21, 6);
  auto parts = Parts(dir.File("all"));
  ASSERT_GE(parts.size(), 4u);
  // A: the older partitions; B: the newer ones and merged ids.
  for (size_t i = 0; i < parts.size(); ++i) {
    fs::path rel = fs::relative(parts[i], dir.File("all"));
    fs::path to = fs::path(dir.File(i < parts.size() / 2 ? "A" : "B")) / rel;
    fs::create_directories(to.parent_path());
    fs::copy_file(parts[i], to);
    fs::path all_copy = fs::path(dir.File("final")) / rel;
    fs::create_directories(all_copy.parent_path());
    fs::copy_file(parts[i], all_copy);
  }
  // Ids merged away: taken from the last part.
  std::string merged = MergedIdsCsv(ReadFile(parts.back().string()), 25);
  WriteFile(dir.File("B/merged_ids/works/2025-09-01.csv"), merged);
  WriteFile(dir.File("final/merged_ids/works/2025-09-01.csv"), merged);

  const std::string d = dir.path().string();
  ASSERT_EQ(RunCli("store build -q " + dir.File("s1") + " --registry " + kRor + " " + dir.File("A"), d).exit_code, 0);
  auto upd = RunCli("store update -q " + dir.File("s1") + " " + dir.File("B"), d);
  ASSERT_EQ(upd.exit_code, 0) << upd.err;
  ASSERT_EQ(RunCli("store build -q " + dir.File("s2") + " --registry " + kRor + " " + dir.File("final"), d).exit_code,
            0);
  for (const std::string& q : {std::string("indicators -q --format json --org 02feahw73"),
                               std::string("indicators -q --format json --org I5000000757"),
                               std::string("rank --format csv --top 0 --year 2021"),
                               std::string("countries --format csv --top 0 --year 2019")}) {
    auto a = RunCli(q + " --store " + dir.File("s1"), d);
    auto b = RunCli(q + " --store " + dir.File("s2"), d);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(a.out, b.out) << q;
  }
  // And both equal streaming over the final data.
  ExpectSameAnswer("02feahw73", " --registry " + kRor, " " + dir.File("final"), dir.File("s1"), d);
  auto info = RunCli("store info " + dir.File("s1"), d);
  EXPECT_NE(info.out.find("merged away      25"), std::string::npos) << info.out;
  EXPECT_EQ(RunCli("store verify " + dir.File("s1"), d).exit_code, 0);
}

TEST(StoreSlow, KilledBuildsResumeWithoutLossOrDoubleCounting) {
  TempDir dir;
  const std::string d = dir.path().string();
  Generate(dir.File("data"), 12000, 5, 16);
  const std::string build_args = " --registry " + kRor + " --threads 2 " + dir.File("data");
  ASSERT_EQ(RunCli("store build -q " + dir.File("ref") + build_args, d).exit_code, 0);
  const std::string query = "indicators -q --format json --org 02feahw73 --store ";
  auto reference = RunCli(query + dir.File("ref"), d);
  ASSERT_EQ(reference.exit_code, 0);
  auto ref_info = RunCli("store info " + dir.File("ref"), d);
  // Time one build, then kill builds at spread positions within it.
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(RunCli("store build -q " + dir.File("timed") + build_args, d).exit_code, 0);
  int total_us = static_cast<int>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  std::mt19937 rng(42);
  const int kKills = 20;
  for (int k = 0; k < kKills; ++k) {
    std::string store = dir.File("k" + std::to_string(k));
    int delay = std::uniform_int_distribution<int>(total_us * k / kKills, total_us * (k + 1) / kKills)(rng);
    RunAndKill("store build -q " + store + build_args, delay);
    // A second kill during the resumed run, for half of them.
    if (k % 2) RunAndKill("store build -q " + store + build_args, delay / 2);
    auto resumed = RunCli("store build -q " + store + build_args, d);
    ASSERT_EQ(resumed.exit_code, 0) << "kill " << k << " after " << delay << " us: " << resumed.err;
    auto verify = RunCli("store verify " + store, d);
    EXPECT_EQ(verify.exit_code, 0) << "kill " << k << ": " << verify.err;
    auto answer = RunCli(query + store, d);
    EXPECT_EQ(answer.out, reference.out) << "kill " << k << " after " << delay << " us";
    auto info = RunCli("store info " + store, d);
    auto counts = [](const std::string& s) { return s.substr(s.find("records read"), s.find("merged away") - s.find("records read")); };
    EXPECT_EQ(counts(info.out), counts(ref_info.out)) << "kill " << k;
    fs::remove_all(store);
  }
}

// Issue 3, crash safety: "readers running during a build see the last
// committed state".  While `store update` adds eight parts (one commit per
// file), queries and `store verify` run again and again: each must succeed
// on a consistent state (read = accepted + rejected + duplicates, a live-work
// count never above the final one), and the answer after the update equals a
// fresh build of all the data.
TEST(StoreSlow, ReadersDuringAnUpdateSeeCommittedStates) {
  TempDir dir;
  const std::string d = dir.path().string();
  Generate(dir.File("all"), 16000, 8, 16);
  auto parts = Parts(dir.File("all"));
  ASSERT_GE(parts.size(), 8u);
  for (size_t i = 0; i < parts.size(); ++i) {
    const fs::path rel = fs::relative(parts[i], dir.File("all"));
    for (const char* where : {i < parts.size() / 2 ? "A" : "B", "final"}) {
      fs::path to = fs::path(dir.File(where)) / rel;
      fs::create_directories(to.parent_path());
      fs::copy_file(parts[i], to);
    }
  }
  const std::string store = dir.File("s");
  ASSERT_EQ(RunCli("store build -q " + store + " --registry " + kRor + " " + dir.File("A"), d).exit_code, 0);
  ASSERT_EQ(RunCli("store build -q " + dir.File("fresh") + " --registry " + kRor + " " + dir.File("final"), d).exit_code,
            0);
  const std::string query = "indicators -q --format json --org 02feahw73 --store ";
  auto expected = RunCli(query + dir.File("fresh"), d);
  ASSERT_EQ(expected.exit_code, 0);
  auto number = [](const std::string& json, const std::string& key) -> int64_t {
    size_t at = json.find("\"" + key + "\": ");
    return at == std::string::npos ? -1 : std::stoll(json.substr(at + key.size() + 4));
  };
  const int64_t final_in_scope = number(expected.out, "in_scope");
  ASSERT_GT(final_in_scope, 0);

  pid_t pid = fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl("/bin/sh", "sh", "-c",
          (std::string("exec ") + COOPSCOPE_BINARY + " store update -q --threads 1 " + store + " " + dir.File("B"))
              .c_str(),
          nullptr);
    _exit(127);
  }
  int queries = 0, status = 0;
  const std::string scratch = dir.File("q");
  fs::create_directories(scratch);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    auto answer = RunCli(query + store, scratch);
    ASSERT_EQ(answer.exit_code, 0) << "query " << queries << " during the update: " << answer.err;
    ASSERT_NE(answer.out.find("\"schema\": \"coopscope/indicators\""), std::string::npos) << answer.out;
    EXPECT_EQ(number(answer.out, "read"),
              number(answer.out, "accepted") + number(answer.out, "rejected") + number(answer.out, "duplicates"))
        << "query " << queries;
    EXPECT_LE(number(answer.out, "in_scope"), final_in_scope) << "query " << queries;
    if (queries % 3 == 2) {
      auto verify = RunCli("store verify " + store, scratch);
      EXPECT_EQ(verify.exit_code, 0) << "query " << queries << ": " << verify.err;
    }
    ++queries;
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "store update failed";
  EXPECT_GE(queries, 1);
  RecordProperty("queries_during_update", queries);
  auto after = RunCli(query + store, d);
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, expected.out) << "after the update; first difference at byte "
                                     << std::mismatch(after.out.begin(), after.out.end(), expected.out.begin(),
                                                      expected.out.end()).first - after.out.begin();
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
}

TEST(Store, DamagedSegmentsAreDetected) {
  TempDir dir;
  const std::string d = dir.path().string();
  Generate(dir.File("data"), 2000, 9, 2);
  const std::string store = dir.File("store");
  ASSERT_EQ(RunCli("store build -q " + store + " --registry " + kRor + " " + dir.File("data"), d).exit_code, 0);
  std::vector<fs::path> segs;
  for (const auto& e : fs::directory_iterator(store + "/segments")) segs.push_back(e.path());
  std::sort(segs.begin(), segs.end());
  ASSERT_EQ(segs.size(), 2u);
  const std::string query = "indicators -q --format json --org 02feahw73 --store " + store;
  ASSERT_EQ(RunCli(query, d).exit_code, 0);

  // One altered byte in the middle of the works.
  std::string bytes = ReadFile(segs[0].string());
  std::string altered = bytes;
  altered[altered.size() / 2] ^= 0x5a;
  WriteFile(segs[0].string(), altered);
  auto q1 = RunCli(query, d);
  EXPECT_EQ(q1.exit_code, 4);
  EXPECT_NE(q1.err.find(segs[0].filename().string()), std::string::npos) << q1.err;
  EXPECT_NE(q1.err.find("damaged"), std::string::npos) << q1.err;
  auto v1 = RunCli("store verify " + store, d);
  EXPECT_EQ(v1.exit_code, 4);
  EXPECT_NE(v1.err.find(segs[0].filename().string()), std::string::npos) << v1.err;

  // Truncated.
  WriteFile(segs[0].string(), bytes.substr(0, bytes.size() - 100));
  auto q2 = RunCli(query, d);
  EXPECT_EQ(q2.exit_code, 4);
  EXPECT_NE(q2.err.find("truncated"), std::string::npos) << q2.err;
  // Missing.
  fs::remove(segs[0]);
  auto q3 = RunCli(query, d);
  EXPECT_EQ(q3.exit_code, 4);
  EXPECT_NE(q3.err.find("missing"), std::string::npos) << q3.err;
  // A segment of an older format (its header says 2): `store info` names the
  // format the files hold and what to do; queries refuse it with the same advice.
  std::string older = bytes;
  older[8] = 2;
  WriteFile(segs[0].string(), older);
  auto info = RunCli("store info " + store, d);
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("segment format 2 and 3)"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("reads segment format 3 only"), std::string::npos) << info.out;
  auto q4 = RunCli(query, d);
  EXPECT_EQ(q4.exit_code, 4);
  EXPECT_NE(q4.err.find("has format version 2; this coopscope reads 3: build the store again"), std::string::npos)
      << q4.err;
  // Restored: answers again.
  WriteFile(segs[0].string(), bytes);
  EXPECT_EQ(RunCli(query, d).exit_code, 0);
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
  EXPECT_NE(RunCli("store info " + store, d).out.find("segment format 3)"), std::string::npos);
}

// The facts file (docs/store-format.md, "Facts file"): queries that read it
// answer like queries that decode every work, and a damaged or missing file
// is detected, or skipped when the catalog says nothing about it.
TEST(Store, FactsFileAnswersLikeDecodingAndIsChecked) {
  TempDir dir;
  const std::string d = dir.path().string();
  Generate(dir.File("data"), 3000, 21, 3);
  const std::string store = dir.File("store");
  ASSERT_EQ(RunCli("store build -q " + store + " --registry " + kRor + " " + dir.File("data"), d).exit_code, 0);
  auto facts_files = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(store))
      if (e.path().filename().string().rfind("facts-", 0) == 0) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  ASSERT_EQ(facts_files(), std::vector<std::string>{"facts-00000001.bin"});
  const std::string facts = store + "/facts-00000001.bin";
  const std::vector<std::string> orgs = {"02feahw73", "I1294671590", "I5000000757"};
  std::vector<std::string> answers;
  for (const auto& org : orgs) {
    auto q = RunCli("indicators -q --timings --format json --org " + org + " --store " + store, d);
    ASSERT_EQ(q.exit_code, 0) << q.err;
    EXPECT_NE(q.err.find("works (facts file)"), std::string::npos) << q.err;
    answers.push_back(q.out);
  }
  // Without the file (a reader two generations behind): every work decoded, same answers.
  const std::string bytes = ReadFile(facts);
  fs::rename(facts, facts + ".away");
  for (size_t i = 0; i < orgs.size(); ++i) {
    auto q = RunCli("indicators -q --timings --format json --org " + orgs[i] + " --store " + store, d);
    ASSERT_EQ(q.exit_code, 0) << q.err;
    EXPECT_NE(q.err.find("works (decoded)"), std::string::npos) << q.err;
    EXPECT_EQ(q.out, answers[i]) << orgs[i];
  }
  auto v0 = RunCli("store verify " + store, d);
  EXPECT_EQ(v0.exit_code, 4) << v0.out;
  EXPECT_NE(v0.err.find("facts-00000001.bin cannot be read"), std::string::npos) << v0.err;
  fs::rename(facts + ".away", facts);
  // One altered byte in the blocks: the query and verify name the file.
  std::string altered = bytes;
  altered[altered.size() - 3] ^= 0x21;
  WriteFile(facts, altered);
  auto q1 = RunCli("indicators -q --format json --org 02feahw73 --store " + store, d);
  EXPECT_EQ(q1.exit_code, 4) << q1.out;
  EXPECT_NE(q1.err.find("facts-00000001.bin is damaged"), std::string::npos) << q1.err;
  auto v1 = RunCli("store verify " + store, d);
  EXPECT_EQ(v1.exit_code, 4);
  EXPECT_NE(v1.err.find("facts-00000001.bin"), std::string::npos) << v1.err;
  // Truncated: refused at open.
  WriteFile(facts, bytes.substr(0, 20));
  auto q2 = RunCli("indicators -q --format json --org 02feahw73 --store " + store, d);
  EXPECT_EQ(q2.exit_code, 4);
  EXPECT_NE(q2.err.find("shorter than a header"), std::string::npos) << q2.err;
  WriteFile(facts, bytes);
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
  // Each settle writes the next generation's file and keeps the previous one
  // (readers that opened it may still read it); older ones go.
  ASSERT_EQ(RunCli("store update -q " + store, d).exit_code, 0);
  EXPECT_EQ(facts_files(), (std::vector<std::string>{"facts-00000001.bin", "facts-00000002.bin"}));
  ASSERT_EQ(RunCli("store update -q " + store, d).exit_code, 0);
  EXPECT_EQ(facts_files(), (std::vector<std::string>{"facts-00000002.bin", "facts-00000003.bin"}));
  auto again = RunCli("indicators -q --format json --org 02feahw73 --store " + store, d);
  EXPECT_EQ(again.out, answers[0]);
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
}

// Stored answers (docs/store-format.md, "Views"): for organisations with many
// works the settle step keeps the answer of `indicators --store --org X`;
// reading it gives, byte for byte, what reading the works gives and what
// streaming the files gives, under every report option, for every spelling of
// the organisation; an update computes them again; a damaged one is detected.
TEST(Store, StoredAnswersAnswerLikeTheWorks) {
  TempDir dir;
  const std::string d = dir.path().string();
  Generate(dir.File("all"), 4000, 33, 4);
  auto parts = Parts(dir.File("all"));
  ASSERT_GE(parts.size(), 2u);
  for (size_t i = 0; i < parts.size(); ++i) {
    fs::path rel = fs::relative(parts[i], dir.File("all"));
    fs::path to = fs::path(dir.File(i < parts.size() / 2 ? "A" : "B")) / rel;
    fs::create_directories(to.parent_path());
    fs::copy_file(parts[i], to);
  }
  const std::string views = dir.File("views");
  // Views for every organisation with 40 works or more, kept by the update.
  ASSERT_EQ(RunCli("store build -q --views-min-works 40 " + views + " --registry " + kRor + " " + dir.File("A"), d)
                .exit_code,
            0);
  ASSERT_EQ(RunCli("store update -q " + views + " " + dir.File("B"), d).exit_code, 0);
  auto info = RunCli("store info " + views, d);
  ASSERT_EQ(info.exit_code, 0);
  EXPECT_NE(info.out.find("with at least 40 works"), std::string::npos) << info.out;
  EXPECT_EQ(info.out.find("stored answers   0 "), std::string::npos) << info.out;

  // CNRS by its ROR id, its ROR URL, its name; a generated organisation by
  // its OpenAlex id; under several report options; each against the same
  // store's answer read from the works (--read-works).
  const std::vector<std::string> orgs = {"02feahw73", "https://ror.org/02feahw73",
                                         "'Centre National de la Recherche Scientifique'", "I5000010325"};
  const std::vector<std::string> options = {"--format json", "--format json --window 0 --years 2016-2019",
                                            "--format json --top-institutions 3 --resamples 50",
                                            "--format csv --csv-table partners", "--format table"};
  for (const std::string& org : orgs) {
    for (const std::string& opt : options) {
      const std::string q = "indicators -q --timings " + opt + " --org " + org + " --store ";
      auto a = RunCli(q + views, d);
      auto b = RunCli(q + views + " --read-works", d);
      ASSERT_EQ(a.exit_code, 0) << a.err;
      ASSERT_EQ(b.exit_code, 0) << b.err;
      EXPECT_NE(a.err.find("stored answer"), std::string::npos) << org << " " << opt << ": " << a.err;
      EXPECT_NE(b.err.find("works (facts file)"), std::string::npos) << b.err;
      EXPECT_EQ(a.out, b.out) << org << " " << opt;
    }
  }
  // And streaming over the files.
  // (CNRS with this seed: a partner named only by a superseded version of a
  // work, which streaming used to describe and the store did not.)
  ExpectSameAnswer("02feahw73", " --registry " + kRor, " " + dir.File("A") + " " + dir.File("B"), views, d);
  ExpectSameAnswer("I5000010325", " --registry " + kRor, " " + dir.File("A") + " " + dir.File("B"), views, d);
  // Another home country: the stored answer (its tallies do not depend on it).
  for (const std::string& q : {std::string("--org 02feahw73 --home DE"), std::string("--org I5000010325 --home FR")}) {
    auto a = RunCli("indicators -q --timings --format json " + q + " --store " + views, d);
    auto b = RunCli("indicators -q --format json --read-works " + q + " --store " + views, d);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_NE(a.err.find("stored answer"), std::string::npos) << q;
    EXPECT_EQ(a.out, b.out) << q;
  }
  auto bad_home = RunCli("indicators -q --format json --org 02feahw73 --home XYZ --store " + views, d);
  EXPECT_EQ(bad_home.exit_code, RunCli("indicators -q --format json --read-works --org 02feahw73 --home XYZ --store " +
                                           views, d)
                                    .exit_code);
  EXPECT_NE(bad_home.err.find("not an ISO 3166-1 alpha-2 code"), std::string::npos) << bad_home.err;
  // Other questions are answered from the works: other country rules, two
  // organisations.
  for (const std::string& q : {std::string("--org 02feahw73 --no-overseas-as-fr"),
                               std::string("--org 02feahw73 --org I5000010325")}) {
    auto a = RunCli("indicators -q --timings --format json " + q + " --store " + views, d);
    auto b = RunCli("indicators -q --format json --read-works " + q + " --store " + views, d);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(a.err.find("stored answer"), std::string::npos) << q;
    EXPECT_EQ(a.out, b.out) << q;
  }
  auto verified = RunCli("store verify " + views, d);
  EXPECT_EQ(verified.exit_code, 0) << verified.err;

  // One altered byte in a view: the query and verify refuse it, naming it.
  const std::string catalog = views + "/store.db";
  std::string original;
  {
    store::Db db;
    ASSERT_TRUE(db.Open(catalog, false).ok());
    auto r = db.Prepare("SELECT v.view, v.id FROM view_keys k JOIN views v ON v.id = k.id AND v.generation = "
                        "k.generation WHERE k.key LIKE 'name:centre national%'");
    ASSERT_TRUE(r.ok());
    Status st;
    ASSERT_TRUE(r->Step(&st));
    original = std::string(r->Blob(0));
    std::string altered = original;
    altered[altered.size() / 2] ^= 0x10;
    auto u = db.Prepare("UPDATE views SET view = ? WHERE id = ?");
    ASSERT_TRUE(u.ok());
    u->BindBlob(1, altered).Bind(2, r->Int(1));
    ASSERT_TRUE(u->Run().ok());
  }
  auto damaged = RunCli("indicators -q --format json --org 02feahw73 --store " + views, d);
  EXPECT_EQ(damaged.exit_code, 4);
  EXPECT_NE(damaged.err.find("store view"), std::string::npos) << damaged.err;
  EXPECT_NE(damaged.err.find("is damaged"), std::string::npos) << damaged.err;
  auto refused = RunCli("store verify " + views, d);
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("damaged"), std::string::npos) << refused.err;
  // The next settle computes them again.
  ASSERT_EQ(RunCli("store update -q " + views, d).exit_code, 0);
  EXPECT_EQ(RunCli("store verify " + views, d).exit_code, 0);
  // Without views (a settle killed before them): the works answer, verify notes it.
  {
    store::Db db;
    ASSERT_TRUE(db.Open(catalog, false).ok());
    ASSERT_TRUE(db.Exec("DELETE FROM views; DELETE FROM view_keys;").ok());
  }
  auto without = RunCli("indicators -q --timings --format json --org 02feahw73 --store " + views, d);
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_NE(without.err.find("works (facts file)"), std::string::npos) << without.err;
  EXPECT_EQ(without.out, RunCli("indicators -q --format json --read-works --org 02feahw73 --store " + views, d).out);
  auto noted = RunCli("store verify " + views, d);
  EXPECT_EQ(noted.exit_code, 0) << noted.err;
  EXPECT_NE((noted.out + noted.err).find("no stored answers"), std::string::npos) << noted.out << noted.err;
  // --views-min-works 0: none kept.
  ASSERT_EQ(RunCli("store update -q --views-min-works 0 " + views, d).exit_code, 0);
  EXPECT_NE(RunCli("store info " + views, d).out.find("stored answers   none"), std::string::npos);
  auto none = RunCli("indicators -q --timings --format json --org 02feahw73 --store " + views, d);
  EXPECT_NE(none.err.find("works (facts file)"), std::string::npos) << none.err;
  EXPECT_EQ(none.out, without.out);
}

// Facts file format version 2 (docs/store-format.md): its compressed entry
// blocks and delta-coded key blocks are decoded only when read, so damage
// behind valid checksums (a writer's bug) must still be an error naming the
// file; and a file of another version is decoded around, not refused.
// The rank and country tallies are per-year blobs (catalog format 3): a
// damaged one is named by rank, countries and verify, the other years still
// answer, and an update writes it again; a catalog settled before format 3
// is refused by rank and countries until an update settles it again.
TEST(Store, TallyBlobsDamagedAreNamedAndOlderCatalogsSettledAgain) {
  TempDir dir;
  const std::string d = dir.path().string();
  Generate(dir.File("in"), 3000, 41, 2);
  const std::string store = dir.File("s");
  ASSERT_EQ(RunCli("store build -q " + store + " --registry " + kRor + " " + dir.File("in"), d).exit_code, 0);
  const std::vector<std::string> queries = {"rank --format csv --top 0 --year 2020",
                                            "rank --format json --top 0 --year 2019 --by p_frac",
                                            "countries --format csv --top 0 --year 2020"};
  std::vector<std::string> before;
  for (const auto& q : queries) {
    auto r = RunCli(q + " --store " + store, d);
    ASSERT_EQ(r.exit_code, 0) << q << r.err;
    EXPECT_GT(std::count(r.out.begin(), r.out.end(), '\n'), 10) << q << r.out;
    before.push_back(r.out);
  }
  auto alter = [&](int kind, int year) {
    store::Db db;
    ASSERT_TRUE(db.Open(store + "/store.db", false).ok());
    auto r = db.Prepare("SELECT data FROM tallies WHERE kind = ? AND year = ?");
    ASSERT_TRUE(r.ok());
    r->Bind(1, int64_t{kind}).Bind(2, int64_t{year});
    Status st;
    ASSERT_TRUE(r->Step(&st)) << kind << " " << year;
    std::string altered(r->Blob(0));
    altered[altered.size() / 2] ^= 0x10;
    auto u = db.Prepare("UPDATE tallies SET data = ? WHERE kind = ? AND year = ?");
    ASSERT_TRUE(u.ok());
    u->BindBlob(1, altered).Bind(2, int64_t{kind}).Bind(3, int64_t{year});
    ASSERT_TRUE(u->Run().ok());
  };
  alter(2, 2020);  // rank 2020
  alter(3, 2020);  // countries 2020
  for (const char* q : {"rank --year 2020", "countries --year 2020"}) {
    auto damaged = RunCli(std::string(q) + " --store " + store, d);
    EXPECT_EQ(damaged.exit_code, 4) << q;
    const std::string name = std::string(q).substr(0, std::string(q).find(' ')) + " 2020";
    EXPECT_NE(damaged.err.find("store tallies '" + name + "' in " + store + "/store.db are damaged: crc32 mismatch"),
              std::string::npos)
        << damaged.err;
  }
  auto other = RunCli(queries[1] + " --store " + store, d);
  EXPECT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(other.out, before[1]);
  auto refused = RunCli("store verify " + store, d);
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("'rank 2020'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("are damaged"), std::string::npos) << refused.err;
  ASSERT_EQ(RunCli("store update -q " + store, d).exit_code, 0);
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
  for (size_t i = 0; i < queries.size(); ++i) EXPECT_EQ(RunCli(queries[i] + " --store " + store, d).out, before[i]);

  // A recomputation that differs (a row's p altered, the blob still whole) is a verify problem.
  {
    store::Db db;
    ASSERT_TRUE(db.Open(store + "/store.db", false).ok());
    auto r = db.Prepare("SELECT data FROM tallies WHERE kind = 3 AND year = 2019");
    ASSERT_TRUE(r.ok());
    Status st;
    ASSERT_TRUE(r->Step(&st));
    std::string blob(r->Blob(0));
    std::vector<store::TallyPair> pairs;
    ASSERT_TRUE(store::DecodePairsYear(blob, "test", &pairs).ok());
    ASSERT_FALSE(pairs.empty());
    ++pairs[0].copubs;
    auto u = db.Prepare("UPDATE tallies SET data = ? WHERE kind = 3 AND year = 2019");
    ASSERT_TRUE(u.ok());
    u->BindBlob(1, store::EncodePairsYear(pairs));
    ASSERT_TRUE(u->Run().ok());
  }
  auto differs = RunCli("store verify " + store, d);
  EXPECT_EQ(differs.exit_code, 4);
  EXPECT_NE(differs.err.find("store tallies 'countries 2019' in " + store + "/store.db differ from a recomputation"),
            std::string::npos)
      << differs.err;
  ASSERT_EQ(RunCli("store update -q " + store, d).exit_code, 0);

  // A catalog of format 2: its tallies in tables, none in `tallies`.
  {
    store::Db db;
    ASSERT_TRUE(db.Open(store + "/store.db", false).ok());
    ASSERT_TRUE(db.Exec("DELETE FROM tallies; UPDATE meta SET value = '2' WHERE key = 'format_version'; "
                        "CREATE TABLE org_year(year INTEGER, org INTEGER, p INTEGER, p_frac REAL, p_int INTEGER)")
                    .ok());
  }
  for (const auto& q : queries) {
    auto old = RunCli(q + " --store " + store, d);
    EXPECT_EQ(old.exit_code, 4) << q;
    EXPECT_NE(old.err.find("before catalog format 3"), std::string::npos) << old.err;
    EXPECT_NE(old.err.find("store update " + store), std::string::npos) << old.err;
  }
  ASSERT_EQ(RunCli("store update -q " + store, d).exit_code, 0);
  EXPECT_NE(RunCli("store info " + store, d).out.find("catalog format 3"), std::string::npos);
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
  for (size_t i = 0; i < queries.size(); ++i) EXPECT_EQ(RunCli(queries[i] + " --store " + store, d).out, before[i]);
  store::Db db;
  ASSERT_TRUE(db.Open(store + "/store.db", false).ok());
  auto tables = db.Prepare("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('org_year', 'orgs', 'country_pairs')");
  ASSERT_TRUE(tables.ok());
  Status st;
  ASSERT_TRUE(tables->Step(&st));
  EXPECT_EQ(tables->Int(0), 0);
}

TEST(Store, FactsFileBlocksDamagedBehindTheirChecksumsAndOtherVersions) {
  TempDir dir;
  const std::string d = dir.path().string();
  Generate(dir.File("data"), 3000, 22, 2);
  const std::string store = dir.File("store");
  ASSERT_EQ(RunCli("store build -q " + store + " --registry " + kRor + " " + dir.File("data"), d).exit_code, 0);
  const std::string facts = store + "/facts-00000001.bin";
  const std::string query = "indicators -q --timings --format json --org 02feahw73 --store " + store;
  auto good = RunCli(query, d);
  ASSERT_EQ(good.exit_code, 0) << good.err;
  ASSERT_NE(good.err.find("works (facts file)"), std::string::npos) << good.err;
  const std::string bytes = ReadFile(facts);
  auto u32 = [](const std::string& b, size_t at) {
    uint32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
  };
  auto u64 = [](const std::string& b, size_t at) {
    uint64_t v;
    std::memcpy(&v, b.data() + at, 8);
    return v;
  };
  auto put32 = [](std::string* b, size_t at, uint32_t v) { std::memcpy(b->data() + at, &v, 4); };
  // The entry table's crc (header byte 48), then the header's (byte 28), made right again.
  auto reseal = [&](std::string b) {
    const uint64_t at = u64(b, 32), n = u64(b, 40);
    put32(&b, 48, store::Crc32(b.data() + at, n));
    put32(&b, 28, 0);
    put32(&b, 28, store::Crc32(b.data(), 64));
    return b;
  };
  const uint64_t table_at = u64(bytes, 32), table_bytes = u64(bytes, 40);
  const uint64_t entries = u32(bytes, 52), keys = u32(bytes, 56);
  const uint64_t key_blocks = (keys + 63) / 64, entry_blocks = (entries + 255) / 256;
  const uint64_t fixed = (key_blocks * 2 + 1 + entry_blocks + 1) * 8;
  const uint64_t key_bytes = u64(bytes, table_at + key_blocks * 8 + key_blocks * 8);
  const uint64_t frames_at = table_at + fixed + key_bytes;
  ASSERT_GT(entry_blocks, 1u);
  ASSERT_EQ(frames_at + u64(bytes, table_at + (key_blocks * 2 + 1 + entry_blocks) * 8), table_at + table_bytes);

  // Every zstd frame garbled: entries do not decode.
  std::string frames = bytes;
  for (uint64_t i = frames_at; i < table_at + table_bytes; ++i) frames[i] = static_cast<char>(frames[i] ^ 0x5c);
  WriteFile(facts, reseal(frames));
  auto q1 = RunCli(query, d);
  EXPECT_EQ(q1.exit_code, 4) << q1.out;
  EXPECT_NE(q1.err.find("facts-00000001.bin is damaged: entry"), std::string::npos) << q1.err;
  EXPECT_NE(q1.err.find("does not decode"), std::string::npos) << q1.err;
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 4);

  // The key bytes garbled: the key block the scope reads does not decode.
  std::string keyed = bytes;
  for (uint64_t i = table_at + fixed; i < frames_at; ++i) keyed[i] = static_cast<char>(0xff);
  WriteFile(facts, reseal(keyed));
  auto q2 = RunCli(query, d);
  EXPECT_EQ(q2.exit_code, 4) << q2.out;
  EXPECT_NE(q2.err.find("facts-00000001.bin is damaged: key block"), std::string::npos) << q2.err;

  // Another format version (an older coopscope's file): the works are
  // decoded instead, same answer; verify asks for the file to be written again.
  std::string older = bytes;
  put32(&older, 8, 1);
  WriteFile(facts, reseal(older));
  auto q3 = RunCli(query, d);
  EXPECT_EQ(q3.exit_code, 0) << q3.err;
  EXPECT_NE(q3.err.find("works (decoded)"), std::string::npos) << q3.err;
  EXPECT_EQ(q3.out, good.out);
  auto v3 = RunCli("store verify " + store, d);
  EXPECT_EQ(v3.exit_code, 4);
  EXPECT_NE(v3.err.find("facts-00000001.bin is damaged: it differs from a recomputation"), std::string::npos) << v3.err;
  // A settle writes the current version again.
  ASSERT_EQ(RunCli("store update -q " + store, d).exit_code, 0);
  auto q4 = RunCli(query, d);
  EXPECT_NE(q4.err.find("works (facts file)"), std::string::npos) << q4.err;
  EXPECT_EQ(q4.out, good.out);
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
}

// One store of the real samples, built once for the tests that only read it.
class StoreReal : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("coopscope_store_real_" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    fs::create_directories(*root_);
    store_ = new std::string((*root_ / "store").string());
    auto built = RunCli("store build -q " + *store_ + kRealRegistries + kRealInputs, root_->string());
    ASSERT_EQ(built.exit_code, 0) << built.err;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete store_;
    delete root_;
  }
  static fs::path* root_;
  static std::string* store_;
};
fs::path* StoreReal::root_ = nullptr;
std::string* StoreReal::store_ = nullptr;

// A segment parses its dictionary when opened (Ref, lineage, names): every
// entry must equal the one Dict decodes from the bytes, and Decode's entry of
// each reference must be the entry the reference was copied from.
TEST_F(StoreReal, ParsedDictionaryAgreesWithDecodedEntries) {
  const std::string& store = *store_;
  size_t entries = 0, refs = 0;
  for (const auto& e : fs::directory_iterator(store + "/segments")) {
    auto reader = store::SegmentReader::Open(e.path().string(), true);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    const store::SegmentReader& r = *reader.value();
    store::DictRef ref;
    for (uint32_t d = 0; d < r.dict_size(); ++d, ++entries) {
      ASSERT_TRUE(r.Dict(d, &ref).ok());
      const InstitutionRef& parsed = r.Ref(d);
      EXPECT_EQ(parsed.id, ref.ref.id);
      EXPECT_EQ(parsed.ror, ref.ref.ror);
      EXPECT_EQ(parsed.country, ref.ref.country);
      EXPECT_EQ(parsed.type, ref.ref.type);
      EXPECT_EQ(parsed.has_lineage, ref.ref.has_lineage);
      EXPECT_EQ(std::vector<OpenAlexId>(r.lineage() + parsed.lineage_begin, r.lineage() + parsed.lineage_end),
                ref.lineage);
      EXPECT_EQ(r.Name(parsed), ref.name);
    }
    Work w;
    std::vector<uint32_t> of_ref;
    for (uint32_t row = 0; row < r.works(); ++row) {
      ASSERT_TRUE(r.Decode(row, &w, &of_ref).ok());
      ASSERT_EQ(of_ref.size(), w.institutions.size());
      for (size_t i = 0; i < of_ref.size(); ++i, ++refs) {
        const InstitutionRef& a = w.institutions[i];
        const InstitutionRef& b = r.Ref(of_ref[i]);
        EXPECT_EQ(a.id, b.id);
        EXPECT_EQ(a.ror, b.ror);
        EXPECT_EQ(w.InstitutionName(a), r.Name(b));
      }
    }
  }
  EXPECT_GT(entries, 100u);
  EXPECT_GT(refs, entries);
}

// info and countries read the catalog only: the registry is counted, not decoded.
TEST_F(StoreReal, SnapshotsOpenWithoutTheRegistryWhenAsked) {
  const std::string& store = *store_;
  auto full = store::Snapshot::Open(store, false);
  auto bare = store::Snapshot::Open(store, false, false);
  ASSERT_TRUE(full.ok() && bare.ok());
  EXPECT_GT(full.value()->registry().size(), 1000u);
  EXPECT_EQ(full.value()->registry_size(), full.value()->registry().size());
  EXPECT_EQ(bare.value()->registry_size(), full.value()->registry().size());
  EXPECT_EQ(bare.value()->registry().size(), 0u);
  EXPECT_EQ(bare.value()->totals().live_works, full.value()->totals().live_works);
  auto a = full.value()->Countries(2020), b = bare.value()->Countries(2020);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) EXPECT_EQ((*a)[i].copubs, (*b)[i].copubs);
  auto info = RunCli("store info " + store, root_->string());
  EXPECT_NE(info.out.find(fmt::format("registry         {} organisations", full.value()->registry().size())),
            std::string::npos)
      << info.out;
}

// Issue 3, "segments built separately must be mergeable": stores built
// separately and merged (`store merge`) answer like one build over all their
// inputs (indicators of three organisations, rank by p and by p_frac,
// countries, store info) and pass verify, into a new store and into one
// holding A; merging again adds nothing; merges killed at spread positions and
// run again end with the same answers; sources are only read; a store with
// other country rules, the store itself or a folder that is no store cannot be
// merged.
TEST(Store, MergedStoresEqualOneBuild) {
  TempDir dir;
  const std::string d = dir.path().string();
  Generate(dir.File("all"), 8000, 29, 6);
  auto parts = Parts(dir.File("all"));
  ASSERT_GE(parts.size(), 4u);
  for (size_t i = 0; i < parts.size(); ++i) {
    fs::path to = fs::path(dir.File(i < parts.size() / 2 ? "A" : "B")) / fs::relative(parts[i], dir.File("all"));
    fs::create_directories(to.parent_path());
    fs::copy_file(parts[i], to);
  }
  // Ids merged away (from B's last part), and two records B rejects.
  WriteFile(dir.File("B/merged_ids/works/2025-09-01.csv"), MergedIdsCsv(ReadFile(parts.back().string()), 10));
  WriteFile(dir.File("B/works/updated_date=2025-09-01/part_000.jsonl"),
            "{\"id\":\"https://openalex.org/W7\"}\nnot json\n");

  const std::string reg = " --registry " + kRor;
  ASSERT_EQ(RunCli("store build -q " + dir.File("a") + reg + " " + dir.File("A"), d).exit_code, 0);
  ASSERT_EQ(RunCli("store build -q " + dir.File("b") + reg + " " + dir.File("B"), d).exit_code, 0);
  ASSERT_EQ(RunCli("store build -q " + dir.File("ab") + reg + " " + dir.File("A") + " " + dir.File("B"), d).exit_code,
            0);
  const std::vector<std::string> queries = {"indicators -q --format json --org 02feahw73",
                                            "indicators -q --format json --org I5000000757",
                                            "indicators -q --format json --org 05f82e368",
                                            "rank --format csv --top 0 --year 2021",
                                            "rank --format csv --top 0 --year 2019 --by p_frac",
                                            "countries --format csv --top 0 --year 2019"};
  auto answers = [&](const std::string& store) {
    std::vector<std::string> out;
    for (const std::string& q : queries) {
      auto r = RunCli(q + " --store " + store, d);
      EXPECT_EQ(r.exit_code, 0) << q << " on " << store << ": " << r.err;
      out.push_back(r.out);
    }
    return out;
  };
  // Without the first line (the folder's name) and the store's size (the
  // catalog file's size depends on its history: SQLite keeps freed pages).
  auto figures = [&](const std::string& store) {
    auto info = RunCli("store info " + store, d);
    std::string out = info.out.substr(info.out.find('\n'));
    if (auto at = out.find("\nstore size"); at != std::string::npos) out.erase(at, out.find('\n', at + 1) - at);
    return out;
  };
  auto same_as_one_build = [&](const std::string& store, const std::vector<std::string>& expected) {
    std::vector<std::string> got = answers(store);
    for (size_t q = 0; q < queries.size(); ++q) EXPECT_EQ(got[q], expected[q]) << queries[q] << " on " << store;
    EXPECT_EQ(figures(store), figures(dir.File("ab"))) << store;
    auto verify = RunCli("store verify " + store, d);
    EXPECT_EQ(verify.exit_code, 0) << store << ": " << verify.err;
  };
  const std::vector<std::string> expected = answers(dir.File("ab"));

  const std::string merge_ab = " " + dir.File("a") + " " + dir.File("b");
  auto t0 = std::chrono::steady_clock::now();
  auto merged_run = RunCli("store merge " + dir.File("m") + merge_ab, d);
  const int total_us = static_cast<int>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  ASSERT_EQ(merged_run.exit_code, 0) << merged_run.err;
  EXPECT_NE(merged_run.err.find("files merged"), std::string::npos) << merged_run.err;
  // Into a store that already holds A: B's files come after A's, as in the joint build.
  ASSERT_EQ(RunCli("store build -q " + dir.File("m2") + reg + " " + dir.File("A"), d).exit_code, 0);
  ASSERT_EQ(RunCli("store merge -q " + dir.File("m2") + " " + dir.File("b"), d).exit_code, 0);
  for (const std::string& store : {dir.File("m"), dir.File("m2")}) same_as_one_build(store, expected);
  EXPECT_NE(figures(dir.File("m")).find("merged away      10"), std::string::npos) << figures(dir.File("m"));
  EXPECT_NE(figures(dir.File("m")).find("rejected 2 "), std::string::npos) << figures(dir.File("m"));
  // Again: nothing new, same answers.
  auto again = RunCli("store merge " + dir.File("m") + merge_ab, d);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("0 files merged"), std::string::npos) << again.err;
  EXPECT_EQ(figures(dir.File("m")), figures(dir.File("ab")));
  // Killed merges, run again.
  for (int k = 1; k <= 4; ++k) {
    const std::string target = dir.File("k" + std::to_string(k));
    RunAndKill("store merge -q " + target + merge_ab, total_us * k / 5);
    auto resumed = RunCli("store merge -q " + target + merge_ab, d);
    ASSERT_EQ(resumed.exit_code, 0) << "kill " << k << " after " << total_us * k / 5 << " us: " << resumed.err;
    same_as_one_build(target, expected);
  }
  // The sources are only read.
  EXPECT_EQ(RunCli("store verify " + dir.File("a"), d).exit_code, 0);
  // Misuse.
  ASSERT_EQ(RunCli("store build -q --no-overseas-as-fr " + dir.File("c") + reg + " " + dir.File("A"), d).exit_code, 0);
  auto rules = RunCli("store merge " + dir.File("m") + " " + dir.File("c"), d);
  EXPECT_NE(rules.exit_code, 0);
  EXPECT_NE(rules.err.find("country rules"), std::string::npos) << rules.err;
  auto self = RunCli("store merge " + dir.File("m") + " " + dir.File("m"), d);
  EXPECT_NE(self.exit_code, 0);
  EXPECT_NE(self.err.find("being merged into"), std::string::npos) << self.err;
  // A source that is not a store: a clear error, and no target left behind.
  auto bad = RunCli("store merge " + dir.File("never") + " " + dir.File("a") + " " + dir.File("A"), d);
  EXPECT_EQ(bad.exit_code, 4);
  EXPECT_NE(bad.err.find("is not a coopscope store"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(dir.File("never")));
}

// A work W<id> of 2020 with one authorship: its institutions (JSON objects
// joined by commas) and one stated country.
std::string OneAuthorshipWork2020(int id, const std::string& institutions, const char* country) {
  return fmt::format(
      R"({{"id":"https://openalex.org/W{}","publication_year":2020,"updated_date":"2024-01-01",)"
      R"("authorships":[{{"author":{{"id":"https://openalex.org/A{}"}},"institutions":[{}],"countries":["{}"]}}]}})"
      "\n",
      id, id, institutions, country);
}

// Two works files state two OpenAlex ids for CNRS's ROR id (the registry,
// from ROR, knows CNRS by its ROR id alone).  A unit whose ROR parent is CNRS
// rolls up under the id stated first in the input (a.jsonl before b.jsonl),
// whichever ingest thread commits its segment first: with two threads the
// one-work b.jsonl is committed long before the 30,000-work a.jsonl
// (docs/store-format.md, "Tallies").
TEST(Store, RolledUpIdsFollowTheInputOrderNotTheThreads) {
  TempDir dir;
  const std::string d = dir.path().string();
  auto work = [](int id, const std::string& inst) { return OneAuthorshipWork2020(id, inst, "FR"); };
  const std::string cnrs =
      R"({"id":"https://openalex.org/I1294671590","ror":"https://ror.org/02feahw73","country_code":"FR"})";
  const std::string unit =  // FR 3459, a CNRS unit in the ROR subset; I777 is in no registry
      R"({"id":"https://openalex.org/I777","ror":"https://ror.org/00190j002","country_code":"FR"})";
  const std::string other =
      R"({"id":"https://openalex.org/I4242","ror":"https://ror.org/02feahw73","country_code":"FR"})";
  std::string a, b = work(900000, other);
  for (int i = 1; i <= 30000; ++i) a += work(i, i % 2 ? cnrs : unit);
  WriteFile(dir.File("in/a.jsonl"), a);
  WriteFile(dir.File("in/b.jsonl"), b);

  const std::string expected =
      "rank,org,ror,name,country,type,p,p_frac,p_int_collab,pp_int_collab\n"
      "1,I1294671590,02feahw73,Centre National de la Recherche Scientifique,FR,government,30000,30000,0,0\n";
  bool b_committed_first = false;
  for (int build = 0; build < 4; ++build) {
    const unsigned threads = build == 0 ? 1 : 2;
    const std::string store = dir.File(fmt::format("s{}", build));
    auto built = RunCli(fmt::format("store build -q {} --registry {} {} --threads {}", store, kRor, dir.File("in"),
                                    threads),
                        d);
    ASSERT_EQ(built.exit_code, 0) << built.err;
    auto rank = RunCli("rank --format csv --top 1 --year 2020 --store " + store, d);
    ASSERT_EQ(rank.exit_code, 0) << rank.err;
    EXPECT_EQ(rank.out, expected) << threads << " threads";
    // Which file's segment was committed first (segment ids follow commits).
    store::Db db;
    ASSERT_TRUE(db.Open(store + "/store.db", false).ok());
    auto first = db.Prepare("SELECT f.path FROM segments s JOIN files f ON f.id = s.file_id ORDER BY s.id LIMIT 1");
    ASSERT_TRUE(first.ok());
    Status st;
    ASSERT_TRUE(first->Step(&st)) << st.message();
    if (threads == 2 && first->Text(0).find("b.jsonl") != std::string::npos) b_committed_first = true;
  }
  // Otherwise the test did not meet the case it is about.
  EXPECT_TRUE(b_committed_first);
}

// A real work of ../shared/data (W2153579005, five Google authorships):
// OpenAlex's lineage tops Google with Alphabet's OpenAlex id (I4210128969),
// for which no work states a ROR id, while the registry tops it with
// Alphabet's ROR id (02e9yx751, Google's parent there), for which no work
// states an OpenAlex id. The ranking counts Alphabet once, under the
// registry's id, as `indicators --org 02e9yx751` counts it
// (docs/store-format.md, "Tallies"). A lineage top the works name (Harvard
// here) is another organisation and keeps its own row.
TEST(Store, ALineageTopTheRegistryCannotNameIsItsParentOnce) {
  TempDir dir;
  const std::string d = dir.path().string();
  auto work = [](int id, const std::string& insts) { return OneAuthorshipWork2020(id, insts, "US"); };
  const std::string google =
      R"({"id":"https://openalex.org/I1291425158","ror":"https://ror.org/00njsd438","country_code":"US",)"
      R"("type":"company","lineage":["https://openalex.org/I1291425158","https://openalex.org/I4210128969"]})";
  // A lineage top the works name with a ROR id of its own (Harvard's): a
  // second organisation beside the registry's parent.
  const std::string google_in_harvard =
      R"({"id":"https://openalex.org/I1291425158","ror":"https://ror.org/00njsd438","country_code":"US",)"
      R"("type":"company","lineage":["https://openalex.org/I1291425158","https://openalex.org/I136199984"]})";
  const std::string harvard =
      R"({"id":"https://openalex.org/I136199984","ror":"https://ror.org/03vek6s52","country_code":"US"})";
  WriteFile(dir.File("in/a.jsonl"), work(1, google) + work(2, google_in_harvard) + work(3, harvard));
  const std::string store = dir.File("s");
  auto built = RunCli(fmt::format("store build -q {} --registry {} {}", store, kRor, dir.File("in")), d);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  auto rank = RunCli("rank --format csv --top 0 --year 2020 --store " + store, d);
  ASSERT_EQ(rank.exit_code, 0) << rank.err;
  EXPECT_EQ(rank.out,
            "rank,org,ror,name,country,type,p,p_frac,p_int_collab,pp_int_collab\n"
            "1,I136199984,03vek6s52,Harvard University,US,education,2,2,0,0\n"
            "2,02e9yx751,02e9yx751,Alphabet (United States),US,company,2,2,0,0\n");
  // The method the ranking states is the one it follows: both roll-ups, and the rule above.
  auto stated = RunCli("rank --format json --year 2020 --store " + store, d);
  ASSERT_EQ(stated.exit_code, 0) << stated.err;
  for (const char* part : {"OpenAlex lineage, then through the registry's ROR parent relations",
                           "a lineage id the registry cannot name, beside a registry parent known by its ROR id only, "
                           "is that parent, counted once under its ROR id"})
    EXPECT_NE(stated.out.find(part), std::string::npos) << part;
  // The row's works are the organisation's, as `indicators` counts them.
  for (const char* org : {"02e9yx751", "I136199984"}) {
    auto ind = RunCli(fmt::format("indicators -q --format json --years 2020 --org {} --store {}", org, store), d);
    ASSERT_EQ(ind.exit_code, 0) << ind.err;
    EXPECT_NE(ind.out.find("\"p\": 2, \"p_frac\": 2,"), std::string::npos) << org << ind.out.substr(0, 400);
  }
}

// Segment format 3 (docs/store-format.md): every field a row keeps, its
// year, type, field and citations among them, decodes as the work gave it,
// on the real records (packed: the citations above year, type and field) and
// on works whose citations do not fit above them (kept apart).
void ExpectSameWork(const Work& in, const Work& out) {
  EXPECT_EQ(out.id, in.id);
  EXPECT_EQ(out.year, in.year) << in.id;
  EXPECT_EQ(out.updated_micros, in.updated_micros) << in.id;
  EXPECT_EQ(out.type, in.type) << in.id;
  EXPECT_EQ(out.field, in.field) << in.id;
  EXPECT_EQ(out.citations, in.citations) << in.id;
  ASSERT_EQ(out.authorships.size(), in.authorships.size()) << in.id;
  ASSERT_EQ(out.institutions.size(), in.institutions.size()) << in.id;
  for (size_t i = 0; i < in.institutions.size(); ++i) {
    EXPECT_EQ(out.institutions[i].id, in.institutions[i].id) << in.id;
    EXPECT_EQ(out.institutions[i].ror, in.institutions[i].ror) << in.id;
    EXPECT_EQ(out.InstitutionName(out.institutions[i]), in.InstitutionName(in.institutions[i])) << in.id;
  }
}

TEST(Segment, RowsDecodeAsTheyWereAdded) {
  TempDir dir;
  // The real records, read as `store build` reads them.
  std::vector<Work> works;
  {
    JsonRecordReader reader(Limits{}, nullptr);
    WorkParser parser;
    Work work;
    RecordFn fn = [&](simdjson::ondemand::object& obj, const RecordPos&) -> Status {
      Status st = parser.Parse(obj, &work);
      if (st.ok()) works.push_back(work);
      return st;
    };
    ReadCounts counts;
    ASSERT_TRUE(reader.ReadFile(SharedData("openalex-works-openalexpro/works_unique.jsonl"), fn, &counts).ok());
  }
  ASSERT_EQ(works.size(), 340u);
  // What the records state (read apart with Python's json module).
  auto by_id = [&](OpenAlexId id) -> const Work& {
    return *std::find_if(works.begin(), works.end(), [&](const Work& w) { return w.id == id; });
  };
  EXPECT_EQ(by_id(100927044).type, "report");
  EXPECT_EQ(by_id(100927044).field, 20);
  EXPECT_EQ(by_id(100927044).citations, 20u);
  EXPECT_EQ(by_id(120796292).type, "article");
  EXPECT_EQ(by_id(120796292).field, 33);
  EXPECT_EQ(by_id(120796292).citations, 1u);
  std::map<std::string, int> types;
  int without_field = 0;
  uint32_t most_cited = 0;
  for (const Work& w : works) {
    ++types[w.type];
    without_field += w.field == 0;
    most_cited = std::max(most_cited, w.citations);
  }
  EXPECT_EQ(types.size(), 10u);
  EXPECT_EQ(types["article"], 229);
  EXPECT_EQ(types["book"], 46);
  EXPECT_EQ(without_field, 12);
  EXPECT_EQ(most_cited, 32760u);

  // Hand-made works at the edges: no year, no type, the largest field and
  // citation count, updated dates far apart (8 bytes of difference), and so
  // many types that the citations no longer fit above the rest.
  std::vector<Work> edges(24);
  for (size_t i = 0; i < edges.size(); ++i) {
    edges[i].id = 10 + i;
    edges[i].year = 1990;
    edges[i].type = fmt::format("type {}", i);
  }
  edges[0].year = 0, edges[0].type.clear();
  edges[1].year = 2999, edges[1].type = "a type no one uses", edges[1].field = 65535;
  edges[1].citations = UINT32_MAX, edges[1].updated_micros = INT64_MAX / 2;
  edges[2].year = 1000, edges[2].updated_micros = -INT64_MAX / 2;
  edges[3].year = 2020, edges[3].type = "article", edges[3].citations = 7;

  for (const auto* batch : {&works, &edges}) {
    store::SegmentWriter writer;
    for (size_t i = 0; i < batch->size(); ++i) writer.Add((*batch)[i], i);
    const std::string path = dir.File(batch == &works ? "real.seg" : "edges.seg");
    auto stats = writer.Finish(path);
    ASSERT_TRUE(stats.ok()) << stats.status().message();
    ASSERT_EQ(stats->works, batch->size());
    auto reader = store::SegmentReader::Open(path, /*verify_checksums=*/true);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    ASSERT_TRUE(reader.value()->VerifyAll().ok());
    std::map<OpenAlexId, const Work*> sorted;
    for (const Work& w : *batch) sorted[w.id] = &w;
    uint32_t row = 0;
    Work out;
    for (const auto& [id, in] : sorted) {
      ASSERT_TRUE(reader.value()->Decode(row, &out).ok());
      ExpectSameWork(*in, out);
      auto updated = reader.value()->Updated(row++);
      ASSERT_TRUE(updated.ok());
      EXPECT_EQ(updated.value(), in->updated_micros);
    }
  }
}

// The segment writer's and the facts file's dictionary index: every key
// found again under the number it was given, through growth, with keys that
// are prefixes of one another and the empty key.
TEST(BytesIndex, FindsEveryKeyAgainAndTellsNewFromKnown) {
  store::BytesIndex index;
  std::string buffer;
  std::vector<size_t> offsets{0};
  auto bytes_of = [&](uint32_t e) { return std::string_view(buffer).substr(offsets[e], offsets[e + 1] - offsets[e]); };
  std::map<std::string, uint32_t> reference;
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 6000; ++i) {
      std::string key(rng() % 12, 'a');  // many keys prefixes of others, and ""
      for (char& c : key) c = static_cast<char>('a' + rng() % 3);
      bool added = false;
      const uint32_t got = index.FindOrAdd(key, static_cast<uint32_t>(offsets.size() - 1), bytes_of, &added);
      auto [it, fresh] = reference.try_emplace(key, got);
      EXPECT_EQ(added, fresh) << key;
      EXPECT_EQ(got, it->second) << key;
      if (added) {
        buffer += key;
        offsets.push_back(buffer.size());
      }
    }
    EXPECT_GT(reference.size(), 1000u);
    if (round == 0) {  // after Clear, every key is new again
      index.Clear();
      buffer.clear();
      offsets.assign(1, 0);
      reference.clear();
    }
  }
}

TEST(Store, ClearErrorsForMisuse) {
  TempDir dir;
  const std::string d = dir.path().string();
  auto not_store = RunCli("indicators --org I1 --store " + dir.File("nothing"), d);
  EXPECT_EQ(not_store.exit_code, 4);
  EXPECT_NE(not_store.err.find("is not a coopscope store"), std::string::npos) << not_store.err;
  auto update_missing = RunCli("store update " + dir.File("nothing") + kRealInputs, d);
  EXPECT_EQ(update_missing.exit_code, 4);
  EXPECT_NE(update_missing.err.find("store build"), std::string::npos) << update_missing.err;
  auto bad_by = RunCli("rank --store " + dir.File("nothing") + " --year 2020 --by h_index", d);
  EXPECT_EQ(bad_by.exit_code, 2);
}

}  // namespace
}  // namespace coopscope::testing
