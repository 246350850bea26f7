// End-to-end on the real records of ../shared/data, against values worked out
// by hand from the records (docs/indicators.md; ../shared/guide/INDICATORS.md).
#include <gtest/gtest.h>

#include <cmath>

#include "engine_util.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

// The World Bank Group (I55633929) is the root; the World Bank (I1334329717)
// holds it in its lineage, so its works belong to the scope too.
class WorldBankGroup : public ::testing::Test {
 protected:
  void SetUp() override {
    pipeline_.run.threads = 2;
    ASSERT_TRUE(pipeline_.Run({"I55633929"}, {}, {kWorksUnique})) << pipeline_.status.message();
  }
  Pipeline pipeline_;
};

TEST_F(WorldBankGroup, ScopeFollowsLineage) {
  // Nine works hold I55633929 as an institution or in a lineage (checked by
  // reading the 340 records: W1570712754 … W2180613954).
  EXPECT_EQ(pipeline_.collected.works.size(), 9u);
  EXPECT_NE(pipeline_.Facts(1570712754), nullptr);  // only I1334329717, lineage [I1334329717, I55633929]
  EXPECT_EQ(pipeline_.report.total.tally.p, 9u);
  EXPECT_EQ(pipeline_.report.first_year, 1998);
  EXPECT_EQ(pipeline_.report.last_year, 2010);
  EXPECT_EQ(pipeline_.report.home, MakeCountry("US"));  // inferred: every member is in the US
  EXPECT_TRUE(pipeline_.report.home_inferred);
  EXPECT_EQ(pipeline_.report.org_name, "World Bank Group");  // from the works, no registry
}

TEST_F(WorldBankGroup, HandCheckedWorks) {
  // W1934649023 (2005): Brookings (US) · World Bank Group (US) · an authorship
  // without institution.  N = 3, f = (0 + 1 + 0) / 3; two unified institutions.
  const WorkFacts* w = pipeline_.Facts(1934649023);
  ASSERT_NE(w, nullptr);
  EXPECT_NEAR(w->frac, 1.0 / 3, 1e-12);
  EXPECT_EQ(pipeline_.Countries(*w), std::vector<std::string>{"US"});
  EXPECT_TRUE(w->flags & kFlagCollab);
  EXPECT_FALSE(w->flags & kFlagIntCollab);
  EXPECT_EQ(w->type, CollabType::kNational);
  EXPECT_EQ(w->country_class, CountryClass::kDomesticMultiInstitution);
  EXPECT_EQ(pipeline_.Partners(*w), std::vector<PartnerKey>{115283149});  // Brookings

  // W2138516309 (2007): 7 authorships, 3 of them World Bank only: f = 3/7;
  // K = {CO, CR, NI, US}: international, four or more countries.
  w = pipeline_.Facts(2138516309);
  ASSERT_NE(w, nullptr);
  EXPECT_NEAR(w->frac, 3.0 / 7, 1e-12);
  EXPECT_EQ(pipeline_.Countries(*w), (std::vector<std::string>{"CO", "CR", "NI", "US"}));
  EXPECT_TRUE(w->flags & kFlagIntCollab);
  EXPECT_EQ(w->type, CollabType::kInternational);
  EXPECT_EQ(w->country_class, CountryClass::kFourPlus);
  EXPECT_EQ(pipeline_.Partners(*w).size(), 3u);

  // W2180613954 (2005): 9 authorships, each with World Bank and World Bank
  // Group — both in S, one unified institution: f = 1, institutional.
  w = pipeline_.Facts(2180613954);
  ASSERT_NE(w, nullptr);
  EXPECT_DOUBLE_EQ(w->frac, 1.0);
  EXPECT_FALSE(w->flags & kFlagCollab);
  EXPECT_EQ(w->type, CollabType::kInstitutional);

  // W1992106105 (2009): one author with World Bank and Cambridge: f = 1/2,
  // international though single-authored (the cascade puts countries first).
  w = pipeline_.Facts(1992106105);
  ASSERT_NE(w, nullptr);
  EXPECT_DOUBLE_EQ(w->frac, 0.5);
  EXPECT_EQ(w->type, CollabType::kInternational);
  EXPECT_EQ(pipeline_.Partners(*w), std::vector<PartnerKey>{241749});

  // W2037166323 (2008): the partner I150314799 has lineage [I1286583668,
  // I150314799]: the partner institution is its parent I1286583668.
  w = pipeline_.Facts(2037166323);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(pipeline_.Partners(*w), std::vector<PartnerKey>{1286583668});

  // W2030904148 (1998): one author: single-author type.
  w = pipeline_.Facts(2030904148);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->type, CollabType::kSingleAuthor);
}

TEST_F(WorldBankGroup, Totals) {
  const Tally& t = pipeline_.report.total.tally;
  // P_frac = 1 + 1/3 + 1/2 + 1 + 1/2 + 1/3 + 1/2 + 3/7 + 1.
  EXPECT_NEAR(t.p_frac.value(), 1 + 1.0 / 3 + 0.5 + 1 + 0.5 + 1.0 / 3 + 0.5 + 3.0 / 7 + 1, 1e-9);
  EXPECT_EQ(t.flagged[static_cast<int>(Indicator::kCollab)], 6u);
  EXPECT_EQ(t.flagged[static_cast<int>(Indicator::kIntCollab)], 2u);
  EXPECT_EQ(t.flagged[static_cast<int>(Indicator::kForeign)], 2u);
  EXPECT_EQ(t.flagged[static_cast<int>(Indicator::kNoCountry)], 0u);
  EXPECT_EQ(t.collab_types, (std::array<uint64_t, kCollabTypes>{2, 4, 2, 1}));
  // Partner countries: GB (W1992106105), and CO, CR, NI (W2138516309); ranked by copubs then code.
  const auto& partners = pipeline_.report.total.partner_countries;
  ASSERT_EQ(partners.size(), 4u);
  EXPECT_EQ(CountryName(partners[0].country), "CO");
  EXPECT_EQ(CountryName(partners[3].country), "NI");
  EXPECT_NEAR(partners[2].copubs.frac.value(), 0.5, 1e-12);  // GB: W1992106105's f
  EXPECT_NEAR(partners[2].share, 1.0 / 9, 1e-12);
  // 2005 holds two works (W1934649023, W2180613954).
  for (const auto& year : pipeline_.report.by_year) {
    if (year.first_year == 2005) {
      EXPECT_EQ(year.tally.p, 2u);
    }
  }
  // Every PP lies in its interval.
  for (int i = 0; i < kIndicators; ++i) {
    ASSERT_TRUE(pipeline_.report.total.pp[i].has_value());
    EXPECT_LE(pipeline_.report.total.ci[i]->low, *pipeline_.report.total.pp[i] + 1e-12);
    EXPECT_GE(pipeline_.report.total.ci[i]->high, *pipeline_.report.total.pp[i] - 1e-12);
  }
  EXPECT_EQ(pipeline_.report.ingest.read, 340u);
  EXPECT_EQ(pipeline_.report.ingest.accepted, 340u);
}

TEST(RealData, PagesRepeatWorksThatCountOnce) {
  // The two API pages repeat 202 works of works_unique.jsonl (and each other):
  // 542 records, 340 + 27 distinct with the snapshot sample.
  Pipeline p;
  ASSERT_TRUE(
      p.Run({"I55633929"}, {}, {SharedData("openalex-works-openalexpro"), SharedData("openalex-snapshot-sample-2023")}))
      << p.status.message();
  const IngestReport& g = p.collected.ingest;
  EXPECT_EQ(g.read, 542u + 27u);
  EXPECT_EQ(g.read, g.accepted + g.rejected + g.duplicates);
  EXPECT_EQ(g.rejected, 0u);
  EXPECT_EQ(g.duplicates, 202u);
  EXPECT_EQ(g.in_scope, 9u);  // the pages add no World Bank Group work
  // The snapshot sample's manifest lists our part with 27 records.
  EXPECT_EQ(g.manifest_parts_checked, 1u);
  EXPECT_EQ(g.manifest_mismatches, 0u);
  EXPECT_EQ(g.manifest_parts_absent, 464u);
}

TEST(RealData, ThreadsAndSplitsGiveIdenticalReports) {
  Pipeline one, many;
  one.run.threads = 1;
  many.run.threads = 2;
  many.run.limits.split_bytes = 64 * 1024;  // cut the 6 MB file into ~90 ranges
  ASSERT_TRUE(one.Run({"I55633929"}, {kRorSubset}, {kWorksUnique}));
  ASSERT_TRUE(many.Run({"I55633929"}, {kRorSubset}, {kWorksUnique}));
  EXPECT_EQ(one.collected.works.size(), many.collected.works.size());
  EXPECT_EQ(one.report.total.tally.p_frac.value(), many.report.total.tally.p_frac.value());
  EXPECT_EQ(one.report.ingest.read, many.report.ingest.read);
  EXPECT_EQ(one.report.ingest.bytes, many.report.ingest.bytes);
}

TEST(RealData, RorRootMatchesWorksThroughTheirRorField) {
  // Stanford by ROR id (00f54p054): works name it by OpenAlex id and ROR.
  Pipeline p;
  ASSERT_TRUE(p.Run({"00f54p054"}, {kRorSubset}, {kWorksUnique})) << p.status.message();
  EXPECT_GT(p.collected.works.size(), 0u);
  EXPECT_EQ(p.report.home, MakeCountry("US"));  // from the ROR record
  EXPECT_FALSE(p.report.home_inferred);
  EXPECT_EQ(p.report.org_name, "Stanford University");
}

TEST(RealData, FormatsOfEveryYearLoad) {
  // 2022 API shape (host_venue, no countries, no lineage), 2023 snapshot
  // shape (raw_affiliation_string), 2025 single work (affiliations[]).
  Pipeline p;
  ASSERT_TRUE(p.Run({"I157725225"}, {},
                    {SharedData("openalex-entities-2025/W-api-response.json"),
                     SharedData("openalex-snapshot-sample-2023/single/W2741809807.json"),
                     SharedData("openalex-entities-2025/W2741809807.json")}))
      << p.status.message();
  EXPECT_EQ(p.collected.ingest.read, 3u);
  EXPECT_EQ(p.collected.ingest.rejected, 0u);
  EXPECT_EQ(p.collected.ingest.duplicates, 1u);  // W2741809807 twice: the 2025 version wins
  ASSERT_EQ(p.collected.works.size(), 1u);       // W2755950973, Caltech, 2017
  const WorkFacts& w = p.collected.works[0];
  EXPECT_EQ(w.id, 2755950973u);
  EXPECT_EQ(w.year, 2017);
  EXPECT_EQ(p.Countries(w), std::vector<std::string>{"US"});  // from institutions[].country_code alone
}

}  // namespace
}  // namespace coopscope::testing
