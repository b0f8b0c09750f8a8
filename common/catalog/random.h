// A small, portable pseudo-random generator for seeded data generation.
//
// std::uniform_int_distribution and friends are implementation-defined, so
// the same seed could give a different catalogue with another standard
// library. Everything here is specified bit for bit: SplitMix64 for the
// stream (common/random), a multiply-shift reduction for ranges, FNV-1a for
// hashing ids.
#ifndef AIGC_COMMON_CATALOG_RANDOM_H_
#define AIGC_COMMON_CATALOG_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/random/random.h"

namespace aigc::catalog {

// FNV-1a of an id mixed with a seed: per-product streams and splits.
using random::HashString;

// SplitMix64 with the draws data generation needs. Not thread-safe.
class Rng {
 public:
  explicit Rng(uint64_t seed) : bits_(seed) {}

  // The next 64 random bits.
  uint64_t Next() { return bits_.Next(); }

  // Uniform in [0, n); 0 when n == 0. Multiply-shift reduction (Lemire), whose
  // tiny bias is irrelevant for data generation.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform in [lo, hi]; lo when hi < lo.
  int64_t Between(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability `percent`/100.
  bool Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }

  // A uniformly chosen element of `items` (a vector, span or array), which
  // must not be empty.
  template <typename Container>
  const auto& Pick(const Container& items) {
    return items[Below(items.size())];
  }

 private:
  random::SplitMix64 bits_;
};

}  // namespace aigc::catalog

#endif  // AIGC_COMMON_CATALOG_RANDOM_H_
