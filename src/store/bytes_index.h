// An index of byte strings that its owner keeps elsewhere, typically back to
// back in one buffer (a segment's dictionary, the facts file's entry table):
// open addressing on a hash of the bytes, which are compared where the owner
// keeps them.  No second copy of each key and no node per entry, so a lookup
// is one probe, usually in one cache line, where an
// unordered_map<std::string, uint32_t> chased a bucket and a node and kept
// every key twice.  Header-only.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace coopscope::store {

class BytesIndex {
 public:
  // The number of the entry whose bytes (bytes_of(number), a string_view)
  // equal `key`; else `next`, recorded as key's number, with *added set:
  // the caller then stores key's bytes under that number.
  template <typename BytesOf>
  uint32_t FindOrAdd(std::string_view key, uint32_t next, const BytesOf& bytes_of, bool* added) {
    if (2 * (size_ + 1) > slots_.size()) Rehash(slots_.empty() ? 1024 : 2 * slots_.size());
    const uint64_t hash = std::hash<std::string_view>{}(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.number == kEmpty) {
        slot = Slot{hash, next};
        ++size_;
        *added = true;
        return next;
      }
      if (slot.hash == hash && std::string_view(bytes_of(slot.number)) == key) {
        *added = false;
        return slot.number;
      }
    }
  }
  // Forgets every entry and frees the table.
  void Clear() {
    std::vector<Slot>().swap(slots_);
    size_ = 0;
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t number = kEmpty;
  };
  void Rehash(size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    const size_t mask = slots - 1;
    for (const Slot& s : old) {
      if (s.number == kEmpty) continue;
      size_t i = s.hash & mask;
      while (slots_[i].number != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace coopscope::store
