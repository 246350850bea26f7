// De-duplication of works with bounded memory.  Every record read leaves an
// IdEntry; an IdRuns collects them for one thread and, past its budget, sorts
// them into a run in an anonymous temporary file.  MergeRuns then visits every
// id once, in id order, with its versions ordered by (updated_date, position):
// the last one is the winner.  Memory: the budget plus 64 KiB per run.
// An IdRuns is owned by one thread; MergeRuns runs after the threads join.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <vector>

#include "io/status.h"
#include "model/ids.h"

namespace coopscope {

struct IdEntry {
  OpenAlexId id;
  int64_t updated;  // updated_date in microseconds
  uint64_t seq;     // input position: file index << 40 | byte offset
  uint32_t worker;
  uint32_t facts;  // index in the worker's facts, or kNoFacts
};
inline constexpr uint32_t kNoFacts = UINT32_MAX;

bool IdEntryBefore(const IdEntry& a, const IdEntry& b);

class IdRuns {
 public:
  explicit IdRuns(size_t max_in_memory) : max_in_memory_(max_in_memory < 1024 ? 1024 : max_in_memory) {}
  ~IdRuns();
  IdRuns(const IdRuns&) = delete;
  IdRuns& operator=(const IdRuns&) = delete;

  Status Add(const IdEntry& entry) {
    entries_.push_back(entry);
    return entries_.size() >= max_in_memory_ ? Spill() : Status::Ok();
  }
  size_t spilled_runs() const { return runs_.size(); }

 private:
  friend Status MergeRuns(std::vector<IdRuns*>& all,
                          const std::function<void(const IdEntry& winner, uint64_t versions)>& visit);
  Status Spill();
  struct Run {
    std::FILE* file;
    uint64_t count;
  };
  size_t max_in_memory_;
  std::vector<IdEntry> entries_;
  std::vector<Run> runs_;
};

// Visits each distinct id once with its winning version and its number of
// versions, in id order.
Status MergeRuns(std::vector<IdRuns*>& all, const std::function<void(const IdEntry& winner, uint64_t versions)>& visit);

}  // namespace coopscope
