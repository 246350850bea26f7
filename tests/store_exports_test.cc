// The store fed with Web of Science, Scopus, BibTeX and HAL exports
// (docs/store-format.md, "Exports"): answers byte-identical to streaming runs
// over the same files and registry, alone, mixed with OpenAlex works, after an
// update resolved with the stored registry, and after killed builds; exports
// refused without a registry; damaged records kept as rejects.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "store/sqlite.h"
#include "store/store.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

namespace fs = std::filesystem;

// Canonical paths, as the store's ledger and rejects name files.
std::string Data(const std::string& relative) { return fs::weakly_canonical(SharedData(relative)).string(); }

const std::string kRor = Data("ror-records-subset/ror_v2_subset_latest.json.gz");
// Every real export: WoS tab-delimited and tagged, Scopus CSV, BibTeX, HAL JSON.
const std::string kExports = " " + Data("wos-scientopy-ble") + " " + Data("wos-scopus-metaknowledge") +
                             " " + Data("scopus-litstudy") + " " + Data("hal-etbx-inrae");
const std::string kOpenAlex =
    " " + Data("openalex-works-openalexpro") + " " + Data("openalex-snapshot-sample-2023");
const std::string kBothRegistries =
    " --registry " + kRor + " --registry " + Data("openalex-snapshot-sample-2023/institutions");
// CNRS, and INRAE (the HAL and BibTeX exports are of one of its units).
const char* kOrgs[] = {"02feahw73", "003vg9w96"};

// Streaming JSON and the JSON of each store for one organisation, which has works.
void ExpectSameAnswer(const std::string& org, const std::string& registries, const std::string& inputs,
                      const std::vector<std::string>& stores, const std::string& scratch) {
  auto streamed = RunCli("indicators -q --format json --org " + org + registries + inputs, scratch);
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  EXPECT_NE(streamed.out.find("\"in_scope\": "), std::string::npos);
  EXPECT_EQ(streamed.out.find("\"in_scope\": 0,"), std::string::npos) << "org " << org << " has no works";
  for (const std::string& store : stores) {
    auto stored = RunCli("indicators -q --format json --org " + org + " --store " + store, scratch);
    ASSERT_EQ(stored.exit_code, 0) << stored.err;
    EXPECT_EQ(streamed.out, stored.out) << "org " << org << ", store " << store;
  }
}

// The "records read" line of `store info`.
std::string CountsLine(const std::string& info) {
  size_t b = info.find("records read");
  return b == std::string::npos ? "" : info.substr(b, info.find('\n', b) - b);
}

TEST(StoreExports, RealExportsAnswerLikeStreaming) {
  TempDir dir;
  const std::string d = dir.path().string(), store = dir.File("store");
  auto built = RunCli("store build -q --threads 2 " + store + " --registry " + kRor + kExports, d);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  for (const char* org : kOrgs) ExpectSameAnswer(org, " --registry " + kRor, kExports, {store}, d);
  auto info = RunCli("store info " + store, d);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  // The counts streaming reports over the same files (its JSON "ingest").
  EXPECT_EQ(CountsLine(info.out), "records read     5202 = accepted 4791 + rejected 1 + duplicates 410") << info.out;
  EXPECT_NE(info.out.find("exports          17 files (bibtex 7, hal 1, scopus 2, wos 2, wos-tab 5) resolved with the "
                          "registry of 35990 organisations"),
            std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("the store's (" + kRor + ")"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("catalog format 3"), std::string::npos) << info.out;
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
  // The one reject, with file, line, offset and reason (as streaming gives it).
  ASSERT_EQ(RunCli("indicators -q --org 02feahw73 --store " + store + " --rejects " + dir.File("t.tsv"), d).exit_code,
            0);
  EXPECT_EQ(ReadFile(dir.File("t.tsv")), "file\tline\toffset\tkind\treason\n" +
                                             Data("wos-scopus-metaknowledge/testFile.isi") +
                                             "\t415\t19624\tparse\tline 416 is neither a field tag nor a continuation\n");
  // Building again reads nothing new.
  auto again = RunCli("store build " + store + kExports, d);
  EXPECT_NE(again.err.find("0 new files ingested"), std::string::npos) << again.err;
}

// Exports mixed with OpenAlex works, in one build and as an update that
// resolves them with the registry the store holds (decoded from the catalog:
// its acronyms and cities must survive for the matcher to agree).
TEST(StoreExports, MixedWithOpenAlexAndAddedByAnUpdate) {
  TempDir dir;
  const std::string d = dir.path().string();
  ASSERT_EQ(RunCli("store build -q " + dir.File("mixed") + kBothRegistries + kOpenAlex + kExports, d).exit_code, 0);
  ASSERT_EQ(RunCli("store build -q " + dir.File("updated") + kBothRegistries + kOpenAlex, d).exit_code, 0);
  auto update = RunCli("store update -q " + dir.File("updated") + kExports, d);
  ASSERT_EQ(update.exit_code, 0) << update.err;
  for (const char* org : kOrgs)
    ExpectSameAnswer(org, kBothRegistries, kOpenAlex + kExports, {dir.File("mixed"), dir.File("updated")}, d);
  auto a = RunCli("store info " + dir.File("mixed"), d), b = RunCli("store info " + dir.File("updated"), d);
  EXPECT_EQ(CountsLine(a.out), CountsLine(b.out));
  EXPECT_NE(CountsLine(a.out), "");
}

// The registry the store holds keeps ROR's "related" links, which the
// matcher reads (the Institut Pasteur and its network abroad).
TEST(StoreExports, StoredRegistryKeepsRelatedLinks) {
  TempDir dir;
  const std::string d = dir.path().string();
  ASSERT_EQ(RunCli("store build -q " + dir.File("s") + " --registry " + kRor + kOpenAlex, d).exit_code, 0);
  auto snap = store::Snapshot::Open(dir.File("s"), false, true);
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  const RegistryEntry* pasteur = snap.value()->registry().FindRor(ParseRorId("https://ror.org/04pwyer06"));
  ASSERT_NE(pasteur, nullptr);  // the Institut Pasteur de Tunis
  EXPECT_NE(std::find(pasteur->ror_related.begin(), pasteur->ror_related.end(), ParseRorId("0495fxg12")),
            pasteur->ror_related.end());
}

TEST(StoreExports, RefusedWithoutARegistry) {
  TempDir dir;
  const std::string d = dir.path().string();
  const std::string hal = Data("hal-etbx-inrae/hal_api_ETBX_2017_2020.json");
  auto fresh = RunCli("store build " + dir.File("new") + " " + hal, d);
  EXPECT_EQ(fresh.exit_code, 2) << fresh.err;
  EXPECT_NE(fresh.err.find(hal + " is a hal export"), std::string::npos) << fresh.err;
  EXPECT_NE(fresh.err.find("give --registry"), std::string::npos) << fresh.err;
  EXPECT_FALSE(fs::exists(dir.File("new")));  // refused before anything was created
  // A store without a registry: its update with exports is refused, the store unchanged.
  ASSERT_EQ(RunCli("store build -q " + dir.File("plain") + kOpenAlex, d).exit_code, 0);
  auto before = RunCli("store info " + dir.File("plain"), d);
  auto update = RunCli("store update " + dir.File("plain") + " " + hal, d);
  EXPECT_EQ(update.exit_code, 2) << update.err;
  EXPECT_NE(update.err.find("holds no registry"), std::string::npos) << update.err;
  EXPECT_EQ(RunCli("store info " + dir.File("plain"), d).out, before.out);
  // A store whose registry rows are of catalog format 1 (no acronyms, no
  // cities): refused until --registry stores a new one.
  ASSERT_EQ(RunCli("store build -q " + dir.File("old") + " --registry " + kRor + kOpenAlex, d).exit_code, 0);
  {
    store::Db db;
    ASSERT_TRUE(db.Open(dir.File("old") + "/store.db", false).ok());
    ASSERT_TRUE(db.Exec("UPDATE meta SET value = '1' WHERE key = 'format_version'").ok());
  }
  auto old = RunCli("store update " + dir.File("old") + " " + hal, d);
  EXPECT_EQ(old.exit_code, 2) << old.err;
  EXPECT_NE(old.err.find("catalog format 1"), std::string::npos) << old.err;
  EXPECT_NE(RunCli("store info " + dir.File("old"), d).out.find("catalog format 1"), std::string::npos);
  auto renewed = RunCli("store update -q " + dir.File("old") + " --registry " + kRor + " " + hal, d);
  EXPECT_EQ(renewed.exit_code, 0) << renewed.err;
  EXPECT_NE(RunCli("store info " + dir.File("old"), d).out.find("catalog format 3"), std::string::npos);
}

// A damaged record of an export is a reject naming file, line and byte
// offset; the other records load and the counts reconcile.
TEST(StoreExports, DamagedRecordIsARejectWithFileLineOffset) {
  TempDir dir;
  const std::string d = dir.path().string();
  const std::string isi = dir.File("in/a.isi"), csv = dir.File("in/c.csv");
  WriteFile(isi,
            "FN Clarivate\nVR 1.0\nPT J\nAU Kim, S\nC1 Univ Wisconsin, Madison, WI 53706 USA.\nPY 2000\nUT WOS:1\nER\n\n"
            "PT J\nAU Lee, K\nC1 CNRS, Lab Chim, F-69622 Lyon, France.\nUT WOS:2\nER\n\nPT J\nAU X\nPY 2001\nUT WOS:3\n");
  WriteFile(csv,
            "Authors,Author(s) ID,Title,Year,DOI,Affiliations,Authors with affiliations,EID\n"
            "Kim S.,1;,T,2001,10.1/y,\"CNRS, Lyon, France\",\"Kim, S., CNRS, Lyon, France\",2-s2.0-1\n"
            "Roe R.,3;,\"unclosed,2003\n");
  const std::string store = dir.File("store");
  auto built = RunCli("store build -q " + store + " --registry " + kRor + " " + dir.File("in"), d);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  auto snap = store::Snapshot::Open(store, true, false);
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  const IngestReport& g = snap.value()->totals().ingest;
  EXPECT_EQ(g.read, 5u);
  EXPECT_EQ(g.accepted, 2u);
  EXPECT_EQ(g.rejected, 3u);
  EXPECT_EQ(g.read, g.accepted + g.rejected + g.duplicates);
  std::vector<Reject> rejects = snap.value()->Rejects();
  ASSERT_EQ(rejects.size(), 3u);
  const std::string canonical_isi = fs::canonical(isi).string();
  const Reject* no_year = nullptr;
  for (const Reject& r : rejects) {
    EXPECT_GT(r.line, 0u) << r.ToString();
    EXPECT_FALSE(r.reason.empty());
    if (r.file == canonical_isi && r.line == 10) no_year = &r;
  }
  ASSERT_NE(no_year, nullptr) << rejects.front().ToString();
  EXPECT_EQ(no_year->offset, 98u);
  EXPECT_NE(no_year->reason.find("no publication year"), std::string::npos) << no_year->ToString();
  // And as the streaming run reports them.
  ASSERT_EQ(RunCli("indicators -q --org 02feahw73 --registry " + kRor + " " + fs::canonical(dir.File("in")).string() +
                       " --rejects " + dir.File("s.tsv"),
                   d)
                .exit_code,
            0);
  ASSERT_EQ(RunCli("indicators -q --org 02feahw73 --store " + store + " --rejects " + dir.File("t.tsv"), d).exit_code,
            0);
  EXPECT_EQ(ReadFile(dir.File("s.tsv")), ReadFile(dir.File("t.tsv")));
}

// A later registry: export works keep the resolution made when they were
// ingested; new exports are resolved with the new registry; `store info`
// names both and says which is the store's.
TEST(StoreExports, AnotherRegistryLaterKeepsTheResolution) {
  TempDir dir;
  const std::string d = dir.path().string(), store = dir.File("store");
  const std::string france = Data("ror-records-subset/ror_v2_fr_plus_linked.json");
  ASSERT_EQ(RunCli("store build -q " + store + " --registry " + kRor + " " + Data("wos-scientopy-ble"), d).exit_code,
            0);
  auto before = RunCli("indicators -q --format json --org 02feahw73 --store " + store, d);
  ASSERT_EQ(before.exit_code, 0) << before.err;
  auto update = RunCli("store update -q " + store + " --registry " + france + " " + Data("scopus-litstudy"), d);
  ASSERT_EQ(update.exit_code, 0) << update.err;
  auto info = RunCli("store info " + store, d);
  EXPECT_NE(info.out.find("exports          5 files (wos-tab 5) resolved with the registry of 35990 organisations"),
            std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("note: the store's registry is another now; these works keep that resolution"),
            std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("exports          1 file (scopus 1)"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find(", the store's (" + france + ")"), std::string::npos) << info.out;
  EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0);
  // The new exports equal a streaming run with the new registry.
  ASSERT_EQ(RunCli("store build -q " + dir.File("scopus") + " --registry " + france + " " +
                       Data("scopus-litstudy"),
                   d)
                .exit_code,
            0);
  auto scopus_streamed = RunCli("indicators -q --format json --org 02feahw73 --registry " + france + " " +
                                    Data("scopus-litstudy"),
                                d);
  auto scopus_stored = RunCli("indicators -q --format json --org 02feahw73 --store " + dir.File("scopus"), d);
  EXPECT_EQ(scopus_streamed.out, scopus_stored.out);
}

TEST(StoreExportsSlow, KilledBuildsResumeToTheSameStore) {
  TempDir dir;
  const std::string d = dir.path().string();
  const std::string build_args = " --registry " + kRor + " --threads 2" + kExports;
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(RunCli("store build -q " + dir.File("ref") + build_args, d).exit_code, 0);
  const int total_us = static_cast<int>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  const std::string query = "indicators -q --format json --org 02feahw73 --store ";
  auto reference = RunCli(query + dir.File("ref"), d);
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const std::string ref_counts = CountsLine(RunCli("store info " + dir.File("ref"), d).out);
  std::mt19937 rng(7);
  const int kKills = 8;
  for (int k = 0; k < kKills; ++k) {
    const std::string store = dir.File("k" + std::to_string(k));
    int delay = std::uniform_int_distribution<int>(total_us * k / kKills, total_us * (k + 1) / kKills)(rng);
    RunAndKill("store build -q " + store + build_args, delay);
    auto resumed = RunCli("store build -q " + store + build_args, d);
    ASSERT_EQ(resumed.exit_code, 0) << "kill " << k << " after " << delay << " us: " << resumed.err;
    EXPECT_EQ(RunCli("store verify " + store, d).exit_code, 0) << "kill " << k;
    EXPECT_EQ(RunCli(query + store, d).out, reference.out) << "kill " << k << " after " << delay << " us";
    EXPECT_EQ(CountsLine(RunCli("store info " + store, d).out), ref_counts) << "kill " << k;
    fs::remove_all(store);
  }
}

}  // namespace
}  // namespace coopscope::testing
