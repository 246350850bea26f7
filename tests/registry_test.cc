// The registry (ROR v2 and OpenAlex institutions) and organisation scopes on
// the real ROR subset and OpenAlex institution records of ../shared/data.
#include "registry/registry.h"

#include <gtest/gtest.h>

#include "engine_util.h"
#include "scope/scope.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {

class RealRegistry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new Registry();
    RejectLog rejects;
    ASSERT_TRUE(registry_->Load(kRorSubset, &rejects).ok());
    ASSERT_TRUE(registry_->Load(SharedData("openalex-snapshot-sample-2023/institutions"), &rejects).ok());
    EXPECT_EQ(rejects.size(), 0u);
  }
  static void TearDownTestSuite() { delete registry_; }
  static Registry* registry_;
};
Registry* RealRegistry::registry_ = nullptr;

TEST_F(RealRegistry, CnrsRecord) {
  const RegistryEntry* cnrs = registry_->FindRor(ParseRorId("02feahw73"));
  ASSERT_NE(cnrs, nullptr);
  EXPECT_EQ(cnrs->name, "Centre National de la Recherche Scientifique");
  EXPECT_EQ(CountryName(cnrs->country), "FR");
  EXPECT_EQ(cnrs->ror_children.size(), 1019u);  // SOURCES.md: 1,019 child relations
  EXPECT_NEAR(cnrs->lat, 48.85341, 1e-6);
  EXPECT_EQ(cnrs->type, InstitutionType::kGovernment);  // "funder" ranks after the others
}

TEST_F(RealRegistry, LoadedBothFormats) {
  ASSERT_EQ(registry_->loads().size(), 2u);
  EXPECT_EQ(registry_->loads()[0].format, "ror-v2");
  EXPECT_EQ(registry_->loads()[0].records, 35990u);
  EXPECT_EQ(registry_->loads()[1].format, "openalex-institutions");
  EXPECT_EQ(registry_->loads()[1].records, 678u);
  // An OpenAlex institution merged with its ROR record: both ids, one entry.
  const RegistryEntry* by_oa = registry_->FindOpenAlex(4210124638);  // Oenobiol (France)
  ASSERT_NE(by_oa, nullptr);
  EXPECT_EQ(FormatRorId(by_oa->ror), "039fsnc94");
  EXPECT_EQ(by_oa->type, InstitutionType::kCompany);
}

TEST_F(RealRegistry, NamesAcronymsAndAccents) {
  auto by_acronym = registry_->FindByName("CNRS");
  ASSERT_FALSE(by_acronym.empty());
  bool found = false;
  for (auto* e : by_acronym) found = found || FormatRorId(e->ror) == "02feahw73";
  EXPECT_TRUE(found);
  // Case and accents do not matter.
  auto folded = registry_->FindByName("centre national de la recherche scientifique");
  ASSERT_EQ(folded.size(), 1u);
  EXPECT_EQ(NormalizeName("Université Paris-Saclay"), "universite paris saclay");
  EXPECT_EQ(NormalizeName("  Łódź  University "), "lodz university");
  // Ligatures fold to two letters, as written without them.
  EXPECT_EQ(NormalizeName("Sciences pour l’Œnologie"), "sciences pour l oenologie");
  EXPECT_EQ(NormalizeName("Æther Ĳssel"), "aether ijssel");
}

TEST_F(RealRegistry, ScopeOfCnrsHoldsItsUnitsAndTheirDescendants) {
  ScopeSpec spec;
  spec.roots = {"https://ror.org/02feahw73"};
  auto scope = Scope::Build(spec, *registry_);
  ASSERT_TRUE(scope.ok()) << scope.status().message();
  EXPECT_EQ(scope->home(), MakeCountry("FR"));
  size_t children = 0, deeper = 0;
  for (const auto& m : scope->members()) {
    if (m.why == "ROR child of 02feahw73")
      ++children;
    else if (m.why.find("descendant of 02feahw73") != std::string::npos)
      ++deeper;
  }
  EXPECT_EQ(children, 1019u);
  EXPECT_GT(deeper, 0u);
  RorId unit = registry_->FindRor(ParseRorId("02feahw73"))->ror_children[0];
  EXPECT_TRUE(scope->Contains(0, unit, nullptr, 0));
  // A lab outside ROR but whose OpenAlex lineage holds CNRS's OpenAlex id is in
  // S only when the scope knows that id (given as a second root).
  OpenAlexId lineage[] = {123, 1294671590};
  EXPECT_FALSE(scope->Contains(123, 0, lineage, 2));
  spec.roots.push_back("I1294671590");
  auto both = Scope::Build(spec, *registry_);
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(both->Contains(123, 0, lineage, 2));
}

TEST_F(RealRegistry, ExclusionsRemoveAUnitAndItsDescendants) {
  ScopeSpec spec;
  spec.roots = {"02feahw73"};
  RorId unit = registry_->FindRor(ParseRorId("02feahw73"))->ror_children[0];
  spec.exclude = {FormatRorId(unit)};
  auto scope = Scope::Build(spec, *registry_);
  ASSERT_TRUE(scope.ok()) << scope.status().message();
  EXPECT_FALSE(scope->Contains(0, unit, nullptr, 0));
  EXPECT_TRUE(scope->Contains(0, ParseRorId("02feahw73"), nullptr, 0));
}

TEST_F(RealRegistry, AmbiguousNameListsTheCandidates) {
  // Find a normalised name shared by two active organisations.
  std::unordered_map<std::string, int> seen;
  std::string shared;
  for (const auto& e : registry_->entries()) {
    if (!e.active || e.name.empty()) continue;
    if (++seen[NormalizeName(e.name)] == 2) {
      shared = e.name;
      break;
    }
  }
  ASSERT_FALSE(shared.empty());
  ScopeSpec spec;
  spec.roots = {shared};
  auto scope = Scope::Build(spec, *registry_);
  ASSERT_FALSE(scope.ok());
  EXPECT_EQ(scope.status().code(), ErrorCode::kAmbiguous);
  EXPECT_NE(scope.status().message().find("organisations; give one id:"), std::string::npos)
      << scope.status().message();
}

TEST(Registry, BadRecordsAreRejectedNotFatal) {
  TempDir dir;
  WriteFile(dir.File("ror.json"),
            "[{\"id\": \"https://ror.org/02feahw73\", \"names\": [{\"value\": \"X\", \"types\": [\"ror_display\"]}]},\n"
            " {\"names\": []}]");
  Registry registry;
  RejectLog rejects;
  ASSERT_TRUE(registry.Load(dir.File("ror.json"), &rejects).ok());
  EXPECT_EQ(registry.size(), 1u);
  auto list = rejects.Sorted();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].line, 2u);
  EXPECT_NE(list[0].reason.find("ROR record without a valid \"id\""), std::string::npos);
  WriteFile(dir.File("empty.json"), "[]");
  EXPECT_FALSE(registry.Load(dir.File("empty.json"), &rejects).ok());
}

}  // namespace
}  // namespace coopscope::testing

namespace coopscope::testing {
namespace {

TEST(Registry, ZipDumpPrefersTheSchemaV2Entry) {
  // ROR dumps are zips holding a v1 and a *_schema_v2.json file.
  TempDir dir;
  WriteFile(dir.File("v1.json"), "[{\"id\": \"https://ror.org/02feahw73\", \"name\": \"From v1\"}]");
  WriteFile(dir.File("v2.json"),
            "[{\"id\": \"https://ror.org/02feahw73\", \"names\": [{\"value\": \"From v2\", "
            "\"types\": [\"ror_display\"]}], \"relationships\": [{\"type\": \"child\", "
            "\"id\": \"https://ror.org/003412r28\"}]}]");
  std::string cmd = "cd " + dir.path().string() +
                    " && python3 -c \"import zipfile; z = zipfile.ZipFile('ror.zip', 'w', zipfile.ZIP_DEFLATED); "
                    "z.write('v1.json', 'v1.40-2024-01-01-ror-data.json'); "
                    "z.write('v2.json', 'v1.40-2024-01-01-ror-data_schema_v2.json'); z.close()\"";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Registry registry;
  RejectLog rejects;
  Status st = registry.Load(dir.File("ror.zip"), &rejects);
  ASSERT_TRUE(st.ok()) << st.message();
  const RegistryEntry* e = registry.FindRor(ParseRorId("02feahw73"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "From v2");
  EXPECT_EQ(e->ror_children.size(), 1u);
}

}  // namespace
}  // namespace coopscope::testing
