// Named limits, in one place.  Each is a default that a CLI option overrides
// (the option name is given beside it).
#pragma once

#include <cstddef>

namespace coopscope {

struct Limits {
  // Longest accepted record (one JSON line, or one whole JSON file for
  // arrays/pages/single works).  --max-record-bytes.  OpenAlex's largest works
  // (thousands of authors) stay under 16 MiB.
  size_t max_record_bytes = 64u << 20;
  // Read buffer of each worker; the memory of a run is about
  // threads × (read_buffer_bytes + max record actually seen).
  size_t read_buffer_bytes = 1u << 20;
  // Size of the ranges a large plain file is cut into for threads.
  size_t split_bytes = 64u << 20;
  // Memory for de-duplication entries (32 bytes per record read); past it,
  // sorted runs go to temporary files ($TMPDIR) and are merged at the end.
  // --dedup-memory-mb.
  size_t dedup_memory_bytes = 64u << 20;
};

}  // namespace coopscope
