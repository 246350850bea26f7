#include "app/commands.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <cmath>
#include <map>
#include <memory>

#include "app/cli_common.h"
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
#include "store/segment.h"
#include "store/store.h"
#include "synth/generate.h"

namespace coopscope {
namespace {

struct IndicatorsOptions {
  OrgOptions org;
  std::vector<std::string> inputs;
  std::string input_format = "auto";
  std::string years;
  int window = 4;
  std::string format = "table";
  std::string csv_table = "indicators";
  std::string output;
  bool strict = false;
  std::string rejects_file;
  unsigned threads = 0;
  bool quiet = false;
  bool timings = false;
  bool read_works = false;
  size_t max_record_bytes = Limits().max_record_bytes;
  size_t max_rejects = 0;
  size_t dedup_memory_mb = Limits().dedup_memory_bytes >> 20;
  std::vector<std::string> merged_ids;
  std::vector<std::string> country_rules;
  bool no_overseas = false, no_hkmo = false;
  size_t top = 10;
  size_t top_institutions = 100;
  int resamples = 1000;
  std::string store;
};

struct StoreOptions {
  std::string dir;
  std::vector<std::string> inputs;
  std::vector<std::string> registries;
  std::vector<std::string> merged_ids;
  std::string rejects_file;
  unsigned threads = 0;
  bool quiet = false;
  size_t max_record_bytes = Limits().max_record_bytes;
  std::vector<std::string> country_rules;
  bool no_overseas = false, no_hkmo = false;
  int64_t views_min_works = -1;
};

struct RankOptions {
  std::string store;
  int year = 0;
  std::string by = "p";
  std::string country;
  std::string types;
  size_t top = 20;
  uint64_t min_p = 0;
  std::string format = "table";
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
  CLI::App* store_build = nullptr;
  CLI::App* store_update = nullptr;
  CLI::App* store_info = nullptr;
  CLI::App* store_verify = nullptr;
  CLI::App* rank = nullptr;
  CLI::App* countries = nullptr;
  StoreOptions store;
  std::string store_dir;
  unsigned verify_threads = 0;
  RankOptions rank_opts;
  IndicatorsOptions ind;
  OrgOptions scope_org;
  GenerateOptions gen;
};

Commands& State() {
  static Commands commands;
  return commands;
}


int WriteReport(const IndicatorsOptions& o, Collected&& collected, const Scope& scope, const CountryPolicy& policy,
                bool registry_loaded, ReportOptions report_options, CsvTable csv_table);

// --rejects with --store: the store's rejects.
int WriteRejects(const IndicatorsOptions& o, const store::Snapshot& snap) {
  if (o.rejects_file.empty()) return kExitOk;
  RejectLog log;
  for (auto& r : snap.Rejects()) log.Add(std::move(r));
  if (Status st = log.WriteTsv(o.rejects_file); !st.ok()) return Fail(kExitInput, st.message());
  return kExitOk;
}

int RunIndicatorsFromStore(const IndicatorsOptions& o, const CountryPolicy& policy, const ReportOptions& report_options,
                           CsvTable csv_table) {
  if (!o.inputs.empty()) return Fail(kExitUsage, "give either input files or --store, not both");
  if (!o.org.registries.empty())
    return Fail(kExitUsage, "--registry cannot be combined with --store: the store holds the registry it was built "
                            "with (`coopscope store update --registry …` replaces it)");
  if (!o.merged_ids.empty()) return Fail(kExitUsage, "--merged-ids belongs to `coopscope store update` with --store");
  // Checksums of every section read: a damaged segment is an error, never a
  // silently wrong answer.
  using Clock = std::chrono::steady_clock;
  auto mark = Clock::now();
  std::string timings;
  auto phase = [&](const char* name) {
    auto now = Clock::now();
    timings += fmt::format("{}{} {:.3f} s", timings.empty() ? "" : ", ", name,
                           std::chrono::duration<double>(now - mark).count());
    mark = now;
  };
  // A short query's memory is mostly fresh pages: large blocks taken from
  // the heap and kept there on free are reused instead of mapped and faulted
  // in again (each vector of a period's partners is a megabyte or so).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  // One organisation named by id, name or alias (with or without --home),
  // and the store's country rules: its stored answer when the store keeps one
  // (store/views.h), read without the registry.
  if (!o.read_works && o.org.orgs.size() == 1 && o.org.scope_file.empty()) {
    auto light = store::Snapshot::Open(o.store, true, false);
    if (!light.ok()) return Fail(ExitFor(light.status()), light.status().message());
    phase("open");
    store::ViewAnswer view;
    auto found = light.value()->View(RootKey(o.org.orgs[0]), policy, &view);
    if (!found.ok()) return Fail(ExitFor(found.status()), found.status().message());
    if (found.value()) {
      // The tallies do not depend on the home country (the report applies it):
      // --home only changes what S says of itself.
      if (!o.org.home.empty()) {
        auto home = ReadHomeCountry(o.org.home);
        if (!home.ok()) return Fail(kExitUsage, home.status().message());
        view.scope = Scope::Described(view.scope.name(), home.value(), view.scope.roots());
      }
      phase("stored answer");
      if (int rc = WriteRejects(o, *light.value()); rc != kExitOk) return rc;
      int rc = WriteReport(o, std::move(view.collected), view.scope, policy, view.registry_loaded, report_options, csv_table);
      phase("report");
      if (o.timings) fmt::print(stderr, "coopscope: phases: {}\n", timings);
      return rc;
    }
  }
  auto snap = store::Snapshot::Open(o.store, true);
  if (!snap.ok()) return Fail(ExitFor(snap.status()), snap.status().message());
  phase("open");
  std::unique_ptr<Scope> scope;
  if (int rc = BuildScope(o.org, snap.value()->registry(), &scope); rc != kExitOk) return rc;
  phase("scope");
  auto collected = snap.value()->Tally(*scope, policy, o.threads);
  if (!collected.ok()) return Fail(ExitFor(collected.status()), collected.status().message());
  phase(snap.value()->HasFacts(policy) ? "works (facts file)" : "works (decoded)");
  if (int rc = WriteRejects(o, *snap.value()); rc != kExitOk) return rc;
  int rc = WriteReport(o, std::move(collected.value()), *scope, policy, snap.value()->registry().size() > 0, report_options,
                       csv_table);
  phase("report");
  if (o.timings) fmt::print(stderr, "coopscope: phases: {}\n", timings);
  return rc;
}

// Which registry resolved the store's export files; a note when it is not
// the store's registry now.
void PrintExportResolutions(const store::StoreTotals& t, std::FILE* out) {
  for (const store::ExportResolution& r : t.exports) {
    std::string files = r.registry_files;
    std::replace(files.begin(), files.end(), '\n', ' ');
    fmt::print(out, "exports          {} file{} ({}) resolved with the registry of {} organisations, crc32 {:08x}{} "
               "({})\n", r.files, r.files == 1 ? "" : "s", r.formats, r.organisations, r.registry_crc,
               r.current ? ", the store's" : "", files.empty() ? "files not recorded" : files);
    if (!r.current)
      fmt::print(out, "                 note: the store's registry is another now; these works keep that resolution "
                 "(rebuild the store to resolve them again)\n");
  }
}

int RunStoreIngest(const StoreOptions& o, bool update) {
  auto policy = MakePolicy(o.no_overseas, o.no_hkmo, o.country_rules);
  if (!policy.ok()) return Fail(kExitUsage, policy.status().message());
  if (!update && o.inputs.empty()) return Fail(kExitUsage, "give the work files or snapshot folders to ingest");
  store::IngestOptions in;
  in.inputs = o.inputs;
  in.registries = o.registries;
  in.merged_id_files = o.merged_ids;
  in.limits.max_record_bytes = o.max_record_bytes;
  in.threads = o.threads;
  in.policy = policy.value();
  in.update = update;
  in.views_min_works = o.views_min_works;
  RejectLog rejects;
  Result<store::IngestSummary> result = Status();
  {
    auto inputs = DiscoverInputs(o.inputs);
    Progress progress(inputs.ok() ? TotalInputBytes(inputs.value()) : 0, !o.quiet);
    in.progress_bytes = progress.bytes();
    in.progress_records = progress.records();
    result = store::Ingest(o.dir, in, &rejects);
  }
  if (!o.rejects_file.empty()) {
    if (Status st = rejects.WriteTsv(o.rejects_file); !st.ok()) return Fail(kExitInput, st.message());
  }
  if (!result.ok()) return Fail(ExitFor(result.status()), result.status().message());
  const store::IngestSummary& s = result.value();
  const IngestReport& g = s.totals.ingest;
  if (!o.quiet) {
    fmt::print(stderr, "coopscope: {} new files ingested ({} records, {} rejected), {} already in the store\n",
               s.files_new, s.records, s.rejected, s.files_skipped);
    fmt::print(stderr,
               "coopscope: store generation {}: read {} = accepted {} + rejected {} + duplicates {}; {} merged away; "
               "{} live works\n",
               s.totals.generation, g.read, g.accepted, g.rejected, g.duplicates, g.merged_dropped,
               s.totals.live_works);
    fmt::print(stderr,
               "coopscope: phases: registry {:.2f} s, files {:.2f} s (cpu {:.2f} s), settle {:.2f} s (cpu {:.2f} s), "
               "publish {:.2f} s, {} stored answers {:.2f} s\n",
               s.registry_seconds, s.files_seconds, s.files_cpu_seconds, s.settle_seconds, s.settle_cpu_seconds,
               s.publish_seconds, s.views, s.views_seconds);
    PrintExportResolutions(s.totals, stderr);
    if (rejects.size() > 0)
      fmt::print(stderr, "coopscope: first reject: {}{}\n", rejects.Sorted().front().ToString(),
                 o.rejects_file.empty() ? " (list them with --rejects FILE)" : "");
  }
  return kExitOk;
}

int RunStoreInfo(const std::string& dir) {
  auto snap = store::Snapshot::Open(dir, false, false);
  if (!snap.ok()) return Fail(ExitFor(snap.status()), snap.status().message());
  const store::StoreTotals& t = snap.value()->totals();
  const IngestReport& g = t.ingest;
  auto per = [](uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; };
  auto formats = snap.value()->SegmentFormats();
  if (!formats.ok()) return Fail(ExitFor(formats.status()), formats.status().message());
  std::string segment_format = formats->empty() ? fmt::format("{}", store::kSegmentFormatVersion)
                                                : fmt::format("{}", fmt::join(formats.value(), " and "));
  const bool readable = formats->empty() || formats.value() == std::vector<uint32_t>{store::kSegmentFormatVersion};
  fmt::print("store {} (catalog format {}, segment format {}), generation {}\n", dir, t.catalog_format,
             segment_format, t.generation);
  if (!readable)
    fmt::print("note: this coopscope reads segment format {} only; queries that read the works will fail. "
               "Build the store again from its input files (`coopscope store build` into a new folder).\n",
               store::kSegmentFormatVersion);
  fmt::print("input files      {}  ({} decompressed bytes)\n", g.files, g.bytes);
  fmt::print("records read     {} = accepted {} + rejected {} + duplicates {}\n", g.read, g.accepted, g.rejected,
             g.duplicates);
  fmt::print("merged away      {} (of {} merged ids)\n", g.merged_dropped, g.merged_ids_loaded);
  fmt::print("live works       {}  (years {}-{})\n", t.live_works, t.first_year, t.last_year);
  fmt::print("segments         {}  ({} bytes, {} rows, {} authorships)\n", t.segments, t.segment_bytes, t.stored_rows,
             t.stored_authorships);
  fmt::print("bytes per work   {:.1f} (per stored row), {:.2f} per authorship\n", per(t.segment_bytes, t.stored_rows),
             per(t.segment_bytes, t.stored_authorships));
  if (!t.facts_file.empty())
    fmt::print("facts file       {} bytes, {:.1f} per work; with the segments {:.1f} per work\n", t.facts_bytes,
               per(t.facts_bytes, t.stored_rows), per(t.segment_bytes + t.facts_bytes, t.stored_rows));
  if (t.views_min_works == 0) {
    fmt::print("stored answers   none (--views-min-works 0)\n");
  } else if (t.views == 0) {
    fmt::print("stored answers   none in this generation (kept for organisations with at least {} works)\n",
               t.views_min_works);
  } else {
    auto v = snap.value()->ViewsInfo();
    if (!v.ok()) return Fail(ExitFor(v.status()), v.status().message());
    fmt::print("stored answers   {} for the {} organisation{} with at least {} works (an OpenAlex and a ROR id the "
               "registry does not link are two scopes; {} bytes, {:.1f} per work; {} names and ids lead to them)\n",
               t.views, v->orgs, v->orgs == 1 ? "" : "s", t.views_min_works, v->bytes, per(v->bytes, t.stored_rows),
               v->keys);
  }
  if (auto catalog = snap.value()->CatalogBytes(); catalog.ok()) {
    const auto [catalog_bytes, registry_bytes] = catalog.value();
    const uint64_t other = catalog_bytes - std::min(catalog_bytes, registry_bytes);
    const uint64_t all = t.segment_bytes + t.facts_bytes + other;
    fmt::print("store size       {} bytes, {:.1f} per live work ({:.1f} per stored row): segments, facts file and "
               "catalog ({} bytes: rank and country tallies, ledger, stored answers){}\n",
               all, per(all, t.live_works), per(all, t.stored_rows), other,
               registry_bytes > 0 ? fmt::format(", registry ({} bytes) excluded", registry_bytes)
                                  : std::string(", registry included (SQLite cannot tell it apart here)"));
  }
  fmt::print("registry         {} organisations\n", snap.value()->registry_size());
  PrintExportResolutions(t, stdout);
  fmt::print("manifest parts   {} checked, {} mismatched, {} absent\n", g.manifest_parts_checked,
             g.manifest_mismatches, g.manifest_parts_absent);
  fmt::print("country policy   {}\n", t.policy.empty() ? "identity" : t.policy);
  return kExitOk;
}

int RunStoreVerify(const std::string& dir, unsigned threads) {
  auto snap = store::Snapshot::Open(dir, false);  // Verify reads and checks every segment itself
  if (!snap.ok()) return Fail(kExitInput, snap.status().message());
  std::vector<std::string> notes;
  auto problems = snap.value()->Verify(threads, &notes);
  // A writer may have published a new generation while this one was checked:
  // check the new one (a few times at most).
  for (int again = 0; again < 3 && !problems.empty(); ++again) {
    auto newer = store::Snapshot::Open(dir, false);
    if (!newer.ok() || newer.value()->totals().generation == snap.value()->totals().generation) break;
    snap = std::move(newer);
    notes.clear();
    problems = snap.value()->Verify(threads, &notes);
  }
  for (const auto& n : notes) fmt::print(stderr, "coopscope: verify: note: {}\n", n);
  for (const auto& p : problems) fmt::print(stderr, "coopscope: verify: {}\n", p);
  if (!problems.empty()) return Fail(kExitInput, fmt::format("the store {} failed verification ({} problems)", dir,
                                                             problems.size()));
  const store::StoreTotals& t = snap.value()->totals();
  if (notes.empty())
    fmt::print("store {} verified: {} segments, {} live works, generation {}; checksums, decoding, de-duplication and "
               "totals agree\n",
               dir, t.segments, t.live_works, t.generation);
  else
    fmt::print("store {} verified while a writer runs: {} published segments, {} live works, generation {}; "
               "checksums and decoding agree\n",
               dir, t.segments, t.live_works, t.generation);
  return kExitOk;
}

int RunRank(const RankOptions& o) {
  if (o.by != "p" && o.by != "p_frac" && o.by != "pp_int_collab")
    return Fail(kExitUsage, fmt::format("--by '{}': choose p, p_frac or pp_int_collab", o.by));
  if (o.format != "table" && o.format != "csv" && o.format != "json")
    return Fail(kExitUsage, fmt::format("--format '{}': choose table, csv or json", o.format));
  CountryCode country = kNoCountry;
  if (!o.country.empty() && (country = MakeCountry(o.country)) == kNoCountry)
    return Fail(kExitUsage, fmt::format("--country '{}' is not a two-letter code", o.country));
  std::vector<InstitutionType> types;
  for (size_t start = 0; start < o.types.size();) {
    size_t end = o.types.find(',', start);
    if (end == std::string::npos) end = o.types.size();
    std::string name = o.types.substr(start, end - start);
    InstitutionType t = ParseInstitutionType(name);
    if (t == InstitutionType::kUnknown)
      return Fail(kExitUsage, fmt::format("--type '{}': use education, healthcare, company, archive, nonprofit, "
                                          "government, facility, funder or other",
                                          name));
    types.push_back(t);
    start = end + 1;
  }
  auto snap = store::Snapshot::Open(o.store, false);
  if (!snap.ok()) return Fail(ExitFor(snap.status()), snap.status().message());
  auto rows = snap.value()->Rank(o.year);
  if (!rows.ok()) return Fail(ExitFor(rows.status()), rows.status().message());
  CountryPolicy policy = snap.value()->policy();
  std::vector<store::RankRow> kept;
  for (auto& r : rows.value()) {
    if (country != kNoCountry && policy.Map(r.country) != country) continue;
    if (!types.empty() && std::find(types.begin(), types.end(), r.type) == types.end()) continue;
    if (r.p < o.min_p) continue;
    kept.push_back(std::move(r));
  }
  auto metric = [&](const store::RankRow& r) {
    if (o.by == "p") return static_cast<double>(r.p);
    if (o.by == "p_frac") return r.p_frac;
    return r.p ? static_cast<double>(r.p_int_collab) / static_cast<double>(r.p) : 0.0;
  };
  // Compared as printed (6 decimals): fractional sums gathered in another
  // segment order differ in their last bits, and equal organisations must
  // not change places with the order segments were committed in.
  std::sort(kept.begin(), kept.end(), [&](const store::RankRow& a, const store::RankRow& b) {
    const long long x = std::llround(metric(a) * 1e6), y = std::llround(metric(b) * 1e6);
    return x != y ? x > y : a.org < b.org;
  });
  if (o.top > 0 && kept.size() > o.top) kept.resize(o.top);
  auto id_text = [](PartnerKey k) {
    return (k & kRorKeyBit) ? FormatRorId(k & ~kRorKeyBit) : FormatOpenAlexId(k, 'I');
  };
  const char* method =
      "Each work counts once for every top-level organisation it involves: institutions are rolled up through their "
      "OpenAlex lineage, then through the registry's ROR parent relations, to the ancestors that have no parent (a "
      "joint unit counts for each of its parents); a lineage id the registry cannot name, beside a registry parent "
      "known by its ROR id only, is that parent, counted once under its ROR id. "
      "p = works (full counting); p_frac = sum of the organisation's share of the authorships (Leiden fractional "
      "counting, INDICATORS.md); pp_int_collab = share of its works with two or more countries. Ordered by the "
      "chosen value as printed (6 decimals), then by organisation id.";
  if (o.format == "json") {
    fmt::print("{{\n  \"schema\": \"coopscope/rank\",\n  \"schema_version\": 1,\n  \"year\": {},\n  \"by\": \"{}\",\n"
               "  \"method\": \"{}\",\n  \"rows\": [",
               o.year, o.by, method);
    for (size_t i = 0; i < kept.size(); ++i) {
      const auto& r = kept[i];
      fmt::print("{}\n    {{\"rank\": {}, \"org\": \"{}\", \"ror\": {}, \"name\": {}, \"country\": {}, \"type\": \"{}\", "
                 "\"p\": {}, \"p_frac\": {}, \"p_int_collab\": {}, \"pp_int_collab\": {}}}",
                 i ? "," : "", i + 1, id_text(r.org), r.ror ? "\"" + FormatRorId(r.ror) + "\"" : "null",
                 JsonString(r.name), r.country ? "\"" + CountryName(r.country) + "\"" : "null",
                 InstitutionTypeName(r.type), r.p, FormatNumber(r.p_frac), r.p_int_collab,
                 FormatNumber(r.p ? static_cast<double>(r.p_int_collab) / r.p : 0));
    }
    fmt::print("{}]\n}}\n", kept.empty() ? "" : "\n  ");
    return kExitOk;
  }
  if (o.format == "csv") {
    fmt::print("rank,org,ror,name,country,type,p,p_frac,p_int_collab,pp_int_collab\n");
    for (size_t i = 0; i < kept.size(); ++i) {
      const auto& r = kept[i];
      fmt::print("{},{},{},{},{},{},{},{},{},{}\n", i + 1, id_text(r.org), r.ror ? FormatRorId(r.ror) : "",
                 CsvCell(r.name), CountryName(r.country), InstitutionTypeName(r.type), r.p, FormatNumber(r.p_frac),
                 r.p_int_collab, FormatNumber(r.p ? static_cast<double>(r.p_int_collab) / r.p : 0));
    }
    return kExitOk;
  }
  fmt::print("Organisations in {}, ranked by {} ({} shown)\n{}\n\n", o.year, o.by, kept.size(), method);
  fmt::print("{:>4}  {:<12} {:<50} {:<2} {:<11} {:>9} {:>11} {:>7}\n", "rank", "org", "name", "cc", "type", "P",
             "P_frac", "PP_int");
  for (size_t i = 0; i < kept.size(); ++i) {
    const auto& r = kept[i];
    fmt::print("{:>4}  {:<12} {:<50} {:<2} {:<11} {:>9} {:>11.2f} {:>7.3f}\n", i + 1, id_text(r.org),
               r.name.substr(0, 50), CountryName(r.country), InstitutionTypeName(r.type), r.p, r.p_frac,
               r.p ? static_cast<double>(r.p_int_collab) / r.p : 0);
  }
  return kExitOk;
}

int RunCountries(const RankOptions& o) {
  if (o.format != "table" && o.format != "csv" && o.format != "json")
    return Fail(kExitUsage, fmt::format("--format '{}': choose table, csv or json", o.format));
  CountryCode only = kNoCountry;
  if (!o.country.empty() && (only = MakeCountry(o.country)) == kNoCountry)
    return Fail(kExitUsage, fmt::format("--country '{}' is not a two-letter code", o.country));
  auto snap = store::Snapshot::Open(o.store, false, false);
  if (!snap.ok()) return Fail(ExitFor(snap.status()), snap.status().message());
  auto rows = snap.value()->Countries(o.year);
  if (!rows.ok()) return Fail(ExitFor(rows.status()), rows.status().message());
  std::map<CountryCode, uint64_t> own;
  std::vector<store::CountryPairRow> pairs;
  for (const auto& r : rows.value()) {
    if (r.a == r.b)
      own[r.a] = r.copubs;
    else if (only == kNoCountry || r.a == only || r.b == only)
      pairs.push_back(r);
  }
  std::sort(pairs.begin(), pairs.end(), [](const auto& x, const auto& y) {
    return x.copubs != y.copubs ? x.copubs > y.copubs : std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  if (o.top > 0 && pairs.size() > o.top) pairs.resize(o.top);
  // Salton's cosine: copubs / sqrt(P_a P_b), the usual normalised intensity.
  auto salton = [&](const store::CountryPairRow& r) {
    double pa = static_cast<double>(own[r.a]), pb = static_cast<double>(own[r.b]);
    return pa > 0 && pb > 0 ? static_cast<double>(r.copubs) / std::sqrt(pa * pb) : 0.0;
  };
  if (o.format == "json") {
    fmt::print("{{\n  \"schema\": \"coopscope/countries\",\n  \"schema_version\": 1,\n  \"year\": {},\n  \"pairs\": [",
               o.year);
    for (size_t i = 0; i < pairs.size(); ++i)
      fmt::print("{}\n    {{\"a\": \"{}\", \"b\": \"{}\", \"copubs\": {}, \"p_a\": {}, \"p_b\": {}, \"salton\": {}}}",
                 i ? "," : "", CountryName(pairs[i].a), CountryName(pairs[i].b), pairs[i].copubs, own[pairs[i].a],
                 own[pairs[i].b], FormatNumber(salton(pairs[i])));
    fmt::print("{}]\n}}\n", pairs.empty() ? "" : "\n  ");
    return kExitOk;
  }
  if (o.format == "csv") {
    fmt::print("a,b,copubs,p_a,p_b,salton\n");
    for (const auto& r : pairs)
      fmt::print("{},{},{},{},{},{}\n", CountryName(r.a), CountryName(r.b), r.copubs, own[r.a], own[r.b],
                 FormatNumber(salton(r)));
    return kExitOk;
  }
  fmt::print("Country co-publications in {} (works with both countries in K(w), full counting; {} {})\n\n",
             o.year, own.size(), own.size() == 1 ? "country publishes" : "countries publish");
  fmt::print("{:<2} {:<2} {:>9} {:>9} {:>9} {:>7}\n", "a", "b", "copubs", "P_a", "P_b", "salton");
  for (const auto& r : pairs)
    fmt::print("{:<2} {:<2} {:>9} {:>9} {:>9} {:>7.4f}\n", CountryName(r.a), CountryName(r.b), r.copubs, own[r.a],
               own[r.b], salton(r));
  return kExitOk;
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
  auto made_policy = MakePolicy(o.no_overseas, o.no_hkmo, o.country_rules);
  if (!made_policy.ok()) return Fail(kExitUsage, made_policy.status().message());
  const CountryPolicy& policy = made_policy.value();
  if (!o.store.empty()) return RunIndicatorsFromStore(o, policy, report_options, csv_table);
  if (o.inputs.empty()) return Fail(kExitUsage, "give work files or folders to read, or --store DIR");
  OrgContext ctx;
  if (int rc = BuildOrg(o.org, &ctx); rc != kExitOk) return rc;
  auto inputs = DiscoverInputs(o.inputs);
  if (!inputs.ok()) return Fail(ExitFor(inputs.status()), inputs.status().message());
  if (inputs->data_files.empty()) return Fail(kExitInput, "no work files among the inputs");

  RunOptions run;
  auto input_format = ParseInputFormat(o.input_format);
  if (!input_format.ok()) return Fail(kExitUsage, input_format.status().message());
  run.input_format = input_format.value();
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

  return WriteReport(o, std::move(collected.value()), *ctx.scope, policy, ctx.registry.size() > 0, report_options, csv_table);
}

int WriteReport(const IndicatorsOptions& o, Collected&& collected, const Scope& scope, const CountryPolicy& policy,
                bool registry_loaded, ReportOptions report_options, CsvTable csv_table) {
  report_options.window = o.window;
  report_options.top_institutions = o.top_institutions;
  report_options.resamples = o.resamples;
  Report report = BuildReport(std::move(collected), scope, policy, registry_loaded, report_options);
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

// The evidence --explain shows for one match, a line each.
std::vector<std::string> EvidenceLines(const AffiliationMatch& m) {
  std::vector<std::string> lines(m.notes.begin(), m.notes.end());
  lines.insert(lines.end(), m.country_evidence.begin(), m.country_evidence.end());
  for (const auto& c : m.candidates) lines.push_back(c.why);
  if (m.candidates.empty()) lines.push_back("no organisation accepted");
  lines.insert(lines.end(), m.refused.begin(), m.refused.end());
  return lines;
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
  for (const auto& line : EvidenceLines(m)) fmt::print("  {}\n", line);
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
  // With --explain, a fifth column holds the evidence --explain prints for
  // one string, its lines joined by " | ".
  *out << (o.explain ? "string,country,ror,score,evidence\n" : "string,country,ror,score\n");
  MatchOptions options;
  options.explain = o.explain;
  auto start = std::chrono::steady_clock::now();
  for (const std::string& s : strings.value()) {
    AffiliationMatch m = matcher->Match(s, options);
    double score = m.organisation ? m.organisation_score : m.country_score;
    *out << CsvField(s) << ',' << CountryName(m.country) << ','
         << (m.organisation ? FormatRorId(m.organisation->ror) : std::string()) << ','
         << (m.organisation || m.country ? fmt::format("{:.2f}", score) : std::string());
    if (o.explain) {
      std::string evidence;
      for (const auto& line : EvidenceLines(m)) evidence += (evidence.empty() ? "" : " | ") + line;
      *out << ',' << CsvField(evidence);
    }
    *out << '\n';
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
  fmt::print("{:<46} {:>6} | {:>6} {:>5} {:>5} {:>5} {:>5} | {:>6} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}\n",
             name, f.rows, f.country_gold, pct(f.CountryPrecision(), f.country_predicted),
             pct(f.CountryRecall(), f.country_gold), pct(f.CountryReachable(), f.country_gold),
             pct(f.CountryRecallReachable(), f.country_reachable),
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
  fmt::print("{:<46} {:>6} | {:>6} {:>5} {:>5} {:>5} {:>5} | {:>6} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} {:>5}\n",
             "set", "rows", "c.gold", "c.P", "c.R", "reach", "R.rch", "o.gold", "in reg", "none", "o.P", "P.reg", "o.R", "R.reg", "P.lin",
             "FP.none");
  EvalFigures total, asserted;
  for (const GoldSet& set : sets.value()) {
    EvalFigures f = Evaluate(set, matcher, o.limit, o.errors_file.empty() ? nullptr : &errors);
    PrintEvalRow(set.name, f);
    total.Add(f);
    if (!set.machine_labels) asserted.Add(f);
  }
  PrintEvalRow("all", total);
  PrintEvalRow("asserted (all but machine labels)", asserted);
  fmt::print("\nc.R ceiling (every reachable row right, the others as now): all {:.3f}, asserted {:.3f}\n",
             total.CountryRecallCeiling(), asserted.CountryRecallCeiling());
  fmt::print(
      "\nc.gold: rows with an expected country; c.P, c.R: country precision and recall.\n"
      "reach: share of c.gold rows whose string names a place of the expected country or one of the expected\n"
      "organisation's registry names (the others give nothing to read a country from); R.rch: country recall over\n"
      "those rows; c.R ceiling: the recall with every reachable row right and the others as they are.\n"
      "o.gold: rows expecting an organisation, 'in reg' of which the registry holds one; none: rows expecting none.\n"
      "o.P: organisation precision over every prediction; P.reg: over rows whose gold is in the registry;\n"
      "o.R: recall over all rows expecting an organisation; R.reg: over those whose gold is in the registry;\n"
      "P.lin: o.P counting an answer right when the expected id is the answer or one of its registry ancestors;\n"
      "FP.none: organisations given where the gold says none.  The best organisation counts (right when it is one of\n"
      "the expected ids).\n"
      "asserted: the sets whose labels are asserted by publishers or curators or checked by hand, without the two\n"
      "dataESR country files (another matcher's output, with errors its README warns of).\n");
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
  c.indicators = app.add_subcommand("indicators", "Collaboration indicators of an organisation from OpenAlex works or WoS/Scopus/BibTeX/HAL exports");
  AddOrgOptions(c.indicators, &o.org);
  c.indicators->add_option("inputs", o.inputs, "Work files or folders (OpenAlex JSONL, .gz, .zst, API pages, snapshot folders; WoS, Scopus, BibTeX, HAL exports)");
  c.indicators
      ->add_option("--input-format", o.input_format,
                    "auto (by content), openalex, wos (tagged), wos-tab, scopus (CSV), bibtex or hal (API JSON)")
      ->capture_default_str();
  c.indicators->add_option("--store", o.store, "Answer from a store built by `coopscope store build` instead of files");
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
  c.indicators->add_flag("--timings", o.timings, "With --store: print the query's phases (wall seconds) on stderr");
  c.indicators->add_flag("--read-works", o.read_works,
                         "With --store: answer from the works even when the store keeps this organisation's answer "
                         "(the same figures, slower; for checks and benchmarks)");
  c.indicators->add_flag("-q,--quiet", o.quiet, "No progress line and no notes on stderr");
  c.indicators->add_option("--max-record-bytes", o.max_record_bytes, "Longest accepted record in bytes")
      ->capture_default_str();
  c.indicators
      ->add_option("--dedup-memory-mb", o.dedup_memory_mb,
                   "Memory for de-duplication before spilling sorted runs to $TMPDIR")
      ->capture_default_str();
  c.indicators->add_option("--merged-ids", o.merged_ids, "OpenAlex merged_ids/works CSV(.gz) files; repeatable")
      ->allow_extra_args(false);
  c.indicators->add_option("--country-rule", o.country_rules, "Count a country as another: XX=YY; repeatable")
      ->allow_extra_args(false);
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
  c.match->add_flag("--explain", m.explain, "Print the evidence behind the answer (with --input: an evidence column)");
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

  CLI::App* st = app.add_subcommand("store", "Ingest works once into a local store, then query it in milliseconds");
  st->require_subcommand(1);
  auto add_ingest = [&](CLI::App* cmd) {
    StoreOptions& so = c.store;
    cmd->add_option("dir", so.dir, "Store folder")->required();
    cmd->add_option("inputs", so.inputs,
                    "Work files or snapshot folders; exports (WoS, Scopus, BibTeX, HAL) are resolved with the "
                    "registry's matcher");
    cmd->add_option("--registry", so.registries, "ROR v2 dump or OpenAlex institutions to keep in the store; repeatable")
        ->allow_extra_args(false);
    cmd->add_option("--merged-ids", so.merged_ids, "OpenAlex merged_ids/works CSV(.gz) files; repeatable")
        ->allow_extra_args(false);
    cmd->add_option("--rejects", so.rejects_file, "Write the rejects of this run as TSV");
    cmd->add_option("--threads", so.threads, "Worker threads (default: all cores)");
    cmd->add_flag("-q,--quiet", so.quiet, "No progress line and no summary on stderr");
    cmd->add_option("--max-record-bytes", so.max_record_bytes, "Longest accepted record in bytes")->capture_default_str();
    cmd->add_option("--country-rule", so.country_rules, "For rank and countries: count XX as YY; repeatable")
        ->allow_extra_args(false);
    cmd->add_flag("--no-overseas-as-fr", so.no_overseas, "For rank and countries: keep French overseas codes apart");
    cmd->add_flag("--no-hk-mo-as-cn", so.no_hkmo, "For rank and countries: keep HK and MO apart from CN");
    cmd->add_option("--views-min-works", so.views_min_works,
                    fmt::format("Store the answer of `indicators --store --org X` for every organisation with at "
                                "least this many works (0: none; kept by later updates; default {})",
                                store::kDefaultViewsMinWorks))
        ->check(CLI::NonNegativeNumber);
  };
  c.store_build = st->add_subcommand("build", "Create a store, or finish an interrupted build");
  add_ingest(c.store_build);
  c.store_update = st->add_subcommand("update", "Add newer snapshot parts and merged ids to a store");
  add_ingest(c.store_update);
  c.store_info = st->add_subcommand("info", "Figures of a store: works, segments, bytes per work, generation");
  c.store_info->add_option("dir", c.store_dir, "Store folder")->required();
  c.store_verify = st->add_subcommand("verify", "Check every segment and recompute the totals");
  c.store_verify->add_option("dir", c.store_dir, "Store folder")->required();
  c.store_verify->add_option("--threads", c.verify_threads, "Worker threads (default: all cores)");

  RankOptions& ro = c.rank_opts;
  c.rank = app.add_subcommand("rank", "Rank organisations (rolled up to the top level) from a store");
  c.rank->add_option("--store", ro.store, "Store folder")->required();
  c.rank->add_option("--year", ro.year, "Publication year")->required();
  c.rank->add_option("--by", ro.by, "p, p_frac or pp_int_collab")->capture_default_str();
  c.rank->add_option("--country", ro.country, "Only organisations of this country (ISO alpha-2)");
  c.rank->add_option("--type", ro.types, "Only these types, comma-separated (education,facility,…)");
  c.rank->add_option("--min-p", ro.min_p, "Only organisations with at least this many works")->capture_default_str();
  c.rank->add_option("--top", ro.top, "Rows shown (0: all)")->capture_default_str();
  c.rank->add_option("--format", ro.format, "table, csv or json")->capture_default_str();
  c.countries = app.add_subcommand("countries", "World country × country co-publications of a year, from a store");
  c.countries->add_option("--store", ro.store, "Store folder")->required();
  c.countries->add_option("--year", ro.year, "Publication year")->required();
  c.countries->add_option("--country", ro.country, "Only pairs with this country");
  c.countries->add_option("--top", ro.top, "Pairs shown (0: all)")->capture_default_str();
  c.countries->add_option("--format", ro.format, "table, csv or json")->capture_default_str();

  c.generate = app.add_subcommand("generate", "Write synthetic OpenAlex works (deterministic by seed)");
  GenerateOptions& g = c.gen;
  // --out and --registry are checked in RunSelected: `generate hr` has its own.
  c.generate->add_option("--out", g.out_dir, "Folder to write (a snapshot layout: works/…/part_NNN)");
  c.generate->add_option("--works", g.works, "Number of works")->capture_default_str();
  c.generate->add_option("--seed", g.seed, "Random seed")->capture_default_str();
  c.generate->add_option("--first-index", g.first_index,
                         "Number of the first work: runs with disjoint ranges write disjoint work ids")
      ->capture_default_str();
  c.generate->add_option("--parts", g.parts, "Number of part files")->capture_default_str();
  c.generate->add_option("--compression", g.compression, "none, gz or zst")->capture_default_str();
  c.generate->add_option("--registry", g.registry, "ROR v2 dump to draw CNRS units and partners from (required)");
  c.generate->add_option("--cnrs-share", g.cnrs_share, "Share of works with a CNRS unit")->capture_default_str();
  c.generate->add_option("--duplicate-share", g.duplicate_share, "Share of works written twice")->capture_default_str();
  c.generate->add_option("--first-year", g.first_year)->capture_default_str();
  c.generate->add_option("--last-year", g.last_year)->capture_default_str();
  c.generate->add_option("--threads", g.threads, "Writer threads (default: all cores)");
  RegisterReadCommands(app);
  RegisterMobilityCommands(app);
  RegisterMergeCommands(app);
  RegisterStoreMergeCommands(app);
}

bool NeedsExtendedProgram(const std::vector<std::string>& args) {
  // The first word that is not an option names the command; `generate hr`
  // is the one extended command below a core one.
  bool help = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") help = true;
    if (a.empty() || a[0] == '-') continue;
    if (a == "fetch" || a == "hr" || a == "keyfigures") return true;
    if (a == "generate") return std::find(args.begin() + i + 1, args.end(), "hr") != args.end();
    return false;
  }
  return help;
}

bool WantsHugePages(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h" || a == "--version") return false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.empty() || a[0] == '-') continue;
    // The two commands that read a few catalog rows and no registry.
    if (a == "countries") return false;
    if (a == "store")
      for (size_t j = i + 1; j < args.size(); ++j)
        if (!args[j].empty() && args[j][0] != '-') return args[j] != "info";
    return true;
  }
  return false;
}

bool AddHugePagesTunable() {
  const char* now = std::getenv("GLIBC_TUNABLES");
  std::string value = now != nullptr ? now : "";
  if (value.find("glibc.malloc.hugetlb") != std::string::npos) return false;  // set already: by us, or the user's
  value += value.empty() ? "glibc.malloc.hugetlb=1" : ":glibc.malloc.hugetlb=1";
  return ::setenv("GLIBC_TUNABLES", value.c_str(), 1) == 0;
}

int RunSelected(CLI::App&) {
  Commands& c = State();
  if (int rc = RunReadCommands(); rc != -1) return rc;
  if (int rc = RunMergeCommands(); rc != -1) return rc;
  if (int rc = RunStoreMergeCommands(); rc != -1) return rc;
  try {
    if (int rc = RunMobilityCommands(); rc >= 0) return rc;
    if (c.indicators->parsed()) return RunIndicators(c.ind);
    if (c.scope_show->parsed()) return RunScopeShow(c.scope_org);
    if (c.store_build->parsed()) return RunStoreIngest(c.store, false);
    if (c.store_update->parsed()) return RunStoreIngest(c.store, true);
    if (c.store_info->parsed()) return RunStoreInfo(c.store_dir);
    if (c.store_verify->parsed()) return RunStoreVerify(c.store_dir, c.verify_threads);
    if (c.rank->parsed()) return RunRank(c.rank_opts);
    if (c.countries->parsed()) return RunCountries(c.rank_opts);
    if (c.match_eval->parsed()) return RunMatchEval(c.eval_opts);
    if (c.match->parsed()) return RunMatch(c.match_opts);
    if (c.generate->parsed()) {
      if (c.gen.out_dir.empty() || c.gen.registry.empty()) return Fail(kExitUsage, "generate needs --out and --registry");
      Status st = RunGenerate(c.gen);
      return st.ok() ? kExitOk : Fail(ExitFor(st), st.message());
    }
  } catch (const std::exception& e) {
    return Fail(kExitInternal, fmt::format("internal error: {}", e.what()));
  }
  return kExitUsage;
}

}  // namespace coopscope
