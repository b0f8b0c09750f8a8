#include "services/recommender/algorithms/item_knn.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using ::testing::ElementsAre;
using testing::FourUsers;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::SimilarOf;
using testing::Train;

TEST(ItemKnnTest, ScoresAreShrunkCosineSumsOverTheHistory) {
  // shrinkage 1: s_ab = 2 / (sqrt6 + 1), s_ac = 1 / (2 + 1).
  auto model = Train(v1::ALGORITHM_ITEM_KNN, FourUsers(), {{"item_knn.shrinkage", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"a"}));
  EXPECT_NEAR(scores.at("b"), 2 / (std::sqrt(6.0) + 1), 1e-6);
  EXPECT_NEAR(scores.at("c"), 1.0 / 3, 1e-6);
  EXPECT_TRUE(std::isinf(scores.at("d")) && scores.at("d") < 0);  // no neighbour: not proposed
}

TEST(ItemKnnTest, ProfileWeightsScaleTheirNeighbours) {
  auto model = Train(v1::ALGORITHM_ITEM_KNN, FourUsers(), {{"item_knn.shrinkage", "0"}});
  ASSERT_TRUE(model.ok()) << model.status();
  UserProfile profile = ProfileOf(**model, {"a", "c"});
  profile.weights = {1.0f, 2.0f};
  // b: 1 * s_ab + 2 * s_cb = 3 * 2 / sqrt6.
  EXPECT_NEAR(ScoresOf(**model, profile).at("b"), 3 * 2 / std::sqrt(6.0), 1e-5);
}

TEST(ItemKnnTest, KeepsOnlyTheStrongestNeighbours) {
  auto model = Train(v1::ALGORITHM_ITEM_KNN, FourUsers(),
                     {{"item_knn.shrinkage", "0"}, {"item_knn.neighbours", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"a"}));
  EXPECT_NEAR(scores.at("b"), 2 / std::sqrt(6.0), 1e-6);
  EXPECT_TRUE(std::isinf(scores.at("c")));  // a's second neighbour was pruned
}

TEST(ItemKnnTest, SimilarListsNeighboursAndMarksTheRestUnproposed) {
  auto model = Train(v1::ALGORITHM_ITEM_KNN, FourUsers(), {{"item_knn.shrinkage", "0"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto similar = SimilarOf(**model, "c");
  EXPECT_NEAR(similar.at("b"), 2 / std::sqrt(6.0), 1e-6);
  EXPECT_NEAR(similar.at("a"), 0.5, 1e-6);
  EXPECT_TRUE(std::isinf(similar.at("d")) && similar.at("d") < 0);
  EXPECT_TRUE(std::isinf(similar.at("c")));  // an item is not its own neighbour
}

TEST(ItemKnnTest, ExplainsByTheStrongestContributingHistoryItems) {
  auto model = Train(v1::ALGORITHM_ITEM_KNN, FourUsers(), {{"item_knn.shrinkage", "0"}});
  ASSERT_TRUE(model.ok()) << model.status();
  UserProfile profile = ProfileOf(**model, {"a", "c", "d"});
  profile.weights = {1.0f, 2.0f, 5.0f};
  const Explanation explanation = (*model)->Explain(profile, (*model)->items().Find("b"));
  EXPECT_EQ(explanation.type, v1::REASON_TYPE_SIMILAR_TO_HISTORY);
  // c contributes 2 * s_cb, a 1 * s_ab; d shares no user with b.
  EXPECT_THAT(explanation.items,
              ElementsAre((*model)->items().Find("c"), (*model)->items().Find("a")));
}

TEST(ItemKnnTest, PredictsRatingsByMeanCentredNeighbours) {
  // u0 rates a 5, b 2; u1 rates a 3, b 3. Means a 4, b 2.5; centred columns
  // a = (+1, -1), b = (-0.5, +0.5) correlate negatively, so b is no
  // neighbour of a and a profile rating only b gets a's mean, flagged.
  TrainingSet set = testing::MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "a"}, {"u1", "b"}});
  set.interactions[0].rating = 5;
  set.interactions[1].rating = 2;
  set.interactions[2].rating = 3;
  set.interactions[3].rating = 3;
  auto model = Train(v1::ALGORITHM_ITEM_KNN, set, {{"item_knn.shrinkage", "0"}});
  ASSERT_TRUE(model.ok()) << model.status();
  UserProfile profile = ProfileOf(**model, {"b"});
  profile.ratings = {3.0f};
  auto estimate = (*model)->PredictRating(profile, (*model)->items().Find("a"));
  ASSERT_TRUE(estimate.ok()) << estimate.status();
  EXPECT_FLOAT_EQ(estimate->rating, 4.0f);
  EXPECT_TRUE(estimate->baseline);
}

TEST(ItemKnnTest, PredictsFromPositivelyCorrelatedNeighbours) {
  // a = (5, 3), b = (4, 2): means 4 and 3, centred a = (+1, -1), b = (+1, -1),
  // Pearson 1. A user rating b 4 (= +1 over b's mean) gets a: 4 + 1 = 5.
  TrainingSet set = testing::MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "a"}, {"u1", "b"}});
  set.interactions[0].rating = 5;
  set.interactions[1].rating = 4;
  set.interactions[2].rating = 3;
  set.interactions[3].rating = 2;
  auto model = Train(v1::ALGORITHM_ITEM_KNN, set, {{"item_knn.shrinkage", "0"}});
  ASSERT_TRUE(model.ok()) << model.status();
  UserProfile profile = ProfileOf(**model, {"b"});
  profile.ratings = {4.0f};
  auto estimate = (*model)->PredictRating(profile, (*model)->items().Find("a"));
  ASSERT_TRUE(estimate.ok()) << estimate.status();
  EXPECT_FLOAT_EQ(estimate->rating, 5.0f);
  EXPECT_FALSE(estimate->baseline);
}

TEST(ItemKnnTest, RatingPredictionNeedsRatings) {
  auto model = Train(v1::ALGORITHM_ITEM_KNN, FourUsers());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->PredictRating(ProfileOf(**model, {"a"}), 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace aigc::recommender
