// Rejected records.  Every record that does not load becomes a Reject naming
// its file, 1-based line, byte offset (in the decompressed stream) and reason.
// RejectLog collects them; it is thread-safe (a mutex guards the list).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "io/status.h"

namespace coopscope {

struct Reject {
  std::string file;
  uint64_t line = 0;    // 1-based; 0 when the reject concerns the whole file
  uint64_t offset = 0;  // byte offset of the record's first byte
  ErrorCode code = ErrorCode::kParse;
  std::string reason;

  // "file:line:offset: kind: reason" — the one format every output uses.
  std::string ToString() const;
};

// Orders rejects by file then position, so output is independent of threads.
bool RejectBefore(const Reject& a, const Reject& b);

class RejectLog {
 public:
  void Add(Reject reject);
  size_t size() const;
  // Sorted copy (file, line, offset).
  std::vector<Reject> Sorted() const;
  // Writes a TSV with a header: file, line, offset, kind, reason.
  Status WriteTsv(const std::string& path) const;

 private:
  mutable std::mutex mu_;
  std::vector<Reject> rejects_;
};

}  // namespace coopscope
