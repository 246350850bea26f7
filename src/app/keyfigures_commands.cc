// coopscope keyfigures: the international key-figures sheet of an
// organisation for one year, in French or English, from publications
// (work files or a store), the organisation's HR database and author records
// for bibliometric mobility.  Presentation and wiring only: the figures are
// built by keyfigures/sheet.h from the reports of the other layers.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "app/cli_common.h"
#include "app/keyfigures_output.h"
#include "hr/hr_db.h"
#include "indicators/engine.h"
#include "keyfigures/sheet.h"
#include "mobility/reader.h"
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

struct KeyFiguresCommands {
  CLI::App* keyfigures = nullptr;
  KeyFiguresOptions opts;
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

int RunKeyFigures(const KeyFiguresOptions& o) {
  keyfigures::SheetInputs in;
  if (!ParseLang(o.lang, &in.lang)) return Fail(kExitUsage, fmt::format("--lang '{}': choose fr or en", o.lang));
  if (o.format != "md" && o.format != "json")
    return Fail(kExitUsage, fmt::format("--format '{}': choose md or json", o.format));
  if (o.year < 1900 || o.year > 2999) return Fail(kExitUsage, "give the sheet's year: --year 2022");
  if (!o.store.empty() && !o.works.empty()) return Fail(kExitUsage, "give either work files or --store, not both");
  if (!o.store.empty() && !o.org.registries.empty())
    return Fail(kExitUsage, "--registry cannot be combined with --store: the store holds its registry");
  if (o.min_cell < 0) return Fail(kExitUsage, "--min-cell must be 0 or more");
  in.year = o.year;
  in.min_cell = o.min_cell;
  in.top = o.top;
  auto policy = MakePolicy(false, false, {});
  if (!policy.ok()) return Fail(kExitUsage, policy.status().message());

  // The registry and scope come from the store, or from --registry.
  std::unique_ptr<store::Snapshot> snapshot;
  OrgContext ctx;
  const Registry* registry = &ctx.registry;
  if (!o.store.empty()) {
    auto snap = store::Snapshot::Open(o.store, true);
    if (!snap.ok()) return Fail(ExitFor(snap.status()), snap.status().message());
    snapshot = std::move(snap.value());
    registry = &snapshot->registry();
    if (int rc = BuildScope(o.org, *registry, &ctx.scope); rc != kExitOk) return rc;
  } else {
    if (int rc = BuildOrg(o.org, &ctx); rc != kExitOk) return rc;
  }
  const Scope& scope = *ctx.scope;
  in.org_name = scope.name();

  // Publications.
  Report report;
  if (snapshot || !o.works.empty()) {
    Result<Collected> collected = Status();
    RejectLog rejects;
    if (snapshot) {
      collected = snapshot->Collect(scope, policy.value(), o.threads);
      in.publications_source = fmt::format(fmt::runtime(in.lang == Lang::kFr ? "publications OpenAlex du magasin {}" : "OpenAlex works in the store {}"), o.store);
    } else {
      auto inputs = DiscoverInputs(o.works);
      if (!inputs.ok()) return Fail(ExitFor(inputs.status()), inputs.status().message());
      RunOptions run;
      run.threads = o.threads;
      collected = CollectWorks(inputs.value(), scope, *registry, policy.value(), run, &rejects);
      in.publications_source = fmt::format(fmt::runtime(in.lang == Lang::kFr ? "notices de publications (OpenAlex, WoS, Scopus, HAL), fichiers lus : {}" : "publication records (OpenAlex, WoS, Scopus, HAL), files read: {}"), inputs->data_files.size());
    }
    if (!collected.ok()) return Fail(ExitFor(collected.status()), collected.status().message());
    NoteRejects("works", rejects, o.quiet);
    ReportOptions ro;
    ro.first_year = ro.last_year = o.year;
    ro.window = 0;
    ro.top_institutions = o.top;
    ro.home = scope.home();
    report = BuildReport(collected.value(), scope, policy.value(), registry->size() > 0, ro);
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
    mobility::InstitutionResolver resolver(registry, &scope, &policy.value());
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
}

int RunKeyFiguresCommands() {
  KeyFiguresCommands& c = State();
  if (c.keyfigures != nullptr && c.keyfigures->parsed()) return RunKeyFigures(c.opts);
  return -1;
}

}  // namespace coopscope
