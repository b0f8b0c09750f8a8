#include "services/recommender/eval/split.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender::eval {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

Interaction Make(int32_t user, int32_t item, float weight = 1.0f) {
  Interaction interaction;
  interaction.user = user;
  interaction.item = item;
  interaction.weight = weight;
  return interaction;
}

// 60 users with 1..24 distinct items each, some pairs repeated (up to 3 times), so that every
// branch of the split is taken: users below min_interactions, duplicates, various n.
std::vector<Interaction> SyntheticInteractions() {
  std::vector<Interaction> interactions;
  for (int32_t user = 0; user < 60; ++user) {
    const int n = 1 + (user * 7) % 24;
    for (int j = 0; j < n; ++j) {
      const int32_t item = (user * 31 + j * 17) % 500;
      const int repeats = 1 + (user + j) % 3;
      for (int r = 0; r < repeats; ++r) {
        interactions.push_back(Make(user, item, static_cast<float>(r + 1)));
      }
    }
  }
  return interactions;
}

// (user, item, weight) triples, sorted: the train side as a multiset, whatever its order.
std::vector<std::tuple<int32_t, int32_t, float>> Sorted(const std::vector<Interaction>& train) {
  std::vector<std::tuple<int32_t, int32_t, float>> out;
  for (const Interaction& i : train) out.emplace_back(i.user, i.item, i.weight);
  std::sort(out.begin(), out.end());
  return out;
}

std::map<int32_t, std::set<int32_t>> DistinctItems(const std::vector<Interaction>& interactions) {
  std::map<int32_t, std::set<int32_t>> items;
  for (const Interaction& i : interactions) items[i.user].insert(i.item);
  return items;
}

TEST(SplitPerUserTest, MatchesAnIndependentImplementationOfTheDocumentedAlgorithm) {
  // Expected sets from a separate Python implementation of the algorithm as split.h documents it
  // (splitmix64, rejection draw, partial Fisher-Yates over sorted items). They pin the exact
  // split, so a change of the algorithm (and of the numbers docs/benchmarks.md reports) fails.
  // Distinct items: user 0 has 10, user 1 has 7 ({1,2,3,4,5,6,9}), user 7 has 5, user 2 has 3.
  std::vector<Interaction> interactions;
  for (int32_t item = 10; item < 20; ++item) interactions.push_back(Make(0, item));
  for (int32_t item : {3, 1, 4, 1, 5, 9, 2, 6}) interactions.push_back(Make(1, item));
  for (int32_t item : {100, 200, 300, 400, 500}) interactions.push_back(Make(7, item));
  for (int32_t item : {7, 8, 9}) interactions.push_back(Make(2, item));

  // Fraction 0.2: t = round(2.0) = 2, round(1.4) = 1, round(1.0) = 1; user 2 has 3 < 5.
  absl::StatusOr<HoldOutSplit> split = SplitPerUser(interactions, SplitOptions{});
  ASSERT_TRUE(split.ok()) << split.status();
  ASSERT_EQ(split->test.size(), 3u);
  EXPECT_THAT(split->test.at(0), UnorderedElementsAre(11, 14));
  EXPECT_THAT(split->test.at(1), UnorderedElementsAre(3));
  EXPECT_THAT(split->test.at(7), UnorderedElementsAre(400));

  // Fraction 0.5, seed 7: t = round(5.0) = 5, round(3.5) = 4, round(2.5) = 3.
  split = SplitPerUser(interactions, {.test_fraction = 0.5, .seed = 7, .min_interactions = 5});
  ASSERT_TRUE(split.ok()) << split.status();
  ASSERT_EQ(split->test.size(), 3u);
  EXPECT_THAT(split->test.at(0), UnorderedElementsAre(12, 15, 16, 18, 19));
  EXPECT_THAT(split->test.at(1), UnorderedElementsAre(1, 4, 5, 9));
  EXPECT_THAT(split->test.at(7), UnorderedElementsAre(200, 300, 400));

  // 1000 items, fraction 0.003: t = 3, drawn from large ranges (n - i ~ 1000).
  std::vector<Interaction> many;
  for (int32_t item = 999; item >= 0; --item) many.push_back(Make(5, item));
  split = SplitPerUser(many, {.test_fraction = 0.003, .seed = 42, .min_interactions = 5});
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_THAT(split->test.at(5), UnorderedElementsAre(80, 247, 601));
}

TEST(SplitPerUserTest, SameSeedGivesTheSameSplitWhateverTheInputOrder) {
  const std::vector<Interaction> interactions = SyntheticInteractions();
  std::vector<Interaction> shuffled = interactions;
  std::mt19937 shuffler(123);
  std::shuffle(shuffled.begin(), shuffled.end(), shuffler);
  ASSERT_FALSE(interactions.empty());

  const absl::StatusOr<HoldOutSplit> a = SplitPerUser(interactions, SplitOptions{});
  const absl::StatusOr<HoldOutSplit> b = SplitPerUser(shuffled, SplitOptions{});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->test, b->test);
  EXPECT_EQ(Sorted(a->train), Sorted(b->train));
}

TEST(SplitPerUserTest, UsersSplitIndependentlyOfOtherUsers) {
  const std::vector<Interaction> interactions = SyntheticInteractions();
  const absl::StatusOr<HoldOutSplit> all = SplitPerUser(interactions, SplitOptions{});
  ASSERT_TRUE(all.ok()) << all.status();

  for (const int32_t user : {3, 10, 47}) {
    std::vector<Interaction> alone;
    for (const Interaction& i : interactions) {
      if (i.user == user) alone.push_back(i);
    }
    const absl::StatusOr<HoldOutSplit> split = SplitPerUser(alone, SplitOptions{});
    ASSERT_TRUE(split.ok()) << split.status();
    ASSERT_EQ(split->test.count(user), 1u) << "user " << user;
    ASSERT_EQ(all->test.count(user), 1u) << "user " << user;
    EXPECT_EQ(split->test.at(user), all->test.at(user)) << "user " << user;
  }
}

TEST(SplitPerUserTest, DifferentSeedGivesADifferentSplit) {
  const std::vector<Interaction> interactions = SyntheticInteractions();
  const absl::StatusOr<HoldOutSplit> a = SplitPerUser(interactions, {.seed = 42});
  const absl::StatusOr<HoldOutSplit> b = SplitPerUser(interactions, {.seed = 43});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  // Same users and sizes (those depend on n only), different items.
  ASSERT_EQ(a->test.size(), b->test.size());
  EXPECT_NE(a->test, b->test);
}

TEST(SplitPerUserTest, EveryPairLandsOnExactlyOneSideWithAllItsInteractions) {
  const std::vector<Interaction> interactions = SyntheticInteractions();
  const absl::StatusOr<HoldOutSplit> split = SplitPerUser(interactions, SplitOptions{});
  ASSERT_TRUE(split.ok()) << split.status();

  const auto in_test = [&](const Interaction& i) {
    const auto it = split->test.find(i.user);
    return it != split->test.end() && it->second.contains(i.item);
  };
  // Train = exactly the input interactions of pairs not held out, duplicates included.
  std::vector<Interaction> expected_train;
  for (const Interaction& i : interactions) {
    if (!in_test(i)) expected_train.push_back(i);
  }
  EXPECT_EQ(Sorted(split->train), Sorted(expected_train));
  for (const Interaction& i : split->train) {
    EXPECT_FALSE(in_test(i)) << "pair (" << i.user << ", " << i.item << ") on both sides";
  }
  // Every test item is one of the user's own pairs.
  const std::map<int32_t, std::set<int32_t>> items = DistinctItems(interactions);
  for (const auto& [user, test_items] : split->test) {
    for (const int32_t item : test_items) {
      EXPECT_TRUE(items.at(user).contains(item)) << "user " << user << " item " << item;
    }
  }
}

TEST(SplitPerUserTest, HoldsOutTheRoundedFractionOfEveryEligibleUser) {
  const std::vector<Interaction> interactions = SyntheticInteractions();
  const absl::StatusOr<HoldOutSplit> split = SplitPerUser(interactions, SplitOptions{});
  ASSERT_TRUE(split.ok()) << split.status();

  const std::map<int32_t, std::set<int32_t>> items = DistinctItems(interactions);
  int eligible = 0;
  for (const auto& [user, distinct] : items) {
    const int64_t n = static_cast<int64_t>(distinct.size());
    if (n < 5) {
      EXPECT_EQ(split->test.count(user), 0u) << "user " << user << " has only " << n << " items";
      continue;
    }
    ++eligible;
    ASSERT_EQ(split->test.count(user), 1u) << "user " << user;
    const int64_t t = split->test.at(user).size();
    EXPECT_GE(t, 1);
    EXPECT_LE(t, n - 1);
    EXPECT_EQ(t, std::clamp<int64_t>(std::llround(0.2 * n), 1, n - 1)) << "n = " << n;
  }
  // The fixture must exercise both kinds of users.
  EXPECT_GT(eligible, 10);
  EXPECT_LT(eligible, static_cast<int>(items.size()));
}

struct CountCase {
  double fraction;
  int min_interactions;
  int n;
  size_t expected_test;  // computed by hand in the comment of each row
};

TEST(SplitPerUserTest, TestSizeFollowsRoundingClampingAndTheMinimum) {
  const CountCase cases[] = {
      {0.2, 5, 4, 0},    // 4 < 5: all train
      {0.2, 5, 5, 1},    // 0.2 * 5 = 1
      {0.2, 5, 12, 2},   // 2.4 -> 2
      {0.2, 5, 13, 3},   // 2.6 -> 3
      {0.25, 5, 10, 3},  // 2.5 -> 3 (half away from zero)
      {0.01, 5, 5, 1},   // 0.05 -> 0, at least 1
      {0.9, 5, 5, 4},    // 4.5 -> 5, at most n - 1 = 4
      {0.5, 2, 2, 1},    // 1
      {0.2, 2, 1, 0},    // 1 < 2: all train
  };
  for (const CountCase& c : cases) {
    std::vector<Interaction> interactions;
    for (int item = 0; item < c.n; ++item) {
      // Every pair twice: duplicates must not count as more items.
      interactions.push_back(Make(9, item));
      interactions.push_back(Make(9, item));
    }
    const absl::StatusOr<HoldOutSplit> split = SplitPerUser(
        interactions, {.test_fraction = c.fraction, .min_interactions = c.min_interactions});
    ASSERT_TRUE(split.ok()) << split.status();
    const size_t held_out = split->test.count(9) ? split->test.at(9).size() : 0;
    EXPECT_EQ(held_out, c.expected_test)
        << "fraction " << c.fraction << ", min " << c.min_interactions << ", n " << c.n;
    EXPECT_EQ(split->train.size(), 2 * (c.n - held_out));
  }
}

TEST(SplitPerUserTest, EmptyInputGivesAnEmptySplit) {
  const absl::StatusOr<HoldOutSplit> split = SplitPerUser({}, SplitOptions{});
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_TRUE(split->train.empty());
  EXPECT_TRUE(split->test.empty());
}

TEST(SplitPerUserTest, RejectsBadOptionsAndIndicesNamingTheField) {
  const std::vector<Interaction> good = {Make(0, 1)};
  struct BadCase {
    SplitOptions options;
    std::vector<Interaction> interactions;
    const char* field;
  };
  const BadCase cases[] = {
      {{.test_fraction = 0.0}, good, "test_fraction"},
      {{.test_fraction = 1.0}, good, "test_fraction"},
      {{.test_fraction = -0.5}, good, "test_fraction"},
      {{.test_fraction = std::numeric_limits<double>::quiet_NaN()}, good, "test_fraction"},
      {{.min_interactions = 1}, good, "min_interactions"},
      {{}, {Make(0, 1), Make(-1, 2)}, "interactions[1].user"},
      {{}, {Make(0, 1), Make(0, 2), Make(3, -7)}, "interactions[2].item"},
  };
  for (const BadCase& c : cases) {
    const absl::StatusOr<HoldOutSplit> split = SplitPerUser(c.interactions, c.options);
    EXPECT_EQ(split.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(split.status().message(), HasSubstr(c.field));
  }
}

}  // namespace
}  // namespace aigc::recommender::eval
