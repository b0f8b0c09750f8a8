// Portable, fully specified pseudo-randomness and hashing: the same seed gives
// the same numbers with every compiler and standard library (the standard
// distributions do not). Used wherever a seed must reproduce data, splits,
// training batches or sampled text. Not for secrets.
#ifndef AIGC_COMMON_RANDOM_RANDOM_H_
#define AIGC_COMMON_RANDOM_RANDOM_H_

#include <cstdint>
#include <string_view>

namespace aigc::random {

// SplitMix64's output function (Steele, Lea and Flood 2014): a bijective mix
// of 64 bits.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64: the state advances by the golden-ratio increment and each
// output is Mix64 of it. Not thread-safe.
class SplitMix64 {
 public:
  static constexpr uint64_t kIncrement = 0x9e3779b97f4a7c15ULL;

  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  // The next 64 random bits.
  uint64_t Next() { return Mix64(state_ += kIncrement); }

 private:
  uint64_t state_;
};

// 64-bit FNV-1a over bytes, fed in pieces; the seed is XORed into the offset
// basis (seed 0 gives plain FNV-1a).
class Fnv1a64 {
 public:
  explicit Fnv1a64(uint64_t seed = 0) : hash_(0xcbf29ce484222325ULL ^ seed) {}

  void AddByte(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  void Add(std::string_view bytes) {
    for (const char c : bytes) AddByte(static_cast<unsigned char>(c));
  }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_;
};

// FNV-1a of `text` with `seed` (see Fnv1a64).
inline uint64_t HashString(std::string_view text, uint64_t seed = 0) {
  Fnv1a64 hash(seed);
  hash.Add(text);
  return hash.value();
}

}  // namespace aigc::random

#endif  // AIGC_COMMON_RANDOM_RANDOM_H_
