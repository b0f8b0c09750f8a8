// A portable pseudo-random generator: xoshiro256** (Blackman & Vigna) seeded
// through splitmix64. Unlike the standard distributions, its output (and
// NextDouble's) is fully specified, so a seed gives the same draws with every
// compiler and standard library.
#ifndef AIGC_SERVICES_COPYWRITER_SAMPLING_INTERNAL_RANDOM_H_
#define AIGC_SERVICES_COPYWRITER_SAMPLING_INTERNAL_RANDOM_H_

#include <cstdint>

#include "common/random/random.h"

namespace aigc::copywriter::internal {

class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed) {
    // splitmix64 spreads any seed (0 included) over the 256-bit state, which
    // must not be all zero.
    random::SplitMix64 spread(seed);
    for (uint64_t& word : state_) word = spread.Next();
  }

  uint64_t Next() {
    const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits (every double k / 2^53).
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t state_[4];
};

}  // namespace aigc::copywriter::internal

#endif  // AIGC_SERVICES_COPYWRITER_SAMPLING_INTERNAL_RANDOM_H_
