// The export readers (src/sources/{wos,scopus,bibtex,hal}) on the real exports
// of ../shared/data, with records checked by hand against the files, their
// resolution into works (match/work_resolver.h), their rejects, and the
// indicators run over them.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine_util.h"
#include "match/affiliation_matcher.h"
#include "match/work_resolver.h"
#include "sources/export_reader.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

struct ReadResult {
  std::map<std::string, RawWork> by_id;  // source id (or DOI) → record
  std::map<std::string, RecordPos> pos;
  std::vector<Reject> rejects;
  ReadCounts counts;
  Status status;
};

ReadResult ReadAll(const std::string& path, InputFormat format = InputFormat::kAuto) {
  ReadResult r;
  RawRecordFn fn = [&](const RawWork& w, const RecordPos& pos) {
    std::string key = w.source_id.empty() ? w.doi : w.source_id;
    r.by_id[key] = w;
    r.pos[key] = pos;
    return Status::Ok();
  };
  r.status = ReadExportFile(path, format, Limits(), fn, &r.rejects, &r.counts);
  return r;
}

std::vector<std::string> Texts(const RawWork& w) {
  std::vector<std::string> out;
  for (const RawAddress& a : w.addresses) out.emplace_back(w.AddressText(a));
  return out;
}

// The countries K(w) of a resolved work, sorted.
std::set<std::string> WorkCountries(const Work& w) {
  std::set<std::string> out;
  for (CountryCode c : w.countries) out.insert(CountryName(c));
  for (const InstitutionRef& i : w.institutions)
    if (i.country) out.insert(CountryName(i.country));
  return out;
}

std::set<std::string> WorkRors(const Work& w) {
  std::set<std::string> out;
  for (const InstitutionRef& i : w.institutions)
    if (i.ror) out.insert(FormatRorId(i.ror));
  return out;
}

const std::string kWosTab = SharedData("wos-scientopy-ble/wos_2026_04_02_1000.txt");
const std::string kWosTagged = SharedData("wos-scopus-metaknowledge/testFile.isi");
const std::string kTwoPaper = SharedData("wos-scopus-metaknowledge/TwoPaper.isi");
const std::string kScopusCsv = SharedData("scopus-litstudy/scopus.csv");
const std::string kHal = SharedData("hal-etbx-inrae/hal_api_ETBX_2017_2020.json");
const std::string kScopusBib = SharedData("hal-etbx-inrae/scopus_2.bib");
const std::string kWosBib = SharedData("hal-etbx-inrae/wos_doi.bib");
const std::string kIrsteaBib = SharedData("hal-etbx-inrae/irsteadoc_export_2018.bib");

// One matcher over the ROR subset for the whole file (building it takes a second).
const AffiliationMatcher& RorMatcher() {
  static Registry* registry = [] {
    auto* r = new Registry();
    RejectLog rejects;
    EXPECT_TRUE(r->Load(kRorSubset, &rejects).ok());
    return r;
  }();
  static AffiliationMatcher matcher(*registry);
  return matcher;
}

TEST(ReadersDetect, FormatsFromContent) {
  auto is = [](const std::string& path, InputFormat f) {
    auto got = DetectInputFormat(path);
    ASSERT_TRUE(got.ok()) << path;
    EXPECT_EQ(InputFormatName(got.value()), InputFormatName(f)) << path;
  };
  is(kWosTab, InputFormat::kWosTab);
  is(kWosTagged, InputFormat::kWosTagged);
  is(kTwoPaper, InputFormat::kWosTagged);
  is(kScopusCsv, InputFormat::kScopusCsv);
  is(kHal, InputFormat::kHal);
  is(kScopusBib, InputFormat::kBibtex);
  is(kWosBib, InputFormat::kBibtex);
  is(kIrsteaBib, InputFormat::kBibtex);
  is(kWorksUnique, InputFormat::kOpenAlex);
  is(SharedData("wos-scientopy-ble/searchCriteria.txt"), InputFormat::kAuto);
  EXPECT_EQ(DetectInputFormatOfText("[{\"halId_s\":\"hal-1\"}]", "x.json"), InputFormat::kHal);
  EXPECT_EQ(DetectInputFormatOfText("[{\"id\":\"https://openalex.org/W1\"}]", "x.json"), InputFormat::kOpenAlex);
  EXPECT_FALSE(ParseInputFormat("endnote").ok());
  EXPECT_EQ(ParseInputFormat("wos-tab").value(), InputFormat::kWosTab);
}

TEST(ReadersWosTab, RealExportHandChecked) {
  ReadResult r = ReadAll(kWosTab);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.counts.records, 1000u);  // 1002 lines: header, 1000 rows, a final CRLF
  EXPECT_EQ(r.counts.rejected, 0u);
  EXPECT_EQ(r.by_id.size(), 1000u);
  // Row 1 (line 2, just after the BOM and the header).
  const RawWork& a = r.by_id.at("WOS:001395617300004");
  EXPECT_EQ(r.pos.at("WOS:001395617300004").line, 2u);
  EXPECT_EQ(r.pos.at("WOS:001395617300004").offset, 217u);  // BOM (3) + header row with its CRLF (214)
  EXPECT_EQ(a.doi, "10.1109/jiot.2024.3468428");
  EXPECT_EQ(a.year, 2025);
  EXPECT_EQ(a.authors, 6u);
  ASSERT_EQ(Texts(a).size(), 2u);
  EXPECT_EQ(Texts(a)[1], "ZTE Corp, Algorithm Dept, Shenzhen 518057, Peoples R China");
  // Bian, Luanjian (5th in AF) is at ZTE only; the five others at Huazhong.
  std::vector<std::pair<uint32_t, uint32_t>> links = a.links;
  std::sort(links.begin(), links.end());
  EXPECT_EQ(links, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 1}, {5, 0}}));
  // Early access, no PY? Row 2 has PY 2025 and EA JUN 2025: PY wins.
  EXPECT_EQ(r.by_id.at("WOS:001510786200001").year, 2025);

  WorkResolver resolver(RorMatcher());
  Work w;
  resolver.Resolve(a, &w);
  EXPECT_EQ(w.authorships.size(), 6u);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"CN"}));
  EXPECT_EQ(w.id, RawWorkId(a));
  // A multi-country paper: Lausanne, Catania, Besancon, Palermo.
  resolver.Resolve(r.by_id.at("WOS:000854091100096"), &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"CH", "FR", "IT"}));
  // French addresses: LAAS (CNRS) in Toulouse; EURECOM in Biot and Lille.
  resolver.Resolve(r.by_id.at("WOS:001050763800059"), &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"FR"}));
  EXPECT_TRUE(WorkRors(w).count("02feahw73")) << "CNRS named in 'Univ Toulouse, CNRS, LAAS, INSA,UPS'";
  resolver.Resolve(r.by_id.at("WOS:001461758400043"), &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"FR"}));
  EXPECT_EQ(w.authorships.size(), 4u);
}

TEST(ReadersWosTab, EveryFileOfTheExport) {
  uint64_t records = 0, rejected = 0;
  std::set<std::string> ids;
  for (const char* f : {"1000", "2000", "3000", "4000", "4071"}) {
    ReadResult r = ReadAll(SharedData(std::string("wos-scientopy-ble/wos_2026_04_02_") + f + ".txt"));
    ASSERT_TRUE(r.status.ok());
    records += r.counts.records;
    rejected += r.counts.rejected;
    for (const auto& [id, w] : r.by_id) ids.insert(id);
  }
  EXPECT_EQ(records, 4071u);
  EXPECT_EQ(rejected, 0u);
  EXPECT_EQ(ids.size(), 4071u);  // SOURCES.md: 4,071 unique UT
}

TEST(ReadersWosTagged, OldAndNewStylesHandChecked) {
  ReadResult r = ReadAll(kWosTagged);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.counts.records, 34u);
  // The test file holds one damaged record ("AUGilles, H": no space after the
  // tag, line 416); it is rejected where its PT line starts.
  EXPECT_EQ(r.counts.rejected, 1u);
  ASSERT_EQ(r.rejects.size(), 1u);
  EXPECT_EQ(r.rejects[0].line, 415u);
  EXPECT_EQ(r.rejects[0].offset, 19624u);
  EXPECT_NE(r.rejects[0].reason.find("line 416"), std::string::npos);
  // Old upper-case style, line 3: one address, no authors named.
  const RawWork& a = r.by_id.at("WOS:A1979GV55600001");
  EXPECT_EQ(r.pos.at("WOS:A1979GV55600001").line, 3u);
  EXPECT_EQ(a.year, 1979);
  EXPECT_EQ(a.doi, "10.1016/0370-1573(79)90074-7");
  // Its CR tag is missing in the file: the references that follow C1 are not
  // taken for addresses.
  EXPECT_EQ(Texts(a), (std::vector<std::string>{"UNIV TRONDHEIM,INST THEORET PHYS,N-7034 TRONDHEIM,NORWAY",
                                                "LUFTKRIGSSKOLEN,TRONDHEIM MIL 7000,NORWAY"}));
  EXPECT_TRUE(a.links.empty());
  // No C1: the reprint address stands in (Warsaw).
  const RawWork& b = r.by_id.at("WOS:A1996TN21700022");
  EXPECT_EQ(Texts(b),
            (std::vector<std::string>{"POLISH ACAD SCI,INST FUNDAMENTAL TECHNOL RES,SWIETOKRZYSKA 21,PL-00049 WARSAW,POLAND"}));
  // A record without UT (line 534) is kept by its DOI.
  EXPECT_TRUE(r.by_id.count("10.1364/josab.22.001290") || r.by_id.count("WOS:000229693800018"));
  // Two C1 lines, French: ENSICAEN Caen and Univ Rennes 1 (line 1124).
  WorkResolver resolver(RorMatcher());
  Work w;
  bool found = false;
  for (const auto& [id, raw] : r.by_id) {
    auto t = Texts(raw);
    if (t.size() == 2 && t[0] == "ENSICAEN, CEA, CNRS, UMR 6637,Lab CIRIL, F-14050 Caen, France") {
      found = true;
      resolver.Resolve(raw, &w);
      EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"FR"}));
      EXPECT_TRUE(WorkRors(w).count("02feahw73"));  // CNRS named
    }
  }
  EXPECT_TRUE(found);
  // New style with authors in brackets (line 1384): Gaza.
  resolver.Resolve(b, &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"PL"}));
  ReadResult two = ReadAll(kTwoPaper);
  EXPECT_EQ(two.counts.records, 2u);
  const RawWork& k = two.by_id.at("WOS:000086967200001");
  EXPECT_EQ(k.year, 2000);
  EXPECT_EQ(k.doi, "10.1023/a:1005282128866");
  EXPECT_EQ(k.authors, 1u);
  resolver.Resolve(k, &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"US"}));
}

TEST(ReadersScopusCsv, RealExportHandChecked) {
  ReadResult r = ReadAll(kScopusCsv);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.counts.records, 58u);
  EXPECT_EQ(r.counts.rejected, 0u);
  // NAMD (2005): Urbana and Nancy; Chipot, C. (7th author) is at Nancy.
  const RawWork& a = r.by_id.at("2-s2.0-27344436659");
  EXPECT_EQ(a.doi, "10.1002/jcc.20289");
  EXPECT_EQ(a.year, 2005);
  EXPECT_EQ(a.authors, 10u);
  ASSERT_EQ(Texts(a).size(), 3u);
  EXPECT_EQ(Texts(a)[1], "UMR CNRS/UHP 7565, Université Henri Poincaré, 54506 Vandaeuvre-les-Nancy, Cedex, France");
  EXPECT_NE(std::find(a.links.begin(), a.links.end(), std::make_pair(6u, 1u)), a.links.end());
  WorkResolver resolver(RorMatcher());
  Work w;
  resolver.Resolve(a, &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"FR", "US"}));
  // A row of the shifted layout (46 fields): its EID is read from the Link.
  const RawWork& b = r.by_id.at("2-s2.0-85123480963");
  EXPECT_EQ(b.year, 2022);
  EXPECT_EQ(b.doi, "10.1038/s41598-022-04849-0");
  // Toulouse, two addresses, Merabet at both (2017).
  bool toulouse = false;
  for (const auto& [id, raw] : r.by_id)
    if (raw.doi == "10.1016/j.ifacol.2017.08.255") {
      toulouse = true;
      EXPECT_EQ(raw.year, 2017);
      EXPECT_EQ(raw.authors, 3u);
      EXPECT_EQ(Texts(raw).size(), 2u);
      EXPECT_EQ(std::count_if(raw.links.begin(), raw.links.end(), [](auto l) { return l.first == 0; }), 2);
      resolver.Resolve(raw, &w);
      EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"FR"}));
    }
  EXPECT_TRUE(toulouse);
}

TEST(ReadersBibtex, ScopusWosAndIrsteaHandChecked) {
  ReadResult s = ReadAll(kScopusBib);
  ASSERT_TRUE(s.status.ok());
  EXPECT_EQ(s.counts.records, 60u);  // SOURCES.md: 60 entries
  EXPECT_EQ(s.counts.rejected, 0u);
  const RawWork& a = s.by_id.at("2-s2.0-85080907938");
  EXPECT_EQ(a.year, 2020);
  EXPECT_EQ(a.doi, "10.1016/j.ecolind.2020.106248");
  EXPECT_EQ(a.authors, 4u);
  ASSERT_EQ(Texts(a).size(), 3u);
  EXPECT_EQ(Texts(a)[0], "INRAE, EABX, Cestas, F 33612, France");
  WorkResolver resolver(RorMatcher());
  Work w;
  resolver.Resolve(a, &w);
  // Cestas (France) and Kourou, French Guiana: GF before the country policy.
  EXPECT_TRUE(WorkCountries(w).count("FR"));

  ReadResult wos = ReadAll(kWosBib);
  EXPECT_EQ(wos.counts.records, 48u);
  EXPECT_EQ(wos.counts.rejected, 0u);
  const RawWork& b = wos.by_id.at("ISI:000509558500009");
  EXPECT_EQ(b.year, 2020);
  EXPECT_EQ(b.doi, "10.2166/hydro.2019.017");
  EXPECT_EQ(b.authors, 5u);
  EXPECT_TRUE(b.addresses.empty());  // this WoS export carries no Affiliation field

  ReadResult irstea = ReadAll(kIrsteaBib);
  EXPECT_EQ(irstea.counts.records + 0, 229u);
  const RawWork& c = irstea.by_id.at("bibtex:PUB00048334");
  EXPECT_EQ(c.year, 2018);
  EXPECT_EQ(c.doi, "10.1016/j.landusepol.2016.04.026");
  EXPECT_EQ(c.authors, 4u);
  EXPECT_EQ(Texts(c), (std::vector<std::string>{"IRSTEA BORDEAUX UR ETBX FRA"}));
  EXPECT_EQ(c.links.size(), 4u);  // one affiliation per author, all the same
  // Irstea writes ISO alpha-3 codes at the end of affiliations in capitals (since session 12).
  resolver.Resolve(c, &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"FR"}));
  // "NIVA OSLO NOR ; DELTARES DELFT NLD ; IRSTEA BORDEAUX UR ETBX FRA ; UNIVERSITY OF DUISBURG
  // ESSEN DEU ; CEH EDINBURGH GBR ; ALTERRA WAGENINGEN NLD ; NIVA OSLO NOR"
  resolver.Resolve(irstea.by_id.at("bibtex:PUB00050895"), &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"DE", "FR", "GB", "NL", "NO"}));
  // A code contradicted by a city is no country: "EUROPEAN FOREST INSTITUTE VIENNA AUS" (Austria is
  // AUT) is not Australia; the organisation is found, and counts with its seat's country (Finland),
  // as every organisation found does.
  resolver.Resolve(irstea.by_id.at("bibtex:PUB00057565"), &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"DE", "FI", "FR", "IT"}));
  EXPECT_EQ(RorMatcher().Match("EUROPEAN FOREST INSTITUTE VIENNA AUS").country, kNoCountry);
}

TEST(ReadersHal, ApiJsonHandChecked) {
  ReadResult r = ReadAll(kHal);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.counts.records, 353u);
  EXPECT_EQ(r.counts.rejected, 0u);
  // First document: offset of its '{' after {"response":{"numFound":353,"start":0,"docs":[
  EXPECT_EQ(r.pos.at("hal-02610329").offset, 46u);
  EXPECT_EQ(r.pos.at("hal-02610329").line, 1u);
  const RawWork& a = r.by_id.at("hal-02609998");
  EXPECT_EQ(a.doi, "10.1111/soru.12272");
  EXPECT_EQ(a.year, 2020);
  EXPECT_EQ(a.authors, 2u);
  WorkResolver resolver(RorMatcher());
  Work w;
  resolver.Resolve(a, &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"FR", "IE"}));  // UCD forestry, Dublin
  // Spanish partners stated "es" (UPV ESP, EHU ESP).
  resolver.Resolve(r.by_id.at("hal-02608728"), &w);
  EXPECT_EQ(WorkCountries(w), (std::set<std::string>{"ES", "FR"}));
  EXPECT_EQ(r.by_id.at("hal-02608728").year, 2018);
  // CNRS tutelles become CNRS: count the documents that name one.
  size_t cnrs_docs = 0;
  for (const auto& [id, raw] : r.by_id) {
    bool cnrs = std::any_of(raw.addresses.begin(), raw.addresses.end(), [](const RawAddress& x) { return x.cnrs; });
    cnrs_docs += cnrs;
    if (cnrs) {
      resolver.Resolve(raw, &w);
      EXPECT_TRUE(WorkRors(w).count("02feahw73")) << id;
    }
  }
  EXPECT_GE(cnrs_docs, 40u);  // 44 'CNRS' tutelles and the 'INSU - CNRS' ones
}

// Malformed input of every format: rejects name the file, line, offset and
// reason, the rest loads, and the counts reconcile.
TEST(ReadersRejects, EveryFormatNamesFileLineOffsetReason) {
  TempDir dir;
  struct Case {
    std::string name, content;
    uint64_t records, rejected, line, offset;
    std::string reason;
  };
  std::vector<Case> cases = {
      {"a.isi",
       "FN Clarivate\nVR 1.0\nPT J\nAU Kim, S\nC1 Univ Wisconsin, Madison, WI 53706 USA.\nPY 2000\nUT WOS:1\nER\n\n"
       "PT J\nAU Lee, K\nC1 Univ Lyon, Lyon, France.\nUT WOS:2\nER\n\nPT J\nAU X\nPY 2001\nUT WOS:3\n",
       3, 2, 10, 98, "no publication year"},
      {"b.txt",
       "\xEF\xBB\xBFPT\tAU\tC1\tPY\tDI\tUT\r\nJ\tKim, S\tUniv Wisconsin, USA\t2000\t10.1/x\tWOS:1\r\n"
       "J\tonly three\tfields\r\n",
       2, 1, 3, 70, "3 tab-separated fields where the header has 6"},
      {"c.csv",
       "Authors,Author(s) ID,Title,Year,DOI,Affiliations,Authors with affiliations,EID\n"
       "Kim S.,1;,T,2001,10.1/y,\"Univ Wisconsin, Madison, United States\",\"Kim, S., Univ Wisconsin, Madison, "
       "United States\",2-s2.0-1\n"
       "Lee K.,2;,T,,10.1/z,\"Lyon, France\",,2-s2.0-2\n"
       "Roe R.,3;,\"unclosed,2003\n",
       3, 2, 3, 203, "no publication year"},
      {"d.bib",
       "@article{a1,\n author = {Kim, S.},\n year = {2019},\n doi = {10.1/a},\n affiliation = {Univ Lyon, France}\n}\n"
       "@article{a2,\n author = {Lee, K.},\n year = {2019\n\n@article{a3, author={R}, doi={10.1/c}}\n",
       3, 2, 7, 104, "not closed"},
      {"e.json",
       "{\"response\":{\"numFound\":3,\"docs\":[{\"halId_s\":\"hal-1\",\"producedDate_s\":\"2019\",\"authFullName_s\":"
       "[\"A\"],\"labStructName_s\":[\"X\"],\"labStructCountry_s\":[\"fr\"]},{\"producedDate_s\":\"2019\"},7]}}",
       3, 2, 1, 153, "no halId_s"},
  };
  for (const Case& c : cases) {
    std::string path = dir.File(c.name);
    WriteFile(path, c.content);
    ReadResult r = ReadAll(path);
    ASSERT_TRUE(r.status.ok()) << c.name << ": " << r.status.message();
    EXPECT_EQ(r.counts.records, c.records) << c.name;
    EXPECT_EQ(r.counts.rejected, c.rejected) << c.name;
    EXPECT_EQ(r.by_id.size(), c.records - c.rejected) << c.name;
    ASSERT_FALSE(r.rejects.empty()) << c.name;
    const Reject& first = r.rejects.front();
    EXPECT_EQ(first.file, path);
    EXPECT_EQ(first.line, c.line) << c.name << ": " << first.ToString();
    EXPECT_EQ(first.offset, c.offset) << c.name << ": " << first.ToString();
    EXPECT_NE(first.reason.find(c.reason), std::string::npos) << c.name << ": " << first.ToString();
    for (const Reject& x : r.rejects) EXPECT_FALSE(x.reason.empty()) << c.name;
  }
}

// The indicators over exports: CNRS works among the WoS and HAL records, the
// same paper in two Scopus BibTeX exports counted once.
TEST(ReadersIndicators, CnrsOverWosAndHalExports) {
  Pipeline p;
  p.run.threads = 2;
  ASSERT_TRUE(p.Run({"02feahw73"}, {kRorSubset}, {SharedData("wos-scientopy-ble"), kHal})) << p.status.message();
  const IngestReport& g = p.collected.ingest;
  EXPECT_EQ(g.read, 4071u + 353u);
  EXPECT_EQ(g.rejected, 0u);
  EXPECT_EQ(g.read, g.accepted + g.rejected + g.duplicates);
  EXPECT_GE(g.in_scope, 40u);  // HAL works with a CNRS tutelle, WoS addresses naming CNRS
  RawWork laas;
  laas.doi = "10.1109/newcas57931.2023.10198088";  // WOS:001050763800059, LAAS-CNRS Toulouse
  const WorkFacts* f = p.Facts(RawWorkId(laas));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->year, 2023);
  EXPECT_EQ(p.Countries(*f), (std::vector<std::string>{"FR"}));
  EXPECT_EQ(p.report.home, MakeCountry("FR"));
}

TEST(ReadersIndicators, SamePaperInTwoExportsCountsOnce) {
  Pipeline p;
  p.run.threads = 2;
  ASSERT_TRUE(p.Run({"02feahw73"}, {}, {kScopusBib, SharedData("hal-etbx-inrae/scopus_doi.bib")}))
      << p.status.message();
  const IngestReport& g = p.collected.ingest;
  EXPECT_EQ(g.read, g.accepted + g.rejected + g.duplicates);
  EXPECT_GT(g.duplicates, 40u);  // the two Scopus exports of the unit overlap by DOI
}

}  // namespace
}  // namespace coopscope::testing

namespace coopscope::testing {
namespace {

// A damaged HAL document is one reject; the documents after it load.  A
// truncated answer rejects what is cut.
TEST(ReadersHal, DamagedDocumentIsOneReject) {
  TempDir dir;
  std::string path = dir.File("hal.json");
  std::string text =
      "{\"response\":{\"numFound\":4,\"docs\":[\n"
      "{\"halId_s\":\"hal-1\",\"producedDate_s\":\"2019\",\"instStructName_s\":[\"Universit\\u00e9 de Bordeaux\"],"
      "\"instStructCountry_s\":[\"fr\"]},\n"
      "{\"halId_s\":\"hal-2\",,\"producedDate_s\":\"2019\"},\n"
      "{\"halId_s\":\"hal-3\",\"producedDateY_i\":2020,\"title_s\":[\"a \\\"quoted\\\" title with } and ]\"]},\n"
      "{\"halId_s\":\"hal-4\",\"producedDate_s\":\"20";
  WriteFile(path, text);
  ReadResult r = ReadAll(path);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.counts.records, 4u);
  EXPECT_EQ(r.counts.rejected, 2u);
  ASSERT_TRUE(r.by_id.count("hal-1"));
  ASSERT_TRUE(r.by_id.count("hal-3"));
  EXPECT_EQ(r.by_id.at("hal-3").year, 2020);
  EXPECT_EQ(Texts(r.by_id.at("hal-1")), (std::vector<std::string>{"Université de Bordeaux"}));
  ASSERT_EQ(r.rejects.size(), 2u);
  EXPECT_EQ(r.rejects[0].line, 3u);
  EXPECT_EQ(r.rejects[0].offset, text.find("{\"halId_s\":\"hal-2\""));
  EXPECT_EQ(r.rejects[1].line, 5u);
  EXPECT_NE(r.rejects[1].reason.find("truncated"), std::string::npos) << r.rejects[1].ToString();
}

TEST(ReadersCli, ReadCommandAndIndicatorsOnExports) {
  TempDir dir;
  CommandResult r = RunCli("read --resolve " + kWosTab + " " + kWosTagged, dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("read = accepted 1033 + rejected 1"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("testFile.isi:415:19624"), std::string::npos) << r.err;
  // The indicators of CNRS over the HAL answer, its format named.
  r = RunCli("indicators --org 02feahw73 --input-format hal --format json -q " + kHal, dir.path().string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"p\""), std::string::npos);
  r = RunCli("indicators --org 02feahw73 --input-format endnote " + kHal, dir.path().string());
  EXPECT_EQ(r.exit_code, 2);
  // The store does not hold exports yet: a clear error, nothing half-written.
  r = RunCli("store build " + dir.File("store") + " " + kScopusCsv, dir.path().string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("scopus export"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace coopscope::testing

namespace coopscope::testing {
namespace {

// Every real export cut at many points: nothing crashes, every reject points
// inside the file, and read = accepted + rejected.
TEST(ReadersRejects, TruncatedRealExportsReconcile) {
  TempDir dir;
  for (const std::string& src : {kWosTab, kWosTagged, kScopusCsv, kHal, kScopusBib, kIrsteaBib}) {
    std::string text = ReadFile(src);
    ASSERT_FALSE(text.empty()) << src;
    InputFormat format = DetectInputFormat(src).value();
    for (int k = 1; k <= 7; ++k) {
      size_t cut = text.size() * k / 8 + k;  // not on a record boundary, mostly
      std::string path = dir.File("cut" + std::to_string(k));
      WriteFile(path, text.substr(0, cut));
      ReadResult r = ReadAll(path, format);
      ASSERT_TRUE(r.status.ok()) << src << " cut at " << cut;
      EXPECT_EQ(r.counts.records, r.by_id.size() + r.counts.rejected) << src << " cut at " << cut;
      EXPECT_EQ(r.rejects.size(), r.counts.rejected);
      for (const Reject& x : r.rejects) {
        EXPECT_LT(x.offset, cut) << x.ToString();
        EXPECT_GE(x.line, 1u) << x.ToString();
        EXPECT_FALSE(x.reason.empty());
      }
      EXPECT_GT(r.by_id.size(), 0u) << src << " cut at " << cut;
    }
  }
}

}  // namespace
}  // namespace coopscope::testing
