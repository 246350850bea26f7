// Joining the organisation's records with its publications (issue 5, part 4;
// docs/indicators.md "Records and publications"):
//  - per country and year: missions sent there (HR records) against the
//    organisation's co-publications with that country;
//  - per international structure and year: co-publications between its lead
//    unit and its partner institutions, marked before / during-or-after its
//    start.
// Publications come through a CollectFn, so the same code answers from work
// files or from a store.  Mission counts are persons' records: they go
// through hr::SuppressSmallCells; co-publication counts do not.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "hr/hr_db.h"
#include "hr/indicators.h"
#include "indicators/engine.h"
#include "indicators/report.h"
#include "registry/registry.h"
#include "scope/scope.h"

namespace coopscope::keyfigures {

// The works of a scope (CollectWorks over files, or Snapshot::Collect).
using CollectFn = std::function<Result<Collected>(const Scope& scope)>;

struct CountryYearJoin {
  CountryCode country = kNoCountry;
  int year = 0;
  double missions = 0;  // missions abroad starting in the year (0 when suppressed)
  bool missions_suppressed = false;
  uint64_t copubs = 0;  // works of the organisation with the country in K(w)
};

struct StructureYearJoin {
  std::string code, type;
  int start_year = 0;
  int end_year = 0;  // 0: open
  int year = 0;
  uint64_t copubs = 0;  // works with an institution of the lead unit and one of a partner
  bool unresolved = false;  // the lead unit or every partner is unknown to the registry
  std::string note;
};

struct JoinReport {
  int first_year = 0, last_year = 0;
  std::string org_name;
  CountryCode home = kNoCountry;  // h(S), the country missions and partners are "abroad" from
  std::vector<CountryYearJoin> countries;     // by country, then year
  std::vector<StructureYearJoin> structures;  // by code, then year
};

struct JoinOptions {
  int first_year = 0, last_year = 0;
  int min_cell = hr::kDefaultMinCell;
  CountryCode home = kNoCountry;  // kNoCountry: the scope's
};

Result<JoinReport> JoinRecordsAndPublications(hr::HrDb& db, const Scope& org, const Registry& registry,
                                              const CountryPolicy& policy, const CollectFn& collect,
                                              const JoinOptions& options);

}  // namespace coopscope::keyfigures
