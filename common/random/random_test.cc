#include "common/random/random.h"

#include "gtest/gtest.h"

namespace aigc::random {
namespace {

TEST(SplitMix64Test, MatchesTheReferenceSequence) {
  // First outputs of the reference implementation for seed 0.
  SplitMix64 generator(0);
  EXPECT_EQ(generator.Next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(generator.Next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(Mix64(SplitMix64::kIncrement), 0xe220a8397b1dcdafULL);
}

TEST(Fnv1a64Test, MatchesThePublishedValuesAndFeedsInPieces) {
  EXPECT_EQ(HashString(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(HashString("a"), 0xaf63dc4c8601ec8cULL);
  Fnv1a64 pieces;
  pieces.Add("ab");
  pieces.AddByte('c');
  EXPECT_EQ(pieces.value(), HashString("abc"));
  EXPECT_NE(HashString("abc", 1), HashString("abc"));
}

}  // namespace
}  // namespace aigc::random
