#include "indicators/dedup.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>

namespace coopscope {
namespace {

constexpr size_t kReadBatch = 64 * 1024 / sizeof(IdEntry);

// A sorted source of entries: a spilled run read back in batches, or the
// entries still in memory.
struct Cursor {
  std::FILE* file = nullptr;
  uint64_t left_in_file = 0;
  std::vector<IdEntry> batch;
  size_t pos = 0;

  Status Refill() {
    batch.clear();
    pos = 0;
    if (file == nullptr || left_in_file == 0) return Status::Ok();
    size_t want = static_cast<size_t>(std::min<uint64_t>(kReadBatch, left_in_file));
    batch.resize(want);
    if (std::fread(batch.data(), sizeof(IdEntry), want, file) != want)
      return Status(ErrorCode::kIo, "cannot read back a de-duplication run from its temporary file");
    left_in_file -= want;
    return Status::Ok();
  }
  bool done() const { return pos >= batch.size(); }
  const IdEntry& head() const { return batch[pos]; }
};

}  // namespace

bool IdEntryBefore(const IdEntry& a, const IdEntry& b) {
  if (a.id != b.id) return a.id < b.id;
  if (a.updated != b.updated) return a.updated < b.updated;
  return a.seq < b.seq;
}

IdRuns::~IdRuns() {
  for (Run& run : runs_) std::fclose(run.file);
}

Status IdRuns::Spill() {
  std::sort(entries_.begin(), entries_.end(), IdEntryBefore);
  std::FILE* file = std::tmpfile();  // removed by the system when closed
  if (file == nullptr)
    return Status(ErrorCode::kIo, fmt::format("cannot create a temporary file for de-duplication: {} (set TMPDIR)",
                                              std::strerror(errno)));
  if (std::fwrite(entries_.data(), sizeof(IdEntry), entries_.size(), file) != entries_.size()) {
    std::fclose(file);
    return Status(ErrorCode::kIo,
                  fmt::format("cannot write a de-duplication run: {} (disk full? set TMPDIR)", std::strerror(errno)));
  }
  runs_.push_back(Run{file, entries_.size()});
  entries_.clear();
  return Status::Ok();
}

Status MergeRuns(std::vector<IdRuns*>& all, const std::function<void(const IdEntry&, uint64_t)>& visit) {
  std::vector<Cursor> cursors;
  for (IdRuns* runs : all) {
    for (auto& run : runs->runs_) {
      std::rewind(run.file);
      Cursor c;
      c.file = run.file;
      c.left_in_file = run.count;
      cursors.push_back(std::move(c));
    }
    std::sort(runs->entries_.begin(), runs->entries_.end(), IdEntryBefore);
    Cursor c;
    c.batch = std::move(runs->entries_);
    runs->entries_.clear();
    cursors.push_back(std::move(c));
  }
  for (Cursor& c : cursors) {
    if (c.file != nullptr) {
      Status st = c.Refill();
      if (!st.ok()) return st;
    }
  }
  auto later = [&](size_t a, size_t b) { return IdEntryBefore(cursors[b].head(), cursors[a].head()); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < cursors.size(); ++i)
    if (!cursors[i].done()) heap.push(i);
  bool have = false;
  IdEntry last{};
  uint64_t versions = 0;
  while (!heap.empty()) {
    size_t i = heap.top();
    heap.pop();
    const IdEntry e = cursors[i].head();
    if (have && e.id != last.id) {
      visit(last, versions);
      versions = 0;
    }
    last = e;
    have = true;
    ++versions;
    ++cursors[i].pos;
    if (cursors[i].done() && cursors[i].file != nullptr) {
      Status st = cursors[i].Refill();
      if (!st.ok()) return st;
    }
    if (!cursors[i].done()) heap.push(i);
  }
  if (have) visit(last, versions);
  return Status::Ok();
}

}  // namespace coopscope
