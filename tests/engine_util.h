// Runs the whole pipeline in process (registry → scope → engine → report),
// as the CLI does, for tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "indicators/engine.h"
#include "indicators/report.h"
#include "registry/registry.h"
#include "scope/scope.h"
#include "sources/openalex/snapshot.h"

namespace coopscope::testing {

struct Pipeline {
  Registry registry;
  RejectLog registry_rejects;
  CountryPolicy policy;
  RunOptions run;
  ReportOptions report_options;
  RejectLog rejects;
  Status status;
  Collected collected;
  Report report;

  // Returns false (and sets status) when a step fails.
  bool Run(const std::vector<std::string>& roots, const std::vector<std::string>& registries,
           const std::vector<std::string>& inputs) {
    for (const auto& r : registries) {
      status = registry.Load(r, &registry_rejects);
      if (!status.ok()) return false;
    }
    ScopeSpec spec;
    spec.roots = roots;
    auto scope = Scope::Build(spec, registry);
    if (!scope.ok()) {
      status = scope.status();
      return false;
    }
    auto set = DiscoverInputs(inputs);
    if (!set.ok()) {
      status = set.status();
      return false;
    }
    auto got = CollectWorks(set.value(), scope.value(), registry, policy, run, &rejects);
    if (!got.ok()) {
      status = got.status();
      return false;
    }
    collected = std::move(got.value());
    report = BuildReport(collected, scope.value(), policy, registry.size() > 0, report_options);
    return true;
  }

  const WorkFacts* Facts(OpenAlexId id) const {
    for (const auto& f : collected.works)
      if (f.id == id) return &f;
    return nullptr;
  }
  std::vector<std::string> Countries(const WorkFacts& f) const {
    std::vector<std::string> out;
    for (uint32_t i = f.countries_begin; i < f.countries_end; ++i)
      out.push_back(CountryName(collected.arena.countries[i]));
    return out;
  }
  std::vector<PartnerKey> Partners(const WorkFacts& f) const {
    return std::vector<PartnerKey>(collected.arena.partners.begin() + f.partners_begin,
                                   collected.arena.partners.begin() + f.partners_end);
  }
};

inline const std::string kRorSubset =
    std::string(COOPSCOPE_SHARED_DATA) + "/ror-records-subset/ror_v2_subset_latest.json.gz";
inline const std::string kWorksUnique =
    std::string(COOPSCOPE_SHARED_DATA) + "/openalex-works-openalexpro/works_unique.jsonl";

}  // namespace coopscope::testing
