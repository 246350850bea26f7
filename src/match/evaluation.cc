#include "match/evaluation.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <fstream>

#include "io/csv.h"
#include "match/affiliation_matcher.h"
#include "match/affiliation_text.h"
#include "registry/country_policy.h"
#include "registry/registry.h"

namespace coopscope {
namespace {

// The gold files, relative to the data folder.
constexpr std::string_view kCrossref = "affiliation-ror-gold/crossref_asserted_affiliation_ror_20230628.csv";
constexpr std::string_view kRorLogs = "affiliation-ror-gold/ror_affiliation_matching_logs_20230903.csv";
constexpr std::string_view kOpenAlexGoldDir = "affiliation-ror-gold/openalex_institution_gold_v2/";
constexpr std::array<std::string_view, 4> kOpenAlexGold = {"gold_data_institution_parsing_labeled.tsv",
                                                           "cwts_related_labeled.tsv", "cwts_no_relation_labeled.tsv",
                                                           "sampled_200_labeled.tsv"};
constexpr std::string_view kMagnet = "dataesr-openalex-affiliations/export_works-magnet_20240710.csv";
constexpr std::array<std::string_view, 2> kDataesrCountries = {
    "dataesr-openalex-affiliations/missing_country_code.csv",
    "dataesr-openalex-affiliations/mismatch_country_code.old.csv"};
constexpr std::string_view kOpenAlexWorkPrefix = "https://openalex.org/W";

Result<std::vector<std::vector<std::string>>> ReadTable(const std::string& path, char delimiter) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", path));
  CsvReader reader(in, delimiter);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  Status st;
  while (reader.Next(&fields, &st)) rows.push_back(fields);
  if (!st.ok()) return Status(st.code(), fmt::format("{}: {}", path, st.message()));
  if (rows.empty()) return Status(ErrorCode::kParse, fmt::format("{}: empty", path));
  return rows;
}

// Sets the row's ROR ids from text ids and derives the expected country from
// the registry when the organisations agree on one.
void SetRors(GoldRow* row, const std::vector<RorId>& ids, const Registry& registry) {
  CountryCode country = kNoCountry;
  bool agree = true;
  for (RorId id : ids) {
    const RegistryEntry* e = registry.FindRor(id);
    if (e == nullptr) continue;
    row->rors.push_back(id);
    if (e->country == kNoCountry) continue;
    if (country != kNoCountry && country != e->country) agree = false;
    country = e->country;
  }
  row->absent = !ids.empty() && row->rors.empty();
  if (agree) row->country = country;
}

std::vector<RorId> SplitRorIds(std::string_view text, char sep) {
  std::vector<RorId> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    if (RorId id = ParseRorId(text.substr(start, end - start)); id != 0) out.push_back(id);
    start = end + 1;
  }
  return out;
}

// Reads a gold table and calls fn(row, value) for each row with a non-empty
// affiliation string in column TEXT_NAME (row.text set) and its gold in
// column VALUE_NAME, then keeps the row; short or empty rows count as
// unreadable.
template <typename Fn>
Status ReadGoldRows(const std::string& path, char delimiter, const std::string& text_name,
                    const std::string& value_name, GoldSet* set, Fn fn) {
  auto table = ReadTable(path, delimiter);
  if (!table.ok()) return table.status();
  const auto& header = table->front();
  const int text_col = ColumnIndex(header, text_name), value_col = ColumnIndex(header, value_name);
  if (text_col < 0 || value_col < 0)
    return Status(ErrorCode::kParse, fmt::format("{}: no {} and {} columns", set->file, text_name, value_name));
  for (size_t i = 1; i < table->size(); ++i) {
    const auto& f = (*table)[i];
    if (f.size() <= static_cast<size_t>(std::max(text_col, value_col)) || f[text_col].empty()) {
      ++set->unreadable;
      continue;
    }
    GoldRow row;
    row.text = f[text_col];
    row.gold = f[value_col];
    fn(row, f[value_col]);
    set->rows.push_back(std::move(row));
  }
  return Status::Ok();
}

Result<GoldSet> LoadRorCsv(const std::string& dir, std::string_view file, std::string name, std::string note,
                           const Registry& registry) {
  GoldSet set{std::move(name), std::string(file), std::move(note), {}, 0};
  Status st = ReadGoldRows(dir + "/" + std::string(file), ',', "affiliation", "ror_id", &set,
                           [&](GoldRow& row, const std::string& value) {
                             if (value == "NP")
                               row.none_expected = true;
                             else
                               SetRors(&row, SplitRorIds(value, ';'), registry);
                           });
  if (!st.ok()) return st;
  return set;
}

// "['80188885 - Nippon Medical School', "4210 - King's College"]" → names.
std::vector<std::pair<long long, std::string>> ParseLabelNames(std::string_view text) {
  std::vector<std::pair<long long, std::string>> out;
  for (size_t i = 0; i < text.size(); ++i) {
    char q = text[i];
    if (q != '\'' && q != '"') continue;
    size_t end = i + 1;
    while (end < text.size() &&
           !(text[end] == q && (end + 1 == text.size() || text[end + 1] == ',' || text[end + 1] == ']')))
      ++end;
    std::string_view item = text.substr(i + 1, end - i - 1);
    size_t dash = item.find(" - ");
    if (dash != std::string_view::npos) {
      long long id = 0;
      auto number = item.substr(0, dash);
      std::from_chars(number.data(), number.data() + number.size(), id);
      out.emplace_back(id, std::string(item.substr(dash + 3)));
    }
    i = end;
  }
  return out;
}

Result<GoldSet> LoadOpenAlexGold(const std::string& dir, std::string_view file, const Registry& registry) {
  std::string name = std::string(file.substr(0, file.find('.')));
  GoldSet set{"openalex-" + name,
              std::string(kOpenAlexGoldDir) + std::string(file),
              "OpenAlex institution-tagger gold (labels are OpenAlex institutions, turned into ROR ids by exact "
              "name through the registry)",
              {},
              0};
  Status st = ReadGoldRows(dir + "/" + set.file, '\t', "affiliation_string", "labels_name", &set,
                           [&](GoldRow& row, const std::string& value) {
                             auto labels = ParseLabelNames(value);
                             if (labels.size() == 1 && labels.front().first < 0) {
                               row.none_expected = true;
                             } else {
                               std::vector<RorId> ids;
                               bool unmapped = false;
                               for (const auto& [openalex, label] : labels) {
                                 const RegistryEntry* e = registry.FindOpenAlex(static_cast<OpenAlexId>(openalex));
                                 if (e == nullptr || e->ror == 0) {
                                   auto found = registry.FindByName(label);
                                   e = found.size() == 1 ? found.front() : nullptr;
                                 }
                                 if (e != nullptr && e->ror != 0)
                                   ids.push_back(e->ror);
                                 else
                                   unmapped = true;
                               }
                               SetRors(&row, ids, registry);
                               if (ids.empty() && unmapped) row.absent = true;
                               // A row whose institutions are only partly known has no sure country.
                               if (unmapped) row.country = kNoCountry;
                             }
                           });
  if (!st.ok()) return st;
  return set;
}

Result<GoldSet> LoadMagnet(const std::string& dir, const Registry& registry) {
  GoldSet set{"dataesr-works-magnet",
              std::string(kMagnet),
              "curated corrections of OpenAlex (new_rors: the ROR ids the string should get)",
              {},
              0};
  Status st = ReadGoldRows(dir + "/" + set.file, ',', "raw_affiliation_name", "new_rors", &set,
                           [&](GoldRow& row, const std::string& value) {
                             auto ids = SplitRorIds(value, ';');
                             if (ids.empty())
                               row.none_expected = true;
                             else
                               SetRors(&row, ids, registry);
                           });
  if (!st.ok()) return st;
  return set;
}

// raw_affiliation_string;openalex_work_id;openalex_country;openalex_display_name;matched_country — the
// string may itself hold unquoted ';', so the work id column anchors the split.
Result<GoldSet> LoadDataesrCountries(const std::string& dir, std::string_view file) {
  GoldSet set{"dataesr-" + std::string(file.substr(file.find('/') + 1, file.find('.') - file.find('/') - 1)),
              std::string(file),
              "country given by the dataESR matcher (not hand-checked: its README warns of errors; "
              "overseas codes counted as FR, as it does)",
              {},
              0,
              true,
              true};
  std::ifstream in(dir + "/" + set.file, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", set.file));
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (header) {
      header = false;
      continue;
    }
    size_t work = line.find(";" + std::string(kOpenAlexWorkPrefix));
    size_t last = line.rfind(';');
    if (work == std::string::npos || last == std::string::npos || work == 0) {
      ++set.unreadable;
      continue;
    }
    GoldRow row;
    row.text = line.substr(0, work);
    row.country = MakeCountry(line.substr(last + 1));
    set.rows.push_back(std::move(row));
  }
  return set;
}

bool Contains(const std::vector<RorId>& ids, RorId id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Whether a row's string gave anything to read a country from (a place of
// the expected country, or a registry name of the expected organisation):
// the errors a better reading of places and names could still mend, and
// those it cannot.
const char* Reach(bool reachable) {
  return reachable ? "reachable" : "unreachable: names no place nor the organisation";
}

}  // namespace

Result<std::vector<GoldSet>> LoadGoldSets(const std::string& dir, const Registry& registry) {
  std::vector<GoldSet> sets;
  auto add = [&](Result<GoldSet> r) -> Status {
    if (!r.ok()) return r.status();
    sets.push_back(std::move(r.value()));
    return Status::Ok();
  };
  Status st = add(LoadRorCsv(dir, kCrossref, "crossref-asserted",
                             "affiliation → ROR id asserted by publishers in Crossref", registry));
  if (!st.ok()) return st;
  st = add(LoadRorCsv(dir, kRorLogs, "ror-matching-logs", "affiliation → ROR id or NP (no organisation expected)",
                      registry));
  if (!st.ok()) return st;
  for (auto file : kOpenAlexGold)
    if (st = add(LoadOpenAlexGold(dir, file, registry)); !st.ok()) return st;
  if (st = add(LoadMagnet(dir, registry)); !st.ok()) return st;
  for (auto file : kDataesrCountries)
    if (st = add(LoadDataesrCountries(dir, file)); !st.ok()) return st;
  return sets;
}

void EvalFigures::Add(const EvalFigures& o) {
  rows += o.rows;
  country_gold += o.country_gold;
  country_predicted += o.country_predicted;
  country_correct += o.country_correct;
  country_reachable += o.country_reachable;
  country_correct_reachable += o.country_correct_reachable;
  org_gold += o.org_gold;
  org_gold_in_registry += o.org_gold_in_registry;
  org_gold_absent += o.org_gold_absent;
  org_none_expected += o.org_none_expected;
  org_predicted += o.org_predicted;
  org_correct += o.org_correct;
  org_correct_lineage += o.org_correct_lineage;
  org_predicted_in_registry += o.org_predicted_in_registry;
  org_false_on_none += o.org_false_on_none;
  seconds += o.seconds;
}

// Whether `text` holds, as whole words, a registry name (display name, label,
// alias or acronym) of one of `rors`.
bool NamesAnyOf(std::string_view text, const std::vector<RorId>& rors, const Registry* registry) {
  if (registry == nullptr || rors.empty()) return false;
  std::string words = " " + JoinTokens(NameTokens(text)) + " ";
  auto named = [&](std::string_view name) {
    std::string n = JoinTokens(NameTokens(name));
    return !n.empty() && words.find(" " + n + " ") != std::string::npos;
  };
  for (RorId id : rors) {
    const RegistryEntry* e = registry->FindRor(id);
    if (e == nullptr) continue;
    if (named(e->name)) return true;
    for (const auto& a : e->aliases)
      if (named(a)) return true;
  }
  return false;
}

// Whether some phrase of the string, anywhere in a segment, is a place of
// `country` in the matcher's tables (a city, region, country or demonym,
// however the matcher reads it there: "WWU Münster", "Jena University
// Hospital").
bool NamesPlaceOf(std::string_view text, CountryCode country, const PlaceIndex& places, const CountryPolicy& policy) {
  const CountryCode want = policy.Map(country);
  return places.AnyHit(ParseAffiliation(text).tokens, [&](std::string_view, const PlaceHit& h) {
    return policy.Map(h.country) == want || (h.other != kNoCountry && policy.Map(h.other) == want);
  });
}

EvalFigures Evaluate(const GoldSet& set, const AffiliationMatcher& matcher, size_t limit,
                     std::vector<std::string>* errors) {
  EvalFigures f;
  const CountryPolicy policy = set.countries_under_policy ? CountryPolicy() : CountryPolicy::Identity();
  size_t n = limit == 0 ? set.rows.size() : std::min(limit, set.rows.size());
  std::vector<AffiliationMatch> matches(n);
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i) matches[i] = matcher.Match(set.rows[i].text);
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  f.rows = n;
  for (size_t i = 0; i < n; ++i) {
    const GoldRow& g = set.rows[i];
    const AffiliationMatch& m = matches[i];
    if (g.country != kNoCountry) {
      ++f.country_gold;
      bool reachable = m.place_found || NamesAnyOf(g.text, g.rors, matcher.registry()) ||
                       NamesPlaceOf(g.text, g.country, matcher.places(), policy);
      f.country_reachable += reachable;
      if (m.country != kNoCountry) {
        ++f.country_predicted;
        if (policy.Map(m.country) == policy.Map(g.country)) {
          ++f.country_correct;
          f.country_correct_reachable += reachable;
        } else if (errors)
          errors->push_back(fmt::format("{}\tcountry\t{}\texpected {}\tgot {}\t{}", set.name, TsvCell(g.text),
                                        CountryName(g.country), CountryName(m.country), Reach(reachable)));
      } else if (errors) {
        errors->push_back(fmt::format("{}\tcountry-missed\t{}\texpected {}\tgot --\t{}", set.name, TsvCell(g.text),
                                      CountryName(g.country), Reach(reachable)));
      }
    }
    bool has_gold = g.none_expected || g.absent || !g.rors.empty();
    if (!has_gold || !matcher.has_registry()) continue;
    if (g.none_expected) {
      ++f.org_none_expected;
    } else {
      ++f.org_gold;
      if (g.absent)
        ++f.org_gold_absent;
      else
        ++f.org_gold_in_registry;
    }
    if (m.organisation == nullptr) {
      // A missed organisation whose gold the registry holds: what a better
      // name match would have to find.
      if (errors && !g.none_expected && !g.absent) {
        const RegistryEntry* e = matcher.registry()->FindRor(g.rors.front());
        errors->push_back(fmt::format("{}\torganisation-missed\t{}\texpected {} {} ({})", set.name, TsvCell(g.text),
                                      FormatRorId(g.rors.front()), TsvCell(e ? e->name : ""),
                                      e ? CountryName(e->country) : ""));
      }
      continue;
    }
    ++f.org_predicted;
    if (!g.none_expected && !g.absent) ++f.org_predicted_in_registry;
    if (g.none_expected) ++f.org_false_on_none;
    bool right = Contains(g.rors, m.organisation->ror);
    if (right || std::any_of(m.ancestors.begin(), m.ancestors.end(), [&](RorId a) { return Contains(g.rors, a); }))
      ++f.org_correct_lineage;
    if (right)
      ++f.org_correct;
    else if (errors)
    {
      std::string others;  // the other accepted candidates, best first; '*' marks an expected one
      for (const OrgCandidate& c : m.candidates)
        if (c.entry != m.organisation)
          others += fmt::format("{}{}{}", others.empty() ? "" : " ", FormatRorId(c.entry->ror),
                                Contains(g.rors, c.entry->ror) ? "*" : "");
      errors->push_back(fmt::format("{}\torganisation\t{}\tgot {} {}\texpected {}\tother candidates: {}", set.name,
                                    TsvCell(g.text), FormatRorId(m.organisation->ror), TsvCell(m.organisation->name),
                                    g.none_expected ? std::string("none")
                                    : g.absent      ? "(not in registry) " + TsvCell(g.gold)
                                                    : FormatRorId(g.rors.front()),
                                    others));
    }
  }
  return f;
}

}  // namespace coopscope
