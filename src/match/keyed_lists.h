// Lists of values under 64-bit keys (the hashes of names' words), built once
// from (key, value) pairs and then frozen: the values lie in one array,
// grouped by key in the order they were given, and the keys in a parallel
// array, sorted within buckets of their top bits; a directory of the buckets
// finds a key's group with one probe and a short scan.  Where an
// unordered_map<uint64_t, std::vector<T>> took a node and a heap block per
// key, this takes 8 bytes per value, plus 4 per bucket (about one per key).
// Any 64-bit key, 0 included; fewer than 2^32 values.  Not thread-safe to
// build; thread-safe to read.
// Header-only.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace coopscope {

template <typename T>
class KeyedLists {
 public:
  // Builds from `pairs` (consumed); a key's values keep their order in
  // `pairs`.  A value for which `absorbs(kept, value)` holds for a value
  // `kept` of the same key kept before it is dropped (absorbs may change
  // `kept`: merge the two).
  template <typename Absorbs>
  void Build(std::vector<std::pair<uint64_t, T>>&& pairs, const Absorbs& absorbs) {
    shift_ = 64 - kMinBucketBits;
    while ((size_t{1} << (64 - shift_)) < pairs.size()) --shift_;
    const size_t buckets = size_t{1} << (64 - shift_);
    // A stable counting sort by bucket.
    std::vector<uint32_t> starts(buckets + 1, 0);
    for (const auto& p : pairs) ++starts[Bucket(p.first) + 1];
    for (size_t b = 0; b < buckets; ++b) starts[b + 1] += starts[b];
    keys_.assign(pairs.size(), 0);
    values_.assign(pairs.size(), T{});
    {
      std::vector<uint32_t> at(starts.begin(), starts.end() - 1);
      for (auto& p : pairs) {
        uint32_t i = at[Bucket(p.first)]++;
        keys_[i] = p.first;
        values_[i] = std::move(p.second);
      }
      std::vector<std::pair<uint64_t, T>>().swap(pairs);
    }
    // Within each bucket: a stable insertion sort by key (buckets hold about
    // one key), then the absorbed values dropped, the arrays compacted.
    size_t out = 0;
    directory_.assign(buckets + 1, 0);
    for (size_t b = 0; b < buckets; ++b) {
      const size_t first = starts[b], last = starts[b + 1];
      for (size_t i = first + 1; i < last; ++i) {
        for (size_t j = i; j > first && keys_[j - 1] > keys_[j]; --j) {
          std::swap(keys_[j - 1], keys_[j]);
          std::swap(values_[j - 1], values_[j]);
        }
      }
      directory_[b] = static_cast<uint32_t>(out);
      size_t group = out;  // the first kept value of the current key
      for (size_t i = first; i < last; ++i) {
        if (out == directory_[b] || keys_[out - 1] != keys_[i]) group = out;
        bool absorbed = false;
        for (size_t k = group; k < out && !absorbed; ++k) absorbed = absorbs(values_[k], values_[i]);
        if (absorbed) continue;
        if (out != i) {
          keys_[out] = keys_[i];
          values_[out] = std::move(values_[i]);
        }
        ++out;
      }
    }
    directory_[buckets] = static_cast<uint32_t>(out);
    keys_.resize(out);
    values_.resize(out);
    keys_.shrink_to_fit();
    values_.shrink_to_fit();
  }

  // The values under `key`, in the order given; empty when none.
  std::span<const T> Find(uint64_t key) const {
    auto [first, last] = Range(key);
    return {values_.data() + first, last - first};
  }
  std::span<T> Find(uint64_t key) {
    auto [first, last] = Range(key);
    return {values_.data() + first, last - first};
  }
  // Every value, grouped by key; `key(i)` is values()[i]'s key.
  std::span<T> values() { return values_; }
  std::span<const T> values() const { return values_; }
  uint64_t key(size_t i) const { return keys_[i]; }
  size_t size() const { return values_.size(); }

 private:
  static constexpr int kMinBucketBits = 10;
  size_t Bucket(uint64_t key) const { return key >> shift_; }
  std::pair<size_t, size_t> Range(uint64_t key) const {
    if (directory_.empty()) return {0, 0};
    const size_t b = Bucket(key);
    size_t i = directory_[b];
    const size_t end = directory_[b + 1];
    while (i < end && keys_[i] < key) ++i;
    size_t last = i;
    while (last < end && keys_[last] == key) ++last;
    return {i, last};
  }

  int shift_ = 64;
  std::vector<uint32_t> directory_;  // per bucket: its first value; then the end
  std::vector<uint64_t> keys_;       // per value: its key
  std::vector<T> values_;
};

}  // namespace coopscope
