#include "services/recommender/eval/metrics.h"

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender::eval {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Key;
using ::testing::Not;

constexpr double kTolerance = 1e-12;

// Shorthand for the discount 1 / log2(r + 1).
double D(int rank) { return 1.0 / std::log2(rank + 1.0); }

struct ListCase {
  const char* name;
  std::vector<int32_t> recommended;
  absl::flat_hash_set<int32_t> relevant;
  int k;
  double precision;
  double recall;
  double ndcg;
  double average_precision;
  double hit_rate;
};

TEST(ListMetricsTest, MatchHandComputedValues) {
  // Items a, b, c, d, e are 1, 2, 3, 4, 5.
  const ListCase cases[] = {
      // [a,b,c,d], relevant {b,d,e}: hits at ranks 2 and 4.
      // P = 2/4, R = 2/3, NDCG = (D2 + D4) / (D1 + D2 + D3) with D3 = 1/2,
      // AP = (1/2 + 2/4) / min(3, 4).
      {"k4",
       {1, 2, 3, 4},
       {2, 4, 5},
       4,
       0.5,
       2.0 / 3,
       (D(2) + D(4)) / (1 + D(2) + 0.5),
       (0.5 + 0.5) / 3,
       1},
      // Same list at K = 2: one hit at rank 2. P = 1/2, R = 1/3, ideal has min(3, 2) = 2 hits,
      // AP = (1/2) / 2.
      {"k2", {1, 2, 3, 4}, {2, 4, 5}, 2, 0.5, 1.0 / 3, D(2) / (1 + D(2)), 0.25, 1},
      // K = 1: no hit in the first item.
      {"k1", {1, 2, 3, 4}, {2, 4, 5}, 1, 0, 0, 0, 0, 0},
      // K = 10 beyond the list: the divisor of precision stays K; ideal has min(3, 10) = 3 hits.
      {"k_beyond_list",
       {1, 2, 3, 4},
       {2, 4, 5},
       10,
       0.2,
       2.0 / 3,
       (D(2) + D(4)) / (1 + D(2) + 0.5),
       (0.5 + 0.5) / 3,
       1},
      // No hits at all.
      {"no_hits", {1, 3}, {2}, 2, 0, 0, 0, 0, 0},
      // Perfect list.
      {"perfect", {5, 6}, {5, 6}, 2, 1, 1, 1, 1, 1},
      // More relevant items than K: recall is capped by K, NDCG and AP are not (ideal = K hits).
      // [1,2] of {1,2,3,4,5}: P = 1, R = 2/5, NDCG = 1, AP = (1/1 + 2/2) / 2 = 1.
      {"relevant_beyond_k", {1, 2}, {1, 2, 3, 4, 5}, 2, 1, 0.4, 1, 1, 1},
      // A repeated item counts once, at its first rank: [b,b,d] of {b,d}: hits at ranks 1 and 3.
      // P = 2/3, R = 1, NDCG = (D1 + D3) / (D1 + D2), AP = (1/1 + 2/3) / 2.
      {"repeat", {2, 2, 4}, {2, 4}, 3, 2.0 / 3, 1, (1 + 0.5) / (1 + D(2)), (1 + 2.0 / 3) / 2, 1},
      // Empty relevant set: everything is 0 by convention.
      {"empty_relevant", {1, 2}, {}, 2, 0, 0, 0, 0, 0},
      // Empty list.
      {"empty_list", {}, {1}, 3, 0, 0, 0, 0, 0},
      // K = 0 is not a cut-off: 0.
      {"k0", {1}, {1}, 0, 0, 0, 0, 0, 0},
  };
  for (const ListCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_NEAR(PrecisionAtK(c.recommended, c.relevant, c.k), c.precision, kTolerance);
    EXPECT_NEAR(RecallAtK(c.recommended, c.relevant, c.k), c.recall, kTolerance);
    EXPECT_NEAR(NdcgAtK(c.recommended, c.relevant, c.k), c.ndcg, kTolerance);
    EXPECT_NEAR(AveragePrecisionAtK(c.recommended, c.relevant, c.k), c.average_precision,
                kTolerance);
    EXPECT_NEAR(HitRateAtK(c.recommended, c.relevant, c.k), c.hit_rate, kTolerance);
  }
}

// Items 0..5 with train popularity {3, 2, 1, 0, 0, 1} among 3 train users; similarity 1 for
// items of the same parity, 0 otherwise (so dissimilarity 1 across parities).
RankingEvaluatorOptions SmallCatalogue() {
  RankingEvaluatorOptions options;
  options.ks = {1, 3};
  options.num_items = 6;
  options.item_popularity = {3, 2, 1, 0, 0, 1};
  options.num_train_users = 3;
  options.similarity = [](int32_t a, int32_t b) { return a % 2 == b % 2 ? 1.0 : 0.0; };
  return options;
}

TEST(RankingEvaluatorTest, ReportsHandComputedMeansOverUsers) {
  absl::StatusOr<std::unique_ptr<RankingEvaluator>> evaluator =
      RankingEvaluator::Create(SmallCatalogue());
  ASSERT_TRUE(evaluator.ok()) << evaluator.status();
  ASSERT_TRUE((*evaluator)->Add(10, {0, 1, 2}, {1, 4}).ok());
  ASSERT_TRUE((*evaluator)->Add(11, {3}, {3}).ok());
  ASSERT_TRUE((*evaluator)->Add(12, {0, 5}, {}).ok());  // skipped: nothing relevant

  const RankingReport report = (*evaluator)->Report();
  EXPECT_EQ(report.num_users, 2);
  EXPECT_EQ(report.num_skipped_users, 1);

  // Self-information -log2((pop + 1) / 4): item 0: 0 bits, item 1: log2(4/3), item 2: 1 bit,
  // item 3: 2 bits.
  const std::map<std::string, double> expected = {
      // K = 1. User 10 sees [0] (no hit), user 11 sees [3] (hit at rank 1, ideal 1 hit).
      {"precision@1", (0 + 1) / 2.0},
      {"recall@1", (0 + 1) / 2.0},
      {"ndcg@1", (0 + 1) / 2.0},
      {"map@1", (0 + 1) / 2.0},
      {"hit_rate@1", (0 + 1) / 2.0},
      {"coverage@1", 2.0 / 6},       // {0, 3}
      {"novelty@1", (0 + 2) / 2.0},  // items 0 and 3
      {"arp@1", (3 + 0) / 2.0},      // popularity of 0 and of 3
      // diversity@1: no list has 2 items, so it is absent.
      // K = 3. User 10: [0,1,2] of {1,4}, hit at rank 2: P = 1/3, R = 1/2,
      // NDCG = D2 / (D1 + D2), AP = (1/2) / min(2, 3).
      // User 11: [3] of {3}: P = 1/3 (divisor K), R = 1, NDCG = 1, AP = 1.
      {"precision@3", (1.0 / 3 + 1.0 / 3) / 2},
      {"recall@3", (0.5 + 1) / 2},
      {"ndcg@3", (D(2) / (1 + D(2)) + 1) / 2},
      {"map@3", (0.25 + 1) / 2},
      {"hit_rate@3", 1},
      {"coverage@3", 4.0 / 6},                              // {0, 1, 2, 3}
      {"novelty@3", (0 + std::log2(4.0 / 3) + 1 + 2) / 4},  // 4 recommended entries
      {"arp@3", ((3 + 2 + 1) / 3.0 + 0) / 2},
      // Only user 10's list has pairs: (0,1) 1, (0,2) 0, (1,2) 1.
      {"diversity@3", 2.0 / 3},
  };
  ASSERT_EQ(report.metrics.size(), expected.size());
  for (const auto& [name, value] : expected) {
    ASSERT_EQ(report.metrics.count(name), 1u) << name;
    EXPECT_NEAR(report.metrics.at(name), value, kTolerance) << name;
  }
}

TEST(RankingEvaluatorTest, OmitsDiversityWithoutSimilarity) {
  RankingEvaluatorOptions options = SmallCatalogue();
  options.similarity = nullptr;
  absl::StatusOr<std::unique_ptr<RankingEvaluator>> evaluator =
      RankingEvaluator::Create(std::move(options));
  ASSERT_TRUE(evaluator.ok()) << evaluator.status();
  ASSERT_TRUE((*evaluator)->Add(1, {0, 1, 2}, {1}).ok());
  const RankingReport report = (*evaluator)->Report();
  EXPECT_THAT(report.metrics, Contains(Key("ndcg@3")));
  EXPECT_THAT(report.metrics, Not(Contains(Key("diversity@3"))));
}

TEST(RankingEvaluatorTest, ReportIsEmptyBeforeAnyUser) {
  absl::StatusOr<std::unique_ptr<RankingEvaluator>> evaluator =
      RankingEvaluator::Create(SmallCatalogue());
  ASSERT_TRUE(evaluator.ok()) << evaluator.status();
  const RankingReport report = (*evaluator)->Report();
  EXPECT_EQ(report.num_users, 0);
  EXPECT_EQ(report.num_skipped_users, 0);
  EXPECT_THAT(report.metrics, IsEmpty());
}

TEST(RankingEvaluatorTest, EmptyListsCountAsMissesAndLeaveArpAndNoveltyOut) {
  absl::StatusOr<std::unique_ptr<RankingEvaluator>> evaluator =
      RankingEvaluator::Create(SmallCatalogue());
  ASSERT_TRUE(evaluator.ok()) << evaluator.status();
  ASSERT_TRUE((*evaluator)->Add(1, {}, {2}).ok());
  const RankingReport report = (*evaluator)->Report();
  EXPECT_EQ(report.num_users, 1);
  EXPECT_EQ(report.metrics.at("precision@3"), 0.0);
  EXPECT_EQ(report.metrics.at("recall@3"), 0.0);
  EXPECT_EQ(report.metrics.at("coverage@3"), 0.0);
  EXPECT_THAT(report.metrics, Not(Contains(Key("arp@3"))));
  EXPECT_THAT(report.metrics, Not(Contains(Key("novelty@3"))));
  EXPECT_THAT(report.metrics, Not(Contains(Key("diversity@3"))));
}

// A deterministic list and relevant set for user u of a 50-item catalogue.
void ListFor(int32_t user, std::vector<int32_t>& recommended,
             absl::flat_hash_set<int32_t>& relevant) {
  recommended.clear();
  relevant.clear();
  for (int32_t i = 0; i < 5; ++i) recommended.push_back((user * 7 + i * 11) % 50);
  for (int32_t i = 0; i < 3; ++i) relevant.insert((user * 13 + i * 5) % 50);
}

RankingEvaluatorOptions FiftyItems() {
  RankingEvaluatorOptions options;
  options.ks = {2, 5};
  options.num_items = 50;
  options.num_train_users = 100;
  for (int32_t i = 0; i < 50; ++i) options.item_popularity.push_back((i * 37) % 101);
  options.similarity = [](int32_t a, int32_t b) { return 1.0 / (1 + std::abs(a - b)); };
  return options;
}

TEST(RankingEvaluatorTest, ConcurrentAddsGiveTheSameReportAsSequentialOnes) {
  constexpr int kUsers = 400;
  constexpr int kThreads = 4;
  absl::StatusOr<std::unique_ptr<RankingEvaluator>> sequential =
      RankingEvaluator::Create(FiftyItems());
  absl::StatusOr<std::unique_ptr<RankingEvaluator>> parallel =
      RankingEvaluator::Create(FiftyItems());
  ASSERT_TRUE(sequential.ok()) << sequential.status();
  ASSERT_TRUE(parallel.ok()) << parallel.status();

  std::vector<int32_t> recommended;
  absl::flat_hash_set<int32_t> relevant;
  for (int32_t user = 0; user < kUsers; ++user) {
    ListFor(user, recommended, relevant);
    ASSERT_TRUE((*sequential)->Add(user, recommended, relevant).ok());
  }

  // Each thread adds every kThreads-th user, highest first: a different order from above.
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<int32_t> list;
      absl::flat_hash_set<int32_t> set;
      for (int32_t user = kUsers - 1 - t; user >= 0; user -= kThreads) {
        ListFor(user, list, set);
        if (!(*parallel)->Add(user, list, set).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, ElementsAre(0, 0, 0, 0));

  const RankingReport a = (*sequential)->Report();
  const RankingReport b = (*parallel)->Report();
  EXPECT_EQ(a.num_users, kUsers);
  EXPECT_EQ(b.num_users, kUsers);
  // Bit-identical: sums run in user order whatever the order of Add().
  EXPECT_EQ(a.metrics, b.metrics);
  EXPECT_THAT(a.metrics, Contains(Key("diversity@5")));
}

TEST(RankingEvaluatorTest, RejectsBadListsWithoutRecordingThem) {
  absl::StatusOr<std::unique_ptr<RankingEvaluator>> evaluator =
      RankingEvaluator::Create(SmallCatalogue());
  ASSERT_TRUE(evaluator.ok()) << evaluator.status();
  RankingEvaluator& e = **evaluator;

  struct BadAdd {
    int32_t user;
    std::vector<int32_t> recommended;
    absl::flat_hash_set<int32_t> relevant;
    const char* message;
  };
  const BadAdd cases[] = {
      {1, {0, 6}, {1}, "recommended: item 6 is outside [0, num_items = 6)"},
      {1, {-1}, {1}, "recommended: item -1 is outside"},
      {1, {0}, {9}, "relevant: item 9 is outside"},
      {1, {2, 3, 2}, {1}, "recommended: item 2 repeats"},
      {1, {0, 6}, {}, "recommended: item 6"},  // checked before skipping
  };
  for (const BadAdd& c : cases) {
    const absl::Status status = e.Add(c.user, c.recommended, c.relevant);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  EXPECT_EQ(e.Report().num_users, 0);

  ASSERT_TRUE(e.Add(1, {0}, {0}).ok());
  ASSERT_TRUE(e.Add(2, {0}, {}).ok());
  for (const int32_t user : {1, 2}) {
    for (const bool empty_relevant : {false, true}) {
      const absl::Status status =
          e.Add(user, {1},
                empty_relevant ? absl::flat_hash_set<int32_t>{} : absl::flat_hash_set<int32_t>{1});
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(status.message(), HasSubstr("already added"));
    }
  }
  const RankingReport report = e.Report();
  EXPECT_EQ(report.num_users, 1);
  EXPECT_EQ(report.num_skipped_users, 1);
  EXPECT_EQ(report.metrics.at("precision@1"), 1.0);
}

TEST(RankingEvaluatorTest, CreateRejectsBadOptionsNamingThem) {
  struct BadOptions {
    const char* field;
    std::function<void(RankingEvaluatorOptions&)> spoil;
  };
  const BadOptions cases[] = {
      {"ks", [](RankingEvaluatorOptions& o) { o.ks.clear(); }},
      {"ks[1]",
       [](RankingEvaluatorOptions& o) {
         o.ks = {1, 0};
       }},
      {"ks[2]",
       [](RankingEvaluatorOptions& o) {
         o.ks = {1, 3, 1};
       }},
      {"num_items", [](RankingEvaluatorOptions& o) { o.num_items = 0; }},
      {"num_train_users", [](RankingEvaluatorOptions& o) { o.num_train_users = -1; }},
      {"item_popularity", [](RankingEvaluatorOptions& o) { o.item_popularity.pop_back(); }},
      {"item_popularity[0]", [](RankingEvaluatorOptions& o) { o.item_popularity[0] = 4; }},
      {"item_popularity[3]", [](RankingEvaluatorOptions& o) { o.item_popularity[3] = -1; }},
  };
  for (const BadOptions& c : cases) {
    RankingEvaluatorOptions options = SmallCatalogue();
    c.spoil(options);
    const absl::StatusOr<std::unique_ptr<RankingEvaluator>> evaluator =
        RankingEvaluator::Create(std::move(options));
    EXPECT_EQ(evaluator.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(evaluator.status().message(), HasSubstr(std::string(c.field) + ":"));
  }
}

}  // namespace
}  // namespace aigc::recommender::eval
