#include "services/recommender/algorithms/user_knn.h"

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "Eigen/Dense"

#include "gtest/gtest.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using testing::FourUsers;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::Train;

// The cosine-neighbour variant (the default is ridge weights).
const std::pair<const std::string, std::string> kCosine = {"user_knn.ridge_lambda", "0"};

// The ridge variant's expected scores for `profile` (implicit weights 1):
// w = (X' X'^T + lambda I)^-1 X' p over the training users X' other than
// `self`, score_j = sum_v w_v x_vj; items no user of nonzero weight has stay
// -inf.
std::map<std::string, float> RidgeScores(const TrainingSet& set, const std::vector<int>& profile,
                                         int self, double lambda) {
  const int users = set.users.size();
  const int items = set.items.size();
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(users, items);
  for (const Interaction& i : set.interactions) x(i.user, i.item) = 1;
  std::vector<int> others;
  for (int v = 0; v < users; ++v) {
    if (v != self) others.push_back(v);
  }
  Eigen::MatrixXd rows(others.size(), items);
  for (size_t r = 0; r < others.size(); ++r) rows.row(r) = x.row(others[r]);
  Eigen::VectorXd p = Eigen::VectorXd::Zero(items);
  for (int item : profile) p[item] = 1;
  const Eigen::MatrixXd gram =
      rows * rows.transpose() + lambda * Eigen::MatrixXd::Identity(others.size(), others.size());
  const Eigen::VectorXd w = gram.ldlt().solve(rows * p);
  const Eigen::VectorXd scores = rows.transpose() * w;
  std::map<std::string, float> by_id;
  for (int j = 0; j < items; ++j) {
    const bool proposed = (rows.col(j).array() * w.array() != 0).any();
    by_id[set.items.Id(j)] =
        proposed ? static_cast<float>(scores[j]) : -std::numeric_limits<float>::infinity();
  }
  return by_id;
}

TEST(UserKnnTest, RidgeWeightsRegressTheHistoryOnTheOtherUsers) {
  // For a training user this is EASE's closed form over users; for a new
  // history every training user takes part.
  const TrainingSet set = FourUsers();
  auto model = Train(v1::ALGORITHM_USER_KNN, set, {{"user_knn.ridge_lambda", "0.5"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const int a = set.items.Find("a");
  const int b = set.items.Find("b");
  const int u0 = set.users.Find("u0");
  const auto own = ScoresOf(**model, ProfileOf(**model, {"a", "b"}, u0));
  const auto new_user = ScoresOf(**model, ProfileOf(**model, {"a"}));
  const auto expect_scores = [](const std::map<std::string, float>& actual,
                                 const std::map<std::string, float>& expected) {
    for (const auto& [item, score] : expected) {
      if (std::isinf(score)) {
        EXPECT_EQ(actual.at(item), score) << item;
      } else {
        EXPECT_NEAR(actual.at(item), score, 1e-5) << item;
      }
    }
  };
  expect_scores(own, RidgeScores(set, {a, b}, u0, 0.5));
  expect_scores(new_user, RidgeScores(set, {a}, -1, 0.5));
  EXPECT_GT(own.at("c"), 0.0f);  // u1, who shares a and b with u0, has c
  EXPECT_TRUE(std::isinf(own.at("d")));  // only u3 has d, and u3 shares nothing
}

TEST(UserKnnTest, RidgeRefusesMoreUsersThanItsLimit) {
  auto model = Train(v1::ALGORITHM_USER_KNN, FourUsers(), {{"user_knn.ridge_max_users", "3"}});
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("user_knn.ridge_max_users"), std::string::npos);
  EXPECT_TRUE(Train(v1::ALGORITHM_USER_KNN, FourUsers(),
                    {{"user_knn.ridge_max_users", "3"}, kCosine})
                  .ok());
}

TEST(UserKnnTest, BlendsTheMostSimilarUsersItems) {
  // Profile {a}: cos to u0 (a b) = 1/sqrt2, to u1 (a b c) = 1/sqrt3, others 0.
  auto model = Train(v1::ALGORITHM_USER_KNN, FourUsers(),
                     {{"user_knn.shrinkage", "0"}, {"user_knn.neighbours", "2"}, kCosine});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"a"}));
  EXPECT_NEAR(scores.at("b"), 1 / std::sqrt(2.0) + 1 / std::sqrt(3.0), 1e-6);
  EXPECT_NEAR(scores.at("c"), 1 / std::sqrt(3.0), 1e-6);
  EXPECT_TRUE(std::isinf(scores.at("d")) && scores.at("d") < 0);  // no neighbour has d
}

TEST(UserKnnTest, KeepsOnlyTheNearestUsers) {
  auto model = Train(v1::ALGORITHM_USER_KNN, FourUsers(),
                     {{"user_knn.shrinkage", "0"}, {"user_knn.neighbours", "1"}, kCosine});
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"a"}));
  EXPECT_NEAR(scores.at("b"), 1 / std::sqrt(2.0), 1e-6);  // u0 only
  EXPECT_TRUE(std::isinf(scores.at("c")));
}

TEST(UserKnnTest, NeverCountsTheUserAsTheirOwnNeighbour) {
  auto model = Train(v1::ALGORITHM_USER_KNN, FourUsers(),
                     {{"user_knn.shrinkage", "0"}, {"user_knn.neighbours", "1"}, kCosine});
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
  auto model = Train(v1::ALGORITHM_USER_KNN, set, {{"user_knn.shrinkage", "0"}, kCosine});
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
