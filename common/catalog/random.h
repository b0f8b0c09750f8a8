// A small, portable pseudo-random generator for seeded data generation.
//
// std::uniform_int_distribution and friends are implementation-defined, so
// the same seed could give a different catalogue with another standard
// library. Everything here is specified bit for bit: SplitMix64 for the
// stream, a multiply-shift reduction for ranges, FNV-1a for hashing ids.
#ifndef AIGC_COMMON_CATALOG_RANDOM_H_
#define AIGC_COMMON_CATALOG_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aigc::catalog {

// 64-bit FNV-1a of `text`, mixed with `seed` (seed 0 gives plain FNV-1a).
// Stable across platforms; used to derive per-product streams and splits.
inline uint64_t HashString(std::string_view text, uint64_t seed = 0) {
  uint64_t hash = 0xcbf29ce484222325ULL ^ seed;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// SplitMix64 (Steele, Lea and Flood 2014). Not thread-safe; not for secrets.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  // The next 64 random bits.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

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
  uint64_t state_;
};

}  // namespace aigc::catalog

#endif  // AIGC_COMMON_CATALOG_RANDOM_H_
