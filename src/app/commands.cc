#include "app/commands.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include "app/output.h"
#include "app/progress.h"
#include "indicators/engine.h"
#include "indicators/report.h"
#include "io/csv.h"
#include "match/affiliation_matcher.h"
#include "match/evaluation.h"
#include "registry/registry.h"
#include "scope/scope.h"
#include "sources/openalex/snapshot.h"
#include "synth/generate.h"

namespace coopscope {
namespace {

struct OrgOptions {
  std::vector<std::string> orgs;
  std::string scope_file;
  std::vector<std::string> registries;
  std::string home;
};

struct IndicatorsOptions {
  OrgOptions org;
  std::vector<std::string> inputs;
  std::string years;
  int window = 4;
  std::string format = "table";
  std::string csv_table = "indicators";
  std::string output;
  bool strict = false;
  std::string rejects_file;
  unsigned threads = 0;
  bool quiet = false;
  size_t max_record_bytes = Limits().max_record_bytes;
  size_t max_rejects = 0;
  size_t dedup_memory_mb = Limits().dedup_memory_bytes >> 20;
  std::vector<std::string> merged_ids;
  std::vector<std::string> country_rules;
  bool no_overseas = false, no_hkmo = false;
  size_t top = 10;
  size_t top_institutions = 100;
  int resamples = 1000;
};

struct MatchCommandOptions {
  std::string text;
  bool explain = false;
  std::vector<std::string> registries;
  std::string input, column, output;
};

struct MatchEvalOptions {
  std::vector<std::string> registries;
  std::string data_dir = "../shared/data";
  size_t limit = 0;
  std::string errors_file;
};

struct Commands {
  CLI::App* indicators = nullptr;
  CLI::App* match = nullptr;
  CLI::App* match_eval = nullptr;
  MatchCommandOptions match_opts;
  MatchEvalOptions eval_opts;
  CLI::App* scope_show = nullptr;
  CLI::App* generate = nullptr;
  IndicatorsOptions ind;
  OrgOptions scope_org;
  GenerateOptions gen;
};

Commands& State() {
  static Commands commands;
  return commands;
}

// One file per --registry, so that a positional argument after it is not
// taken for a second registry.
void AddRegistryOption(CLI::App* cmd, std::vector<std::string>* registries) {
  cmd->add_option("--registry", *registries,
                  "ROR v2 dump (.json, .json.gz, .zip) or OpenAlex institutions (.jsonl[.gz]); repeatable")
      ->allow_extra_args(false);
}

void AddOrgOptions(CLI::App* cmd, OrgOptions* o) {
  cmd->add_option("--org", o->orgs,
                  "Organisation: ROR id, OpenAlex institution id (I…) or a registry name; repeatable");
  cmd->add_option("--scope", o->scope_file, "Scope file (TOML): name, roots, include, exclude, home_country");
  AddRegistryOption(cmd, &o->registries);
  cmd->add_option("--home", o->home, "Home country h(S) (ISO alpha-2); default: the roots' registry country");
}

int Fail(int code, const std::string& message) {
  fmt::print(stderr, "coopscope: error: {}\n", message);
  return code;
}

int ExitFor(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kNotFound:
    case ErrorCode::kIo:
      return kExitInput;
    case ErrorCode::kAmbiguous:
      return kExitOrg;
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    default:
      return kExitInput;
  }
}

// Registry and scope, shared by every command that takes --org.
struct OrgContext {
  Registry registry;
  RejectLog registry_rejects;
  std::unique_ptr<Scope> scope;
};

// Loads every --registry file; prints the rejects' count.  Returns an exit code.
int LoadRegistries(const std::vector<std::string>& paths, Registry* registry, RejectLog* rejects) {
  for (const std::string& path : paths) {
    Status st = registry->Load(path, rejects);
    if (!st.ok()) return Fail(kExitInput, fmt::format("registry {}: {}", path, st.message()));
  }
  if (rejects->size() > 0)
    fmt::print(stderr, "coopscope: {} registry records rejected (first: {})\n", rejects->size(),
               rejects->Sorted().front().ToString());
  return kExitOk;
}

int BuildOrg(const OrgOptions& o, OrgContext* ctx) {
  if (int rc = LoadRegistries(o.registries, &ctx->registry, &ctx->registry_rejects); rc != kExitOk) return rc;
  ScopeSpec spec;
  if (!o.scope_file.empty()) {
    auto loaded = LoadScopeFile(o.scope_file);
    if (!loaded.ok()) return Fail(kExitUsage, loaded.status().message());
    spec = loaded.value();
  }
  for (const auto& org : o.orgs) spec.roots.push_back(org);
  if (!o.home.empty()) spec.home_country = o.home;
  if (spec.roots.empty()) return Fail(kExitUsage, "no organisation: give --org ID (or a --scope file)");
  auto scope = Scope::Build(spec, ctx->registry);
  if (!scope.ok()) {
    int code = scope.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitOrg;
    return Fail(code, scope.status().message());
  }
  ctx->scope = std::make_unique<Scope>(std::move(scope.value()));
  return kExitOk;
}

bool ParseYears(const std::string& text, int* first, int* last) {
  if (text.empty()) return true;
  int a = 0, b = 0;
  char dash = 0;
  std::istringstream in(text);
  if (!(in >> a)) return false;
  if (in >> dash) {
    if (dash != '-' || !(in >> b)) return false;
  } else {
    b = a;
  }
  if (a < 1000 || b > 2999 || a > b) return false;
  *first = a;
  *last = b;
  return true;
}

int RunIndicators(const IndicatorsOptions& o) {
  ReportOptions report_options;
  if (!ParseYears(o.years, &report_options.first_year, &report_options.last_year))
    return Fail(kExitUsage, fmt::format("--years '{}' is not a year or a range like 2015-2022", o.years));
  if (o.format != "table" && o.format != "csv" && o.format != "json")
    return Fail(kExitUsage, fmt::format("--format '{}': choose table, csv or json", o.format));
  CsvTable csv_table = o.csv_table == "partners"       ? CsvTable::kPartners
                       : o.csv_table == "institutions" ? CsvTable::kInstitutions
                                                       : CsvTable::kIndicators;
  CountryPolicy policy;
  policy.SetOverseasAsFrance(!o.no_overseas);
  policy.SetHongKongMacaoAsChina(!o.no_hkmo);
  for (const auto& rule : o.country_rules) {
    Status st = policy.AddRule(rule);
    if (!st.ok()) return Fail(kExitUsage, st.message());
  }
  OrgContext ctx;
  if (int rc = BuildOrg(o.org, &ctx); rc != kExitOk) return rc;
  auto inputs = DiscoverInputs(o.inputs);
  if (!inputs.ok()) return Fail(ExitFor(inputs.status()), inputs.status().message());
  if (inputs->data_files.empty()) return Fail(kExitInput, "no work files among the inputs");

  RunOptions run;
  run.limits.max_record_bytes = o.max_record_bytes;
  run.limits.dedup_memory_bytes = o.dedup_memory_mb << 20;
  run.threads = o.threads;
  run.strict = o.strict;
  run.merged_id_files = o.merged_ids;
  RejectLog rejects;
  Result<Collected> collected = Status();
  {
    Progress progress(TotalInputBytes(inputs.value()), !o.quiet);
    run.progress_bytes = progress.bytes();
    run.progress_records = progress.records();
    collected = CollectWorks(inputs.value(), *ctx.scope, ctx.registry, policy, run, &rejects);
  }
  if (!o.rejects_file.empty()) {
    Status st = rejects.WriteTsv(o.rejects_file);
    if (!st.ok()) return Fail(kExitInput, st.message());
  }
  if (!collected.ok()) {
    if (o.strict && rejects.size() > 0)
      return Fail(kExitRejects,
                  fmt::format("stopped at the first reject (--strict): {}", collected.status().message()));
    return Fail(ExitFor(collected.status()), collected.status().message());
  }
  const IngestReport& g = collected->ingest;
  if (!o.quiet && rejects.size() > 0) {
    auto sorted = rejects.Sorted();
    fmt::print(stderr, "coopscope: {} records rejected, {} manifest mismatches{}; first: {}\n", g.rejected,
               g.manifest_mismatches, o.rejects_file.empty() ? " (list them with --rejects FILE)" : "",
               sorted.front().ToString());
  }
  if (!o.quiet && g.manifest_parts_absent > 0)
    fmt::print(stderr, "coopscope: note: {} parts listed in the manifest are not among the inputs\n",
               g.manifest_parts_absent);
  if (o.max_rejects > 0 && rejects.size() > o.max_rejects)
    return Fail(kExitRejects, fmt::format("{} rejects, over --max-rejects {}", rejects.size(), o.max_rejects));

  report_options.window = o.window;
  report_options.top_institutions = o.top_institutions;
  report_options.resamples = o.resamples;
  Report report = BuildReport(collected.value(), *ctx.scope, policy, ctx.registry.size() > 0, report_options);
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(kExitInput, fmt::format("cannot write {}", o.output));
    out = &file;
  }
  if (o.format == "json")
    WriteJson(report, *out);
  else if (o.format == "csv")
    WriteCsv(report, *out, csv_table);
  else
    WriteTable(report, *out, o.top);
  out->flush();
  return kExitOk;
}

int RunScopeShow(const OrgOptions& o) {
  OrgContext ctx;
  if (int rc = BuildOrg(o, &ctx); rc != kExitOk) return rc;
  const Scope& s = *ctx.scope;
  fmt::print("scope: {} — home country {}\n", s.name(),
             s.home() ? CountryName(s.home()) : "unknown (inferred from data)");
  fmt::print(
      "{} members listed from the registry ({} organisations loaded); institutions whose OpenAlex lineage\n"
      "holds a member also belong to the scope when met in works.\n\n",
      s.members().size(), ctx.registry.size());
  fmt::print("{:<11} {:<12} {:<2} {:<50} {}\n", "ror", "openalex", "cc", "name", "why");
  for (const ScopeMember& m : s.members())
    fmt::print("{:<11} {:<12} {:<2} {:<50} {}\n", m.ror ? FormatRorId(m.ror) : "-",
               m.openalex ? FormatOpenAlexId(m.openalex, 'I') : "-", m.country ? CountryName(m.country) : "--",
               m.name.substr(0, 50), m.why);
  return kExitOk;
}


// A CSV field, quoted when it must be.
std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void PrintMatch(const AffiliationMatch& m, bool explain) {
  fmt::print("country: {}", m.country ? CountryName(m.country) : "unknown");
  if (m.country) fmt::print(" (score {:.2f})", m.country_score);
  fmt::print("\n");
  if (m.organisation != nullptr) {
    fmt::print("ror: {}\nname: {}\nscore: {:.2f}\n", FormatRorId(m.organisation->ror), m.organisation->name,
               m.organisation_score);
    std::string ancestors;
    for (RorId a : m.ancestors) ancestors += (ancestors.empty() ? "" : " ") + FormatRorId(a);
    if (!ancestors.empty()) fmt::print("ancestors: {}\n", ancestors);
  } else {
    fmt::print("ror: unknown\n");
  }
  if (!explain) return;
  fmt::print("evidence:\n");
  for (const auto& n : m.notes) fmt::print("  {}\n", n);
  for (const auto& e : m.country_evidence) fmt::print("  {}\n", e);
  for (const auto& c : m.candidates) fmt::print("  {}\n", c.why);
  if (m.candidates.empty()) fmt::print("  no organisation accepted\n");
}

// The strings of --input: one per line, or one CSV column by header name.
Result<std::vector<std::string>> ReadMatchInput(const std::string& path, const std::string& column) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", path));
  std::vector<std::string> out;
  if (column.empty()) {
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) out.push_back(std::move(line));
    }
    return out;
  }
  char delimiter = path.ends_with(".tsv") ? '\t' : ',';
  CsvReader reader(in, delimiter);
  std::vector<std::string> fields;
  Status st;
  if (!reader.Next(&fields, &st)) return st.ok() ? Status(ErrorCode::kParse, path + ": empty") : st;
  int index = ColumnIndex(fields, column);
  if (index < 0) return Status(ErrorCode::kInvalidArgument, fmt::format("{}: no column \"{}\"", path, column));
  while (reader.Next(&fields, &st))
    out.push_back(static_cast<size_t>(index) < fields.size() ? fields[index] : std::string());
  if (!st.ok()) return Status(st.code(), fmt::format("{}: {}", path, st.message()));
  return out;
}

int RunMatch(const MatchCommandOptions& o) {
  if (o.input.empty() && o.text.empty())
    return Fail(kExitUsage, "give an affiliation string, or --input FILE (or: coopscope match eval)");
  Registry registry;
  RejectLog rejects;
  if (int rc = LoadRegistries(o.registries, &registry, &rejects); rc != kExitOk) return rc;
  if (o.registries.empty())
    fmt::print(stderr, "coopscope: no --registry: countries only, no organisations\n");
  auto matcher = o.registries.empty() ? std::make_unique<AffiliationMatcher>()
                                      : std::make_unique<AffiliationMatcher>(registry);
  if (o.input.empty()) {
    MatchOptions options;
    options.explain = o.explain;
    PrintMatch(matcher->Match(o.text, options), o.explain);
    return kExitOk;
  }
  auto strings = ReadMatchInput(o.input, o.column);
  if (!strings.ok()) return Fail(ExitFor(strings.status()), strings.status().message());
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(kExitInput, fmt::format("cannot write {}", o.output));
    out = &file;
  }
  *out << "string,country,ror,score\n";
  auto start = std::chrono::steady_clock::now();
  for (const std::string& s : strings.value()) {
    AffiliationMatch m = matcher->Match(s);
    double score = m.organisation ? m.organisation_score : m.country_score;
    *out << CsvField(s) << ',' << CountryName(m.country) << ','
         << (m.organisation ? FormatRorId(m.organisation->ror) : std::string()) << ','
         << (m.organisation || m.country ? fmt::format("{:.2f}", score) : std::string()) << '\n';
  }
  out->flush();
  if (!*out) return Fail(kExitInput, fmt::format("cannot write {}", o.output.empty() ? "stdout" : o.output));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(stderr, "coopscope: matched {} strings in {:.2f} s ({:.0f} strings/s, one thread)\n",
             strings->size(), seconds, seconds > 0 ? static_cast<double>(strings->size()) / seconds : 0.0);
  return kExitOk;
}

void PrintEvalRow(const std::string& name, const EvalFigures& f) {
  auto pct = [](double v, size_t denominator) {
    return denominator == 0 ? std::string("    -") : fmt::format("{:.3f}", v);
  };
  fmt::print("{:<46} {:>6} | {:>6} {:>5} {:>5} | {:>6} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}\n", name, f.rows,
             f.country_gold, pct(f.CountryPrecision(), f.country_predicted), pct(f.CountryRecall(), f.country_gold),
             f.org_gold, f.org_gold_in_registry, f.org_none_expected, pct(f.OrgPrecision(), f.org_predicted),
             pct(f.OrgPrecisionInRegistry(), f.org_predicted_in_registry), pct(f.OrgRecall(), f.org_gold),
             pct(f.OrgRecallInRegistry(), f.org_gold_in_registry), pct(f.OrgPrecisionLineage(), f.org_predicted),
             f.org_false_on_none);
}

int RunMatchEval(const MatchEvalOptions& o) {
  if (o.registries.empty()) return Fail(kExitUsage, "match eval needs --registry (the ROR dump the gold is matched against)");
  Registry registry;
  RejectLog rejects;
  if (int rc = LoadRegistries(o.registries, &registry, &rejects); rc != kExitOk) return rc;
  auto sets = LoadGoldSets(o.data_dir, registry);
  if (!sets.ok()) return Fail(ExitFor(sets.status()), sets.status().message());
  AffiliationMatcher matcher(registry);
  std::vector<std::string> errors;
  fmt::print("Affiliation matcher on the gold sets of {} ({} organisations in the registry)\n\n", o.data_dir,
             registry.size());
  fmt::print("{:<46} {:>6} | {:>6} {:>5} {:>5} | {:>6} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}\n", "set",
             "rows", "c.gold", "c.P", "c.R", "o.gold", "in reg", "none", "o.P", "P.reg", "o.R", "R.reg", "P.lin",
             "FP.none");
  EvalFigures total;
  for (const GoldSet& set : sets.value()) {
    EvalFigures f = Evaluate(set, matcher, o.limit, o.errors_file.empty() ? nullptr : &errors);
    PrintEvalRow(set.name, f);
    total.Add(f);
  }
  PrintEvalRow("all", total);
  fmt::print(
      "\nc.gold: rows with an expected country; c.P, c.R: country precision and recall.\n"
      "o.gold: rows expecting an organisation, 'in reg' of which the registry holds one; none: rows expecting none.\n"
      "o.P: organisation precision over every prediction; P.reg: over rows whose gold is in the registry;\n"
      "o.R: recall over all rows expecting an organisation; R.reg: over those whose gold is in the registry;\n"
      "P.lin: o.P counting an answer right when the expected id is the answer or one of its registry ancestors;\n"
      "FP.none: organisations given where the gold says none.  The best organisation counts (right when it is one of\n"
      "the expected ids).\n");
  for (const GoldSet& set : sets.value()) fmt::print("  {}: {} — {}\n", set.name, set.file, set.note);
  fmt::print("\nspeed: {} strings in {:.2f} s = {:.0f} strings/s on one thread\n", total.rows, total.seconds,
             total.seconds > 0 ? static_cast<double>(total.rows) / total.seconds : 0.0);
  if (!o.errors_file.empty()) {
    std::ofstream err(o.errors_file, std::ios::binary | std::ios::trunc);
    for (const auto& e : errors) err << e << '\n';
    if (!err) return Fail(kExitInput, fmt::format("cannot write {}", o.errors_file));
  }
  return kExitOk;
}

}  // namespace

std::string ExitCodeHelp() {
  return "Exit codes: 0 success; 2 bad options; 3 rejects under --strict or over --max-rejects;\n"
         "4 an input, registry or output file cannot be read or written; 5 unknown or ambiguous organisation;\n"
         "70 internal error.";
}

void RegisterCommands(CLI::App& app) {
  Commands& c = State();
  IndicatorsOptions& o = c.ind;
  c.indicators = app.add_subcommand("indicators", "Collaboration indicators of an organisation from OpenAlex works");
  AddOrgOptions(c.indicators, &o.org);
  c.indicators->add_option("inputs", o.inputs, "Work files or folders (JSONL, .gz, .zst, API pages, snapshot folders)")
      ->required();
  c.indicators->add_option("--years", o.years, "Year or range, e.g. 2015-2022 (default: the years in the data)");
  c.indicators->add_option("--window", o.window, "Moving window width in years (0: none)")->capture_default_str();
  c.indicators->add_option("--format", o.format, "table, csv or json")->capture_default_str();
  c.indicators->add_option("--csv-table", o.csv_table, "With --format csv: indicators, partners or institutions")
      ->capture_default_str();
  c.indicators->add_option("-o,--output", o.output, "Write to this file instead of standard output");
  c.indicators->add_flag("--strict", o.strict, "Stop at the first rejected record (exit 3)");
  c.indicators->add_option("--rejects", o.rejects_file, "Write every reject (file, line, offset, kind, reason) as TSV");
  c.indicators->add_option("--max-rejects", o.max_rejects, "Fail (exit 3) past this many rejects (0: no limit)");
  c.indicators->add_option("--threads", o.threads, "Worker threads (default: all cores)");
  c.indicators->add_flag("-q,--quiet", o.quiet, "No progress line and no notes on stderr");
  c.indicators->add_option("--max-record-bytes", o.max_record_bytes, "Longest accepted record in bytes")
      ->capture_default_str();
  c.indicators
      ->add_option("--dedup-memory-mb", o.dedup_memory_mb,
                   "Memory for de-duplication before spilling sorted runs to $TMPDIR")
      ->capture_default_str();
  c.indicators->add_option("--merged-ids", o.merged_ids, "OpenAlex merged_ids/works CSV(.gz) files; repeatable");
  c.indicators->add_option("--country-rule", o.country_rules, "Count a country as another: XX=YY; repeatable");
  c.indicators->add_flag("--no-overseas-as-fr", o.no_overseas, "Keep French overseas codes (GF, RE, NC…) apart");
  c.indicators->add_flag("--no-hk-mo-as-cn", o.no_hkmo, "Keep HK and MO apart from CN");
  c.indicators->add_option("--top", o.top, "Partners shown in the table")->capture_default_str();
  c.indicators
      ->add_option("--top-institutions", o.top_institutions,
                   "Partner institutions kept per period in JSON/CSV (0: all)")
      ->capture_default_str();
  c.indicators->add_option("--resamples", o.resamples, "Bootstrap resamples for stability intervals")
      ->capture_default_str();

  c.match = app.add_subcommand("match", "Affiliation strings → country and ROR organisation");
  MatchCommandOptions& m = c.match_opts;
  c.match->add_option("text", m.text, "An affiliation string");
  c.match->add_flag("--explain", m.explain, "Print the evidence behind the answer");
  AddRegistryOption(c.match, &m.registries);
  c.match->add_option("--input", m.input, "Match a file: one string per line, or a CSV column (--column)");
  c.match->add_option("--column", m.column, "With --input: the CSV (or .tsv) column holding the strings");
  c.match->add_option("-o,--output", m.output, "With --input: write the CSV here instead of standard output");
  c.match_eval = c.match->add_subcommand("eval", "Precision and recall on the gold sets of ../shared/data");
  AddRegistryOption(c.match_eval, &c.eval_opts.registries);
  c.match_eval->add_option("--data", c.eval_opts.data_dir, "The shared data folder")->capture_default_str();
  c.match_eval->add_option("--limit", c.eval_opts.limit, "Rows per gold set (0: all)")->capture_default_str();
  c.match_eval->add_option("--errors", c.eval_opts.errors_file, "Write every wrong answer here (TSV)");

  CLI::App* scope = app.add_subcommand("scope", "Organisation scopes");
  scope->require_subcommand(1);
  c.scope_show = scope->add_subcommand("show", "List the members of a scope and why each belongs");
  AddOrgOptions(c.scope_show, &c.scope_org);

  c.generate = app.add_subcommand("generate", "Write synthetic OpenAlex works (deterministic by seed)");
  GenerateOptions& g = c.gen;
  c.generate->add_option("--out", g.out_dir, "Folder to write (a snapshot layout: works/…/part_NNN)")->required();
  c.generate->add_option("--works", g.works, "Number of works")->capture_default_str();
  c.generate->add_option("--seed", g.seed, "Random seed")->capture_default_str();
  c.generate->add_option("--parts", g.parts, "Number of part files")->capture_default_str();
  c.generate->add_option("--compression", g.compression, "none, gz or zst")->capture_default_str();
  c.generate->add_option("--registry", g.registry, "ROR v2 dump to draw CNRS units and partners from")->required();
  c.generate->add_option("--cnrs-share", g.cnrs_share, "Share of works with a CNRS unit")->capture_default_str();
  c.generate->add_option("--duplicate-share", g.duplicate_share, "Share of works written twice")->capture_default_str();
  c.generate->add_option("--first-year", g.first_year)->capture_default_str();
  c.generate->add_option("--last-year", g.last_year)->capture_default_str();
  c.generate->add_option("--threads", g.threads, "Writer threads (default: all cores)");
}

int RunSelected(CLI::App&) {
  Commands& c = State();
  try {
    if (c.indicators->parsed()) return RunIndicators(c.ind);
    if (c.scope_show->parsed()) return RunScopeShow(c.scope_org);
    if (c.match_eval->parsed()) return RunMatchEval(c.eval_opts);
    if (c.match->parsed()) return RunMatch(c.match_opts);
    if (c.generate->parsed()) {
      Status st = RunGenerate(c.gen);
      return st.ok() ? kExitOk : Fail(ExitFor(st), st.message());
    }
  } catch (const std::exception& e) {
    return Fail(kExitInternal, fmt::format("internal error: {}", e.what()));
  }
  return kExitUsage;
}

}  // namespace coopscope
