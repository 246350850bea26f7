// `coopscope merge`: reads the records of several sources (OpenAlex works,
// WoS, Scopus, BibTeX and HAL exports, each format detected from its
// content), merges those that describe the same publication (merge/merge.h:
// same id, DOI, or title + year + first author), prints the counts — with
// --report, which rule matched, which sources met and which fields
// conflicted — and writes the clusters as JSON Lines with --out.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <fstream>

#include "app/cli_common.h"
#include "app/output.h"
#include "merge/merge.h"

namespace coopscope {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> precedence;
  std::string out_file;
  std::string rejects_file;
  bool report = false;
  size_t max_record_bytes = Limits().max_record_bytes;
};

struct MergeState {
  CLI::App* merge = nullptr;
  MergeOptions o;
};

MergeState& State() {
  static MergeState state;
  return state;
}

// "source:id", or "source:file:line" for a record without an id.
std::string RecordName(const MergeRecord& r) {
  if (!r.source_id.empty()) return fmt::format("{}:{}", r.source, r.source_id);
  return fmt::format("{}:{}:{}", r.source, r.file, r.line);
}

void WriteCluster(const MergeResult& m, const MergeCluster& c, std::ostream& out) {
  const MergeRecord& rep = m.records[c.members.front()];
  fmt::print(out, "{{\"cluster\":{},\"sources\":{},\"matched_by\":{}", JsonString(RecordName(rep)),
             JsonString(ClusterSources(m, c)), JsonString(RuleNames(c.rules)));
  for (size_t f = 0; f < kMergeFields; ++f) {
    const MergeField field = static_cast<MergeField>(f);
    std::string value = "null";
    if (c.from[f] >= 0) {
      std::string text = FieldText(m.records[c.from[f]], field);
      value = field == MergeField::kYear || field == MergeField::kAuthors ? text : JsonString(text);
    }
    fmt::print(out, ",{}:{}", JsonString(MergeFieldName(field)), value);
  }
  fmt::print(out, ",\"provenance\":{{");
  bool first = true;
  for (size_t f = 0; f < kMergeFields; ++f) {
    if (c.from[f] < 0) continue;
    fmt::print(out, "{}{}:{}", first ? "" : ",", JsonString(MergeFieldName(static_cast<MergeField>(f))),
               JsonString(RecordName(m.records[c.from[f]])));
    first = false;
  }
  fmt::print(out, "}},\"conflicts\":{{");
  first = true;
  for (size_t f = 0; f < kMergeFields; ++f) {
    if (!(c.conflicts & (1u << f))) continue;
    const MergeField field = static_cast<MergeField>(f);
    fmt::print(out, "{}{}:[", first ? "" : ",", JsonString(MergeFieldName(field)));
    first = false;
    // One entry per member holding a value, in member order.
    bool first_value = true;
    for (uint32_t i : c.members) {
      std::string text = FieldText(m.records[i], field);
      if (text.empty()) continue;
      fmt::print(out, "{}{{\"from\":{},\"value\":{}}}", first_value ? "" : ",", JsonString(RecordName(m.records[i])),
                 JsonString(text));
      first_value = false;
    }
    fmt::print(out, "]");
  }
  fmt::print(out, "}},\"members\":[");
  for (size_t k = 0; k < c.members.size(); ++k) {
    const MergeRecord& r = m.records[c.members[k]];
    fmt::print(out, "{}{{\"source\":{},\"id\":{},\"file\":{},\"line\":{},\"offset\":{}}}", k ? "," : "",
               JsonString(r.source), JsonString(r.source_id), JsonString(r.file), r.line, r.offset);
  }
  fmt::print(out, "]}}\n");
}

void PrintReport(const MergeResult& m, bool detailed) {
  const MergeStats& s = m.stats;
  fmt::print("records by source:");
  for (const auto& [source, n] : s.records_by_source) fmt::print(" {} {}", source, n);
  fmt::print("\nclusters: {} ({} records merged into {} clusters, {} singletons; {} join several sources)\n",
             s.clusters, s.merged_records, s.merged_clusters, s.singletons, s.cross_source);
  fmt::print("links that joined two clusters: same id {}, DOI {}, title + year + first author {}"
             " ({} title links refused: two deposits of one source with different dates)\n",
             s.links_id, s.links_doi, s.links_title, s.title_links_refused);
  if (!detailed) return;
  fmt::print("merged clusters by rule:\n");
  for (const auto& [rules, n] : s.clusters_by_rules) fmt::print("  {:<16} {}\n", RuleNames(rules), n);
  fmt::print("merged clusters by sources:\n");
  for (const auto& [sources, n] : s.clusters_by_sources) fmt::print("  {:<32} {}\n", sources, n);
  fmt::print("clusters whose members disagree, by field:\n");
  for (size_t f = 0; f < kMergeFields; ++f)
    fmt::print("  {:<16} {}\n", MergeFieldName(static_cast<MergeField>(f)), s.conflicts[f]);
}

int RunMerge(const MergeOptions& o) {
  auto precedence = ParsePrecedence(o.precedence);
  if (!precedence.ok()) return Fail(kExitUsage, precedence.status().message());
  if (o.inputs.empty()) return Fail(kExitUsage, "give the files to merge");
  Limits limits;
  limits.max_record_bytes = o.max_record_bytes;
  RejectLog all_rejects;
  std::vector<MergeRecord> records;
  ReadCounts counts;
  if (Status st = ReadMergeInputs(o.inputs, limits, &records, &all_rejects, &counts); !st.ok())
    return Fail(st.code() == ErrorCode::kParse ? kExitUsage : ExitFor(st), st.message());
  const uint64_t read = counts.records, rejected = counts.rejected;
  const uint64_t accepted = records.size();
  MergeResult m = MergeRecords(std::move(records), precedence.value());
  fmt::print("read {} = accepted {} + rejected {}; accepted {} = clusters {} + merged away {}\n", read, accepted,
             rejected, accepted, m.stats.clusters, accepted - m.stats.clusters);
  PrintReport(m, o.report);
  if (all_rejects.size() > 0)
    fmt::print(stderr, "coopscope: first reject: {}{}\n", all_rejects.Sorted().front().ToString(),
               o.rejects_file.empty() ? " (list them with --rejects FILE)" : "");
  if (!o.rejects_file.empty()) {
    if (Status st = all_rejects.WriteTsv(o.rejects_file); !st.ok()) return Fail(kExitInput, st.message());
  }
  if (!o.out_file.empty()) {
    std::ofstream out(o.out_file, std::ios::binary | std::ios::trunc);
    if (!out) return Fail(kExitInput, fmt::format("{}: cannot be written", o.out_file));
    for (const MergeCluster& c : m.clusters) WriteCluster(m, c, out);
    out.flush();
    if (!out) return Fail(kExitInput, fmt::format("{}: write failed", o.out_file));
  }
  return kExitOk;
}

}  // namespace

void RegisterMergeCommands(CLI::App& app) {
  MergeState& s = State();
  s.merge = app.add_subcommand("merge", "Merge the records of several sources: one cluster per publication");
  s.merge->add_option("inputs", s.o.inputs, "OpenAlex, WoS, Scopus, BibTeX or HAL files (formats detected)")
      ->required();
  s.merge->add_flag("--report", s.o.report, "Also print the clusters by rule and sources, and conflicts by field");
  s.merge->add_option("--precedence", s.o.precedence,
                      "Source order for field values: 'openalex,wos,scopus,hal,bibtex' (default), or "
                      "FIELD=sources for one field (doi, title, year, first_author, journal, authors); repeatable")
      ->allow_extra_args(false);
  s.merge->add_option("--out", s.o.out_file, "Write the clusters as JSON Lines");
  s.merge->add_option("--rejects", s.o.rejects_file, "Write every reject (file, line, offset, kind, reason) as TSV");
  s.merge->add_option("--max-record-bytes", s.o.max_record_bytes, "Longest accepted record in bytes")
      ->capture_default_str();
}

int RunMergeCommands() {
  MergeState& s = State();
  if (s.merge == nullptr || !s.merge->parsed()) return -1;
  try {
    return RunMerge(s.o);
  } catch (const std::exception& e) {
    return Fail(kExitInternal, fmt::format("internal error: {}", e.what()));
  }
}

}  // namespace coopscope
