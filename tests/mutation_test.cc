// Robustness: real OpenAlex records damaged in deterministic ways (bytes
// flipped, deleted, duplicated, truncated, quotes and brackets inserted) go
// through framing, parsing and the per-work facts.  Nothing may crash (the
// debug preset runs this under ASan and UBSan), and every damaged line is
// either accepted or rejected with a reason: counts reconcile.
#include <random>

#include <gtest/gtest.h>

#include "engine_util.h"
#include "io/json_records.h"
#include "sources/openalex/work_parser.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

TEST(Mutation, DamagedRealRecordsNeverCrash) {
  std::string text = ReadFile(kWorksUnique);
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  ASSERT_EQ(lines.size(), 340u);

  Registry registry;
  ScopeSpec spec;
  spec.roots = {"I55633929"};
  auto scope = Scope::Build(spec, registry);
  ASSERT_TRUE(scope.ok());
  CountryPolicy policy;
  FactsBuilder builder(scope.value(), registry, policy);
  WorkParser parser;
  Work work;
  FactsArena arena;
  std::vector<Reject> rejects;
  JsonRecordReader reader(Limits(), &rejects);
  uint64_t accepted = 0;
  RecordFn fn = [&](simdjson::ondemand::object& obj, const RecordPos&) -> Status { return parser.Parse(obj, &work); };
  reader.set_on_accept([&](const RecordPos&) {
    if (builder.InScope(work)) {
      WorkFacts facts;
      builder.Build(work, &facts, &arena);
      EXPECT_GE(facts.frac, 0.0);
      EXPECT_LE(facts.frac, 1.0 + 1e-12);
    }
    ++accepted;
  });

  std::mt19937_64 rng(20261123);
  ReadCounts counts;
  constexpr int kMutants = 3000;
  const std::string specials = "\"{}[],:\\\x00\xff\xc3";
  for (int m = 0; m < kMutants; ++m) {
    std::string line = lines[rng() % lines.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !line.empty(); ++e) {
      size_t at = rng() % line.size();
      switch (rng() % 5) {
        case 0: line[at] = static_cast<char>(rng() % 256); break;
        case 1: line.erase(at, 1 + rng() % 16); break;
        case 2: line.insert(at, line.substr(at, 1 + rng() % 32)); break;
        case 3: line.resize(at); break;
        default: line.insert(at, 1, specials[rng() % specials.size()]); break;
      }
    }
    line.append(kLinePadding, '\0');
    Line l{std::string_view(line.data(), line.size() - kLinePadding), static_cast<uint64_t>(m + 1), 0,
           line.size() - kLinePadding, false};
    reader.ProcessLine("mutants", l, fn, &counts);
  }
  // Every non-blank mutant is a record; each is accepted or rejected.
  EXPECT_EQ(counts.records, accepted + counts.rejected);
  EXPECT_EQ(counts.rejected, rejects.size());
  EXPECT_GT(counts.rejected, kMutants / 4);  // the damage is real
  EXPECT_GT(accepted, 0u);
  for (const Reject& r : rejects) EXPECT_FALSE(r.reason.empty());
}

}  // namespace
}  // namespace coopscope::testing
