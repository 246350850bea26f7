// coopscope hr import | indicators | purge | info, and coopscope generate hr:
// the organisation's own records (docs/hr-records.md).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "app/cli_common.h"
#include "app/hr_output.h"
#include "hr/generate.h"
#include "hr/hr_db.h"
#include "hr/indicators.h"

namespace coopscope {
namespace {

struct HrState {
  CLI::App* import = nullptr;
  CLI::App* indicators = nullptr;
  CLI::App* purge = nullptr;
  CLI::App* info = nullptr;
  CLI::App* generate = nullptr;
  std::string db;
  std::vector<std::string> files;
  std::string errors_file;
  size_t max_errors = 1000;
  bool quiet = false;
  std::string years;
  std::string unit;
  std::string format = "table";
  std::string output;
  std::string home = "FR";
  int min_cell = hr::kDefaultMinCell;
  std::string person;
  hr::HrGenerateOptions gen;
  std::string gen_years;
};

HrState& State() {
  static HrState s;
  return s;
}

int RunImport(const HrState& s) {
  if (s.files.empty()) return Fail(kExitUsage, "give the CSV, TSV or XLSX files to import");
  auto db = hr::HrDb::Open(s.db, true);
  if (!db.ok()) return Fail(ExitFor(db.status()), db.status().message());
  auto start = std::chrono::steady_clock::now();
  hr::ImportOptions options;
  options.max_errors_kept = s.max_errors;
  auto result = db.value()->Import(s.files, options);
  if (!result.ok()) return Fail(ExitFor(result.status()), result.status().message());
  const hr::ImportSummary& sum = result.value();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.errors_file.empty()) {
    RejectLog log;
    for (const auto& e : sum.errors) log.Add(e.ToReject());
    if (Status st = log.WriteTsv(s.errors_file); !st.ok()) return Fail(kExitInput, st.message());
  }
  if (!sum.committed) {
    size_t shown = std::min<size_t>(sum.errors.size(), 20);
    for (size_t i = 0; i < shown; ++i) fmt::print(stderr, "coopscope: {}\n", sum.errors[i].ToString());
    if (sum.error_count > shown)
      fmt::print(stderr, "coopscope: … {} more errors{}\n", sum.error_count - shown,
                 s.errors_file.empty() ? " (list them with --errors FILE)" : "");
    return Fail(kExitRejects, fmt::format("{} validation errors: nothing was imported into {}", sum.error_count, s.db));
  }
  uint64_t rows = 0;
  for (const hr::FileImport& f : sum.files) {
    rows += f.rows;
    if (s.quiet) continue;
    if (f.already_imported) {
      fmt::print(stderr, "coopscope: {} ({}): already imported (same SHA-256), nothing changed\n", f.file,
                 hr::KindName(f.kind));
      continue;
    }
    fmt::print(stderr,
               "coopscope: {} ({}): read {} = inserted {} + updated {} + unchanged {} + skipped (purged persons) {}{}\n",
               f.file, hr::KindName(f.kind), f.rows, f.inserted, f.updated, f.unchanged, f.purged_skipped,
               f.dropped_columns.empty() ? "" : fmt::format("; identifying columns dropped: {}",
                                                            fmt::join(f.dropped_columns, ", ")));
  }
  if (!s.quiet)
    fmt::print(stderr, "coopscope: {} rows validated and loaded in {:.3f} s ({:.0f} rows/s)\n", rows, seconds,
               seconds > 0 ? static_cast<double>(rows) / seconds : 0.0);
  return kExitOk;
}

int RunIndicators(const HrState& s) {
  hr::HrQuery q;
  if (s.years.empty() || !ParseYears(s.years, &q.first_year, &q.last_year))
    return Fail(kExitUsage, fmt::format("--year '{}': give a year or a range such as 2018-2022", s.years));
  if (s.format != "table" && s.format != "csv" && s.format != "json")
    return Fail(kExitUsage, fmt::format("--format '{}': choose table, csv or json", s.format));
  q.home = MakeCountry(s.home);
  if (q.home == kNoCountry) return Fail(kExitUsage, fmt::format("--home '{}' is not a two-letter code", s.home));
  if (s.min_cell < 0) return Fail(kExitUsage, "--min-cell cannot be negative");
  q.unit = s.unit;
  q.min_cell = s.min_cell;
  auto db = hr::HrDb::Open(s.db, false);
  if (!db.ok()) return Fail(ExitFor(db.status()), db.status().message());
  auto report = hr::ComputeHrIndicators(*db.value(), q);
  if (!report.ok()) return Fail(ExitFor(report.status()), report.status().message());
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!s.output.empty()) {
    file.open(s.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(kExitInput, fmt::format("cannot write {}", s.output));
    out = &file;
  }
  if (s.format == "table") WriteHrTable(report.value(), *out);
  if (s.format == "csv") WriteHrCsv(report.value(), *out);
  if (s.format == "json") WriteHrJson(report.value(), *out);
  out->flush();
  if (!*out) return Fail(kExitInput, fmt::format("cannot write {}", s.output.empty() ? "stdout" : s.output));
  return kExitOk;
}

int RunPurge(const HrState& s) {
  auto db = hr::HrDb::Open(s.db, false);
  if (!db.ok()) return Fail(ExitFor(db.status()), db.status().message());
  auto r = db.value()->Purge(s.person);
  if (!r.ok()) return Fail(ExitFor(r.status()), r.status().message());
  const hr::PurgeSummary& p = r.value();
  fmt::print("purged pseudonym {}: {} people, {} recruitments, {} missions, {} visitors records deleted; later "
             "imports skip this person\n",
             p.pseudonym, p.people, p.recruitments, p.missions, p.visitors);
  return kExitOk;
}

int RunInfo(const HrState& s) {
  auto db = hr::HrDb::Open(s.db, false);
  if (!db.ok()) return Fail(ExitFor(db.status()), db.status().message());
  fmt::print("HR database {} (format {})\n", s.db, hr::kHrDbFormatVersion);
  for (hr::RecordKind k : hr::kAllKinds) {
    auto n = db.value()->Count(k);
    if (!n.ok()) return Fail(ExitFor(n.status()), n.status().message());
    fmt::print("{:<14} {}\n", hr::KindName(k), n.value());
  }
  auto q = db.value()->sql().Prepare("SELECT count(*) FROM ledger");
  Status st;
  if (q.ok() && q->Step(&st)) fmt::print("{:<14} {}\n", "files imported", q->Int(0));
  return kExitOk;
}

int RunGenerateHr(HrState& s) {
  if (!s.gen_years.empty() && !ParseYears(s.gen_years, &s.gen.first_year, &s.gen.last_year))
    return Fail(kExitUsage, fmt::format("--years '{}': give a range such as 2018-2023", s.gen_years));
  auto r = hr::GenerateHr(s.gen);
  if (!r.ok()) return Fail(ExitFor(r.status()), r.status().message());
  const hr::HrGenerateSummary& g = r.value();
  fmt::print(stderr,
             "coopscope: wrote {} people, {} recruitments, {} missions, {} visitors, {} structures into {}\n",
             g.people, g.recruitments, g.missions, g.visitors, g.structures, s.gen.out_dir);
  return kExitOk;
}

}  // namespace

void RegisterHrCommands(CLI::App& app) {
  HrState& s = State();
  CLI::App* hr = app.add_subcommand("hr", "The organisation's own records: people, missions, visitors, structures");
  hr->require_subcommand(1);
  s.import = hr->add_subcommand("import", "Validate and load CSV/TSV/XLSX records, all or nothing");
  s.import->add_option("--db", s.db, "HR database file (created if absent)")->required();
  s.import->add_option("files", s.files, "people*, recruitments*, missions*, visitors*, structures* files")->required();
  s.import->add_option("--errors", s.errors_file, "Write the validation errors as TSV (file, line, offset, kind, reason)");
  s.import->add_option("--max-errors", s.max_errors, "Errors kept and listed (all are counted)")->capture_default_str();
  s.import->add_flag("-q,--quiet", s.quiet, "No summary on stderr");

  s.indicators = hr->add_subcommand("indicators", "Indicators per year (and unit) from the HR database");
  s.indicators->add_option("--db", s.db, "HR database file")->required();
  s.indicators->add_option("--year,--years", s.years, "A year or a range such as 2018-2022")->required();
  s.indicators->add_option("--unit", s.unit, "Only this unit (as written in the records)");
  s.indicators->add_option("--format", s.format, "table, csv or json")->capture_default_str();
  s.indicators->add_option("-o,--output", s.output, "Write to this file instead of standard output");
  s.indicators->add_option("--home", s.home, "Home country: staff of another nationality are foreign")
      ->capture_default_str();
  s.indicators->add_option("--min-cell", s.min_cell, "Counts under this are shown as <N (0: no suppression)")
      ->capture_default_str();

  s.purge = hr->add_subcommand("purge", "Delete every record of a person (by id or pseudonym)");
  s.purge->add_option("--db", s.db, "HR database file")->required();
  s.purge->add_option("--person", s.person, "The person's id as in the imported files, or its pseudonym")->required();

  s.info = hr->add_subcommand("info", "Records per kind and files imported");
  s.info->add_option("--db", s.db, "HR database file")->required();

  CLI::App* generate = app.get_subcommand("generate");
  s.generate = generate->add_subcommand("hr", "Write synthetic HR records (people, missions, …) as CSV");
  s.generate->add_option("--out", s.gen.out_dir, "Folder to write")->required();
  s.generate->add_option("--registry", s.gen.registry, "ROR v2 dump to draw units and partners from")->required();
  s.generate->add_option("--scale", s.gen.scale, "small or cnrs (about 60,000 missions a year)")->capture_default_str();
  s.generate->add_option("--seed", s.gen.seed, "Random seed")->capture_default_str();
  s.generate->add_option("--years", s.gen_years, "Year range (default: 2018-2023 for cnrs, 2020-2022 for small)");
  s.generate->add_option("--missions-per-year", s.gen.missions_per_year, "Override the scale's missions a year");
}

int RunHrCommands() {
  HrState& s = State();
  try {
    if (s.import->parsed()) return RunImport(s);
    if (s.indicators->parsed()) return RunIndicators(s);
    if (s.purge->parsed()) return RunPurge(s);
    if (s.info->parsed()) return RunInfo(s);
    if (s.generate->parsed()) return RunGenerateHr(s);
  } catch (const std::exception& e) {
    return Fail(kExitInternal, fmt::format("internal error: {}", e.what()));
  }
  return -1;
}

}  // namespace coopscope
