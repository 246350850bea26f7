// coopscope keyfigures: the international key-figures sheet of an
// organisation for one year, in French or English, from publications
// (work files or a store), the organisation's HR database and author records
// for bibliometric mobility.  Presentation and wiring only: the figures are
// built by keyfigures/sheet.h from the reports of the other layers.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <iostream>

#include "app/cli_common.h"
#include "app/keyfigures_output.h"
#include "app/output.h"
#include "hr/hr_db.h"
#include "indicators/engine.h"
#include "keyfigures/join.h"
#include "keyfigures/sheet.h"
#include "match/affiliation_matcher.h"
#include "mobility/reader.h"
#include "sources/export_reader.h"
#include "sources/openalex/snapshot.h"
#include "store/store.h"

namespace coopscope {
namespace {

struct KeyFiguresOptions {
  OrgOptions org;
  std::vector<std::string> works;
  std::string store;
  int year = 0;
  std::string lang = "en";
  std::string hr_db;
  std::string unit;
  std::vector<std::string> authors;
  std::string mobility_from = "authors";
  int min_cell = hr::kDefaultMinCell;
  size_t top = 3;
  std::string format = "md";
  std::string output;
  unsigned threads = 0;
  bool quiet = false;
};

struct JoinCommandOptions {
  OrgOptions org;
  std::vector<std::string> works;
  std::string store;
  std::string db;
  std::string years;
  int min_cell = hr::kDefaultMinCell;
  std::string format = "table";
  std::string csv_table = "countries";
  std::string output;
  unsigned threads = 0;
};

struct KeyFiguresCommands {
  CLI::App* keyfigures = nullptr;
  CLI::App* join = nullptr;
  KeyFiguresOptions opts;
  JoinCommandOptions join_opts;
};

KeyFiguresCommands& State() {
  static KeyFiguresCommands commands;
  return commands;
}

// Reports the rejects of one source on stderr (never silently dropped).
void NoteRejects(const char* what, const RejectLog& log, bool quiet) {
  if (quiet || log.size() == 0) return;
  fmt::print(stderr, "coopscope: {}: {} records rejected; first: {}\n", what, log.size(),
             log.Sorted().front().ToString());
}

// Where the publications come from: a store (its registry too) or work
// files read with --registry.  `collect` answers any scope the same way.
struct Publications {
  std::unique_ptr<store::Snapshot> snapshot;
  OrgContext ctx;
  const Registry* registry = nullptr;
  CountryPolicy policy;
  InputSet inputs;
  RejectLog* rejects = nullptr;  // where file rejects go (may change between calls)
  keyfigures::CollectFn collect;  // empty when neither files nor a store were given
  // The same works summed per year, for a report only (the store sums them
  // from its facts file instead of decoding each work); files: `collect`.
  keyfigures::CollectFn summed;
  // The matcher of exports' affiliation strings, built at the first pass that
  // needs one and kept for the others (`hr join` makes one pass per scope).
  std::unique_ptr<AffiliationMatcher> matcher;
};

int OpenPublications(const OrgOptions& org, const std::string& store_dir, const std::vector<std::string>& works,
                     unsigned threads, Publications* p) {
  if (!store_dir.empty() && !works.empty()) return Fail(kExitUsage, "give either work files or --store, not both");
  if (!store_dir.empty() && !org.registries.empty())
    return Fail(kExitUsage, "--registry cannot be combined with --store: the store holds its registry");
  p->registry = &p->ctx.registry;
  auto policy = MakePolicy(false, false, {});
  if (!policy.ok()) return Fail(kExitUsage, policy.status().message());
  p->policy = policy.value();
  if (!store_dir.empty()) {
    auto snap = store::Snapshot::Open(store_dir, true);
    if (!snap.ok()) return Fail(ExitFor(snap.status()), snap.status().message());
    p->snapshot = std::move(snap.value());
    p->registry = &p->snapshot->registry();
    if (int rc = BuildScope(org, *p->registry, &p->ctx.scope); rc != kExitOk) return rc;
    p->collect = [p, threads](const Scope& scope) { return p->snapshot->Collect(scope, p->policy, threads); };
    p->summed = [p, threads](const Scope& scope) { return p->snapshot->Tally(scope, p->policy, threads); };
    return kExitOk;
  }
  if (int rc = BuildOrg(org, &p->ctx); rc != kExitOk) return rc;
  if (works.empty()) return kExitOk;
  auto inputs = DiscoverInputs(works);
  if (!inputs.ok()) return Fail(ExitFor(inputs.status()), inputs.status().message());
  p->inputs = std::move(inputs.value());
  const bool exports = std::any_of(p->inputs.data_files.begin(), p->inputs.data_files.end(), [](const auto& f) {
    auto format = DetectInputFormat(f);
    return format.ok() && IsExportFormat(format.value());
  });
  p->collect = [p, threads, exports](const Scope& scope) -> Result<Collected> {
    RunOptions run;
    run.threads = threads;
    if (exports && p->matcher == nullptr) p->matcher = std::make_unique<AffiliationMatcher>(*p->registry);
    run.matcher = p->matcher.get();
    RejectLog ignored;
    return CollectWorks(p->inputs, scope, *p->registry, p->policy, run, p->rejects ? p->rejects : &ignored);
  };
  p->summed = p->collect;
  return kExitOk;
}

int RunKeyFigures(const KeyFiguresOptions& o) {
  keyfigures::SheetInputs in;
  if (!ParseLang(o.lang, &in.lang)) return Fail(kExitUsage, fmt::format("--lang '{}': choose fr or en", o.lang));
  if (o.format != "md" && o.format != "json")
    return Fail(kExitUsage, fmt::format("--format '{}': choose md or json", o.format));
  if (o.year < 1900 || o.year > 2999) return Fail(kExitUsage, "give the sheet's year: --year 2022");
  if (o.min_cell < 0) return Fail(kExitUsage, "--min-cell must be 0 or more");
  in.year = o.year;
  in.min_cell = o.min_cell;
  in.top = o.top;

  Publications pubs;
  if (int rc = OpenPublications(o.org, o.store, o.works, o.threads, &pubs); rc != kExitOk) return rc;
  const Scope& scope = *pubs.ctx.scope;
  const Registry* registry = pubs.registry;
  in.org_name = scope.name();

  // Publications.
  Report report;
  if (pubs.collect) {
    RejectLog rejects;
    pubs.rejects = &rejects;
    auto collected = pubs.summed(scope);
    if (!collected.ok()) return Fail(ExitFor(collected.status()), collected.status().message());
    NoteRejects("works", rejects, o.quiet);
    in.publications_source =
        pubs.snapshot ? fmt::format(fmt::runtime(in.lang == Lang::kFr ? "publications OpenAlex du magasin {}"
                                                                       : "OpenAlex works in the store {}"),
                                    o.store)
                      : fmt::format(fmt::runtime(in.lang == Lang::kFr
                                                     ? "notices de publications (OpenAlex, WoS, Scopus, HAL), "
                                                       "fichiers lus : {}"
                                                     : "publication records (OpenAlex, WoS, Scopus, HAL), files "
                                                       "read: {}"),
                                    pubs.inputs.data_files.size());
    ReportOptions ro;
    ro.first_year = ro.last_year = o.year;
    ro.window = 0;
    ro.top_institutions = o.top;
    ro.home = scope.home();
    report = BuildReport(collected.value(), scope, pubs.policy, registry->size() > 0, ro);
    in.publications = &report;
    in.org_name = report.org_name;
  }

  // The organisation's records, unsuppressed: the sheet sums, then suppresses.
  hr::HrReport hr_report;
  std::unique_ptr<hr::HrDb> db;
  if (!o.hr_db.empty()) {
    auto opened = hr::HrDb::Open(o.hr_db, false);
    if (!opened.ok()) return Fail(ExitFor(opened.status()), fmt::format("HR database {}: {}", o.hr_db,
                                                                         opened.status().message()));
    db = std::move(opened.value());
    hr::HrQuery q;
    q.first_year = q.last_year = o.year;
    q.unit = o.unit;
    if (scope.home() != kNoCountry) q.home = scope.home();
    q.min_cell = 0;
    auto computed = hr::ComputeHrIndicators(*db, q);
    if (!computed.ok()) return Fail(ExitFor(computed.status()), computed.status().message());
    hr_report = std::move(computed.value());
    in.hr = &hr_report;
    in.hr_source = o.unit.empty() ? o.hr_db : fmt::format(fmt::runtime(in.lang == Lang::kFr ? "{}, unité {}" : "{}, unit {}"), o.hr_db, o.unit);
  }

  // Bibliometric mobility of the authors, with the organisation's scope.
  mobility::MobilityRun mobility_run;
  if (!o.authors.empty()) {
    if (o.mobility_from != "authors" && o.mobility_from != "works")
      return Fail(kExitUsage, fmt::format("--mobility-from '{}': choose authors or works", o.mobility_from));
    mobility::MobilityOptions mo;  // the whole history: a move into the year needs the year before
    mobility::InstitutionResolver resolver(registry, &scope, &pubs.policy);
    std::vector<Reject> rejects;
    auto run = mobility::CollectMobility(
        o.authors, o.mobility_from == "works" ? mobility::MobilitySource::kWorks : mobility::MobilitySource::kAuthors,
        mo, resolver, Limits(), &rejects);
    if (!run.ok()) return Fail(ExitFor(run.status()), run.status().message());
    RejectLog log;
    for (auto& r : rejects) log.Add(std::move(r));
    NoteRejects("mobility", log, o.quiet);
    mobility_run = std::move(run.value());
    in.mobility = &mobility_run.tally;
    const bool from_works = o.mobility_from == "works";
    in.mobility_source =
        in.lang == Lang::kFr
            ? fmt::format("{} OpenAlex, auteurs : {}", from_works ? "publications" : "fiches d'auteurs",
                          mobility_run.counts.authors)
            : fmt::format("OpenAlex {} records, authors: {}", from_works ? "work" : "author", mobility_run.counts.authors);
  }

  keyfigures::Sheet sheet = keyfigures::BuildSheet(in);
  std::string text = o.format == "json" ? keyfigures::RenderJson(sheet) : keyfigures::RenderMarkdown(sheet);
  if (o.output.empty()) {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream file(o.output, std::ios::binary);
  file << text;
  if (!file) return Fail(kExitInput, fmt::format("cannot write {}", o.output));
  return kExitOk;
}


std::string MissionsText(const keyfigures::CountryYearJoin& c, int min_cell) {
  return c.missions_suppressed ? hr::SuppressedText(min_cell) : fmt::format("{}", static_cast<uint64_t>(c.missions));
}

void WriteJoin(const JoinCommandOptions& o, const keyfigures::JoinReport& r, std::ostream& out) {
  if (o.format == "json") {
    out << fmt::format("{{\"schema\":\"coopscope/hr-join\",\"version\":1,\"organisation\":{},\"first_year\":{},"
                       "\"last_year\":{},\"home_country\":\"{}\",\"min_cell\":{},\"countries\":[",
                       JsonString(r.org_name), r.first_year, r.last_year, CountryName(r.home), o.min_cell);
    for (size_t i = 0; i < r.countries.size(); ++i) {
      const auto& c = r.countries[i];
      out << fmt::format("{}{{\"country\":\"{}\",\"year\":{},\"missions\":{},\"copubs\":{}}}", i ? "," : "",
                         CountryName(c.country), c.year,
                         c.missions_suppressed ? JsonString(MissionsText(c, o.min_cell)) : MissionsText(c, o.min_cell),
                         c.copubs);
    }
    out << "],\"structures\":[";
    for (size_t i = 0; i < r.structures.size(); ++i) {
      const auto& s = r.structures[i];
      out << fmt::format("{}{{\"code\":{},\"type\":{},\"start_year\":{},\"year\":{},\"phase\":\"{}\","
                         "\"copubs\":{},\"note\":{}}}",
                         i ? "," : "", JsonString(s.code), JsonString(s.type), s.start_year, s.year,
                         s.year < s.start_year ? "before" : "since", s.unresolved ? "null" : std::to_string(s.copubs),
                         s.note.empty() ? "null" : JsonString(s.note));
    }
    out << "]}\n";
    return;
  }
  if (o.format == "csv") {
    if (o.csv_table == "structures") {
      out << "code,type,start_year,year,phase,copubs,note\n";
      for (const auto& s : r.structures)
        out << CsvCell(s.code) << ',' << s.type << ',' << s.start_year << ',' << s.year << ','
            << (s.year < s.start_year ? "before" : "since") << ',' << (s.unresolved ? "" : std::to_string(s.copubs))
            << ',' << CsvCell(s.note) << '\n';
    } else {
      out << "country,year,missions,copubs\n";
      for (const auto& c : r.countries)
        out << CountryName(c.country) << ',' << c.year << ',' << MissionsText(c, o.min_cell) << ',' << c.copubs << '\n';
    }
    return;
  }
  fmt::print(out, "{}: missions abroad (HR records) and co-publications per country, {}-{} (home country {})\n",
             r.org_name, r.first_year, r.last_year, CountryName(r.home));
  // Countries ranked by missions plus co-publications over the years.
  std::map<CountryCode, std::pair<double, uint64_t>> totals;
  for (const auto& c : r.countries) {
    totals[c.country].first += c.missions;
    totals[c.country].second += c.copubs;
  }
  std::vector<std::pair<CountryCode, std::pair<double, uint64_t>>> ranked(totals.begin(), totals.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second.first + a.second.second > b.second.first + b.second.second;
  });
  fmt::print(out, "{:<8}", "country");
  for (int y = r.first_year; y <= r.last_year; ++y) fmt::print(out, "{:>16}", y);
  fmt::print(out, "\n{:<8}", "");
  for (int y = r.first_year; y <= r.last_year; ++y) fmt::print(out, "{:>16}", "missions/copubs");
  fmt::print(out, "\n");
  for (size_t i = 0; i < ranked.size() && i < 20; ++i) {
    fmt::print(out, "{:<8}", CountryName(ranked[i].first));
    for (int y = r.first_year; y <= r.last_year; ++y) {
      std::string cell = "0/0";
      for (const auto& c : r.countries)
        if (c.country == ranked[i].first && c.year == y) cell = MissionsText(c, o.min_cell) + "/" + std::to_string(c.copubs);
      fmt::print(out, "{:>16}", cell);
    }
    fmt::print(out, "\n");
  }
  fmt::print(out, "\nInternational structures: co-publications of the lead unit with the partner institutions\n");
  std::string current;
  for (const auto& s : r.structures) {
    if (s.code != current) {
      current = s.code;
      fmt::print(out, "\n{} ({}, since {}){}\n  ", s.code, s.type, s.start_year, s.note.empty() ? "" : " — " + s.note);
    }
    fmt::print(out, "{}{}:{} ", s.year, s.year < s.start_year ? "" : "*", s.unresolved ? "-" : std::to_string(s.copubs));
  }
  fmt::print(out, "\n\n* the structure exists that year. Missions under {} show as <{}.\n", o.min_cell, o.min_cell);
}

int RunJoin(const JoinCommandOptions& o) {
  if (o.format != "table" && o.format != "csv" && o.format != "json")
    return Fail(kExitUsage, fmt::format("--format '{}': choose table, csv or json", o.format));
  keyfigures::JoinOptions jo;
  if (o.years.empty() || !ParseYears(o.years, &jo.first_year, &jo.last_year))
    return Fail(kExitUsage, "give the years: --years 2015-2022");
  jo.min_cell = o.min_cell;
  Publications pubs;
  if (int rc = OpenPublications(o.org, o.store, o.works, o.threads, &pubs); rc != kExitOk) return rc;
  if (!pubs.collect) return Fail(kExitUsage, "give work files or --store: the publications to join with");
  auto opened = hr::HrDb::Open(o.db, false);
  if (!opened.ok()) return Fail(ExitFor(opened.status()), fmt::format("HR database {}: {}", o.db, opened.status().message()));
  auto joined = keyfigures::JoinRecordsAndPublications(*opened.value(), *pubs.ctx.scope, *pubs.registry, pubs.policy,
                                                       pubs.collect, jo);
  if (!joined.ok()) return Fail(ExitFor(joined.status()), joined.status().message());
  if (o.output.empty()) {
    WriteJoin(o, joined.value(), std::cout);
    return kExitOk;
  }
  std::ofstream file(o.output, std::ios::binary);
  WriteJoin(o, joined.value(), file);
  if (!file) return Fail(kExitInput, fmt::format("cannot write {}", o.output));
  return kExitOk;
}

}  // namespace

void RegisterKeyFiguresCommands(CLI::App& app) {
  KeyFiguresCommands& c = State();
  KeyFiguresOptions& o = c.opts;
  c.keyfigures = app.add_subcommand(
      "keyfigures", "The international key-figures sheet of an organisation for one year (French or English)");
  AddOrgOptions(c.keyfigures, &o.org);
  c.keyfigures->add_option("works", o.works, "OpenAlex work files or folders (or use --store)");
  c.keyfigures->add_option("--store", o.store, "Answer the publication figures from this store");
  c.keyfigures->add_option("--year", o.year, "The sheet's year")->required();
  c.keyfigures->add_option("--lang", o.lang, "fr or en")->capture_default_str();
  c.keyfigures->add_option("--hr-db", o.hr_db, "HR database built by `coopscope hr import`");
  c.keyfigures->add_option("--unit", o.unit, "With --hr-db: only this unit's records");
  c.keyfigures->add_option("--authors", o.authors, "Author entity files or folders for mobility; repeatable")
      ->allow_extra_args(false);
  c.keyfigures->add_option("--mobility-from", o.mobility_from, "authors, or works (--authors then names work files)")
      ->capture_default_str();
  c.keyfigures->add_option("--min-cell", o.min_cell, "Counts of people under this are shown as <N")
      ->capture_default_str();
  c.keyfigures->add_option("--top", o.top, "Partners, destinations and origins named")->capture_default_str();
  c.keyfigures->add_option("--format", o.format, "md or json")->capture_default_str();
  c.keyfigures->add_option("-o,--output", o.output, "Write to this file instead of standard output");
  c.keyfigures->add_option("--threads", o.threads, "Worker threads (default: all cores)");
  c.keyfigures->add_flag("-q,--quiet", o.quiet, "No notes on stderr");

  // hr join: under `hr` (registered before this group).
  CLI::App* hr_cmd = app.get_subcommand("hr");
  JoinCommandOptions& j = c.join_opts;
  c.join = hr_cmd->add_subcommand(
      "join", "Missions per country against co-publications; structures' co-publications before and since their start");
  AddOrgOptions(c.join, &j.org);
  c.join->add_option("works", j.works, "Work files or folders (or --store)");
  c.join->add_option("--store", j.store, "Answer the publications from this store");
  c.join->add_option("--db", j.db, "HR database")->required();
  c.join->add_option("--years", j.years, "Year range, e.g. 2015-2022")->required();
  c.join->add_option("--min-cell", j.min_cell, "Mission counts under this show as <N")->capture_default_str();
  c.join->add_option("--format", j.format, "table, csv or json")->capture_default_str();
  c.join->add_option("--csv-table", j.csv_table, "With --format csv: countries or structures")->capture_default_str();
  c.join->add_option("-o,--output", j.output, "Write to this file instead of standard output");
  c.join->add_option("--threads", j.threads, "Worker threads (default: all cores)");
}

int RunKeyFiguresCommands() {
  KeyFiguresCommands& c = State();
  if (c.join != nullptr && c.join->parsed()) return RunJoin(c.join_opts);
  if (c.keyfigures != nullptr && c.keyfigures->parsed()) return RunKeyFigures(c.opts);
  return -1;
}

}  // namespace coopscope
