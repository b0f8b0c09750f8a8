#include "services/recommender/algorithms/hybrid.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::Pointwise;

TEST(AddStandardisedTest, BlendsZScores) {
  // Scores 1, 2, 3: mean 2, standard deviation sqrt(2/3).
  const std::vector<float> scores = {1, 2, 3};
  std::vector<float> blended = {10, 10, 10};
  AddStandardised(scores, 2.0, absl::MakeSpan(blended));
  const float step = static_cast<float>(2.0 / std::sqrt(2.0 / 3.0));
  EXPECT_THAT(blended, Pointwise(FloatNear(1e-5), {10 - step, 10.0f, 10 + step}));
}

TEST(AddStandardisedTest, UnproposedItemsGetTheLowestZ) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> scores = {-inf, 1, 3};
  std::vector<float> blended(3, 0.0f);
  AddStandardised(scores, 1.0, absl::MakeSpan(blended));
  EXPECT_THAT(blended, Pointwise(FloatNear(1e-6), {-1.0f, -1.0f, 1.0f}));
}

TEST(AddStandardisedTest, ConstantScoresAddNothing) {
  std::vector<float> blended(2, 5.0f);
  AddStandardised(std::vector<float>{4, 4}, 1.0, absl::MakeSpan(blended));
  EXPECT_THAT(blended, ElementsAre(5.0f, 5.0f));
}

TEST(HybridWeightsTest, ListsPositiveWeightsOnly) {
  auto params = Hyperparameters::Parse(
      {{"hybrid.ease", "2"}, {"hybrid.user_knn", "0"}, {"hybrid.content", "0.25"}});
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_THAT(HybridWeights(*params), ElementsAre(std::pair(v1::ALGORITHM_EASE, 2.0),
                                                  std::pair(v1::ALGORITHM_CONTENT, 0.25)));
}

}  // namespace
}  // namespace aigc::recommender
