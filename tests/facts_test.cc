// Per-work facts on hand-built works (docs/indicators.md, "Per-work flags"):
// unified institutions through lineage, partner institutions at the top of
// their lineage, registry countries for null country codes, the country
// policy, distances, and the bootstrap interval.
#include <gtest/gtest.h>

#include "engine_util.h"
#include "io/json_records.h"
#include "sources/openalex/work_parser.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

// Parses one JSON work and computes its facts for a scope.
struct OneWork {
  Registry registry;
  RejectLog registry_rejects;
  CountryPolicy policy;
  std::unique_ptr<Scope> scope;
  Work work;
  WorkFacts facts;
  FactsArena arena;
  bool in_scope = false;

  void Load(const std::string& registry_path) { ASSERT_TRUE(registry.Load(registry_path, &registry_rejects).ok()); }
  void Compute(const std::vector<std::string>& roots, std::string json) {
    ScopeSpec spec;
    spec.roots = roots;
    auto built = Scope::Build(spec, registry);
    ASSERT_TRUE(built.ok()) << built.status().message();
    scope = std::make_unique<Scope>(std::move(built.value()));
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(json);
    auto doc = parser.iterate(padded);
    simdjson::ondemand::object obj;
    ASSERT_FALSE(doc.get_object().get(obj));
    WorkParser wp;
    Status st = wp.Parse(obj, &work);
    ASSERT_TRUE(st.ok()) << st.message();
    FactsBuilder builder(*scope, registry, policy);
    in_scope = builder.InScope(work);
    if (in_scope) builder.Build(work, &facts, &arena);
  }
  std::vector<std::string> Countries() const {
    std::vector<std::string> out;
    for (uint32_t i = facts.countries_begin; i < facts.countries_end; ++i)
      out.push_back(CountryName(arena.countries[i]));
    return out;
  }
  std::vector<PartnerKey> Partners() const {
    return std::vector<PartnerKey>(arena.partners.begin() + facts.partners_begin,
                                   arena.partners.begin() + facts.partners_end);
  }
};

std::string Inst(const std::string& id, const std::string& country, const std::string& type, const std::string& lineage,
                 const std::string& ror = "") {
  return "{\"id\":\"https://openalex.org/" + id +
         "\",\"country_code\":" + (country.empty() ? "null" : "\"" + country + "\"") + ",\"type\":\"" + type + "\"" +
         (ror.empty() ? "" : ",\"ror\":\"https://ror.org/" + ror + "\"") +
         (lineage.empty() ? "" : ",\"lineage\":[" + lineage + "]") + "}";
}
std::string L(const std::string& id) {
  return "\"https://openalex.org/" + id + "\"";
}

TEST(Facts, CnrsLabAndCnrsAreOneUnifiedInstitution) {
  // A CNRS lab (lineage: lab, CNRS, a university) and CNRS itself: one unified
  // institution, so not a collaboration; f = 1.
  OneWork w;
  w.Compute({"I1294671590"},
            "{\"id\":\"W1\",\"publication_year\":2020,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I10", "FR", "facility", L("I10") + "," + L("I1294671590") + "," + L("I20")) +
                "],\"countries\":[\"FR\"]},"
                "{\"institutions\":[" +
                Inst("I1294671590", "FR", "government", L("I1294671590")) + "],\"countries\":[\"FR\"]}]}");
  ASSERT_TRUE(w.in_scope);
  EXPECT_DOUBLE_EQ(w.facts.frac, 1.0);
  EXPECT_FALSE(w.facts.flags & kFlagCollab);
  EXPECT_EQ(w.facts.type, CollabType::kInstitutional);
  EXPECT_EQ(w.facts.country_class, CountryClass::kDomesticSingleInstitution);
}

TEST(Facts, JointLabLinksTwoUniversitiesIntoOneUnit) {
  // Lab A (CNRS + U20) and university U20: one unified institution (shared
  // U20); with an unrelated U30 (no lineage) there are two.
  OneWork w;
  w.Compute({"I1294671590"},
            "{\"id\":\"W2\",\"publication_year\":2020,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I10", "FR", "facility", L("I10") + "," + L("I1294671590") + "," + L("I20")) +
                "]},"
                "{\"institutions\":[" +
                Inst("I20", "FR", "education", L("I20")) +
                "]},"
                "{\"institutions\":[" +
                Inst("I30", "FR", "education", "") + "]}]}");
  ASSERT_TRUE(w.in_scope);
  EXPECT_TRUE(w.facts.flags & kFlagCollab);  // two unified institutions
  EXPECT_FALSE(w.facts.flags & kFlagIntCollab);
  EXPECT_EQ(w.facts.type, CollabType::kNational);
  // f = (1 + 0 + 0) / 3; partners: U20 and U30 (outside S).
  EXPECT_NEAR(w.facts.frac, 1.0 / 3, 1e-12);
  EXPECT_EQ(w.Partners(), (std::vector<PartnerKey>{20, 30}));
}

TEST(Facts, RankPFracRegressionBareMentionOfAnInScopeInstitution) {
  // Regression (rank p_frac for CNRS exceeded indicators p_frac, P equal): lab
  // I10 is in S through the lineage one authorship states; a second
  // authorship names I10 only through affiliations[] (no lineage).  The
  // institution is in S, so both authorships count: f = (1 + 1) / 2, as the
  // ranking counts it.  Before the fix the bare mention counted 0 (f = 1/2).
  OneWork w;
  w.Compute({"I1294671590"},
            "{\"id\":\"W9\",\"publication_year\":2020,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I10", "FR", "facility", L("I10") + "," + L("I1294671590")) +
                "]},"
                "{\"institutions\":[],\"affiliations\":[{\"institution_ids\":[" +
                L("I10") + "]}]}]}");
  ASSERT_TRUE(w.in_scope);
  ASSERT_EQ(w.work.institutions.size(), 2u);
  EXPECT_FALSE(w.work.institutions[1].has_lineage);
  EXPECT_DOUBLE_EQ(w.facts.frac, 1.0);
}

TEST(Facts, CountryPolicyAndNoCountry) {
  OneWork w;
  // RE (La Réunion) counts as FR, HK as CN; an authorship without institution
  // stays in N(w).
  w.Compute({"I1"},
            "{\"id\":\"W3\",\"publication_year\":2020,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I1", "RE", "education", L("I1")) +
                "],\"countries\":[\"RE\"]},"
                "{\"institutions\":[" +
                Inst("I2", "HK", "education", L("I2")) +
                "],\"countries\":[\"HK\"]},"
                "{\"institutions\":[],\"countries\":[]}]}");
  ASSERT_TRUE(w.in_scope);
  EXPECT_EQ(w.Countries(), (std::vector<std::string>{"CN", "FR"}));
  EXPECT_NEAR(w.facts.frac, 1.0 / 3, 1e-12);
  OneWork none;  // no country anywhere
  none.Compute({"I1"},
               "{\"id\":\"W4\",\"publication_year\":2020,\"authorships\":["
               "{\"institutions\":[" +
                   Inst("I1", "", "education", "") + "]}]}");
  ASSERT_TRUE(none.in_scope);
  EXPECT_TRUE(none.facts.flags & kFlagNoCountry);
  EXPECT_EQ(none.facts.country_class, CountryClass::kNoCountry);
}

TEST(Facts, NullCountryResolvedThroughTheRegistry) {
  // A real CNRS unit of the ROR subset, stated with "country_code": null and
  // no countries[] (2022 style): the registry gives FR; the scope holds it as a
  // ROR child of CNRS even without lineage.
  OneWork w;
  w.Load(kRorSubset);
  const RegistryEntry* cnrs = w.registry.FindRor(ParseRorId("02feahw73"));
  ASSERT_NE(cnrs, nullptr);
  ASSERT_FALSE(cnrs->ror_children.empty());
  std::string unit = FormatRorId(cnrs->ror_children.front());
  const RegistryEntry* unit_entry = w.registry.FindRor(cnrs->ror_children.front());
  ASSERT_NE(unit_entry, nullptr);
  w.Compute({"02feahw73"},
            "{\"id\":\"W5\",\"publication_year\":2022,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I777", "", "facility", "", unit) +
                "]},"
                "{\"institutions\":[" +
                Inst("I888", "JP", "education", "") + "]}]}");
  ASSERT_TRUE(w.in_scope);
  EXPECT_EQ(w.Countries(), (std::vector<std::string>{CountryName(unit_entry->country), "JP"}));
  EXPECT_TRUE(w.facts.flags & kFlagIntCollab);
  EXPECT_DOUBLE_EQ(w.facts.frac, 0.5);
}

TEST(Facts, DistancesFromRegistryCoordinates) {
  // Two ROR organisations with coordinates: short (<= 100 km) or long (>= 5000 km).
  OneWork w;
  w.Load(kRorSubset);
  // CNRS (Paris) and the Sorbonne (ROR 02en5vm52, Paris): short distance.
  const RegistryEntry* sorbonne = w.registry.FindRor(ParseRorId("02en5vm52"));
  ASSERT_NE(sorbonne, nullptr);
  ASSERT_TRUE(sorbonne->geocoded());
  w.Compute({"02feahw73"},
            "{\"id\":\"W6\",\"publication_year\":2022,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I1294671590", "FR", "government", "", "02feahw73") +
                "]},"
                "{\"institutions\":[" +
                Inst("I39804081", "FR", "education", "", "02en5vm52") + "]}]}");
  ASSERT_TRUE(w.in_scope);
  EXPECT_TRUE(w.facts.flags & kFlagDistanceKnown);
  EXPECT_TRUE(w.facts.flags & kFlagShortDistance);
  EXPECT_LT(w.facts.gcd_km, 100);
  // CNRS and Stanford (00f54p054): about 8,950 km.
  OneWork far;
  far.Load(kRorSubset);
  far.Compute({"02feahw73"},
              "{\"id\":\"W7\",\"publication_year\":2022,\"authorships\":["
              "{\"institutions\":[" +
                  Inst("I1294671590", "FR", "government", "", "02feahw73") +
                  "]},"
                  "{\"institutions\":[" +
                  Inst("I97018004", "US", "education", "", "00f54p054") + "]}]}");
  EXPECT_TRUE(far.facts.flags & kFlagLongDistance);
  EXPECT_NEAR(far.facts.gcd_km, 8950, 100);
}

TEST(Facts, DistanceUndefinedWithFewerThanTwoGeocoded) {
  OneWork w;  // no registry: nothing is geocoded, so neither short nor long
  w.Compute({"I1"},
            "{\"id\":\"W8\",\"publication_year\":2020,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I1", "FR", "education", "") +
                "]},"
                "{\"institutions\":[" +
                Inst("I2", "FR", "education", "") + "]}]}");
  EXPECT_FALSE(w.facts.flags & (kFlagDistanceKnown | kFlagShortDistance | kFlagLongDistance));
  EXPECT_EQ(w.facts.gcd_km, -1);
}

TEST(Facts, HaversineKnownDistance) {
  // Paris (48.8566, 2.3522) – London (51.5074, -0.1278): about 343.5 km.
  EXPECT_NEAR(HaversineKm(48.8566, 2.3522, 51.5074, -0.1278), 343.5, 1.0);
  EXPECT_DOUBLE_EQ(HaversineKm(10, 10, 10, 10), 0.0);
}

// Regression (found by the DuckDB benchmark, works W1000389201 and
// W1000924421): a company first met through affiliations[] (no type, no
// country) and typed "company" in a later authorship was not counted as
// industry, because only the first mention of an institution was kept.
TEST(Facts, IndustryFromALaterMentionOfTheSameInstitution) {
  OneWork w;
  w.Compute({"I1"},
            "{\"id\":\"W10\",\"publication_year\":2020,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I1", "FR", "education", L("I1")) +
                "]},"
                "{\"institutions\":[],\"affiliations\":[{\"raw_affiliation_string\":\"X\","
                "\"institution_ids\":[\"https://openalex.org/I7\"]}]},"
                "{\"institutions\":[" +
                Inst("I7", "DE", "company", L("I7") + "," + L("I70")) + "]}]}");
  ASSERT_TRUE(w.in_scope);
  EXPECT_TRUE(w.facts.flags & kFlagIndustry);
  EXPECT_EQ(w.Countries(), (std::vector<std::string>{"DE", "FR"}));
  EXPECT_EQ(w.Partners(), std::vector<PartnerKey>{70});  // the later mention's lineage
}

TEST(Facts, OutOfScopeWorkIsNotBuilt) {
  OneWork w;
  w.Compute({"I9"},
            "{\"id\":\"W9\",\"publication_year\":2020,\"authorships\":["
            "{\"institutions\":[" +
                Inst("I1", "FR", "education", L("I1")) + "]}]}");
  EXPECT_FALSE(w.in_scope);
}

TEST(Bootstrap, IntervalsAreDeterministicAndBracketThePoint) {
  Interval a = BootstrapInterval(1000, 600, 1000, 7), b = BootstrapInterval(1000, 600, 1000, 7);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_LT(a.low, 0.6);
  EXPECT_GT(a.high, 0.6);
  // Binomial standard error sqrt(.6*.4/1000) = 0.0155: the 95% interval spans about ±0.03.
  EXPECT_NEAR(a.high - a.low, 2 * 1.96 * 0.0155, 0.01);
  Interval all = BootstrapInterval(50, 50, 1000, 7);  // PP = 1: no spread
  EXPECT_EQ(all.low, 1.0);
  EXPECT_EQ(all.high, 1.0);
}

}  // namespace
}  // namespace coopscope::testing
