// Properties on generated data (several seeds, several organisations):
// P_frac <= P; 0 <= PP <= 1; the partners' copubs add up to the foreign
// countries of the works; the same works split across files, ranges or
// threads give identical output; a work repeated in the input counts once.
// (docs/indicators.md, "Counting", "Partners", "Duplicates".)
#include <gtest/gtest.h>

#include <sstream>

#include "app/output.h"
#include "engine_util.h"
#include "synth/generate.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

struct Case {
  uint64_t seed;
  std::string org;
};

class Generated : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    GenerateOptions g;
    g.out_dir = dir_.File("gen");
    g.works = 3000;
    g.seed = GetParam().seed;
    g.parts = 3;
    g.registry = kRorSubset;
    Status st = RunGenerate(g);
    ASSERT_TRUE(st.ok()) << st.message();
  }
  // The report as JSON, without the ingest line (which names file counts).
  static std::string Json(const Report& report) {
    std::ostringstream out;
    WriteJson(report, out);
    std::string text = out.str();
    auto begin = text.find("  \"ingest\"");
    auto end = text.find('\n', begin);
    return text.erase(begin, end - begin);
  }
  bool Run(Pipeline& p, const std::vector<std::string>& inputs) {
    return p.Run({GetParam().org}, {kRorSubset}, inputs);
  }
  TempDir dir_;
};

TEST_P(Generated, CountsAreConsistent) {
  Pipeline p;
  ASSERT_TRUE(Run(p, {dir_.File("gen")})) << p.status.message();
  const IngestReport& g = p.collected.ingest;
  EXPECT_EQ(g.read, g.accepted + g.rejected + g.duplicates);
  EXPECT_EQ(g.rejected, 0u);
  EXPECT_GT(g.duplicates, 0u);  // the generator repeats some works with an older date
  EXPECT_GT(p.report.total.tally.p, 20u) << "the organisation should have works in the generated data";
  std::vector<const PeriodIndicators*> periods{&p.report.total};
  for (const auto& y : p.report.by_year) periods.push_back(&y);
  for (const auto& w : p.report.windows) periods.push_back(&w);
  for (const PeriodIndicators* period : periods) {
    const Tally& t = period->tally;
    EXPECT_LE(t.p_frac.value(), static_cast<double>(t.p) + 1e-9);
    EXPECT_GE(t.p_frac.value(), 0.0);
    for (int i = 0; i < kIndicators; ++i) {
      EXPECT_LE(t.flagged[i], t.p);
      EXPECT_LE(t.flagged_frac[i].value(), t.p_frac.value() + 1e-9);
      if (t.p == 0) continue;
      ASSERT_TRUE(period->pp[i].has_value());
      EXPECT_GE(*period->pp[i], 0.0);
      EXPECT_LE(*period->pp[i], 1.0);
      EXPECT_LE(period->ci[i]->low, *period->pp[i] + 1e-12);
      EXPECT_GE(period->ci[i]->high, *period->pp[i] - 1e-12);
    }
    // Σ partners' copubs = Σ over works of their countries other than h(S).
    uint64_t copubs = 0;
    for (const auto& row : period->partner_countries) copubs += row.copubs.full;
    EXPECT_EQ(copubs, t.foreign_country_mentions);
    EXPECT_EQ(t.flagged[static_cast<int>(Indicator::kForeign)] > 0, copubs > 0);
    uint64_t types = 0, classes = 0;
    for (auto n : t.collab_types) types += n;
    for (auto n : t.country_classes) classes += n;
    EXPECT_EQ(types, t.p);
    EXPECT_EQ(classes, t.p);
  }
  // The yearly P add up to the total.
  uint64_t sum = 0;
  for (const auto& y : p.report.by_year) sum += y.tally.p;
  EXPECT_EQ(sum, p.report.total.tally.p);
}

TEST_P(Generated, SplitsAndThreadsGiveIdenticalOutput) {
  // The parts as given; the same works in one concatenated file read with one
  // thread; and that file cut into many small ranges read with two threads.
  std::string all;
  auto set = DiscoverInputs({dir_.File("gen")});
  ASSERT_TRUE(set.ok());
  for (const auto& f : set->data_files) all += ReadFile(f);
  WriteFile(dir_.File("all.jsonl"), all);
  Pipeline parts, one, ranges;
  parts.run.threads = 2;
  one.run.threads = 1;
  ranges.run.threads = 2;
  ranges.run.limits.split_bytes = 256 * 1024;
  ASSERT_TRUE(Run(parts, {dir_.File("gen")}));
  ASSERT_TRUE(Run(one, {dir_.File("all.jsonl")}));
  ASSERT_TRUE(Run(ranges, {dir_.File("all.jsonl")}));
  EXPECT_EQ(Json(parts.report), Json(one.report));
  EXPECT_EQ(Json(one.report), Json(ranges.report));
  EXPECT_EQ(parts.collected.ingest.read, one.collected.ingest.read);
  EXPECT_EQ(one.collected.ingest.read, ranges.collected.ingest.read);
}

TEST_P(Generated, SpilledDeduplicationGivesIdenticalOutput) {
  // A de-duplication budget far below the input: sorted runs go to temporary
  // files and are merged; the answer must not change.
  Pipeline memory, spilled;
  spilled.run.limits.dedup_memory_bytes = 1;  // the floor: 1024 entries per thread
  spilled.run.threads = 2;
  ASSERT_TRUE(Run(memory, {dir_.File("gen"), dir_.File("gen")}));
  ASSERT_TRUE(Run(spilled, {dir_.File("gen"), dir_.File("gen")}));
  EXPECT_EQ(Json(memory.report), Json(spilled.report));
  EXPECT_EQ(memory.collected.ingest.duplicates, spilled.collected.ingest.duplicates);
  EXPECT_EQ(memory.collected.ingest.accepted, spilled.collected.ingest.accepted);
}

TEST_P(Generated, RepeatedInputCountsOnce) {
  Pipeline once, twice;
  ASSERT_TRUE(Run(once, {dir_.File("gen")}));
  ASSERT_TRUE(Run(twice, {dir_.File("gen"), dir_.File("gen")}));
  EXPECT_EQ(twice.collected.ingest.read, 2 * once.collected.ingest.read);
  EXPECT_EQ(twice.collected.ingest.accepted, once.collected.ingest.accepted);
  EXPECT_EQ(twice.collected.ingest.duplicates, once.collected.ingest.duplicates + once.collected.ingest.read);
  EXPECT_EQ(Json(once.report), Json(twice.report));
}

INSTANTIATE_TEST_SUITE_P(SeedsAndOrgs, Generated,
                         ::testing::Values(Case{1, "02feahw73"}, Case{2, "02feahw73"}, Case{3, "I1294671590"}),
                         [](const auto& info) { return "seed" + std::to_string(info.param.seed); });

}  // namespace
}  // namespace coopscope::testing
