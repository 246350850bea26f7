// Merging sources (src/merge): keys, the must-not-merge pair, transitivity,
// precedence and provenance, and, on the real exports of one research unit
// (../shared/data/hal-etbx-inrae: HAL JSON, Scopus CSV and BibTeX, WoS
// BibTeX, IRSTEA BibTeX), merges checked by hand against the files and
// independence from the order of the inputs (library and CLI, byte for byte).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "merge/merge.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

const std::string kDir = SharedData("hal-etbx-inrae/");
const std::vector<std::string> kEtbxFiles = {
    kDir + "hal_api_ETBX_2017_2020.json", kDir + "scopus_export.csv",         kDir + "scopus_2.bib",
    kDir + "scopus_doi.bib",              kDir + "wos_doi.bib",               kDir + "irsteadoc_export_2017.bib",
    kDir + "irsteadoc_export_2018.bib",   kDir + "irsteadoc_export_2019.bib", kDir + "irsteadoc_export_2020.bib"};

MergeRecord Rec(std::string source, std::string id, std::string doi, int year, std::string title, std::string author,
                std::string journal = "", uint32_t authors = 1) {
  RawWork w;
  w.source_id = std::move(id);
  w.doi = std::move(doi);
  w.year = year;
  w.title = std::move(title);
  w.first_author = std::move(author);
  w.journal = std::move(journal);
  w.authors = authors;
  return MakeMergeRecord(w, std::move(source), "test", 1, 0);
}

// Everything a merge decides, as text: clusters (member ids), rules, field
// values with their provenance, conflicts, and the counts.
std::string Describe(const MergeResult& m) {
  std::string out;
  for (const MergeCluster& c : m.clusters) {
    out += "[";
    for (uint32_t i : c.members) out += m.records[i].source + ":" + m.records[i].source_id + "@" + m.records[i].file + ":" + std::to_string(m.records[i].line) + " ";
    out += "] " + RuleNames(c.rules) + " conflicts=" + std::to_string(c.conflicts);
    for (size_t f = 0; f < kMergeFields; ++f)
      if (c.from[f] >= 0)
        out += " " + std::string(MergeFieldName(MergeField(f))) + "=" + FieldText(m.records[c.from[f]], MergeField(f)) +
               "<" + m.records[c.from[f]].source_id;
    out += "\n";
  }
  const MergeStats& s = m.stats;
  out += std::to_string(s.clusters) + " " + std::to_string(s.singletons) + " " + std::to_string(s.links_id) + " " +
         std::to_string(s.links_doi) + " " + std::to_string(s.links_title);
  for (uint64_t c : s.conflicts) out += " " + std::to_string(c);
  return out;
}

std::vector<MergeRecord> ReadEtbx(const std::vector<std::string>& files, ReadCounts* counts = nullptr) {
  std::vector<MergeRecord> records;
  RejectLog rejects;
  ReadCounts local;
  Status st = ReadMergeInputs(files, Limits(), &records, &rejects, counts ? counts : &local);
  EXPECT_TRUE(st.ok()) << st.message();
  return records;
}

// The cluster holding the record source:id; nullptr when none.
const MergeCluster* ClusterOf(const MergeResult& m, std::string_view source, std::string_view id) {
  for (const MergeCluster& c : m.clusters)
    for (uint32_t i : c.members)
      if (m.records[i].source == source && m.records[i].source_id == id) return &c;
  return nullptr;
}

std::set<std::string> MemberIds(const MergeResult& m, const MergeCluster& c) {
  std::set<std::string> out;
  for (uint32_t i : c.members) out.insert(m.records[i].source + ":" + m.records[i].source_id);
  return out;
}

TEST(MergeKeys, TitlesFoldCaseAccentsPunctuationAndMarkup) {
  EXPECT_EQ(NormalizeTitle("Comportement des propriétaires forestiers landais vis-à-vis du bois énergie : Une analyse"),
            "comportement des proprietaires forestiers landais vis a vis du bois energie une analyse");
  EXPECT_EQ(NormalizeTitle("COMPORTEMENT DES PROPRIETAIRES  forestiers landais, vis a vis du bois energie: une analyse."),
            NormalizeTitle("Comportement des propriétaires forestiers landais vis-à-vis du bois énergie : Une analyse"));
  EXPECT_EQ(NormalizeTitle("Uncertainty of {W}ater d\\'{e}bit in \\textit{Pinus} stands"),
            "uncertainty of water debit in pinus stands");
  EXPECT_EQ(NormalizeTitle("CO<sub>2</sub> fluxes &amp; <i>Pinus pinaster</i>"), "co 2 fluxes pinus pinaster");
}

TEST(MergeKeys, FirstAuthorSurnameInEveryWriting) {
  EXPECT_EQ(FirstAuthorSurname("Braun, Mathias"), "braun");
  EXPECT_EQ(FirstAuthorSurname("Braun, M"), "braun");
  EXPECT_EQ(FirstAuthorSurname("Mathias Braun"), "braun");
  EXPECT_EQ(FirstAuthorSurname("J.M. Lescot"), "lescot");
  EXPECT_EQ(FirstAuthorSurname("Lescot JM"), "lescot");
  EXPECT_EQ(FirstAuthorSurname("Ni Dhubhain, Aine"), "dhubhain");
  EXPECT_EQ(FirstAuthorSurname("Áine Ní Dhubháin"), "dhubhain");
  EXPECT_EQ(FirstAuthorSurname("Rey-Valette, H."), "valette");
  EXPECT_EQ(FirstAuthorSurname(""), "");
}

TEST(MergeKeys, SourcesOfBibtexRecordsFromTheirIds) {
  EXPECT_EQ(SourceName(InputFormat::kBibtex, "ISI:000509558500009"), "wos");
  EXPECT_EQ(SourceName(InputFormat::kBibtex, "2-s2.0-85080907938"), "scopus");
  EXPECT_EQ(SourceName(InputFormat::kBibtex, "bibtex:PUB00048334"), "bibtex");
  EXPECT_EQ(SourceName(InputFormat::kWosTagged, "WOS:000086967200001"), "wos");
  // One WoS record read from a tagged and a BibTeX export has one id key.
  EXPECT_EQ(Rec("wos", "ISI:000509558500009", "", 2020, "", "").id_key,
            Rec("wos", "WOS:000509558500009", "", 2020, "", "").id_key);
  // BibTeX keys are not ids: two files may use "Smith2020" for two papers.
  EXPECT_EQ(Rec("bibtex", "bibtex:Smith2020", "", 2020, "", "").id_key, "");
}

TEST(MergeRules, SameTitleDifferentYearAndAuthorsMustNotMerge) {
  // Two real-looking papers sharing a generic title: other year, other author.
  std::vector<MergeRecord> r = {
      Rec("hal", "hal-1", "", 2018, "Water quality monitoring in small rivers", "Marie Dupont"),
      Rec("scopus", "2-s2.0-1", "", 2020, "Water quality monitoring in small rivers", "Smith, J.")};
  MergeResult m = MergeRecords(r, Precedence());
  EXPECT_EQ(m.stats.clusters, 2u);
  EXPECT_EQ(m.stats.links_title, 0u);
  // Same title and year, other first author: still two papers.
  r[1].year = 2018;
  EXPECT_EQ(MergeRecords(r, Precedence()).stats.clusters, 2u);
  // Same title and author, other year: two (a report and its later article).
  r[1] = Rec("scopus", "2-s2.0-1", "", 2019, "Water quality monitoring in small rivers", "Dupont, M.");
  EXPECT_EQ(MergeRecords(r, Precedence()).stats.clusters, 2u);
  // Same title, year and author in another writing: one paper.
  r[1].year = 2018;
  m = MergeRecords(r, Precedence());
  EXPECT_EQ(m.stats.clusters, 1u);
  EXPECT_EQ(m.stats.links_title, 1u);
  EXPECT_EQ(RuleNames(m.clusters[0].rules), "title");
  // A title too short to identify a paper is never matched on.
  std::vector<MergeRecord> shorts = {Rec("hal", "hal-2", "", 2018, "Editorial", "Marie Dupont"),
                                     Rec("wos", "WOS:2", "", 2018, "EDITORIAL", "Dupont, M")};
  EXPECT_EQ(MergeRecords(shorts, Precedence()).stats.clusters, 2u);
}

TEST(MergeRules, OneTalkAtTwoConferencesStaysTwo) {
  // HAL hal-02606967 and hal-02606968: B. Rulleau's "Assessing residents'
  // preferences for sewer network asset management in France", given at
  // LESAM on 2017-06-20 and at another IWA conference on 2017-09-11.
  std::vector<MergeRecord> r = {
      Rec("hal", "hal-02606967", "", 2017, "Assessing residents' preferences for sewer network", "B. Rulleau"),
      Rec("hal", "hal-02606968", "", 2017, "Assessing residents' preferences for sewer network", "B. Rulleau")};
  r[0].date = "2017-06-20";
  r[1].date = "2017-09-11";
  EXPECT_EQ(MergeRecords(r, Precedence()).stats.clusters, 2u);
  // One deposit twice (hal-02609501 and hal-02610326, both 2019-05-28): one.
  r[1].date = "2017-06-20";
  EXPECT_EQ(MergeRecords(r, Precedence()).stats.clusters, 1u);
  // A record of another source without a date joins the first talk (in
  // the canonical order), and does not bridge the two.
  r[1].date = "2017-09-11";
  r.push_back(Rec("bibtex", "bibtex:PUB1", "", 2017, "Assessing residents preferences for sewer network", "Rulleau, B."));
  MergeResult m = MergeRecords(r, Precedence());
  EXPECT_EQ(m.stats.clusters, 2u);
  EXPECT_EQ(m.stats.title_links_refused, 2u);
  EXPECT_EQ(MemberIds(m, *ClusterOf(m, "hal", "hal-02606967")),
            (std::set<std::string>{"hal:hal-02606967", "bibtex:bibtex:PUB1"}));
  std::reverse(r.begin(), r.end());
  MergeResult reversed = MergeRecords(r, Precedence());
  EXPECT_EQ(MemberIds(reversed, *ClusterOf(reversed, "hal", "hal-02606967")),
            (std::set<std::string>{"hal:hal-02606967", "bibtex:bibtex:PUB1"}));
}

TEST(MergeRules, LinksAreTransitive) {
  // A–B share a DOI, B–C a title, year and author: one cluster of three.
  std::vector<MergeRecord> r = {
      Rec("wos", "WOS:1", "10.1000/x", 2019, "Forest owners and storms", "Deuffic, P", "SOCIOLOGIA RURALIS", 2),
      Rec("scopus", "2-s2.0-9", "10.1000/x", 2019, "Forest owners and storms: a study", "Deuffic, P.",
          "Sociologia Ruralis", 2),
      Rec("hal", "hal-9", "", 2019, "Forest owners and storms: a study", "Philippe Deuffic", "", 3),
      Rec("hal", "hal-10", "", 2019, "Something else entirely", "Philippe Deuffic")};
  MergeResult m = MergeRecords(r, Precedence());
  ASSERT_EQ(m.stats.clusters, 2u);
  const MergeCluster* c = ClusterOf(m, "hal", "hal-9");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(MemberIds(m, *c), (std::set<std::string>{"wos:WOS:1", "scopus:2-s2.0-9", "hal:hal-9"}));
  EXPECT_EQ(RuleNames(c->rules), "doi+title");
  EXPECT_EQ(m.stats.links_doi, 1u);
  EXPECT_EQ(m.stats.links_title, 1u);
  // Titles and author counts differ; journals only in case.
  EXPECT_TRUE(c->conflicts & (1u << size_t(MergeField::kTitle)));
  EXPECT_TRUE(c->conflicts & (1u << size_t(MergeField::kAuthors)));
  EXPECT_FALSE(c->conflicts & (1u << size_t(MergeField::kJournal)));
  EXPECT_EQ(m.stats.conflicts[size_t(MergeField::kTitle)], 1u);
}

TEST(MergeRules, PrecedenceChoosesValuesAndSaysWhere) {
  std::vector<MergeRecord> r = {
      Rec("hal", "hal-1", "10.1/a", 2020, "Le titre en français", "Elodie Brahic", "Economie Rurale", 2),
      Rec("wos", "WOS:1", "10.1/a", 2019, "THE TITLE IN ENGLISH", "Brahic, E", "ECON RURALE", 2)};
  MergeResult m = MergeRecords(r, Precedence());  // openalex, wos, scopus, hal, bibtex
  ASSERT_EQ(m.clusters.size(), 1u);
  const MergeCluster& c = m.clusters[0];
  EXPECT_EQ(FieldText(m.records[c.from[size_t(MergeField::kTitle)]], MergeField::kTitle), "THE TITLE IN ENGLISH");
  EXPECT_EQ(m.records[c.from[size_t(MergeField::kYear)]].source, "wos");
  auto p = ParsePrecedence({"hal,wos", "year=wos,hal", "journal=wos"});
  ASSERT_TRUE(p.ok());
  m = MergeRecords(r, p.value());
  const MergeCluster& d = m.clusters[0];
  EXPECT_EQ(m.records[d.from[size_t(MergeField::kTitle)]].source_id, "hal-1");
  EXPECT_EQ(m.records[d.from[size_t(MergeField::kYear)]].source_id, "WOS:1");
  EXPECT_EQ(m.records[d.from[size_t(MergeField::kJournal)]].source_id, "WOS:1");
  EXPECT_EQ(m.records[d.from[size_t(MergeField::kFirstAuthor)]].source_id, "hal-1");
  EXPECT_TRUE(d.conflicts & (1u << size_t(MergeField::kYear)));
  EXPECT_FALSE(d.conflicts & (1u << size_t(MergeField::kFirstAuthor)));  // same surname
  EXPECT_FALSE(ParsePrecedence({"colour=hal"}).ok());
  EXPECT_FALSE(ParsePrecedence({","}).ok());
}

TEST(MergeRealData, HandCheckedMergesOfOneUnitsExports) {
  ReadCounts counts;
  std::vector<MergeRecord> records = ReadEtbx(kEtbxFiles, &counts);
  const uint64_t accepted = records.size();
  EXPECT_EQ(counts.records, accepted + counts.rejected);
  MergeResult m = MergeRecords(std::move(records), Precedence());
  EXPECT_EQ(m.stats.records, accepted);
  EXPECT_EQ(m.stats.singletons + m.stats.merged_records, accepted);
  EXPECT_EQ(m.stats.records_by_source.at("hal"), 353u);

  // By DOI: Braun et al., "Uncertainty quantification of water age…", DOI
  // 10.2166/hydro.2019.017, in HAL, the WoS BibTeX, the Scopus CSV and the
  // IRSTEA 2020 export (doi = {http://dx.doi.org/10.2166/hydro.2019.017}).
  const MergeCluster* braun = ClusterOf(m, "hal", "hal-02609486");
  ASSERT_NE(braun, nullptr);
  std::set<std::string> ids = MemberIds(m, *braun);
  EXPECT_TRUE(ids.count("wos:ISI:000509558500009"));
  EXPECT_TRUE(ids.count("scopus:2-s2.0-85085076028"));
  EXPECT_TRUE(ids.count("bibtex:bibtex:PUB00061702"));
  EXPECT_TRUE(braun->rules & kRuleDoi);
  EXPECT_EQ(FieldText(m.records[braun->from[size_t(MergeField::kDoi)]], MergeField::kDoi), "10.2166/hydro.2019.017");
  EXPECT_EQ(m.records[braun->from[size_t(MergeField::kTitle)]].source, "wos");  // default precedence
  // HAL says 2020, as do the others; the titles differ only in case.
  EXPECT_FALSE(braun->conflicts & (1u << size_t(MergeField::kYear)));
  EXPECT_FALSE(braun->conflicts & (1u << size_t(MergeField::kTitle)));

  // By title + year + first author, no DOI on either side: Brahic and
  // Deuffic, "Comportement des propriétaires forestiers landais vis-à-vis du
  // bois énergie", Economie Rurale 2017: hal-02606187 ("Elodie Brahic") and
  // IRSTEA PUB00054607 ("Brahic, E."), in the 2017 and 2018 exports.
  const MergeCluster* brahic = ClusterOf(m, "hal", "hal-02606187");
  ASSERT_NE(brahic, nullptr);
  ids = MemberIds(m, *brahic);
  EXPECT_TRUE(ids.count("bibtex:bibtex:PUB00054607"));
  EXPECT_EQ(brahic->rules & kRuleDoi, 0);
  EXPECT_TRUE(brahic->rules & kRuleTitle);

  // Not merged: Carter et al., "The policy and social dimension of restoration
  // thinking", HAL hal-02609849 produced 2019, IRSTEA says 2020 — other year.
  const MergeCluster* carter = ClusterOf(m, "hal", "hal-02609849");
  ASSERT_NE(carter, nullptr);
  for (const std::string& id : MemberIds(m, *carter)) EXPECT_EQ(id.rfind("hal:", 0), 0u) << id;

  // Every merged cluster really shares a DOI, an id or a title key.
  for (const MergeCluster& c : m.clusters) {
    if (c.members.size() < 2) continue;
    EXPECT_NE(c.rules, 0);
  }
}

TEST(MergeOrder, PermutedRecordsGiveTheSameMerge) {
  std::vector<MergeRecord> records = ReadEtbx(kEtbxFiles);
  const std::string reference = Describe(MergeRecords(records, Precedence()));
  EXPECT_GT(reference.size(), 1000u);
  std::mt19937 rng(20261123);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(records.begin(), records.end(), rng);
    EXPECT_EQ(Describe(MergeRecords(records, Precedence())), reference) << "round " << round;
  }
  std::reverse(records.begin(), records.end());
  EXPECT_EQ(Describe(MergeRecords(records, Precedence())), reference);
}

TEST(MergeOrder, PermutedInputFilesGiveTheSameOutputByteForByte) {
  TempDir dir;
  auto run = [&](std::vector<std::string> files, const std::string& out) {
    std::string args = "merge --report --out " + out;
    for (const std::string& f : files) args += " " + f;
    auto r = RunCli(args, dir.path().string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  const std::string stdout_a = run(kEtbxFiles, dir.File("a.jsonl"));
  std::vector<std::string> reversed(kEtbxFiles.rbegin(), kEtbxFiles.rend());
  const std::string stdout_b = run(reversed, dir.File("b.jsonl"));
  std::vector<std::string> rotated = kEtbxFiles;
  std::rotate(rotated.begin(), rotated.begin() + 4, rotated.end());
  const std::string stdout_c = run(rotated, dir.File("c.jsonl"));
  const std::string a = ReadFile(dir.File("a.jsonl"));
  EXPECT_GT(a.size(), 10000u);
  EXPECT_EQ(ReadFile(dir.File("b.jsonl")), a);
  EXPECT_EQ(ReadFile(dir.File("c.jsonl")), a);
  EXPECT_EQ(stdout_b, stdout_a);
  EXPECT_EQ(stdout_c, stdout_a);
  EXPECT_NE(stdout_a.find("title + year + first author"), std::string::npos);
  EXPECT_NE(a.find("\"cluster\":\"hal:hal-02606187\""), std::string::npos);
  // Bad options and unknown formats are usage errors.
  EXPECT_EQ(RunCli("merge --precedence colour=hal " + kEtbxFiles[0], dir.path().string()).exit_code, 2);
  WriteFile(dir.File("x.txt"), "neither\n");
  EXPECT_EQ(RunCli("merge " + dir.File("x.txt"), dir.path().string()).exit_code, 2);
}

TEST(MergeOpenAlex, WorksJoinExportsByDoi) {
  // OpenAlex works read for their bibliographic fields; a HAL record made
  // with the DOI of one of them merges with it.
  std::vector<MergeRecord> records = ReadEtbx({SharedData("openalex-works-openalexpro/works_unique.jsonl")});
  ASSERT_FALSE(records.empty());
  const MergeRecord* with_doi = nullptr;
  for (const MergeRecord& r : records)
    if (!r.doi.empty() && !r.journal.empty() && !r.first_author.empty()) {
      with_doi = &r;
      break;
    }
  ASSERT_NE(with_doi, nullptr);
  // Checked by hand in works_unique.jsonl (first line with a DOI and a source).
  EXPECT_EQ(with_doi->source_id, "W120796292");
  EXPECT_EQ(with_doi->doi, "10.22004/ag.econ.58897");
  EXPECT_EQ(with_doi->year, 2008);
  EXPECT_EQ(with_doi->title, "Az élelmezés-, energia- és környezetbiztonság összefüggései");
  EXPECT_EQ(with_doi->first_author, "József Popp");
  EXPECT_EQ(with_doi->surname, "popp");
  EXPECT_EQ(with_doi->journal, "GAZDÁLKODÁS: Scientific Journal on Agricultural Economics");
  EXPECT_EQ(with_doi->authors, 2u);
  EXPECT_EQ(with_doi->source, "openalex");
  EXPECT_EQ(with_doi->source_id.rfind("W", 0), 0u);
  EXPECT_NE(with_doi->year, 0);
  MergeRecord hal = Rec("hal", "hal-x", with_doi->doi, with_doi->year, "x", "y");
  std::vector<MergeRecord> two = {*with_doi, hal};
  MergeResult m = MergeRecords(two, Precedence());
  ASSERT_EQ(m.clusters.size(), 1u);
  EXPECT_EQ(m.records[m.clusters[0].from[size_t(MergeField::kTitle)]].source, "openalex");
}

}  // namespace
}  // namespace coopscope::testing
