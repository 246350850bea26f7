// A progress line on stderr (bytes, works/s, ETA), redrawn in place while a
// run goes on; only on a terminal, never with --quiet.  Owns one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace coopscope {

class Progress {
 public:
  Progress(uint64_t total_bytes, bool enabled);
  ~Progress();  // stops and clears the line
  std::atomic<uint64_t>* bytes() { return &bytes_; }
  std::atomic<uint64_t>* records() { return &records_; }

 private:
  void Draw();
  uint64_t total_;
  bool enabled_;
  std::atomic<uint64_t> bytes_{0}, records_{0};
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace coopscope
