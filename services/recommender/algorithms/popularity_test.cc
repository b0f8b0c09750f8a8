#include "services/recommender/algorithms/popularity.h"

#include <cmath>

#include "gtest/gtest.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using testing::MakeSet;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::SimilarOf;
using testing::Train;

constexpr int64_t kDay = 86400;

// a: one interaction of weight 1 now; b: weight 3 one day ago; c: two of
// weight 1, two days ago.
TrainingSet Timed() {
  TrainingSet set = MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "c"}, {"u2", "c"}});
  set.now = 10 * kDay;
  set.interactions[0].time = 10 * kDay;
  set.interactions[1].time = 9 * kDay;
  set.interactions[1].weight = 3;
  set.interactions[2].time = 8 * kDay;
  set.interactions[3].time = 8 * kDay;
  return set;
}

TEST(PopularityTest, CountsEventWeightsWithoutDecay) {
  auto model = Train(v1::ALGORITHM_POPULARITY, Timed());
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, UserProfile{});
  EXPECT_FLOAT_EQ(scores.at("a"), 1);
  EXPECT_FLOAT_EQ(scores.at("b"), 3);
  EXPECT_FLOAT_EQ(scores.at("c"), 2);
}

TEST(PopularityTest, HalvesAWeightPerHalfLife) {
  auto model = Train(v1::ALGORITHM_POPULARITY, Timed(), {{"popularity.half_life_days", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, UserProfile{});
  EXPECT_FLOAT_EQ(scores.at("a"), 1);
  EXPECT_FLOAT_EQ(scores.at("b"), 1.5);
  EXPECT_FLOAT_EQ(scores.at("c"), 0.5);
}

TEST(PopularityTest, IgnoresTheProfile) {
  auto model = Train(v1::ALGORITHM_POPULARITY, Timed());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(ScoresOf(**model, ProfileOf(**model, {"a", "c"})), ScoresOf(**model, UserProfile{}));
}

TEST(PopularityTest, SimilarItemsArePopularItemsOfTheSameCategory) {
  TrainingSet set = Timed();
  set.item_categories = {4, 5, 4};  // a and c are dresses, b a coat
  auto model = Train(v1::ALGORITHM_POPULARITY, set);
  ASSERT_TRUE(model.ok()) << model.status();
  const auto similar = SimilarOf(**model, "a");
  EXPECT_FLOAT_EQ(similar.at("c"), 2);
  EXPECT_TRUE(std::isinf(similar.at("b")) && similar.at("b") < 0);
  EXPECT_EQ((*model)->Explain(UserProfile{}, 0).type, v1::REASON_TYPE_POPULAR);
}

}  // namespace
}  // namespace aigc::recommender
