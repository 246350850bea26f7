// Reproducible randomness for the synthetic generator: a SplitMix64 stream,
// seed derivation per (seed, record, purpose), and the few distributions the
// generator needs, written here rather than taken from <random> so that the
// output is the same with every standard library.  Only integer arithmetic and
// IEEE-exact double operations (+, *, comparisons) are used.  An Rng is a
// plain value owned by one thread; WeightedTable is read-only once built.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace coopscope::synth {

// The SplitMix64 finaliser: a bijective mix of 64 bits.
constexpr uint64_t Mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A seed for the stream of one purpose (salt) of one record (index).
constexpr uint64_t StreamSeed(uint64_t seed, uint64_t index, uint64_t salt) {
  return Mix64(Mix64(seed ^ Mix64(salt)) ^ Mix64(index + 0x632be59bd9b4e019ULL));
}

// Purposes of the streams and hashes derived from the seed.
enum Salt : uint64_t {
  kSaltStructure = 1,  // authors, institutions, countries of a work
  kSaltText = 2,       // titles, abstracts, references: bulk the reader skips
  kSaltDuplicate = 3,  // whether a work is written twice, and where
  kSaltRegistry = 4,   // per-organisation traits (stable given the registry)
};

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.  Lemire's multiply-high (bias below 2^-40 here).
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // Uniform in [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

 private:
  uint64_t state_;
};

// Whether a hash falls under probability p (p in [0, 1]).
inline bool HashBelow(uint64_t hash, double p) {
  return static_cast<double>(hash >> 11) * 0x1.0p-53 < p;
}

// Sampling an index with probability proportional to its weight.
class WeightedTable {
 public:
  void Add(double weight) {
    total_ += weight > 0 ? weight : 0;
    cumulative_.push_back(total_);
  }
  bool empty() const { return cumulative_.empty() || total_ <= 0; }
  size_t size() const { return cumulative_.size(); }
  // Requires !empty().
  size_t Sample(Rng& rng) const {
    double x = rng.Unit() * total_;
    auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
    size_t i = static_cast<size_t>(it - cumulative_.begin());
    return std::min(i, cumulative_.size() - 1);
  }

 private:
  std::vector<double> cumulative_;
  double total_ = 0;
};

// A discrete distribution over integer ranges: each bucket [lo, hi] has a
// weight; a draw picks a bucket by weight, then a value uniformly inside it.
struct RangeBucket {
  int lo, hi;
  double weight;
};

template <size_t N>
int SampleRange(const RangeBucket (&buckets)[N], Rng& rng) {
  double total = 0;
  for (const RangeBucket& b : buckets) total += b.weight;
  double x = rng.Unit() * total;
  for (const RangeBucket& b : buckets) {
    if (x < b.weight) return static_cast<int>(rng.Between(b.lo, b.hi));
    x -= b.weight;
  }
  return buckets[N - 1].lo;
}

}  // namespace coopscope::synth
