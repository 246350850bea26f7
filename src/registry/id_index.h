// A map from non-zero 64-bit ids to 32-bit indices in one flat array (open
// addressing, linear probing, at most half full): a look-up is one or two
// cache lines, where a node-based map costs a miss per node.  The store's
// queries look up every institution reference they meet.  Not thread-safe to
// modify; thread-safe to read.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace coopscope {

class IdIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Sets id's index (id != 0), replacing an earlier one.
  void Set(uint64_t id, uint32_t index) {
    if (2 * (size_ + 1) > slots_.size()) Grow();
    Slot& s = slots_[Probe(id)];
    if (s.id == 0) ++size_;
    s = Slot{id, index};
  }
  // id's index, or kNone.
  uint32_t Find(uint64_t id) const {
    if (slots_.empty() || id == 0) return kNone;
    const Slot& s = slots_[Probe(id)];
    return s.id == id ? s.index : kNone;
  }
  void Reserve(size_t n) {
    size_t want = 1024;
    while (want < 2 * n) want *= 2;
    if (want > slots_.size()) Rehash(want);
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t id = 0;
    uint32_t index = kNone;
  };
  size_t Probe(uint64_t id) const {
    const size_t mask = slots_.size() - 1;
    size_t i = (id * 0x9e3779b97f4a7c15ULL) >> 20 & mask;
    while (slots_[i].id != 0 && slots_[i].id != id) i = (i + 1) & mask;
    return i;
  }
  void Grow() { Rehash(slots_.empty() ? 1024 : 2 * slots_.size()); }
  void Rehash(size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    for (const Slot& s : old)
      if (s.id != 0) slots_[Probe(s.id)] = s;
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace coopscope
