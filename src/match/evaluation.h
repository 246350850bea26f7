// Evaluation of the affiliation matcher on the real gold sets of
// ../shared/data (affiliation-ror-gold/, dataesr-openalex-affiliations/):
// precision and recall for countries and for organisations, per gold set.
//
// Each set is read into GoldRows: the string, the expected ROR ids (a set:
// any of them is right), whether no organisation is expected ("NP", -1), and
// the expected country.  Where a set gives ROR ids, the expected country is
// the registry country of those organisations (when they agree); OpenAlex
// institution labels are turned into ROR ids through the registry (by
// OpenAlex id when the registry holds OpenAlex records, else by their exact
// name when it names one organisation).  Gold ids absent from the registry
// are counted apart: no matcher built on this registry can find them.
//
// Pure functions; the matcher is only read.
#pragma once

#include <string>
#include <vector>

#include "io/status.h"
#include "model/country.h"
#include "model/ids.h"

namespace coopscope {

class Registry;
class AffiliationMatcher;

struct GoldRow {
  std::string text;
  std::vector<RorId> rors;         // expected organisations; empty when none is known or expected
  bool none_expected = false;      // the gold says: no organisation
  bool absent = false;             // a gold organisation exists but none of its ids is in the registry
  CountryCode country = kNoCountry;  // expected country; kNoCountry when unknown
  std::string gold;                // the gold as the file writes it (ids or labels), for error lists
};

struct GoldSet {
  std::string name;   // "crossref-asserted", …
  std::string file;
  std::string note;   // what the gold is, and its caveats
  std::vector<GoldRow> rows;
  size_t unreadable = 0;  // records without a string
  // The gold countries follow the default CountryPolicy (overseas → FR,
  // HK/MO → CN): answers are compared after the same mapping.
  bool countries_under_policy = false;
  // The labels are another matcher's output, not asserted or hand-checked
  // (the dataESR country files): reported, and also left out of the
  // "asserted" summary.
  bool machine_labels = false;
};

// Reads every known gold set under `data_dir` (../shared/data).  A missing
// or unreadable file is an error.
Result<std::vector<GoldSet>> LoadGoldSets(const std::string& data_dir, const Registry& registry);

struct EvalFigures {
  size_t rows = 0;
  // Countries: rows with an expected country, rows given one, rows right.
  size_t country_gold = 0, country_predicted = 0, country_correct = 0;
  // Of the rows with an expected country, those whose string holds evidence
  // of it: a place (country, region, city, postal code) or one of the
  // expected organisation's registry names.  The others ("Food Microbiology
  // Laboratory", "PE&RC") give a matcher of strings nothing to go on.
  size_t country_reachable = 0, country_correct_reachable = 0;
  // Organisations.
  size_t org_gold = 0;          // rows expecting an organisation
  size_t org_gold_in_registry = 0;
  size_t org_gold_absent = 0;   // expected organisation not in the registry
  size_t org_none_expected = 0; // rows expecting no organisation
  size_t org_predicted = 0;     // rows with a gold (any kind) given an organisation
  size_t org_correct = 0;       // the best organisation is one of the expected
  size_t org_correct_lineage = 0;  // … or one of its registry ancestors is
  size_t org_predicted_in_registry = 0;  // predictions on rows whose gold is in the registry
  size_t org_false_on_none = 0;          // an organisation where none was expected
  double seconds = 0;                    // matching time, one thread

  double CountryPrecision() const { return Ratio(country_correct, country_predicted); }
  double CountryRecall() const { return Ratio(country_correct, country_gold); }
  double CountryReachable() const { return Ratio(country_reachable, country_gold); }
  double CountryRecallReachable() const { return Ratio(country_correct_reachable, country_reachable); }
  // The recall with every reachable row right and the unreachable ones as
  // they are: the bound no better reading of places and of the expected
  // organisations' names can pass (names of other organisations could).
  double CountryRecallCeiling() const {
    return Ratio(country_correct + country_reachable - country_correct_reachable, country_gold);
  }
  double OrgPrecision() const { return Ratio(org_correct, org_predicted); }
  double OrgPrecisionInRegistry() const { return Ratio(org_correct, org_predicted_in_registry); }
  double OrgRecall() const { return Ratio(org_correct, org_gold); }
  double OrgRecallInRegistry() const { return Ratio(org_correct, org_gold_in_registry); }
  double OrgPrecisionLineage() const { return Ratio(org_correct_lineage, org_predicted); }
  static double Ratio(size_t a, size_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }
  void Add(const EvalFigures& o);
};

// Matches the first `limit` rows (0: all) of a set and counts.  When
// `errors` is given, wrong answers are appended to it as text lines.
EvalFigures Evaluate(const GoldSet& set, const AffiliationMatcher& matcher, size_t limit,
                     std::vector<std::string>* errors = nullptr);

}  // namespace coopscope
