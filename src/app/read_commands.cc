// `coopscope read`: reads export files (WoS, Scopus, BibTeX, HAL) with their
// reader and reports records, rejects and speed; with --resolve, also turns
// their affiliation strings into countries and organisations, as the
// indicators do.  For checking an export before using it, and for the
// readers' benchmark (bench/readers_bench.py).
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "app/cli_common.h"
#include "match/affiliation_matcher.h"
#include "match/work_resolver.h"
#include "sources/export_reader.h"

namespace coopscope {
namespace {

struct ReadOptions {
  std::vector<std::string> files;
  std::string input_format = "auto";
  std::vector<std::string> registries;
  bool resolve = false;
  std::string rejects_file;
  size_t max_record_bytes = Limits().max_record_bytes;
};

struct ReadState {
  CLI::App* read = nullptr;
  ReadOptions o;
};

ReadState& State() {
  static ReadState state;
  return state;
}

int RunRead(const ReadOptions& o) {
  auto format = ParseInputFormat(o.input_format);
  if (!format.ok()) return Fail(kExitUsage, format.status().message());
  if (o.files.empty()) return Fail(kExitUsage, "give the export files to read");
  Registry registry;
  RejectLog registry_rejects;
  if (int rc = LoadRegistries(o.registries, &registry, &registry_rejects); rc != kExitOk) return rc;
  std::unique_ptr<AffiliationMatcher> matcher;
  std::unique_ptr<WorkResolver> resolver;
  if (o.resolve) {
    matcher = registry.size() > 0 ? std::make_unique<AffiliationMatcher>(registry)
                                  : std::make_unique<AffiliationMatcher>();
    resolver = std::make_unique<WorkResolver>(*matcher);
  }
  Limits limits;
  limits.max_record_bytes = o.max_record_bytes;
  RejectLog all_rejects;
  uint64_t total_records = 0, total_rejected = 0, total_bytes = 0;
  uint64_t with_country = 0, multi_country = 0, with_org = 0, addresses = 0;
  double total_seconds = 0;
  Work work;
  std::vector<CountryCode> countries;
  fmt::print("{:<9} {:>9} {:>8} {:>12} {:>8} {:>8}  {}\n", "format", "records", "rejected", "bytes", "seconds", "MB/s",
             "file");
  for (const std::string& path : o.files) {
    InputFormat f = format.value();
    if (f == InputFormat::kAuto) {
      auto detected = DetectInputFormat(path);
      if (!detected.ok()) return Fail(ExitFor(detected.status()), detected.status().message());
      f = detected.value();
    }
    if (f == InputFormat::kAuto || f == InputFormat::kOpenAlex)
      return Fail(kExitUsage, fmt::format("{}: not an export coopscope read knows (give --input-format)", path));
    std::vector<Reject> rejects;
    ReadCounts counts;
    RawRecordFn fn = [&](const RawWork& raw, const RecordPos&) -> Status {
      addresses += raw.addresses.size();
      if (!resolver) return Status::Ok();
      resolver->Resolve(raw, &work);
      countries.clear();
      for (CountryCode c : work.countries) countries.push_back(c);
      for (const InstitutionRef& i : work.institutions)
        if (i.country) countries.push_back(i.country);
      std::sort(countries.begin(), countries.end());
      countries.erase(std::unique(countries.begin(), countries.end()), countries.end());
      with_country += !countries.empty();
      multi_country += countries.size() > 1;
      with_org += !work.institutions.empty();
      return Status::Ok();
    };
    auto start = std::chrono::steady_clock::now();
    Status st = ReadExportFile(path, f, limits, fn, &rejects, &counts);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!st.ok()) return Fail(ExitFor(st), st.message());
    fmt::print("{:<9} {:>9} {:>8} {:>12} {:>8.3f} {:>8.1f}  {}\n", InputFormatName(f), counts.records,
               counts.rejected, counts.bytes, seconds, seconds > 0 ? counts.bytes / seconds / 1e6 : 0.0, path);
    total_records += counts.records;
    total_rejected += counts.rejected;
    total_bytes += counts.bytes;
    total_seconds += seconds;
    for (auto& r : rejects) all_rejects.Add(std::move(r));
  }
  fmt::print("{:<9} {:>9} {:>8} {:>12} {:>8.3f} {:>8.1f}  read = accepted {} + rejected {}; {} addresses\n", "total",
             total_records, total_rejected, total_bytes, total_seconds,
             total_seconds > 0 ? total_bytes / total_seconds / 1e6 : 0.0, total_records - total_rejected,
             total_rejected, addresses);
  if (o.resolve)
    fmt::print("resolved: {} works with a country, {} with several, {} with an organisation{}\n", with_country,
               multi_country, with_org, registry.size() > 0 ? "" : " (no --registry: countries only)");
  if (all_rejects.size() > 0)
    fmt::print(stderr, "coopscope: first reject: {}{}\n", all_rejects.Sorted().front().ToString(),
               o.rejects_file.empty() ? " (list them with --rejects FILE)" : "");
  if (!o.rejects_file.empty()) {
    if (Status st = all_rejects.WriteTsv(o.rejects_file); !st.ok()) return Fail(kExitInput, st.message());
  }
  return kExitOk;
}

}  // namespace

void RegisterReadCommands(CLI::App& app) {
  ReadState& s = State();
  s.read = app.add_subcommand("read", "Read WoS, Scopus, BibTeX or HAL exports: records, rejects, speed");
  s.read->add_option("files", s.o.files, "Export files")->required();
  s.read->add_option("--input-format", s.o.input_format, "auto, wos, wos-tab, scopus, bibtex or hal")
      ->capture_default_str();
  AddRegistryOption(s.read, &s.o.registries);
  s.read->add_flag("--resolve", s.o.resolve, "Also resolve affiliations into countries and organisations");
  s.read->add_option("--rejects", s.o.rejects_file, "Write every reject (file, line, offset, kind, reason) as TSV");
  s.read->add_option("--max-record-bytes", s.o.max_record_bytes, "Longest accepted record in bytes")
      ->capture_default_str();
}

int RunReadCommands() {
  ReadState& s = State();
  if (s.read == nullptr || !s.read->parsed()) return -1;
  try {
    return RunRead(s.o);
  } catch (const std::exception& e) {
    return Fail(kExitInternal, fmt::format("internal error: {}", e.what()));
  }
}

}  // namespace coopscope
