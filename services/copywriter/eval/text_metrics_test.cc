#include "services/copywriter/eval/text_metrics.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_eval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Texts = std::vector<std::string>;
using References = std::vector<std::vector<std::string>>;

constexpr double kTolerance = 1e-12;

BleuScore BleuOrDie(const Texts& candidates, const References& references) {
  absl::StatusOr<BleuScore> score = CorpusBleu(candidates, references);
  EXPECT_TRUE(score.ok()) << score.status();
  return score.ok() ? *score : BleuScore{};
}

// Spacing and ASCII case do not change tokens, so the second pair matches exactly.
TEST(CorpusBleuTest, PerfectMatchScoresOne) {
  const BleuScore score = BleuOrDie({"the cat sat on the mat", "纯棉短袖T恤，夏季百搭！"},
                                    {{"the cat sat on the mat"}, {"纯棉短袖 t恤 ， 夏季百搭 ！"}});
  EXPECT_NEAR(score.bleu, 1.0, kTolerance);
  EXPECT_THAT(score.precisions, ElementsAre(1.0, 1.0, 1.0, 1.0));
  EXPECT_EQ(score.brevity_penalty, 1.0);
}

TEST(CorpusBleuTest, ShortCandidateIsPenalisedByBrevity) {
  // Candidate "the cat sat on mat" (5 tokens), reference "the cat sat on the mat" (6).
  //   1-grams: the cat sat on mat                        -> 5 of 5 in the reference
  //   2-grams: the_cat cat_sat sat_on on_mat             -> 3 of 4 (on_mat is not)
  //   3-grams: the_cat_sat cat_sat_on sat_on_mat         -> 2 of 3
  //   4-grams: the_cat_sat_on cat_sat_on_mat             -> 1 of 2
  //   BP = exp(1 - 6/5) = exp(-0.2); BLEU = exp(-0.2) * (1 * 3/4 * 2/3 * 1/2)^(1/4) = 0.578930...
  const BleuScore score = BleuOrDie({"the cat sat on mat"}, {{"the cat sat on the mat"}});
  EXPECT_THAT(score.matches, ElementsAre(5, 3, 2, 1));
  EXPECT_THAT(score.totals, ElementsAre(5, 4, 3, 2));
  EXPECT_EQ(score.candidate_length, 5);
  EXPECT_EQ(score.reference_length, 6);
  EXPECT_NEAR(score.brevity_penalty, std::exp(-0.2), kTolerance);
  EXPECT_LT(score.brevity_penalty, 1.0);
  EXPECT_NEAR(score.bleu, 0.5789300674674098, 1e-12);
}

TEST(CorpusBleuTest, MultipleReferencesClipByTheLargestCountInOneReference) {
  // Candidate "the the the the"; references "the cat" (the x1) and "the the mat" (the x2).
  //   1-grams: "the" x4, clipped to max(1, 2) = 2         -> 2 of 4
  //   2-grams: "the the" x3, clipped to max(0, 1) = 1     -> 1 of 3
  //   3- and 4-grams: no match                           -> 0 of 2, 0 of 1
  // Closest reference length to 4 is 3, c = 4 > r = 3, so BP = 1.
  const BleuScore score = BleuOrDie({"the the the the"}, {{"the cat", "the the mat"}});
  EXPECT_THAT(score.matches, ElementsAre(2, 1, 0, 0));
  EXPECT_THAT(score.totals, ElementsAre(4, 3, 2, 1));
  EXPECT_EQ(score.reference_length, 3);
  EXPECT_EQ(score.brevity_penalty, 1.0);
  // Smoothed: 0.1 / 2 and 0.1 / 1.
  EXPECT_NEAR(score.bleu, std::pow(0.5 * (1.0 / 3.0) * 0.05 * 0.1, 0.25), kTolerance);
}

TEST(CorpusBleuTest, ZeroHigherOrderMatchesUseSmoothingMethodOne) {
  // Candidate "a b c d", reference "a b x d" (both 4 tokens, BP = 1).
  //   1-grams: a b c d       -> 3 of 4 (a, b, d)
  //   2-grams: ab bc cd      -> 1 of 3 (ab)
  //   3-grams: abc bcd       -> 0 of 2, smoothed to 0.1 / 2 = 0.05
  //   4-grams: abcd          -> 0 of 1, smoothed to 0.1 / 1 = 0.1
  //   BLEU = (3/4 * 1/3 * 0.05 * 0.1)^(1/4) = 0.00125^(1/4) = 0.188030...
  const BleuScore score = BleuOrDie({"a b c d"}, {{"a b x d"}});
  EXPECT_THAT(score.matches, ElementsAre(3, 1, 0, 0));
  EXPECT_NEAR(score.precisions[0], 0.75, kTolerance);
  EXPECT_NEAR(score.precisions[1], 1.0 / 3.0, kTolerance);
  EXPECT_NEAR(score.precisions[2], 0.05, kTolerance);
  EXPECT_NEAR(score.precisions[3], 0.1, kTolerance);
  EXPECT_EQ(score.brevity_penalty, 1.0);
  EXPECT_NEAR(score.bleu, 0.1880301546543197, 1e-12);
}

TEST(CorpusBleuTest, CountsAreSummedOverTheCorpusBeforeDividing) {
  // Pair 1 matches fully (4/4, 3/3, 2/2, 1/1); pair 2 "x y" vs "z w" adds 0/2 and 0/1.
  // Corpus: 4/6, 3/4, 2/2, 1/1 and c = r = 6, so BLEU = (4/6 * 3/4)^(1/4) = 0.5^(1/4), not the
  // mean of the sentence scores (0.5).
  const BleuScore score = BleuOrDie({"a b c d", "x y"}, {{"a b c d"}, {"z w"}});
  EXPECT_THAT(score.matches, ElementsAre(4, 3, 2, 1));
  EXPECT_THAT(score.totals, ElementsAre(6, 4, 2, 1));
  EXPECT_NEAR(score.bleu, std::pow(0.5, 0.25), kTolerance);
}

TEST(CorpusBleuTest, ClosestReferenceLengthTieTakesTheShorterReference) {
  // |cand| = 4; references of 3 and 5 tokens are equally close: r = 3 < c, so BP = 1.
  const BleuScore score = BleuOrDie({"a b c d"}, {{"a b c d e", "a b c"}});
  EXPECT_EQ(score.reference_length, 3);
  EXPECT_EQ(score.brevity_penalty, 1.0);
}

TEST(CorpusBleuTest, NoUnigramMatchScoresZero) {
  const BleuScore score = BleuOrDie({"a b"}, {{"c d"}});
  EXPECT_EQ(score.bleu, 0.0);
  EXPECT_EQ(score.brevity_penalty, 1.0);
}

TEST(CorpusBleuTest, EmptyCandidateTextScoresZeroWithZeroBrevityPenalty) {
  const BleuScore score = BleuOrDie({" "}, {{"a b"}});
  EXPECT_EQ(score.candidate_length, 0);
  EXPECT_EQ(score.brevity_penalty, 0.0);
  EXPECT_EQ(score.bleu, 0.0);
}

TEST(CorpusBleuTest, RejectsEmptyOrMismatchedInputs) {
  EXPECT_EQ(CorpusBleu({}, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(CorpusBleu({}, {}).status().message(), HasSubstr("candidates"));

  const absl::Status mismatched = CorpusBleu(Texts{"a"}, References{}).status();
  EXPECT_EQ(mismatched.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(mismatched.message(), HasSubstr("references"));

  const absl::Status no_reference = CorpusBleu(Texts{"a", "b"}, References{{"a"}, {}}).status();
  EXPECT_EQ(no_reference.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_reference.message(), HasSubstr("references[1]"));
}

TEST(RougeLTest, HandWorkedChineseExample) {
  // Candidate 纯 棉 短 袖 t 恤 (6 tokens), reference 短 袖 纯 棉 恤 (5). LCS = 3 (纯棉恤 or
  // 短袖恤): P = 3/6, R = 3/5, F = 2.44 * 0.5 * 0.6 / (0.6 + 1.44 * 0.5) = 0.732 / 1.32.
  EXPECT_NEAR(RougeL("纯棉短袖T恤", "短袖纯棉恤"), 0.732 / 1.32, kTolerance);
}

TEST(RougeLTest, RecallWeighsMoreThanPrecision) {
  // LCS 2: P = 1, R = 0.5, F = 2.44 * 0.5 / (0.5 + 1.44) = 0.628866 (F1 would be 2/3).
  EXPECT_NEAR(RougeL("a b", "a b c d"), 1.22 / 1.94, kTolerance);
  // Swapped: P = 0.5, R = 1, F = 2.44 * 0.5 / (1 + 0.72) = 0.709302.
  EXPECT_NEAR(RougeL("a b c d", "a b"), 1.22 / 1.72, kTolerance);
}

TEST(RougeLTest, IdenticalTextsScoreOneAndDisjointOrEmptyScoreZero) {
  EXPECT_NEAR(RougeL("夏季 新款", "夏季新款"), 1.0, kTolerance);
  EXPECT_EQ(RougeL("a b", "c d"), 0.0);
  EXPECT_EQ(RougeL("", "a"), 0.0);
  EXPECT_EQ(RougeL("a", ""), 0.0);
  EXPECT_EQ(RougeL("", ""), 0.0);
}

TEST(CorpusRougeLTest, AveragesTheBestReferencePerCandidate) {
  // Pair 1: max(RougeL vs "a b", 1.0 vs "a b c d") = 1; pair 2: 0. Mean 0.5 over 2.
  const absl::StatusOr<MeanAndCount> rouge =
      CorpusRougeL({"a b c d", "a b"}, {{"a b", "a b c d"}, {"c"}});
  ASSERT_TRUE(rouge.ok()) << rouge.status();
  EXPECT_EQ(rouge->count(), 2);
  EXPECT_NEAR(rouge->mean(), 0.5, kTolerance);
}

TEST(CorpusRougeLTest, RejectsEmptyOrMismatchedInputs) {
  EXPECT_EQ(CorpusRougeL({}, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CorpusRougeL(Texts{"a"}, References{{"a"}, {"b"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(CorpusRougeL(Texts{"a"}, References{{}}).status().message(),
              HasSubstr("references[0]"));
}

TEST(DistinctNTest, HandCountedExample) {
  // Tokens [a b a b] and [a c].
  //   1-grams: 6 in all, distinct {a, b, c} = 3       -> 0.5
  //   2-grams: ab ba ab | ac = 4, distinct 3          -> 0.75
  const Texts candidates = {"a b a b", "a c"};
  EXPECT_EQ(DistinctN(candidates, 1).value(), 0.5);
  EXPECT_EQ(DistinctN(candidates, 2).value(), 0.75);
}

TEST(DistinctNTest, NgramsDoNotSpanTwoCandidates) {
  // Only "好 好" twice inside the first candidate; no "好 好" across the boundary.
  const Texts candidates = {"好好好", "好"};
  EXPECT_EQ(DistinctN(candidates, 1).value(), 0.25);
  EXPECT_EQ(DistinctN(candidates, 2).value(), 0.5);
}

TEST(DistinctNTest, NoNgramGivesZeroAndNBelowOneIsInvalid) {
  EXPECT_EQ(DistinctN({}, 1).value(), 0.0);
  EXPECT_EQ(DistinctN(Texts{"a", " "}, 2).value(), 0.0);
  const absl::Status status = DistinctN(Texts{"a"}, 0).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("n: must be >= 1, got 0"));
}

}  // namespace
}  // namespace aigc::copy_eval
