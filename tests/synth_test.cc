// The synthetic generator (src/synth): reproducibility, the snapshot layout
// and manifest, and the traps it plants for readers (CNRS units with a null
// country, 2022-format records, older duplicates).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "io/byte_stream.h"
#include "model/ids.h"
#include "model/work.h"
#include "sources/openalex/snapshot.h"
#include "sources/openalex/work_parser.h"
#include "synth/generate.h"
#include "test_util.h"

namespace coopscope {
namespace {

namespace fs = std::filesystem;
using testing::SharedData;
using testing::TempDir;

const char kCnrsLineage[] = "https://openalex.org/I1294671590";

std::string RorDump() {
  return SharedData("ror-records-subset/ror_v2_subset_latest.json.gz");
}

GenerateOptions SmallOptions(const std::string& out) {
  GenerateOptions o;
  o.out_dir = out;
  o.works = 2000;
  o.seed = 11;
  o.parts = 5;
  o.registry = RorDump();
  o.duplicate_share = 0.05;
  o.threads = 2;
  return o;
}

// Every file under a folder, by relative path, with its bytes.
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), root).string()] = testing::ReadFile(entry.path().string());
  return files;
}

// The part files, sorted, decompressed.
struct Part {
  std::string path;
  std::vector<std::string> lines;
};

std::vector<Part> ReadParts(const fs::path& root) {
  std::vector<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(root / "works"))
    if (entry.is_regular_file() && entry.path().filename().string().starts_with("part_"))
      paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  std::vector<Part> parts;
  for (const std::string& path : paths) {
    auto text = ReadWholeFile(path);
    EXPECT_TRUE(text.ok()) << path << ": " << text.status().message();
    Part part{path, {}};
    std::string_view rest = text.value();
    while (!rest.empty()) {
      size_t end = rest.find('\n');
      EXPECT_NE(end, std::string_view::npos) << path << " does not end with a newline";
      if (end == std::string_view::npos) break;
      part.lines.emplace_back(rest.substr(0, end));
      rest.remove_prefix(end + 1);
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

// What the tests look at in one record.
struct Record {
  std::string id, updated_date;
  size_t part = 0;
  bool format_2022 = false;
  bool cnrs = false;                   // I1294671590 in some institution's lineage
  bool null_country_cnrs_lab = false;  // a CNRS lab with country_code null, the authorship saying FR
  bool affiliations_only = false;      // institutions [] but affiliations[].institution_ids
  bool no_countries_key = false;       // some authorship without "countries"
  size_t authors = 0;
};

Record Inspect(simdjson::dom::element work, size_t part) {
  Record r;
  r.part = part;
  r.id = std::string(work["id"].get_string().value());
  r.updated_date = std::string(work["updated_date"].get_string().value());
  r.format_2022 = work["host_venue"].error() == simdjson::SUCCESS;
  for (simdjson::dom::element a : work["authorships"].get_array()) {
    ++r.authors;
    simdjson::dom::array countries;
    if (a["countries"].get_array().get(countries)) r.no_countries_key = true;
    bool says_fr = false;
    if (!r.no_countries_key)
      for (auto c : countries) says_fr |= c.get_string().value() == "FR";
    size_t institutions = 0;
    for (simdjson::dom::element inst : a["institutions"].get_array()) {
      ++institutions;
      simdjson::dom::array lineage;
      if (inst["lineage"].get_array().get(lineage)) continue;
      bool in_cnrs = false;
      for (auto id : lineage) in_cnrs |= id.get_string().value() == kCnrsLineage;
      r.cnrs |= in_cnrs;
      if (in_cnrs && inst["country_code"].is_null() && says_fr) r.null_country_cnrs_lab = true;
    }
    simdjson::dom::array affiliations;
    if (institutions == 0 && !a["affiliations"].get_array().get(affiliations))
      for (simdjson::dom::element aff : affiliations)
        if (simdjson::dom::array ids; !aff["institution_ids"].get_array().get(ids) && ids.size() > 0)
          r.affiliations_only = true;
  }
  return r;
}

// "2025-01-14" from ".../updated_date=2025-01-14/part_000.jsonl".
std::string FolderDate(const std::string& path) {
  std::string folder = fs::path(path).parent_path().filename().string();
  return folder.substr(std::string("updated_date=").size());
}

class SynthGenerated : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("coopscope_synth_suite_" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    status_ = new Status(RunGenerate(SmallOptions(root_->string())));
    parts_ = new std::vector<Part>(ReadParts(*root_));
    records_ = new std::vector<Record>;
    simdjson::dom::parser parser;
    for (size_t p = 0; p < parts_->size(); ++p)
      for (const std::string& line : (*parts_)[p].lines) {
        simdjson::dom::element doc;
        if (parser.parse(line).get(doc)) continue;  // counted as invalid by EveryLineIsJson
        records_->push_back(Inspect(doc, p));
      }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
    delete status_;
    delete parts_;
    delete records_;
  }

  // The newest copy of each work.
  static std::map<std::string, const Record*> Newest() {
    std::map<std::string, const Record*> newest;
    for (const Record& r : *records_) {
      auto [it, inserted] = newest.emplace(r.id, &r);
      if (!inserted && r.updated_date > it->second->updated_date) it->second = &r;
    }
    return newest;
  }

  static fs::path* root_;
  static Status* status_;
  static std::vector<Part>* parts_;
  static std::vector<Record>* records_;
};

fs::path* SynthGenerated::root_ = nullptr;
Status* SynthGenerated::status_ = nullptr;
std::vector<Part>* SynthGenerated::parts_ = nullptr;
std::vector<Record>* SynthGenerated::records_ = nullptr;

TEST_F(SynthGenerated, WritesTheSnapshotLayout) {
  ASSERT_TRUE(status_->ok()) << status_->message();
  ASSERT_EQ(parts_->size(), 5u);
  std::set<std::string> folders;
  for (const Part& part : *parts_) {
    fs::path path(part.path);
    EXPECT_TRUE(path.filename().string().starts_with("part_")) << part.path;
    EXPECT_EQ(path.extension(), ".jsonl");
    EXPECT_TRUE(path.parent_path().filename().string().starts_with("updated_date=")) << part.path;
    folders.insert(path.parent_path().filename().string());
  }
  EXPECT_GE(folders.size(), 2u);  // a few updated_date folders
  EXPECT_TRUE(fs::exists(*root_ / "works" / "manifest.json"));
}

TEST_F(SynthGenerated, EveryLineIsJsonTheProjectReaderAccepts) {
  ASSERT_TRUE(status_->ok()) << status_->message();
  simdjson::ondemand::parser parser;
  WorkParser reader;
  Work work;
  size_t lines = 0;
  for (const Part& part : *parts_)
    for (const std::string& line : part.lines) {
      ++lines;
      simdjson::dom::parser dom;
      ASSERT_EQ(dom.parse(line).error(), simdjson::SUCCESS) << part.path << " line " << lines;
      simdjson::padded_string padded(line);
      simdjson::ondemand::document doc;
      ASSERT_EQ(parser.iterate(padded).get(doc), simdjson::SUCCESS);
      simdjson::ondemand::object obj;
      ASSERT_EQ(doc.get_object().get(obj), simdjson::SUCCESS);
      Status st = reader.Parse(obj, &work);
      ASSERT_TRUE(st.ok()) << part.path << " line " << lines << ": " << st.message();
      EXPECT_NE(work.id, 0u);
      EXPECT_GE(work.year, 2015);
      EXPECT_LE(work.year, 2024);
      EXPECT_GT(work.updated_micros, 0);
    }
  EXPECT_EQ(lines, records_->size());
  EXPECT_GT(lines, 2000u);  // the works plus the older copies
}

TEST_F(SynthGenerated, ManifestCountsEveryLineOfEveryPart) {
  ASSERT_TRUE(status_->ok()) << status_->message();
  auto manifest = ReadManifest((*root_ / "works" / "manifest.json").string());
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  ASSERT_EQ(manifest->entries.size(), parts_->size());
  uint64_t total = 0;
  for (const Part& part : *parts_) {
    std::string key = PartKey(part.path);
    auto entry = std::find_if(manifest->entries.begin(), manifest->entries.end(),
                              [&](const ManifestEntry& e) { return e.part_key == key; });
    ASSERT_NE(entry, manifest->entries.end()) << key << " is not in the manifest";
    EXPECT_EQ(entry->record_count, part.lines.size()) << key;
    EXPECT_EQ(entry->content_length, fs::file_size(part.path)) << key;
    total += part.lines.size();
  }
  EXPECT_EQ(manifest->total_records, total);
}

TEST_F(SynthGenerated, AboutFifteenPercentOfWorksHaveACnrsUnit) {
  ASSERT_TRUE(status_->ok()) << status_->message();
  auto newest = Newest();
  ASSERT_EQ(newest.size(), 2000u);
  size_t cnrs = 0;
  for (const auto& [id, r] : newest) cnrs += r->cnrs;
  // 15% of works, less the 5% written in the 2022 format (no lineage).
  double share = static_cast<double>(cnrs) / static_cast<double>(newest.size());
  EXPECT_GT(share, 0.11);
  EXPECT_LT(share, 0.19);
}

TEST_F(SynthGenerated, SomeCnrsLabsHaveANullCountryButAuthorshipsSayFrance) {
  ASSERT_TRUE(status_->ok()) << status_->message();
  size_t traps = 0;
  for (const Record& r : *records_) traps += r.null_country_cnrs_lab;
  EXPECT_GT(traps, 0u);
  for (const Part& part : *parts_)
    for (const std::string& line : part.lines)
      if (line.find("\"country_code\": null, \"type\": \"facility\"") != std::string::npos) return;
  ADD_FAILURE() << "no institution with \"country_code\": null and type facility";
}

TEST_F(SynthGenerated, SomeRecordsAreIn2022Format) {
  ASSERT_TRUE(status_->ok()) << status_->message();
  size_t old_format = 0, without_countries = 0, affiliations_only = 0;
  for (const Record& r : *records_) {
    old_format += r.format_2022;
    if (r.format_2022) {
      without_countries += r.no_countries_key;
      EXPECT_FALSE(r.cnrs) << r.id << ": a 2022-format record with a lineage";
    }
    affiliations_only += r.affiliations_only;
  }
  double share = static_cast<double>(old_format) / static_cast<double>(records_->size());
  EXPECT_GT(share, 0.02);
  EXPECT_LT(share, 0.12);
  EXPECT_EQ(without_countries, old_format);
  EXPECT_GT(affiliations_only, 0u);
  for (const Part& part : *parts_)
    for (const std::string& line : part.lines)
      if (line.find("\"host_venue\"") != std::string::npos) {
        EXPECT_NE(line.find("\"raw_affiliation_string\""), std::string::npos);
        EXPECT_EQ(line.find("\"primary_location\""), std::string::npos);
        EXPECT_EQ(line.find("\"lineage\""), std::string::npos);
      }
}

TEST_F(SynthGenerated, DuplicatesAreOlderAndInAnotherPart) {
  ASSERT_TRUE(status_->ok()) << status_->message();
  std::map<std::string, std::vector<const Record*>> by_id;
  for (const Record& r : *records_) by_id[r.id].push_back(&r);
  size_t duplicated = 0;
  for (const auto& [id, copies] : by_id) {
    ASSERT_LE(copies.size(), 2u) << id;
    if (copies.size() < 2) continue;
    ++duplicated;
    EXPECT_NE(copies[0]->updated_date, copies[1]->updated_date) << id;
    EXPECT_NE(copies[0]->part, copies[1]->part) << id;
    // The newest copy carries its folder's date; the older one is no later
    // than the date of the folder it sits in.
    const Record* older = copies[0]->updated_date < copies[1]->updated_date ? copies[0] : copies[1];
    const Record* newer = older == copies[0] ? copies[1] : copies[0];
    EXPECT_EQ(newer->updated_date.substr(0, 10), FolderDate((*parts_)[newer->part].path)) << id;
    EXPECT_LT(older->updated_date.substr(0, 10), FolderDate((*parts_)[older->part].path)) << id;
  }
  // 5% of 2000 works.
  EXPECT_GT(duplicated, 60u);
  EXPECT_LT(duplicated, 140u);
  EXPECT_EQ(records_->size(), 2000u + duplicated);
}

TEST_F(SynthGenerated, AuthorCountsAreHeavyTailed) {
  ASSERT_TRUE(status_->ok()) << status_->message();
  std::vector<size_t> counts;
  for (const auto& [id, r] : Newest()) counts.push_back(r->authors);
  std::sort(counts.begin(), counts.end());
  size_t upto_ten = static_cast<size_t>(std::count_if(counts.begin(), counts.end(), [](size_t n) { return n <= 10; }));
  EXPECT_GT(static_cast<double>(upto_ten) / static_cast<double>(counts.size()), 0.85);
  EXPECT_GE(counts[counts.size() / 2], 2u);
  EXPECT_LE(counts[counts.size() / 2], 6u);
  EXPECT_GT(counts.back(), 50u);
}

// Same options, same bytes, whatever the number of threads.
TEST(SynthGenerate, SameSeedSameBytesWhateverTheThreads) {
  TempDir tmp;
  for (const char* compression : {"none", "gz", "zst"}) {
    std::map<std::string, std::string> first;
    for (unsigned threads : {1u, 3u}) {
      GenerateOptions o = SmallOptions(tmp.File(std::string(compression) + std::to_string(threads)));
      o.works = 600;
      o.parts = 4;
      o.compression = compression;
      o.threads = threads;
      Status st = RunGenerate(o);
      ASSERT_TRUE(st.ok()) << st.message();
      auto files = Snapshot(o.out_dir);
      ASSERT_EQ(files.size(), 5u) << compression;  // 4 parts + manifest
      if (first.empty())
        first = std::move(files);
      else
        EXPECT_TRUE(files == first) << compression << ": output depends on the thread count";
    }
  }
}

TEST(SynthGenerate, ASecondRunReplacesTheFirst) {
  TempDir tmp;
  GenerateOptions o = SmallOptions(tmp.File("out"));
  o.works = 300;
  o.parts = 6;
  ASSERT_TRUE(RunGenerate(o).ok());
  auto first = Snapshot(o.out_dir);
  o.parts = 2;
  ASSERT_TRUE(RunGenerate(o).ok());
  EXPECT_EQ(Snapshot(o.out_dir).size(), 3u);  // no stale parts left behind
  o.parts = 6;
  ASSERT_TRUE(RunGenerate(o).ok());
  EXPECT_TRUE(Snapshot(o.out_dir) == first);
}

TEST(SynthGenerate, DifferentSeedsDiffer) {
  TempDir tmp;
  GenerateOptions a = SmallOptions(tmp.File("a")), b = SmallOptions(tmp.File("b"));
  a.works = b.works = 200;
  b.seed = a.seed + 1;
  ASSERT_TRUE(RunGenerate(a).ok());
  ASSERT_TRUE(RunGenerate(b).ok());
  EXPECT_FALSE(Snapshot(a.out_dir) == Snapshot(b.out_dir));
}

// The store benchmark builds a large store from runs generated one after the
// other: with --first-index, their works are the next ones of the same series.
TEST(SynthGenerate, FirstIndexContinuesTheSeriesWithDisjointIds) {
  TempDir tmp;
  GenerateOptions whole = SmallOptions(tmp.File("whole")), a = SmallOptions(tmp.File("a")),
                  b = SmallOptions(tmp.File("b"));
  whole.works = 400;
  a.works = b.works = 200;
  b.first_index = 200;
  for (const GenerateOptions* o : {&whole, &a, &b}) ASSERT_TRUE(RunGenerate(*o).ok());
  auto ids = [](const GenerateOptions& o) {
    std::set<std::string> out;
    for (const Part& part : ReadParts(o.out_dir))
      for (const std::string& line : part.lines) {
        simdjson::dom::parser parser;
        out.insert(Inspect(parser.parse(line), 0).id);
      }
    return out;
  };
  std::set<std::string> ia = ids(a), ib = ids(b), iw = ids(whole);
  EXPECT_EQ(ia.size(), 200u);
  EXPECT_EQ(ib.size(), 200u);
  std::set<std::string> both;
  std::set_intersection(ia.begin(), ia.end(), ib.begin(), ib.end(), std::inserter(both, both.end()));
  EXPECT_TRUE(both.empty()) << both.size() << " ids in both runs";
  std::set<std::string> joined = ia;
  joined.insert(ib.begin(), ib.end());
  EXPECT_EQ(joined, iw) << "the two runs are not the 400-work run cut in two";
}

TEST(SynthGenerate, ErrorsAreValues) {
  TempDir tmp;
  GenerateOptions o = SmallOptions(tmp.File("out"));
  o.works = 10;

  GenerateOptions missing = o;
  missing.registry = tmp.File("no-such-registry.json");
  Status st = RunGenerate(missing);
  EXPECT_EQ(st.code(), ErrorCode::kNotFound);
  EXPECT_NE(st.message().find("no-such-registry.json"), std::string::npos) << st.message();

  // A ROR dump without CNRS.
  GenerateOptions no_cnrs = o;
  no_cnrs.registry = tmp.File("ror.json");
  testing::WriteFile(no_cnrs.registry, R"([{"id": "https://ror.org/05f82e368", "status": "active",
      "names": [{"value": "Example University", "types": ["label", "ror_display"], "lang": "en"}],
      "types": ["education"], "relationships": [],
      "locations": [{"geonames_details": {"country_code": "US", "lat": 40.0, "lng": -75.0}}]}])");
  st = RunGenerate(no_cnrs);
  EXPECT_EQ(st.code(), ErrorCode::kNotFound);
  EXPECT_NE(st.message().find("CNRS"), std::string::npos) << st.message();
  no_cnrs.cnrs_share = 0;  // without CNRS works, the registry will do
  st = RunGenerate(no_cnrs);
  EXPECT_TRUE(st.ok()) << st.message();

  GenerateOptions blocked = o;
  testing::WriteFile(tmp.File("a-file"), "x");
  blocked.out_dir = tmp.File("a-file");  // works/ cannot be created under a file
  st = RunGenerate(blocked);
  EXPECT_EQ(st.code(), ErrorCode::kIo);
  EXPECT_NE(st.message().find("cannot create folder"), std::string::npos) << st.message();

  GenerateOptions bad = o;
  bad.compression = "lz4";
  EXPECT_EQ(RunGenerate(bad).code(), ErrorCode::kInvalidArgument);
  bad = o;
  bad.parts = 0;
  EXPECT_EQ(RunGenerate(bad).code(), ErrorCode::kInvalidArgument);
  bad = o;
  bad.first_year = 2030;
  EXPECT_EQ(RunGenerate(bad).code(), ErrorCode::kInvalidArgument);
  bad = o;
  bad.registry.clear();
  EXPECT_EQ(RunGenerate(bad).code(), ErrorCode::kInvalidArgument);
}

// The CLI writes what the engine then reads: every record accepted, the
// duplicates found.
TEST(SynthGenerate, TheEngineReadsWhatTheCliWrites) {
  TempDir tmp;
  std::string out = tmp.File("gen");
  auto gen = testing::RunCli("generate --out " + out +
                                 " --works 1500 --parts 3 --compression gz --duplicate-share 0.02"
                                 " --registry " +
                                 RorDump(),
                             tmp.path().string());
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto ind = testing::RunCli("indicators --org 02feahw73 --registry " + RorDump() + " " + out, tmp.path().string());
  ASSERT_EQ(ind.exit_code, 0) << ind.err;
  EXPECT_NE(ind.out.find("accepted 1500 + rejected 0"), std::string::npos) << ind.out;
}

}  // namespace
}  // namespace coopscope
