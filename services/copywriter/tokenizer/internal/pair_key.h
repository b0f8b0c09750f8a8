// The 64-bit key of an adjacent token pair, shared by training and encoding.
#ifndef AIGC_SERVICES_COPYWRITER_TOKENIZER_INTERNAL_PAIR_KEY_H_
#define AIGC_SERVICES_COPYWRITER_TOKENIZER_INTERNAL_PAIR_KEY_H_

#include <cstdint>

namespace aigc::copywriter::internal {

// Ids are non-negative, so comparing keys compares (left, right)
// lexicographically, which training uses to break ties.
inline uint64_t PairKey(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(left) << 32) | static_cast<uint32_t>(right);
}
inline int32_t PairLeft(uint64_t key) { return static_cast<int32_t>(key >> 32); }
inline int32_t PairRight(uint64_t key) { return static_cast<int32_t>(key & 0xFFFFFFFFu); }

}  // namespace aigc::copywriter::internal

#endif  // AIGC_SERVICES_COPYWRITER_TOKENIZER_INTERNAL_PAIR_KEY_H_
