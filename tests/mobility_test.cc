// Bibliometric mobility (docs/indicators.md "Mobility"; ../shared/guide/
// INDICATORS.md "Further definitions", Mobility after Robinson-Garcia et al.
// 2019): the classes and tenure events on hand-built author histories (each
// class, right-censoring by the window, simultaneous affiliations, returns),
// the flows, the author and work readers on the real records of
// ../shared/data, rejects, the generator's known mix and the CLI.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "engine_util.h"
#include "io/json_records.h"
#include "mobility/reader.h"
#include "synth/author_writer.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

using mobility::AuthorHistory;
using mobility::Classify;
using mobility::MobilityClass;
using mobility::MobilityOptions;
using mobility::TenureEvent;
using mobility::TenureKind;

struct Obs {
  int year;
  std::vector<std::string> countries;
  bool in_scope = false;
};

AuthorHistory Make(const std::vector<Obs>& obs, const MobilityOptions& o = {}, uint32_t publications = 0) {
  AuthorHistory h;
  h.author = 1;
  h.publications = publications;
  for (const Obs& x : obs)
    for (const auto& c : x.countries) h.Add(x.year, MakeCountry(c), x.in_scope);
  h.Finish(o);
  return h;
}

std::vector<TenureEvent> Events(const AuthorHistory& h) {
  std::vector<TenureEvent> e;
  mobility::TenureEvents(h, &e);
  return e;
}

std::vector<std::string> Names(const std::vector<CountryCode>& v) {
  std::vector<std::string> out;
  for (CountryCode c : v) out.push_back(CountryName(c));
  return out;
}

// "non-mobile = one country throughout".
TEST(MobilityRules, NonMobileOneCountryThroughout) {
  auto h = Make({{2010, {"FR"}}, {2011, {"FR"}}, {2015, {"FR"}}});
  EXPECT_EQ(Classify(h, {}), MobilityClass::kNonMobile);
  EXPECT_TRUE(Events(h).empty());
  // A gap of years without publications is no move.
  EXPECT_EQ(h.years().size(), 3u);
}

// "migrant = a move after which the origin disappears".
TEST(MobilityRules, MigrantLeavesTheOrigin) {
  auto h = Make({{2010, {"FR"}}, {2011, {"FR"}}, {2012, {"FR"}}, {2013, {"US"}}, {2014, {"US"}}, {2015, {"US"}}});
  EXPECT_EQ(Classify(h, {}), MobilityClass::kMigrant);
  auto e = Events(h);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, TenureKind::kMigration);
  EXPECT_EQ(e[0].year, 2013);
  EXPECT_EQ(e[0].end_year, 2015);
  EXPECT_EQ(e[0].years_abroad, 3);
  EXPECT_EQ(e[0].home_years, 3);
  EXPECT_EQ(Names(e[0].from), std::vector<std::string>{"FR"});
  EXPECT_EQ(Names(e[0].to), std::vector<std::string>{"US"});
}

// Simultaneous affiliations in the year of the move: the origin is still
// there that year, so the migration starts the year after.
TEST(MobilityRules, MigrantWithAnOverlapYear) {
  auto h = Make({{2010, {"FR"}}, {2011, {"FR", "US"}}, {2012, {"US"}}});
  EXPECT_EQ(Classify(h, {}), MobilityClass::kMigrant);
  auto e = Events(h);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].year, 2012);
  EXPECT_EQ(e[0].home_years, 2);
}

// "traveller = foreign affiliations added while keeping the origin,
// directional (one origin country)": simultaneous affiliations, no stay.
TEST(MobilityRules, DirectionalTravellerKeepsTheOrigin) {
  auto h = Make({{2010, {"FR"}}, {2011, {"FR", "US"}}, {2012, {"FR", "US"}}, {2013, {"FR"}}});
  EXPECT_EQ(Classify(h, {}), MobilityClass::kDirectionalTraveller);
  EXPECT_TRUE(Events(h).empty());
}

// A return: the origin comes back after a run of years abroad.
TEST(MobilityRules, ReturnAfterATemporaryStay) {
  auto h = Make({{2010, {"FR"}}, {2011, {"FR"}}, {2012, {"US"}}, {2013, {"US", "CA"}}, {2014, {"FR"}}, {2015, {"FR"}}});
  EXPECT_EQ(Classify(h, {}), MobilityClass::kDirectionalTraveller);
  auto e = Events(h);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].kind, TenureKind::kTemporaryStay);
  EXPECT_EQ(e[0].year, 2012);
  EXPECT_EQ(e[0].end_year, 2013);
  EXPECT_EQ(e[0].years_abroad, 2);
  EXPECT_EQ(Names(e[0].to), std::vector<std::string>{"US"});
  EXPECT_EQ(e[1].kind, TenureKind::kReturn);
  EXPECT_EQ(e[1].year, 2014);
  EXPECT_EQ(Names(e[1].from), (std::vector<std::string>{"CA", "US"}));
  EXPECT_EQ(Names(e[1].to), std::vector<std::string>{"FR"});
}

// Right-censoring: the window ends while the author is abroad, so the same
// history is a migration; with the later years it is a stay and a return.
TEST(MobilityRules, WindowRightCensorsAStay) {
  std::vector<Obs> obs = {{2010, {"FR"}}, {2011, {"FR"}}, {2012, {"US"}}, {2013, {"US"}}, {2014, {"FR"}}};
  MobilityOptions to2013;
  to2013.last_year = 2013;
  auto cut = Make(obs, to2013);
  EXPECT_EQ(Classify(cut, to2013), MobilityClass::kMigrant);
  auto e = Events(cut);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, TenureKind::kMigration);
  EXPECT_EQ(e[0].year, 2012);
  auto full = Make(obs);
  EXPECT_EQ(Classify(full, {}), MobilityClass::kDirectionalTraveller);
  EXPECT_EQ(Events(full).size(), 2u);
  // The window's left edge moves the origin: from 2012 on the author starts in US.
  MobilityOptions from2012;
  from2012.first_year = 2012;
  auto late = Make(obs, from2012);
  EXPECT_EQ(Classify(late, from2012), MobilityClass::kMigrant);
  EXPECT_EQ(Names(Events(late)[0].from), std::vector<std::string>{"US"});
}

// "non-directional (several countries from the first year on, all kept)".
TEST(MobilityRules, NonDirectionalTraveller) {
  auto h = Make({{2010, {"FR", "US"}}, {2011, {"US", "FR"}}, {2013, {"FR", "US", "DE"}}});
  EXPECT_EQ(Classify(h, {}), MobilityClass::kNonDirectionalTraveller);
  // One origin country left, one kept: still a traveller (docs/indicators.md).
  auto partial = Make({{2010, {"FR", "US"}}, {2012, {"FR"}}});
  EXPECT_EQ(Classify(partial, {}), MobilityClass::kNonDirectionalTraveller);
  // Every origin country gone: a migrant.
  auto gone = Make({{2010, {"FR", "US"}}, {2012, {"DE"}}});
  EXPECT_EQ(Classify(gone, {}), MobilityClass::kMigrant);
  // A single year with two countries is already non-directional.
  EXPECT_EQ(Classify(Make({{2010, {"FR", "US"}}}), {}), MobilityClass::kNonDirectionalTraveller);
}

TEST(MobilityRules, MinimumPublicationsAndUnknownCountries) {
  MobilityOptions o;
  o.min_publications = 3;
  auto two = Make({{2010, {"FR"}}, {2012, {"US"}}}, o, 0);
  EXPECT_EQ(two.publications, 2u);  // raised to the observed years
  EXPECT_EQ(Classify(two, o), MobilityClass::kUnclassified);
  auto many = Make({{2010, {"FR"}}, {2012, {"US"}}}, o, 7);
  EXPECT_EQ(Classify(many, o), MobilityClass::kMigrant);
  // A year without a known country is not observed.
  AuthorHistory h;
  h.Add(2010, MakeCountry("FR"), false);
  h.Add(2011, kNoCountry, true);
  h.Add(2012, MakeCountry("FR"), false);
  h.Add(2012, kNoCountry, true);
  h.Finish({});
  ASSERT_EQ(h.years().size(), 2u);
  EXPECT_FALSE(h.years()[0].in_scope);
  EXPECT_TRUE(h.years()[1].in_scope);  // scope membership marks an observed year
  EXPECT_EQ(Classify(h, {}), MobilityClass::kNonMobile);
  AuthorHistory none;
  none.Add(2010, kNoCountry, false);
  none.Finish({});
  EXPECT_EQ(Classify(none, {}), MobilityClass::kUnclassified);
}

TEST(MobilityFlows, CountriesPairsAndOrganisation) {
  mobility::MobilityTally t;
  MobilityOptions o;
  // A migrant FR (in S) → US in 2013.
  t.Add(Make({{2010, {"FR"}, true}, {2012, {"FR"}, true}, {2013, {"US"}}, {2014, {"US"}}}), o);
  // A migrant US → FR (in S) in 2013.
  t.Add(Make({{2011, {"US"}}, {2013, {"FR"}, true}}), o);
  // A traveller FR adding DE in 2012 and GB in 2014, always in S.
  t.Add(Make({{2010, {"FR"}, true}, {2012, {"FR", "DE"}, true}, {2014, {"FR", "GB"}, true}}), o);
  // A returnee FR → CH (2011) → FR (2012).
  t.Add(Make({{2010, {"FR"}}, {2011, {"CH"}}, {2012, {"FR"}}}), o);
  // A non-mobile author moving into S in 2015 (a domestic move).
  t.Add(Make({{2014, {"FR"}}, {2015, {"FR"}, true}}), o);
  const int mig = static_cast<int>(MobilityClass::kMigrant), dt = static_cast<int>(MobilityClass::kDirectionalTraveller),
            nm = static_cast<int>(MobilityClass::kNonMobile);
  EXPECT_EQ(t.authors[mig], 2u);
  EXPECT_EQ(t.authors[dt], 2u);
  EXPECT_EQ(t.authors[nm], 1u);
  auto fr13 = t.countries[{MakeCountry("FR"), 2013}];
  EXPECT_EQ(fr13.out_migrants, 1u);
  EXPECT_EQ(fr13.in_migrants, 1u);
  EXPECT_EQ(fr13.net(), 0);
  EXPECT_EQ((t.countries[{MakeCountry("US"), 2013}].net()), 0);
  EXPECT_EQ((t.countries[{MakeCountry("DE"), 2012}].in_travellers), 1u);
  EXPECT_EQ((t.countries[{MakeCountry("FR"), 2012}].out_travellers), 1u);
  EXPECT_EQ((t.countries[{MakeCountry("CH"), 2011}].in_travellers), 1u);
  EXPECT_EQ((t.countries[{MakeCountry("FR"), 2012}].returns), 1u);
  EXPECT_EQ((t.pairs[{MakeCountry("FR"), MakeCountry("US"), 2013, mobility::FlowKind::kMigrant}]), 1u);
  EXPECT_EQ((t.pairs[{MakeCountry("FR"), MakeCountry("GB"), 2014, mobility::FlowKind::kTraveller}]), 1u);
  EXPECT_EQ(t.events[static_cast<int>(TenureKind::kMigration)], 2u);
  EXPECT_EQ(t.events[static_cast<int>(TenureKind::kTemporaryStay)], 1u);
  EXPECT_EQ(t.events[static_cast<int>(TenureKind::kReturn)], 1u);
  EXPECT_EQ((t.event_lengths[{TenureKind::kMigration, 2013, 2}]), 1u);  // FR → US, 2013–2014
  EXPECT_EQ((t.event_lengths[{TenureKind::kTemporaryStay, 2011, 1}]), 1u);
  EXPECT_EQ((t.event_lengths[{TenureKind::kReturn, 2012, 1}]), 1u);
  // The organisation: one leaves in 2013 (to US), one enters in 2013 (from US),
  // one enters in 2015 (from FR).
  const auto& y13 = t.org.at(2013);
  EXPECT_EQ(y13.incoming[mig], 1u);
  EXPECT_EQ(y13.outgoing[mig], 1u);
  EXPECT_EQ(y13.origins.at(MakeCountry("US")), 1u);
  EXPECT_EQ(y13.destinations.at(MakeCountry("US")), 1u);
  EXPECT_EQ(y13.net(), 0);
  EXPECT_EQ(t.org.at(2015).incoming[nm], 1u);
  EXPECT_EQ(t.org.at(2015).net(), 1);
  EXPECT_EQ(t.org.at(2012).present[mig] + t.org.at(2012).present[dt], 2u);
  auto total = mobility::OrgTotal(t, 2013, 2015);
  EXPECT_EQ(total.TotalIncoming(), 2u);
  EXPECT_EQ(total.TotalOutgoing(), 1u);
  EXPECT_EQ(total.net(), 1);
  EXPECT_EQ(mobility::OrgTotal(t, 2014, 2014).TotalIncoming(), 0u);
  // Sums merge: two halves give the whole.
  mobility::MobilityTally a, b;
  a.Add(Make({{2010, {"FR"}, true}, {2012, {"FR"}, true}, {2013, {"US"}}, {2014, {"US"}}}), o);
  a.Add(Make({{2011, {"US"}}, {2013, {"FR"}, true}}), o);
  b.Add(Make({{2010, {"FR"}, true}, {2012, {"FR", "DE"}, true}, {2014, {"FR", "GB"}, true}}), o);
  b.Add(Make({{2010, {"FR"}}, {2011, {"CH"}}, {2012, {"FR"}}}), o);
  b.Add(Make({{2014, {"FR"}}, {2015, {"FR"}, true}}), o);
  a.Merge(b);
  EXPECT_EQ(a.authors, t.authors);
  EXPECT_EQ(a.pairs, t.pairs);
  EXPECT_EQ(a.countries.size(), t.countries.size());
  EXPECT_EQ(a.org.at(2013).origins, y13.origins);
}

// Reads one file of author entities with the given resolver.
struct ReadAuthors {
  std::vector<AuthorHistory> histories;
  std::vector<MobilityClass> classes;
  mobility::MobilityRun run;
  std::vector<Reject> rejects;
};

ReadAuthors Collect(const std::vector<std::string>& inputs, const MobilityOptions& o,
                    const mobility::InstitutionResolver& resolver,
                    mobility::MobilitySource source = mobility::MobilitySource::kAuthors) {
  ReadAuthors r;
  auto run = mobility::CollectMobility(inputs, source, o, resolver, Limits(), &r.rejects,
                                       [&](const AuthorHistory& h, MobilityClass c) {
                                         r.histories.push_back(h);
                                         r.classes.push_back(c);
                                       });
  EXPECT_TRUE(run.ok()) << run.status().message();
  if (run.ok()) r.run = run.value();
  return r;
}

struct NoRegistry {
  Registry registry;
  CountryPolicy policy;
  mobility::InstitutionResolver resolver{&registry, nullptr, &policy};
};

// The 2025 single-entity record of Jason Priem (openalex-entities-2025):
// affiliations[].years give US 2008–2018 (CA in 2013 beside US), CA 2019,
// US 2020, CA 2021–2023.
TEST(MobilityRealData, AuthorEntity2025IsAMigrantWithAStayAndAReturn) {
  NoRegistry nr;
  auto r = Collect({SharedData("openalex-entities-2025/A5023888391.json")}, {}, nr.resolver);
  ASSERT_EQ(r.histories.size(), 1u);
  EXPECT_TRUE(r.rejects.empty());
  const AuthorHistory& h = r.histories[0];
  EXPECT_EQ(h.author, 5023888391u);
  ASSERT_EQ(h.years().size(), 13u);
  EXPECT_EQ(h.years().front().year, 2008);
  EXPECT_EQ(h.years().back().year, 2023);
  EXPECT_EQ(h.publications, 55u);  // counts_by_year 2012–2025
  EXPECT_EQ(r.classes[0], MobilityClass::kMigrant);
  auto e = Events(h);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].kind, TenureKind::kTemporaryStay);
  EXPECT_EQ(e[0].year, 2019);
  EXPECT_EQ(e[1].kind, TenureKind::kReturn);
  EXPECT_EQ(e[1].year, 2020);
  EXPECT_EQ(e[2].kind, TenureKind::kMigration);
  EXPECT_EQ(e[2].year, 2021);
  EXPECT_EQ(e[2].years_abroad, 3);
  EXPECT_EQ(e[2].home_years, 9);
  EXPECT_EQ(Names(e[2].from), std::vector<std::string>{"US"});
  EXPECT_EQ(Names(e[2].to), std::vector<std::string>{"CA"});

  // The same record in narrower windows.
  MobilityOptions early;
  early.last_year = 2018;
  EXPECT_EQ(Collect({SharedData("openalex-entities-2025/A5023888391.json")}, early, nr.resolver).classes[0],
            MobilityClass::kDirectionalTraveller);  // CA added in 2013, US kept
  MobilityOptions late;
  late.first_year = 2019;
  auto lr = Collect({SharedData("openalex-entities-2025/A5023888391.json")}, late, nr.resolver);
  EXPECT_EQ(lr.classes[0], MobilityClass::kDirectionalTraveller);  // CA, US 2020, back to CA
  EXPECT_EQ(Events(lr.histories[0]).size(), 2u);
  MobilityOptions strict;
  strict.min_publications = 56;
  EXPECT_EQ(Collect({SharedData("openalex-entities-2025/A5023888391.json")}, strict, nr.resolver).classes[0],
            MobilityClass::kUnclassified);
}

// Old-shape records: last_known_institution only.
TEST(MobilityRealData, LegacyLastKnownInstitution) {
  NoRegistry nr;
  // The 2023 single entity of the same author: OurResearch (CA), observed in
  // the last year with works (2022); 45 works in counts_by_year.
  auto r = Collect({SharedData("openalex-snapshot-sample-2023/single/A5023888391.json")}, {}, nr.resolver);
  ASSERT_EQ(r.histories.size(), 1u);
  ASSERT_EQ(r.histories[0].years().size(), 1u);
  EXPECT_EQ(r.histories[0].years()[0].year, 2022);
  EXPECT_EQ(Names({r.histories[0].CountriesOf(r.histories[0].years()[0]).begin(),
                   r.histories[0].CountriesOf(r.histories[0].years()[0]).end()}),
            std::vector<std::string>{"CA"});
  EXPECT_EQ(r.histories[0].publications, 45u);
  EXPECT_EQ(r.classes[0], MobilityClass::kNonMobile);
  // The API list response: Caltech (US), works in 2022 and 2023.
  auto api = Collect({SharedData("openalex-entities-2025/A-api-response.json")}, {}, nr.resolver);
  ASSERT_EQ(api.histories.size(), 1u);
  EXPECT_EQ(api.histories[0].years()[0].year, 2023);
  EXPECT_EQ(api.histories[0].publications, 33u);
  EXPECT_EQ(api.classes[0], MobilityClass::kNonMobile);
  // The snapshot part: one author without works, hence unclassified; the
  // snapshot root is read through its authors/ folder.
  auto snap = Collect({SharedData("openalex-snapshot-sample-2023")}, {}, nr.resolver);
  EXPECT_EQ(snap.run.counts.read, 1u);
  EXPECT_EQ(snap.run.counts.accepted, 1u);
  ASSERT_EQ(snap.classes.size(), 1u);
  EXPECT_EQ(snap.histories[0].author, 4347464006u);
  EXPECT_EQ(snap.classes[0], MobilityClass::kUnclassified);
}

// Works → author × year × countries, on the 340 real works of
// openalex-works-openalexpro.  Expected figures from a one-off Python reading
// of the same file with the same rules (countries = authorships[].countries ∪
// institutions' country_code, default country policy).
TEST(MobilityRealData, WorksGiveAuthorYearCountrySequences) {
  NoRegistry nr;
  auto r = Collect({SharedData("openalex-works-openalexpro/works_unique.jsonl")}, {}, nr.resolver,
                   mobility::MobilitySource::kWorks);
  const auto& c = r.run.counts;
  EXPECT_EQ(c.read, c.accepted + c.rejected + c.duplicates);
  EXPECT_EQ(c.read, 340u);
  EXPECT_EQ(c.authors, 741u);
  const auto& a = r.run.tally.authors;
  EXPECT_EQ(a[static_cast<int>(MobilityClass::kNonMobile)], 385u);
  EXPECT_EQ(a[static_cast<int>(MobilityClass::kUnclassified)], 331u);
  EXPECT_EQ(a[static_cast<int>(MobilityClass::kNonDirectionalTraveller)], 18u);
  EXPECT_EQ(a[static_cast<int>(MobilityClass::kMigrant)], 7u);
  EXPECT_EQ(a[static_cast<int>(MobilityClass::kDirectionalTraveller)], 0u);
  std::map<OpenAlexId, size_t> at;
  for (size_t i = 0; i < r.histories.size(); ++i) at[r.histories[i].author] = i;
  // A5019087212: GB 1999, 2000, AU 2008 — a migrant in 2008.
  ASSERT_TRUE(at.count(5019087212u));
  const AuthorHistory& m = r.histories[at[5019087212u]];
  EXPECT_EQ(r.classes[at[5019087212u]], MobilityClass::kMigrant);
  EXPECT_EQ(m.publications, 3u);
  ASSERT_EQ(Events(m).size(), 1u);
  EXPECT_EQ(Events(m)[0].year, 2008);
  // A5007426895: GB+SE in 2012, then GB only — non-directional.
  ASSERT_TRUE(at.count(5007426895u));
  EXPECT_EQ(r.classes[at[5007426895u]], MobilityClass::kNonDirectionalTraveller);
  EXPECT_EQ(r.histories[at[5007426895u]].publications, 7u);
}

// Works read twice count once (the newest updated_date) and merged ids are
// dropped, as for the indicators ("Duplicates and merged records").
TEST(MobilityRealData, WorksDuplicatesAndMergedIds) {
  TempDir dir;
  auto work = [](int id, const char* updated, int year, const char* country) {
    return fmt::format(
        R"({{"id":"https://openalex.org/W{}","publication_year":{},"updated_date":"{}","authorships":[{{"author":{{"id":"https://openalex.org/A5"}},"institutions":[{{"id":"https://openalex.org/I9","country_code":"{}"}}],"countries":[]}}]}})",
        id, year, updated, country);
  };
  // A5: FR in 2010 (W1), then W2 in 2012 — US in its newer version, FR in the
  // older one; W3 (DE, 2014) is merged away.
  WriteFile(dir.File("snap/works/updated_date=2024-01-01/part_000.jsonl"),
            work(1, "2024-01-01", 2010, "FR") + "\n" + work(2, "2024-01-01", 2012, "US") + "\n" +
                work(3, "2024-01-01", 2014, "DE") + "\n");
  WriteFile(dir.File("snap/works/updated_date=2023-01-01/part_000.jsonl"), work(2, "2023-01-01", 2012, "FR") + "\n");
  WriteFile(dir.File("snap/merged_ids/works/2024-02-01.csv"), "merge_date,id,merge_into_id\n2024-02-01,W3,W1\n");
  NoRegistry nr;
  auto r = Collect({dir.File("snap")}, {}, nr.resolver, mobility::MobilitySource::kWorks);
  const auto& c = r.run.counts;
  EXPECT_EQ(c.read, 4u);
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(c.accepted, 3u);
  EXPECT_EQ(c.merged_dropped, 1u);
  EXPECT_EQ(c.read, c.accepted + c.rejected + c.duplicates);
  ASSERT_EQ(r.histories.size(), 1u);
  EXPECT_EQ(r.histories[0].publications, 2u);
  EXPECT_EQ(r.classes[0], MobilityClass::kMigrant);  // FR 2010 → US 2012; DE dropped
  EXPECT_EQ(r.histories[0].years().size(), 2u);
}

// Countries resolved through the registry and scope membership through the
// lineage (CNRS, ../shared/data/README.md: often only in the lineage).
TEST(MobilityRealData, RegistryCountryAndScopeLineage) {
  Registry registry;
  RejectLog rr;
  ASSERT_TRUE(registry.Load(kRorSubset, &rr).ok());
  ScopeSpec spec;
  spec.roots = {"02feahw73", "I1294671590"};
  auto scope = Scope::Build(spec, registry);
  ASSERT_TRUE(scope.ok());
  CountryPolicy policy;
  mobility::InstitutionResolver resolver(&registry, &scope.value(), &policy);
  // CNRS by its ROR id with a null country: FR from the registry.
  auto cnrs = resolver.Resolve(0, ParseRorId("02feahw73"), kNoCountry, nullptr, 0, false);
  EXPECT_EQ(cnrs.country, MakeCountry("FR"));
  EXPECT_TRUE(cnrs.in_scope);
  // A lab whose lineage holds CNRS.
  OpenAlexId lineage[] = {4210000001u, 1294671590u};
  auto lab = resolver.Resolve(4210000001u, 0, MakeCountry("FR"), lineage, 2, true);
  EXPECT_TRUE(lab.in_scope);
  // Overseas codes count as FR (default policy).
  EXPECT_EQ(resolver.Resolve(0, 0, MakeCountry("GF"), nullptr, 0, true).country, MakeCountry("FR"));
  EXPECT_FALSE(resolver.Resolve(0, 0, MakeCountry("GF"), nullptr, 0, true).in_scope);
}

TEST(MobilityRejects, BadRecordsNameFileLineOffsetAndReason) {
  TempDir dir;
  std::string path = dir.File("authors.jsonl");
  std::string good =
      R"({"id":"https://openalex.org/A1","affiliations":[{"institution":{"id":"https://openalex.org/I1","country_code":"FR"},"years":[2012,2010]},{"institution":{"id":"https://openalex.org/I2","country_code":"DE"},"years":[2014]}],"counts_by_year":[{"year":2014,"works_count":2}]})";
  std::string good2 = good;
  good2.replace(good2.find("A1"), 2, "A3");
  WriteFile(path, good + "\n" + R"({"id":"https://openalex.org/W1"})" + "\n" + "{not json\n" +
                      R"({"id":"https://openalex.org/A2","affiliations":[{"institution":{"id":"I3"},"years":["x"]}]})" +
                      "\n" + good2 + "\n");
  NoRegistry nr;
  auto r = Collect({path}, {}, nr.resolver);
  const auto& c = r.run.counts;
  EXPECT_EQ(c.read, 5u);
  EXPECT_EQ(c.rejected, 3u);
  EXPECT_EQ(c.accepted, 2u);
  EXPECT_EQ(c.read, c.accepted + c.rejected);
  ASSERT_EQ(r.rejects.size(), 3u);
  std::sort(r.rejects.begin(), r.rejects.end(), RejectBefore);
  EXPECT_EQ(r.rejects[0].line, 2u);
  EXPECT_EQ(r.rejects[0].offset, good.size() + 1);
  EXPECT_NE(r.rejects[0].reason.find("not an OpenAlex author id"), std::string::npos);
  EXPECT_EQ(r.rejects[1].line, 3u);
  EXPECT_EQ(r.rejects[2].line, 4u);
  EXPECT_NE(r.rejects[2].reason.find("affiliations[].years"), std::string::npos);
  EXPECT_EQ(r.rejects[0].file, path);
  // The accepted records are whole: FR 2010, 2012, DE 2014 → a migrant.
  ASSERT_EQ(r.classes.size(), 2u);
  EXPECT_EQ(r.classes[0], MobilityClass::kMigrant);
}

// An author read twice counts once: the newest updated_date wins, whatever
// the order of the files ("Duplicates and merged records").
TEST(MobilityRejects, AuthorReadTwiceCountsOnce) {
  TempDir dir;
  std::string older =
      R"({"id":"https://openalex.org/A7","updated_date":"2023-01-01","affiliations":[{"institution":{"country_code":"FR"},"years":[2010,2011]}]})";
  std::string newer =
      R"({"id":"https://openalex.org/A7","updated_date":"2024-01-01T00:00:00","affiliations":[{"institution":{"country_code":"FR"},"years":[2010]},{"institution":{"country_code":"JP"},"years":[2012]}]})";
  std::string other = R"({"id":"https://openalex.org/A8","affiliations":[{"institution":{"country_code":"DE"},"years":[2010]}]})";
  WriteFile(dir.File("a/part_0.jsonl"), newer + "\n" + other + "\n");
  WriteFile(dir.File("b/part_0.jsonl"), older + "\n");
  NoRegistry nr;
  auto r = Collect({dir.File("a"), dir.File("b")}, {}, nr.resolver);
  std::vector<Reject> ignored;
  auto threaded = mobility::CollectMobility({dir.File("a"), dir.File("b")}, mobility::MobilitySource::kAuthors, {},
                                            nr.resolver, Limits(), &ignored, nullptr, 2);
  ASSERT_TRUE(threaded.ok());
  EXPECT_EQ(threaded.value().tally.authors, r.run.tally.authors);
  EXPECT_EQ(threaded.value().counts.duplicates, 1u);
  const auto& c = r.run.counts;
  EXPECT_EQ(c.read, 3u);
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(c.accepted, 2u);
  EXPECT_EQ(c.authors, 2u);
  EXPECT_EQ(r.run.tally.authors[static_cast<int>(MobilityClass::kMigrant)], 1u);  // the newer A7
  EXPECT_EQ(r.run.tally.authors[static_cast<int>(MobilityClass::kNonMobile)], 1u);
  ASSERT_EQ(r.histories.size(), 2u);
  // A malformed updated_date is a reject.
  WriteFile(dir.File("c.jsonl"), R"({"id":"https://openalex.org/A9","updated_date":"yesterday"})" "\n");
  auto bad = Collect({dir.File("c.jsonl")}, {}, nr.resolver);
  ASSERT_EQ(bad.rejects.size(), 1u);
  EXPECT_NE(bad.rejects[0].reason.find("updated_date"), std::string::npos);
}

// The generator's planned mix is what the rules find, plain and gzip alike,
// and the CNRS scope sees French authors move in and out.
TEST(MobilitySynth, GeneratedAuthorsHaveTheirPlannedClasses) {
  TempDir dir;
  Registry registry;
  RejectLog rr;
  ASSERT_TRUE(registry.Load(kRorSubset, &rr).ok());
  AuthorGenOptions g;
  g.out_dir = dir.File("plain");
  g.authors = 20000;
  g.parts = 3;
  auto summary = GenerateAuthors(g, registry);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary.value().records, 20000u);
  for (uint64_t n : summary.value().expected) EXPECT_GT(n, 100u);
  g.out_dir = dir.File("gz");
  g.compression = "gz";
  ASSERT_TRUE(GenerateAuthors(g, registry).ok());

  ScopeSpec spec;
  spec.roots = {"02feahw73"};
  auto scope = Scope::Build(spec, registry);
  ASSERT_TRUE(scope.ok());
  CountryPolicy policy;
  mobility::InstitutionResolver resolver(&registry, &scope.value(), &policy);
  Registry empty;
  mobility::InstitutionResolver bare(&empty, nullptr, &policy);
  for (const char* sub : {"plain", "gz"}) {
    std::vector<Reject> rejects;
    auto run = mobility::CollectMobility({dir.File(sub)}, mobility::MobilitySource::kAuthors, {}, resolver, Limits(),
                                         &rejects);
    ASSERT_TRUE(run.ok());
    EXPECT_TRUE(rejects.empty());
    EXPECT_EQ(run.value().counts.read, 20000u);
    for (int k = 0; k < mobility::kMobilityClasses; ++k)
      EXPECT_EQ(run.value().tally.authors[k], summary.value().expected[k]) << sub << " class " << k;
    uint64_t present = 0, in = 0, out = 0;
    for (const auto& [year, f] : run.value().tally.org) {
      for (uint64_t x : f.present) present += x;
      in += f.TotalIncoming();
      out += f.TotalOutgoing();
    }
    EXPECT_GT(present, 100u);
    EXPECT_GT(in, 10u);
    EXPECT_GT(out, 10u);
  }
  // Two threads over the three parts: the same sums.
  {
    std::vector<Reject> rejects;
    auto one = mobility::CollectMobility({dir.File("plain")}, mobility::MobilitySource::kAuthors, {}, resolver,
                                         Limits(), &rejects, nullptr, 1);
    auto two = mobility::CollectMobility({dir.File("plain")}, mobility::MobilitySource::kAuthors, {}, resolver,
                                         Limits(), &rejects, nullptr, 2);
    ASSERT_TRUE(one.ok() && two.ok());
    EXPECT_EQ(one.value().tally.authors, two.value().tally.authors);
    EXPECT_EQ(one.value().tally.pairs, two.value().tally.pairs);
    EXPECT_EQ(one.value().tally.event_lengths, two.value().tally.event_lengths);
    EXPECT_EQ(one.value().tally.org.size(), two.value().tally.org.size());
    for (const auto& [year, f] : one.value().tally.org) {
      EXPECT_EQ(f.incoming, two.value().tally.org.at(year).incoming);
      EXPECT_EQ(f.destinations, two.value().tally.org.at(year).destinations);
    }
    EXPECT_EQ(one.value().counts.read, two.value().counts.read);
    EXPECT_EQ(one.value().counts.authors, two.value().counts.authors);
  }
  // Without a registry, the same classes (no null country is drawn).
  std::vector<Reject> rejects;
  auto run = mobility::CollectMobility({dir.File("plain")}, mobility::MobilitySource::kAuthors, {}, bare, Limits(),
                                       &rejects);
  ASSERT_TRUE(run.ok());
  for (int k = 0; k < mobility::kMobilityClasses; ++k)
    EXPECT_EQ(run.value().tally.authors[k], summary.value().expected[k]);
}

// A truncated .gz part: the stream error is a reject naming the file, the
// records before it load, and the counts reconcile.
TEST(MobilityRejects, TruncatedGzipPart) {
  TempDir dir;
  Registry registry;
  RejectLog rr;
  ASSERT_TRUE(registry.Load(kRorSubset, &rr).ok());
  AuthorGenOptions g;
  g.out_dir = dir.File("gen");
  g.authors = 3000;
  g.parts = 1;
  g.compression = "gz";
  ASSERT_TRUE(GenerateAuthors(g, registry).ok());
  std::string part;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.File("gen")))
    if (e.path().extension() == ".gz") part = e.path().string();
  ASSERT_FALSE(part.empty());
  std::filesystem::resize_file(part, std::filesystem::file_size(part) / 2);
  NoRegistry nr;
  std::vector<Reject> rejects;
  auto run = mobility::CollectMobility({part}, mobility::MobilitySource::kAuthors, {}, nr.resolver, Limits(), &rejects);
  ASSERT_TRUE(run.ok());
  const auto& c = run.value().counts;
  EXPECT_GT(c.accepted, 500u);
  EXPECT_LT(c.accepted, 3000u);
  ASSERT_FALSE(rejects.empty());
  EXPECT_EQ(rejects.back().file, part);
  EXPECT_EQ(c.read, c.accepted + c.rejected + c.duplicates);
  uint64_t classified = 0;
  for (uint64_t n : run.value().tally.authors) classified += n;
  EXPECT_EQ(classified, c.accepted);
}

TEST(MobilityCli, FormatsAndErrors) {
  TempDir dir;
  const std::string d = dir.path().string();
  auto json = RunCli("mobility --min-cell 0 --format json -q " + SharedData("openalex-entities-2025/A5023888391.json"), d);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json.out).get(doc), simdjson::SUCCESS) << json.out;
  EXPECT_EQ(int64_t(doc["classes"]["migrant"]), 1);
  EXPECT_EQ(int64_t(doc["events"]["return"]), 1);
  EXPECT_EQ(std::string_view(doc["schema"]), "coopscope/mobility");
  auto csv = RunCli("mobility --min-cell 0 --format csv --csv-table pairs -q " + SharedData("openalex-entities-2025/A5023888391.json"), d);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("US,CA,2021,migrant,1"), std::string::npos) << csv.out;
  auto events = RunCli("mobility --min-cell 0 --format csv --csv-table events -q " + SharedData("openalex-entities-2025/A5023888391.json"), d);
  EXPECT_NE(events.out.find("temporary-stay,2019,1,1"), std::string::npos) << events.out;
  EXPECT_NE(events.out.find("migration,2021,3,1"), std::string::npos) << events.out;
  EXPECT_EQ(RunCli("mobility --years 2020-2010 " + SharedData("openalex-entities-2025/A5023888391.json"), d).exit_code, 2);
  auto org = RunCli("mobility --org I4200000001 --years 2015-2023 -q " +
                        SharedData("openalex-entities-2025/A5023888391.json"),
                    d);
  ASSERT_EQ(org.exit_code, 0) << org.err;
  EXPECT_NE(org.out.find("Organisation"), std::string::npos);
  EXPECT_NE(org.out.find("migrant"), std::string::npos);
  auto org_csv = RunCli("mobility --min-cell 0 --org I4200000001 --format csv --csv-table org -q " +
                            SharedData("openalex-entities-2025/A5023888391.json"),
                        d);
  // OurResearch: entered 2019, left 2020, entered again 2021.
  EXPECT_NE(org_csv.out.find("2019,migrant,1,1,0"), std::string::npos) << org_csv.out;
  EXPECT_NE(org_csv.out.find("2020,migrant,0,0,1"), std::string::npos) << org_csv.out;
  EXPECT_NE(org_csv.out.find("2021,migrant,1,1,0"), std::string::npos) << org_csv.out;
  // By default every count of authors under 5 is suppressed, in every format (issue 5, privacy).
  auto hidden_json = RunCli("mobility --format json -q " + SharedData("openalex-entities-2025/A5023888391.json"), d);
  ASSERT_EQ(hidden_json.exit_code, 0) << hidden_json.err;
  ASSERT_EQ(parser.parse(hidden_json.out).get(doc), simdjson::SUCCESS) << hidden_json.out;
  EXPECT_EQ(std::string_view(doc["classes"]["migrant"]), "<5");
  EXPECT_EQ(std::string_view(doc["events"]["return"]), "<5");
  EXPECT_EQ(int64_t(doc["options"]["min_cell"]), 5);
  auto hidden_csv = RunCli("mobility --format csv --csv-table pairs -q " +
                               SharedData("openalex-entities-2025/A5023888391.json"),
                           d);
  EXPECT_NE(hidden_csv.out.find("US,CA,2021,migrant,<5"), std::string::npos) << hidden_csv.out;
  auto hidden_table = RunCli("mobility --org I4200000001 --years 2015-2023 -q " +
                                 SharedData("openalex-entities-2025/A5023888391.json"),
                             d);
  EXPECT_NE(hidden_table.out.find("<5"), std::string::npos) << hidden_table.out;
  EXPECT_EQ(hidden_table.out.find("  +1  "), std::string::npos) << hidden_table.out;
  auto three = RunCli("mobility --min-cell 3 --format csv --csv-table classes -q " +
                          SharedData("openalex-entities-2025/A5023888391.json"),
                      d);
  EXPECT_NE(three.out.find("migrant,<3"), std::string::npos) << three.out;
  EXPECT_EQ(RunCli("mobility --from citations x.json", d).exit_code, 2);
  EXPECT_EQ(RunCli("mobility /nonexistent/authors.jsonl", d).exit_code, 4);
  EXPECT_EQ(RunCli("mobility --format csv --csv-table nope " + SharedData("openalex-entities-2025/A5023888391.json"), d)
                .exit_code,
            2);
}

}  // namespace
}  // namespace coopscope::testing
