// A set of 64-bit ids tuned for the hot path, where nearly every probe misses:
// a 2^20-bit filter answers most misses from cache before the hash set is
// consulted.  Read-only after set-up; thread-safe to read.
#pragma once

#include <cstdint>
#include <unordered_set>
#include <vector>

namespace coopscope {

class IdSet {
 public:
  IdSet() : filter_(kWords, 0) {}
  void insert(uint64_t id) {
    if (id == 0) return;
    ids_.insert(id);
    uint64_t h = Mix(id);
    filter_[(h >> 6) & (kWords - 1)] |= uint64_t{1} << (h & 63);
  }
  bool contains(uint64_t id) const {
    uint64_t h = Mix(id);
    if ((filter_[(h >> 6) & (kWords - 1)] & (uint64_t{1} << (h & 63))) == 0) return false;
    return ids_.count(id) != 0;
  }
  size_t size() const { return ids_.size(); }
  bool empty() const { return ids_.empty(); }
  const std::unordered_set<uint64_t>& ids() const { return ids_; }

 private:
  static constexpr size_t kWords = (size_t{1} << 20) / 64;
  static uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  std::vector<uint64_t> filter_;
  std::unordered_set<uint64_t> ids_;
};

}  // namespace coopscope
