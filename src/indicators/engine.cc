#include "indicators/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "indicators/dedup.h"
#include "io/byte_stream.h"
#include "io/json_records.h"
#include "match/affiliation_matcher.h"
#include "match/work_resolver.h"
#include "sources/openalex/work_parser.h"

namespace coopscope {
namespace {

constexpr int kOffsetBits = 40;  // sequence = file index << 40 | byte offset

struct Task {
  uint32_t file = 0;
  uint64_t begin = 0, end = 0;  // byte range for split plain files
  bool range = false;
  uint32_t range_index = 0;  // order of the range within its file
  uint64_t size = 0;
  InputFormat format = InputFormat::kOpenAlex;
};

struct TaskResult {
  ReadCounts counts;
  std::vector<Reject> rejects;
};

// What a thread keeps from one task to the next: its parser buffers stay
// allocated, so a run pays their page faults once per thread.
struct Worker {
  Worker(const Scope& scope, const Registry& registry, const CountryPolicy& policy, const Limits& limits,
         size_t max_ids)
      : reader(limits, nullptr), builder(scope, registry, policy), ids(max_ids) {}
  JsonRecordReader reader;
  WorkParser parser;
  Work work;
  FactsBuilder builder;
  IdRuns ids;
  std::vector<WorkFacts> facts;
  FactsArena arena;
  std::unique_ptr<WorkResolver> resolver;  // for exports, made on first use
};

}  // namespace

void AppendFacts(const WorkFacts& facts, const FactsArena& from, Collected* out) {
  WorkFacts f = facts;
  FactsArena& a = out->arena;
  auto copy = [](const auto& src, uint32_t b, uint32_t e, auto* dst, uint32_t* nb, uint32_t* ne) {
    *nb = static_cast<uint32_t>(dst->size());
    dst->insert(dst->end(), src.begin() + b, src.begin() + e);
    *ne = static_cast<uint32_t>(dst->size());
  };
  copy(from.countries, facts.countries_begin, facts.countries_end, &a.countries, &f.countries_begin, &f.countries_end);
  copy(from.partners, facts.partners_begin, facts.partners_end, &a.partners, &f.partners_begin, &f.partners_end);
  copy(from.member_list, facts.members_begin, facts.members_end, &a.member_list, &f.members_begin, &f.members_end);
  MergeDescriptions(facts, from, &a);
  f.names_begin = f.names_end = 0;  // merged
  out->works.push_back(f);
}

void FinishCollected(Collected* out) {
  out->ingest.in_scope = out->works.size();
  out->inferred_home = MostFrequentCountry(out->arena.member_list);
}

uint64_t TotalInputBytes(const InputSet& inputs) {
  uint64_t total = 0;
  for (const auto& f : inputs.data_files) {
    auto size = FileSize(f);
    if (size.ok()) total += size.value();
  }
  return total;
}

Result<Collected> CollectWorks(const InputSet& inputs, const Scope& scope, const Registry& registry,
                               const CountryPolicy& policy, const RunOptions& options, RejectLog* rejects) {
  Collected out;
  // Plan tasks: big plain files are cut into ranges, compressed ones are whole.
  std::vector<Task> tasks;
  std::vector<uint32_t> ranges_per_file(inputs.data_files.size(), 0);
  for (uint32_t f = 0; f < inputs.data_files.size(); ++f) {
    const std::string& path = inputs.data_files[f];
    auto size = FileSize(path);
    if (!size.ok()) return size.status();
    auto kind = DetectCompression(path);
    if (!kind.ok()) return kind.status();
    InputFormat format = options.input_format;
    if (format == InputFormat::kAuto) {
      auto detected = DetectInputFormat(path);
      if (!detected.ok()) return detected.status();
      format = detected.value();
    }
    if (IsExportFormat(format)) {  // exports are read whole
      tasks.push_back(Task{f, 0, 0, false, 0, size.value(), format});
      continue;
    }
    uint64_t split = std::max<uint64_t>(options.limits.split_bytes, 1);
    if (kind.value() == Compression::kNone && size.value() > split) {
      uint32_t index = 0;
      for (uint64_t b = 0; b < size.value(); b += split, ++index)
        tasks.push_back(Task{f, b, std::min(b + split, size.value()), true, index, std::min(split, size.value() - b)});
      ranges_per_file[f] = index;
    } else {
      tasks.push_back(Task{f, 0, 0, false, 0, size.value()});
    }
  }
  // Largest first, for balance; results are ordered by sequence, not by task.
  std::vector<size_t> order(tasks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tasks[a].size > tasks[b].size; });

  // The matcher of exports' affiliation strings, built once for all threads.
  std::unique_ptr<AffiliationMatcher> own_matcher;
  const AffiliationMatcher* matcher = options.matcher;
  if (matcher == nullptr && std::any_of(tasks.begin(), tasks.end(), [](const Task& t) { return IsExportFormat(t.format); })) {
    own_matcher = registry.size() > 0 ? std::make_unique<AffiliationMatcher>(registry)
                                      : std::make_unique<AffiliationMatcher>();
    matcher = own_matcher.get();
  }

  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<size_t>(tasks.size(), 1))));
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned t = 0; t < threads; ++t)
    workers.push_back(std::make_unique<Worker>(scope, registry, policy, options.limits,
                                               options.limits.dedup_memory_bytes / sizeof(IdEntry) / threads));
  std::vector<TaskResult> results(tasks.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex error_mu;
  Status first_error;

  auto run = [&](unsigned t) {
    Worker& w = *workers[t];
    for (;;) {
      size_t slot = next.fetch_add(1);
      if (slot >= order.size() || stop.load(std::memory_order_relaxed)) break;
      size_t ti = order[slot];
      const Task& task = tasks[ti];
      TaskResult& result = results[ti];
      const std::string& path = inputs.data_files[task.file];
      JsonRecordReader& reader = w.reader;
      reader.set_rejects(&result.rejects);
      reader.set_progress(options.progress_bytes, options.progress_records);
      const uint64_t seq_base = static_cast<uint64_t>(task.file) << kOffsetBits;
      // Parse first; keep the work only once the reader has accepted the whole
      // record (a line may still be rejected for tokens after the object).
      bool parsed = false;
      RecordFn fn = [&](simdjson::ondemand::object& obj, const RecordPos&) -> Status {
        parsed = false;
        if (stop.load(std::memory_order_relaxed)) return Status::Ok();
        Status st = w.parser.Parse(obj, &w.work);
        parsed = st.ok();
        return st;
      };
      auto reader_accept = [&](const RecordPos& pos) {
        if (!parsed) return;
        uint32_t facts_index = kNoFacts;
        if (w.builder.InScope(w.work)) {
          facts_index = static_cast<uint32_t>(w.facts.size());
          w.facts.emplace_back();
          w.builder.Build(w.work, &w.facts.back(), &w.arena);
        }
        Status added = w.ids.Add(IdEntry{w.work.id, w.work.updated_micros, seq_base | pos.offset, t, facts_index});
        if (!added.ok()) {  // the temporary disk failed: the run cannot go on
          std::lock_guard lock(error_mu);
          if (first_error.ok()) first_error = added;
          stop = true;
        }
      };
      reader.set_on_accept(reader_accept);
      Status st;
      if (IsExportFormat(task.format)) {
        if (!w.resolver) w.resolver = std::make_unique<WorkResolver>(*matcher);
        st = ReadExportWorks(
            path, task.format, options.limits, w.resolver.get(), &w.work,
            [&](const Work&, const RecordPos& pos) {
              if (stop.load(std::memory_order_relaxed)) return;
              parsed = true;
              reader_accept(pos);
            },
            &result.rejects, &result.counts, options.progress_bytes, options.progress_records);
      } else {
        st = task.range ? reader.ReadRange(path, task.begin, task.end, fn, &result.counts)
                        : reader.ReadFile(path, fn, &result.counts);
      }
      if (!st.ok() || (options.strict && !result.rejects.empty())) {
        std::lock_guard lock(error_mu);
        if (first_error.ok())
          first_error = st.ok() ? Status(result.rejects.front().code, result.rejects.front().ToString()) : st;
        stop = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& th : pool) th.join();
  if (!first_error.ok() && !options.strict) return first_error;

  // Line numbers of split files: add the lines of the ranges before.
  std::vector<uint64_t> lines_before(tasks.size(), 0);
  {
    std::vector<std::vector<size_t>> by_file(inputs.data_files.size());
    for (size_t i = 0; i < tasks.size(); ++i)
      if (tasks[i].range) by_file[tasks[i].file].push_back(i);
    for (auto& list : by_file) {
      std::sort(list.begin(), list.end(),
                [&](size_t a, size_t b) { return tasks[a].range_index < tasks[b].range_index; });
      uint64_t acc = 0;
      for (size_t i : list) {
        lines_before[i] = acc;
        acc += results[i].counts.lines;
      }
    }
  }
  std::vector<uint64_t> records_per_file(inputs.data_files.size(), 0);
  for (size_t i = 0; i < tasks.size(); ++i) {
    TaskResult& r = results[i];
    for (Reject& rej : r.rejects) {
      if (rej.line != 0) rej.line += lines_before[i];
      rejects->Add(std::move(rej));
    }
    out.ingest.read += r.counts.records;
    out.ingest.rejected += r.counts.rejected;
    out.ingest.bytes += r.counts.bytes;
    records_per_file[tasks[i].file] += r.counts.records;
  }
  out.ingest.files = inputs.data_files.size();
  if (options.strict && !first_error.ok()) {
    auto sorted = rejects->Sorted();
    return Status(sorted.empty() ? first_error.code() : sorted.front().code,
                  sorted.empty() ? first_error.message() : sorted.front().ToString());
  }

  // Manifests: each local part's record count against its manifest entry.
  std::unordered_map<std::string, std::pair<const Manifest*, const ManifestEntry*>> listed;
  for (const Manifest& m : inputs.manifests)
    for (const ManifestEntry& e : m.entries) listed[e.part_key] = {&m, &e};
  std::unordered_set<std::string> present;
  for (uint32_t f = 0; f < inputs.data_files.size(); ++f) {
    std::string key = PartKey(inputs.data_files[f]);
    auto it = key.empty() ? listed.end() : listed.find(key);
    if (it == listed.end()) continue;
    present.insert(key);
    ++out.ingest.manifest_parts_checked;
    uint64_t expected = it->second.second->record_count;
    if (expected != records_per_file[f]) {
      ++out.ingest.manifest_mismatches;
      rejects->Add(Reject{inputs.data_files[f], 0, 0, ErrorCode::kMismatch,
                          fmt::format("manifest {} lists {} records for part {}; the file holds {}",
                                      it->second.first->path, expected, key, records_per_file[f])});
    }
  }
  for (const auto& [key, where] : listed)
    if (!present.count(key)) ++out.ingest.manifest_parts_absent;
  if (options.strict && out.ingest.manifest_mismatches > 0) {
    for (const Reject& r : rejects->Sorted())
      if (r.code == ErrorCode::kMismatch) return Status(ErrorCode::kMismatch, r.ToString());
  }

  // Merged ids.
  std::unordered_set<OpenAlexId> merged;
  for (const std::string& path : options.merged_id_files) {
    std::vector<Reject> local;
    Status st = ReadMergedIds(path, &merged, &local);
    if (!st.ok()) return st;
    for (auto& r : local) rejects->Add(std::move(r));
  }
  for (const std::string& path : inputs.merged_id_files) {
    std::vector<Reject> local;
    Status st = ReadMergedIds(path, &merged, &local);
    if (!st.ok()) return st;
    for (auto& r : local) rejects->Add(std::move(r));
  }
  out.ingest.merged_ids_loaded = merged.size();

  // De-duplicate: the newest updated_date wins, then the last read.
  std::vector<IdRuns*> runs;
  for (auto& w : workers) runs.push_back(&w->ids);
  Status merged_status = MergeRuns(runs, [&](const IdEntry& winner, uint64_t versions) {
    out.ingest.duplicates += versions - 1;
    ++out.ingest.accepted;
    if (merged.count(winner.id)) {
      ++out.ingest.merged_dropped;
      return;
    }
    if (winner.facts == kNoFacts) return;
    const Worker& w = *workers[winner.worker];
    AppendFacts(w.facts[winner.facts], w.arena, &out);
  });
  if (!merged_status.ok()) return merged_status;
  FinishCollected(&out);
  out.registry = &registry;
  return out;
}

}  // namespace coopscope
