#include "app/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace coopscope {

Progress::Progress(uint64_t total_bytes, bool enabled)
    : total_(total_bytes), enabled_(enabled && ::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {
  if (!enabled_) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; })) Draw();
  });
}

Progress::~Progress() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  thread_.join();
  fmt::print(stderr, "\r\033[K");
}

void Progress::Draw() {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // Ranges read a little past their end to finish their last line: clamp.
  uint64_t b = std::min(bytes_.load(), total_), r = records_.load();
  double rate = secs > 0 ? static_cast<double>(b) / secs : 0;
  double eta_s = rate > 0 && total_ > b ? static_cast<double>(total_ - b) / rate : 0.0;
  const char* eta_unknown = rate > 0 || total_ <= b ? "" : "?";
  fmt::print(stderr, "\r\033[Kcoopscope: {:.1f} / {:.1f} MB ({:.0f}%), {:.0f} works/s, {:.0f} MB/s, ETA {}{:.0f}s",
             static_cast<double>(b) / 1e6, static_cast<double>(total_) / 1e6,
             total_ ? 100.0 * static_cast<double>(b) / static_cast<double>(total_) : 100.0,
             secs > 0 ? static_cast<double>(r) / secs : 0.0, rate / 1e6, eta_unknown, eta_s);
}

}  // namespace coopscope
