#include "services/recommender/algorithms/user_knn.h"

#include <cmath>

#include "gtest/gtest.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using testing::FourUsers;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::Train;

TEST(UserKnnTest, BlendsTheMostSimilarUsersItems) {
  // Profile {a}: cos to u0 (a b) = 1/sqrt2, to u1 (a b c) = 1/sqrt3, others 0.
  auto model = Train(v1::ALGORITHM_USER_KNN, FourUsers(),
                     {{"user_knn.shrinkage", "0"}, {"user_knn.neighbours", "2"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"a"}));
  EXPECT_NEAR(scores.at("b"), 1 / std::sqrt(2.0) + 1 / std::sqrt(3.0), 1e-6);
  EXPECT_NEAR(scores.at("c"), 1 / std::sqrt(3.0), 1e-6);
  EXPECT_TRUE(std::isinf(scores.at("d")) && scores.at("d") < 0);  // no neighbour has d
}

TEST(UserKnnTest, KeepsOnlyTheNearestUsers) {
  auto model = Train(v1::ALGORITHM_USER_KNN, FourUsers(),
                     {{"user_knn.shrinkage", "0"}, {"user_knn.neighbours", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"a"}));
  EXPECT_NEAR(scores.at("b"), 1 / std::sqrt(2.0), 1e-6);  // u0 only
  EXPECT_TRUE(std::isinf(scores.at("c")));
}

TEST(UserKnnTest, NeverCountsTheUserAsTheirOwnNeighbour) {
  auto model = Train(v1::ALGORITHM_USER_KNN, FourUsers(),
                     {{"user_knn.shrinkage", "0"}, {"user_knn.neighbours", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  // u0 (a b) themself: nearest other user is u1 (a b c), cos 2/sqrt6.
  const auto scores =
      ScoresOf(**model, ProfileOf(**model, {"a", "b"}, (*model)->users().Find("u0")));
  EXPECT_NEAR(scores.at("c"), 2 / std::sqrt(6.0), 1e-6);
  EXPECT_EQ((*model)->Explain(UserProfile{}, 0).type, v1::REASON_TYPE_SIMILAR_USERS);
  EXPECT_EQ((*model)->Similar(0, {}).code(), absl::StatusCode::kUnimplemented);
}

TEST(UserKnnTest, PredictsRatingsFromSimilarUsersDeviations) {
  // u0 rates a 4, b 2 (mean 3); u1 rates a 5, b 3, c 4 (mean 4). A profile
  // rating a 4 and b 2 (mean 3) is closest to both; only u1 rated c, +0 over
  // u1's mean: prediction 3 + 0 = 3.
  TrainingSet set =
      testing::MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "a"}, {"u1", "b"}, {"u1", "c"}});
  const float ratings[] = {4, 2, 5, 3, 4};
  for (size_t n = 0; n < set.interactions.size(); ++n) set.interactions[n].rating = ratings[n];
  auto model = Train(v1::ALGORITHM_USER_KNN, set, {{"user_knn.shrinkage", "0"}});
  ASSERT_TRUE(model.ok()) << model.status();
  UserProfile profile = ProfileOf(**model, {"a", "b"});
  profile.ratings = {4, 2};
  auto estimate = (*model)->PredictRating(profile, (*model)->items().Find("c"));
  ASSERT_TRUE(estimate.ok()) << estimate.status();
  EXPECT_FLOAT_EQ(estimate->rating, 3.0f);
  EXPECT_FALSE(estimate->baseline);
  // Without ratings in the profile: the global mean 3.6, flagged.
  auto baseline = (*model)->PredictRating(ProfileOf(**model, {"a"}), 2);
  ASSERT_TRUE(baseline.ok());
  EXPECT_NEAR(baseline->rating, 3.6f, 1e-6);
  EXPECT_TRUE(baseline->baseline);
}

}  // namespace
}  // namespace aigc::recommender
