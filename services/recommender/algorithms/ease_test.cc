#include "services/recommender/algorithms/ease.h"

#include <cmath>

#include "Eigen/Dense"
#include "gtest/gtest.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using testing::FourUsers;
using testing::MakeSet;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::SimilarOf;
using testing::Train;

TEST(EaseTest, MatchesTheClosedFormOnTwoItems) {
  // u0: a b, u1: a. G = [[2, 1], [1, 1]], lambda 1: P = (G + I)^-1 =
  // [[2, -1], [-1, 3]] / 5, so B_ab = -P_ab / P_bb = 1/3, B_ba = 1/2.
  auto model = Train(v1::ALGORITHM_EASE, MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "a"}}),
                     {{"ease.lambda", "1"}, {"ease.min_item_users", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_NEAR(SimilarOf(**model, "a").at("b"), 1.0 / 3, 1e-6);
  EXPECT_NEAR(SimilarOf(**model, "b").at("a"), 0.5, 1e-6);
  EXPECT_EQ(SimilarOf(**model, "a").at("a"), 0.0f);  // diag(B) = 0
  EXPECT_NEAR(ScoresOf(**model, ProfileOf(**model, {"a"})).at("b"), 1.0 / 3, 1e-6);
}

TEST(EaseTest, WeighsRatedInteractionsByTheirStars) {
  // u0 rated a 5 and b 1, u1 viewed a. Rating weight 0.25: x_u0a = 1.5,
  // x_u0b = 0.5, x_u1a = 1, so G = [[3.25, 0.75], [0.75, 0.25]]; lambda 1:
  // P = [[1.25, -0.75], [-0.75, 4.25]] / 4.75, B_ab = 0.75 / 4.25 = 3/17 and
  // B_ba = 0.75 / 1.25 = 0.6.
  TrainingSet set = MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "a"}});
  set.interactions[0].rating = 5.0f;
  set.interactions[1].rating = 1.0f;
  auto model = Train(v1::ALGORITHM_EASE, set,
                     {{"ease.lambda", "1"}, {"ease.rating_weight", "0.25"},
                      {"ease.min_item_users", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_NEAR(SimilarOf(**model, "a").at("b"), 3.0 / 17, 1e-6);
  EXPECT_NEAR(SimilarOf(**model, "b").at("a"), 0.6, 1e-6);
  // A history scores as it was trained: a rated 5 enters as 1.5, unrated as 1.
  UserProfile profile = ProfileOf(**model, {"a"});
  EXPECT_NEAR(ScoresOf(**model, profile).at("b"), 3.0 / 17, 1e-6);
  profile.ratings[0] = 5.0f;
  EXPECT_NEAR(ScoresOf(**model, profile).at("b"), 1.5 * 3.0 / 17, 1e-6);
  // Rating weight 0 is the binary X of MatchesTheClosedFormOnTwoItems.
  auto binary = Train(v1::ALGORITHM_EASE, set,
                      {{"ease.lambda", "1"}, {"ease.rating_weight", "0"},
                       {"ease.min_item_users", "1"}});
  ASSERT_TRUE(binary.ok()) << binary.status();
  EXPECT_NEAR(SimilarOf(**binary, "a").at("b"), 1.0 / 3, 1e-6);
  EXPECT_NEAR(ScoresOf(**binary, profile).at("b"), 1.0 / 3, 1e-6);
}

TEST(EaseTest, SharedContentTokensActAsPseudoUsers) {
  // u0: a b, u1: a; a has tokens x and y, b has x. Token weight 1 adds 1 per
  // shared token: G = [[2, 1], [1, 1]] + [[2, 1], [1, 1]] = [[4, 2], [2, 2]];
  // lambda 1: P = (G + I)^-1 = [[3, -2], [-2, 5]] / 11, so B_ab = 2/5, B_ba = 2/3.
  TrainingSet set = MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "a"}});
  set.item_tokens = {{"tag:x", "tag:y"}, {"tag:x"}};
  auto model =
      Train(v1::ALGORITHM_EASE, set,
            {{"ease.lambda", "1"}, {"ease.token_weight", "1"}, {"ease.min_item_users", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_NEAR(SimilarOf(**model, "a").at("b"), 2.0 / 5, 1e-6);
  EXPECT_NEAR(SimilarOf(**model, "b").at("a"), 2.0 / 3, 1e-6);
  // Token weight 0 is MatchesTheClosedFormOnTwoItems.
  auto plain =
      Train(v1::ALGORITHM_EASE, set,
            {{"ease.lambda", "1"}, {"ease.token_weight", "0"}, {"ease.min_item_users", "1"}});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_NEAR(SimilarOf(**plain, "a").at("b"), 1.0 / 3, 1e-6);
}

// An EASE archive over items a, b with B_ab = 0.5, B_ba = 0.25.
Archive TwoItemArchive() {
  Archive archive;
  archive.PutInts("modelled_items", {0, 1});
  archive.PutFloats("b", 2, 2, {0.0f, 0.5f, 0.25f, 0.0f});
  return archive;
}

absl::StatusOr<std::unique_ptr<RecModel>> LoadTwoItems(const Archive& archive) {
  IdIndex users;
  users.Add("u0");
  IdIndex items;
  items.Add("a");
  items.Add("b");
  return LoadEase(std::move(users), std::move(items), archive);
}

TEST(EaseTest, ASnapshotWithoutRatingWeightScoresTheBinaryHistory) {
  // Written before ease.rating_weight existed: trained on binary X.
  auto model = LoadTwoItems(TwoItemArchive());
  ASSERT_TRUE(model.ok()) << model.status();
  UserProfile profile = ProfileOf(**model, {"a"});
  profile.ratings[0] = 5.0f;
  EXPECT_NEAR(ScoresOf(**model, profile).at("b"), 0.5, 1e-6);

  Archive weighted = TwoItemArchive();
  weighted.PutNumber("rating_weight", 0.25);
  model = LoadTwoItems(weighted);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_NEAR(ScoresOf(**model, profile).at("b"), 1.5 * 0.5, 1e-6);

  Archive corrupt = TwoItemArchive();
  corrupt.PutNumber("rating_weight", 2.0);
  EXPECT_EQ(LoadTwoItems(corrupt).status().code(), absl::StatusCode::kDataLoss);
}

TEST(EaseTest, SatisfiesTheOptimalityCondition) {
  // Steck's solution makes (G + lambda I)(I - B) diagonal.
  const double lambda = 2;
  const TrainingSet set = FourUsers();
  auto model = Train(v1::ALGORITHM_EASE, set, {{"ease.lambda", "2"}, {"ease.min_item_users", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const int n = set.items.size();
  Eigen::MatrixXd x = Eigen::MatrixXd(BinaryMatrix(set).cast<double>());
  Eigen::MatrixXd b(n, n);
  for (int h = 0; h < n; ++h) {
    const auto row = SimilarOf(**model, set.items.Id(h));
    for (int j = 0; j < n; ++j) b(h, j) = row.at(set.items.Id(j));
  }
  const Eigen::MatrixXd m = (x.transpose() * x + lambda * Eigen::MatrixXd::Identity(n, n)) *
                            (Eigen::MatrixXd::Identity(n, n) - b);
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(b(i, i), 0.0);
    for (int j = 0; j < n; ++j) {
      if (i != j) {
        EXPECT_NEAR(m(i, j), 0.0, 1e-5) << i << "," << j;
      }
    }
  }
}

TEST(EaseTest, DropoutRegularisesEachItemByItsOwnCount) {
  // u0: a b, u1: a. diag(G) = [2, 1]; dropout 0.5 adds p/(1-p) = 1 x diag(G)
  // and lambda 1: G + Lambda = [[5, 1], [1, 3]], P = [[3, -1], [-1, 5]] / 14,
  // so B_ab = -P_ab / P_bb = 1/5 and B_ba = 1/3.
  auto model = Train(v1::ALGORITHM_EASE, MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "a"}}),
                     {{"ease.lambda", "1"}, {"ease.dropout", "0.5"}, {"ease.min_item_users", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_NEAR(SimilarOf(**model, "a").at("b"), 1.0 / 5, 1e-6);
  EXPECT_NEAR(SimilarOf(**model, "b").at("a"), 1.0 / 3, 1e-6);
}

TEST(EaseTest, LeavesRareItemsOutOfTheModel) {
  // d has one user: with ease.min_item_users 2 it is never proposed.
  auto model = Train(v1::ALGORITHM_EASE, FourUsers(), {{"ease.min_item_users", "2"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"a", "d"}));
  EXPECT_TRUE(std::isinf(scores.at("d")) && scores.at("d") < 0);
  EXPECT_GT(scores.at("b"), 0.0f);
  EXPECT_EQ((*model)->Stats().at("modelled_items"), 3);
}

TEST(EaseTest, ExplainsByHistoryItemsWithPositiveWeight) {
  auto model =
      Train(v1::ALGORITHM_EASE, FourUsers(), {{"ease.lambda", "1"}, {"ease.min_item_users", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const UserProfile profile = ProfileOf(**model, {"a", "d"});
  const Explanation explanation = (*model)->Explain(profile, (*model)->items().Find("b"));
  EXPECT_EQ(explanation.type, v1::REASON_TYPE_SIMILAR_TO_HISTORY);
  ASSERT_EQ(explanation.items.size(), 1u);  // d never co-occurs with b
  EXPECT_EQ(explanation.items[0], (*model)->items().Find("a"));
}

TEST(EaseTest, RefusesMoreItemsThanMaxItems) {
  auto model = Train(v1::ALGORITHM_EASE, FourUsers(),
                     {{"ease.min_item_users", "1"}, {"ease.max_items", "3"}});
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("ease.max_items"), std::string::npos);
}

}  // namespace
}  // namespace aigc::recommender
