#include "services/recommender/algorithms/profile.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

using ::testing::ElementsAre;
constexpr float kNone = std::numeric_limits<float>::quiet_NaN();

TEST(MakeProfileTest, MergesInteractionsOfAnItem) {
  const std::vector<Interaction> history = {
      {.user = 0, .item = 7, .weight = 1, .rating = kNone, .time = 10},
      {.user = 0, .item = 3, .weight = 2, .rating = 4.0f, .time = 20},
      {.user = 0, .item = 7, .weight = 4, .rating = 2.0f, .time = 30},
      {.user = 0, .item = 3, .weight = 1, .rating = 5.0f, .time = 15},    // older rating loses
      {.user = 0, .item = -1, .weight = 9, .rating = kNone, .time = 40},  // unknown item
  };
  const UserProfile profile = MakeProfile(5, history);
  EXPECT_EQ(profile.user, 5);
  EXPECT_THAT(profile.items, ElementsAre(3, 7));  // newest times 20 and 30
  EXPECT_THAT(profile.weights, ElementsAre(3.0f, 5.0f));
  EXPECT_THAT(profile.ratings, ElementsAre(4.0f, 2.0f));
}

TEST(MakeProfileTest, UnratedItemsHaveNoRating) {
  const std::vector<Interaction> history = {{.user = 0, .item = 1, .weight = 1, .time = 1}};
  EXPECT_TRUE(std::isnan(MakeProfile(-1, history).ratings[0]));
  EXPECT_TRUE(MakeProfile(-1, {}).items.empty());
}

}  // namespace
}  // namespace aigc::recommender
