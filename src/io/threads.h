// A few threads for a few independent tasks, joined before returning (the
// store's readers and settle step, the report's periods).  Header-only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace coopscope {

// The threads for n tasks: `threads` (0: all cores), at most n, at least 1.
inline unsigned ThreadsFor(unsigned threads, size_t n) {
  return std::max(1u, std::min<unsigned>(threads ? threads : std::thread::hardware_concurrency(),
                                         static_cast<unsigned>(std::max<size_t>(n, 1))));
}

// Runs run(t) on threads t = 1 … nthreads-1 and on this one (t = 0), and joins them.
template <typename Run>
void RunThreads(unsigned nthreads, const Run& run) {
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < nthreads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& th : pool) th.join();
}

}  // namespace coopscope
