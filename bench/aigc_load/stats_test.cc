#include "bench/aigc_load/stats.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace aigc::load {
namespace {

struct PercentileCase {
  double q;
  int64_t expected;
};

class NearestRankPercentileTest : public ::testing::TestWithParam<PercentileCase> {};

// Ten samples 10, 20, ..., 100: the q-th percentile is the sample at 1-based
// rank ceil(10 q).
TEST_P(NearestRankPercentileTest, PicksTheSampleAtRankCeilQTimesN) {
  const std::vector<int64_t> sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  EXPECT_EQ(NearestRankPercentile(sorted, GetParam().q), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(TenSamples, NearestRankPercentileTest,
                         ::testing::Values(PercentileCase{0.01, 10},   // rank ceil(0.1) = 1
                                           PercentileCase{0.10, 10},   // rank 1
                                           PercentileCase{0.11, 20},   // rank ceil(1.1) = 2
                                           PercentileCase{0.50, 50},   // rank 5
                                           PercentileCase{0.51, 60},   // rank ceil(5.1) = 6
                                           PercentileCase{0.70, 70},   // rank 7, not 8
                                           PercentileCase{0.90, 90},   // rank 9
                                           PercentileCase{0.99, 100},  // rank ceil(9.9) = 10
                                           PercentileCase{1.00, 100}));

TEST(NearestRankPercentileTest, RankIsExactWhereDoublesRoundUp) {
  // 0.07 * 100 is 7.000000000000001 in doubles; the rank must still be 7.
  std::vector<int64_t> sorted;
  for (int64_t i = 1; i <= 100; ++i) sorted.push_back(i);
  EXPECT_EQ(NearestRankPercentile(sorted, 0.07), 7);
  EXPECT_EQ(NearestRankPercentile(sorted, 0.999), 100);
}

TEST(NearestRankPercentileTest, EmptySetGivesZero) { EXPECT_EQ(NearestRankPercentile({}, 0.5), 0); }

TEST(SummarizeLatenciesTest, ComputesMeanPercentilesAndMaxInMilliseconds) {
  // 1..5 ms and one 20 ms outlier, unsorted, in nanoseconds. Sorted: 1 2 3 4 5 20.
  std::vector<int64_t> latencies_ns = {3'000'000, 20'000'000, 1'000'000,
                                       5'000'000, 2'000'000,  4'000'000};
  const LatencySummary summary = SummarizeLatencies(latencies_ns);
  EXPECT_EQ(summary.count, 6);
  EXPECT_DOUBLE_EQ(summary.mean_ms, 35.0 / 6);  // (1+2+3+4+5+20) / 6
  EXPECT_DOUBLE_EQ(summary.p50_ms, 3);          // rank ceil(3.0) = 3
  EXPECT_DOUBLE_EQ(summary.p90_ms, 20);         // rank ceil(5.4) = 6
  EXPECT_DOUBLE_EQ(summary.p99_ms, 20);         // rank ceil(5.94) = 6
  EXPECT_DOUBLE_EQ(summary.max_ms, 20);
}

TEST(SummarizeLatenciesTest, KeepsNanosecondResolution) {
  std::vector<int64_t> latencies_ns = {1'234'567};
  const LatencySummary summary = SummarizeLatencies(latencies_ns);
  EXPECT_DOUBLE_EQ(summary.p50_ms, 1.234567);
  EXPECT_DOUBLE_EQ(summary.max_ms, 1.234567);
}

TEST(SummarizeLatenciesTest, NoSamplesGiveAllZeros) {
  std::vector<int64_t> latencies_ns;
  const LatencySummary summary = SummarizeLatencies(latencies_ns);
  EXPECT_EQ(summary.count, 0);
  EXPECT_EQ(summary.mean_ms, 0);
  EXPECT_EQ(summary.p99_ms, 0);
  EXPECT_EQ(summary.max_ms, 0);
}

}  // namespace
}  // namespace aigc::load
