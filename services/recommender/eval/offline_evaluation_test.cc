#include "services/recommender/eval/offline_evaluation.h"

#include <cmath>

#include "gtest/gtest.h"

namespace aigc::recommender::eval {
namespace {

// u0 interacted with a..e, u1 with f..j; every pair rated 4 except u1's.
TrainingSet TwoUsers() {
  TrainingSet set;
  for (const char* item : {"a", "b", "c", "d", "e"}) {
    set.interactions.push_back(
        {.user = set.users.Add("u0"), .item = set.items.Add(item), .weight = 1, .rating = 4.0f});
  }
  for (const char* item : {"f", "g", "h", "i", "j"}) {
    set.interactions.push_back(
        {.user = set.users.Add("u1"), .item = set.items.Add(item), .weight = 1});
  }
  set.item_tokens.resize(set.items.size());
  set.item_categories.assign(set.items.size(), 0);
  return set;
}

TEST(OfflineEvaluationTest, HoldsOutOneItemPerUserAndKeepsIndices) {
  auto sets = MakeTrainTestSets(TwoUsers(), SplitOptions{});
  ASSERT_TRUE(sets.ok()) << sets.status();
  EXPECT_EQ(sets->train.items.size(), 10);
  EXPECT_EQ(sets->train.interactions.size(), 8u);  // round(0.2 * 5) = 1 held out each
  ASSERT_EQ(sets->split.test.size(), 2u);
  // Only u0's held-out pair carries a rating.
  ASSERT_EQ(sets->held_out_ratings.size(), 1u);
  EXPECT_EQ(sets->held_out_ratings[0].user, 0);
  EXPECT_TRUE(sets->split.test.at(0).contains(sets->held_out_ratings[0].item));
}

TEST(OfflineEvaluationTest, RanksTheHeldOutItemAfterEveryOtherCandidate) {
  auto sets = MakeTrainTestSets(TwoUsers(), SplitOptions{});
  ASSERT_TRUE(sets.ok()) << sets.status();
  // Items of the other user first (score 1), the rest 0. For u0 the five
  // items f..j precede its held-out item: rank 6 of 6 candidates.
  const ScoreFunction other_users_items = [](const UserProfile& profile, absl::Span<float> s) {
    for (size_t i = 0; i < s.size(); ++i) {
      const bool mine = (i < 5) == (profile.user == 0);
      s[i] = mine ? 0.0f : 1.0f;
    }
  };
  auto report = EvaluateRanking(other_users_items, *sets, OfflineOptions{.ks = {5, 10}});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->num_users, 2);
  EXPECT_DOUBLE_EQ(report->metrics.at("hit_rate@5"), 0.0);
  EXPECT_DOUBLE_EQ(report->metrics.at("hit_rate@10"), 1.0);
  EXPECT_NEAR(report->metrics.at("ndcg@10"), 1 / std::log2(7.0), 1e-12);
  EXPECT_DOUBLE_EQ(report->metrics.at("precision@10"), 0.1);
}

TEST(OfflineEvaluationTest, NeverRecommendsTrainItemsOrUnproposedOnes) {
  auto sets = MakeTrainTestSets(TwoUsers(), SplitOptions{});
  ASSERT_TRUE(sets.ok()) << sets.status();
  // Train items would win on score but are removed; the others are
  // unproposed (-inf) except the held-out one.
  const auto* test = &sets->split.test;
  const ScoreFunction score = [test](const UserProfile& profile, absl::Span<float> s) {
    for (size_t i = 0; i < s.size(); ++i) {
      s[i] = test->at(profile.user).contains(static_cast<int32_t>(i))
                 ? 0.0f
                 : -std::numeric_limits<float>::infinity();
    }
    for (int32_t item : profile.items) s[item] = 100.0f;
  };
  auto report = EvaluateRanking(score, *sets, OfflineOptions{.ks = {10}});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_DOUBLE_EQ(report->metrics.at("ndcg@10"), 1.0);
  EXPECT_DOUBLE_EQ(report->metrics.at("precision@10"), 0.1);  // one item in a list of one
}

}  // namespace
}  // namespace aigc::recommender::eval
