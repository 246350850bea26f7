// The key-figures sheet: the page a research organisation publishes about
// its international activity ("60% of our publications involve a foreign
// laboratory; our first partners are …; 30% of the researchers recruited in
// 2022 were foreign; our units sent 60,000 missions abroad"), computed from
// data for one year, in French or English.  Every figure states its source
// and its method; a figure whose source was not given is listed as
// unavailable, never invented.
//
// Three sources feed it, each optional:
//  - publications: the indicators Report of the organisation (streaming or
//    store), read for the sheet's year;
//  - the organisation's records: an HrReport for [year, year] computed
//    WITHOUT suppression (min_cell 0), because the sheet sums cells before it
//    suppresses; the sheet then applies hr::SuppressSmallCells, the one rule
//    of every output, to each of its person counts;
//  - bibliometric mobility: a MobilityTally computed with the organisation's
//    scope (authors entering and leaving it).
// Counts of persons (staff, recruits, missions, visitors, authors) are
// suppressed under min_cell; publication counts are not personal data.
// Pure functions; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hr/indicators.h"
#include "indicators/report.h"
#include "mobility/flows.h"
#include "model/country_names.h"

namespace coopscope::keyfigures {

struct Figure {
  std::string id;     // stable key, e.g. "publications.pp_foreign"
  std::string label;  // in the sheet's language
  std::string value;  // printed, localised ("60,2 %", "<5", "—" when unavailable)
  std::optional<double> number;  // the headline number; empty when suppressed or unavailable
  bool suppressed = false;
  bool available = true;
  std::string source;  // where the figure comes from
  std::string method;  // how it is computed
};

struct Section {
  std::string id;     // "publications", "people", "recruitment", "missions", "visitors", "structures", "mobility"
  std::string title;  // in the sheet's language
  std::vector<Figure> figures;
};

struct Sheet {
  std::string org_name;
  int year = 0;
  Lang lang = Lang::kEn;
  int min_cell = hr::kDefaultMinCell;
  std::string title;
  std::vector<Section> sections;
  const Figure* Find(std::string_view id) const;
};

struct SheetInputs {
  std::string org_name;
  int year = 0;
  Lang lang = Lang::kEn;
  int min_cell = hr::kDefaultMinCell;
  size_t top = 3;  // partners, destinations and origins named
  const Report* publications = nullptr;
  std::string publications_source;  // e.g. "OpenAlex works (store build/store, generation 3)"
  const hr::HrReport* hr = nullptr;  // unsuppressed, for [year, year]
  std::string hr_source;             // e.g. "HR records (hr.db: 5 imports)"
  const mobility::MobilityTally* mobility = nullptr;
  std::string mobility_source;
};

Sheet BuildSheet(const SheetInputs& in);

// Localised numbers: "60 000" / "60,000"; "60,2 %" / "60.2%".  Exposed for tests.
std::string FormatCount(double n, Lang lang);
std::string FormatPercent(double share, Lang lang);

}  // namespace coopscope::keyfigures
