#include "services/copywriter/eval/intent_metrics.h"

#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/copywriter/eval/mean_and_count.h"

namespace aigc::copy_eval {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

TEST(IntentAccuracyTest, CountsCorrectLabelsAndConfusions) {
  const std::vector<int> predicted = {1, 2, 2, 0};
  const std::vector<int> expected = {1, 2, 1, 0};
  const absl::StatusOr<IntentAccuracyReport> report = IntentAccuracy(predicted, expected);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->correct, 3);
  EXPECT_EQ(report->total, 4);
  EXPECT_DOUBLE_EQ(report->accuracy, 0.75);
  // Keyed by (expected, predicted): the one error expected 1, predicted 2.
  EXPECT_THAT(report->confusion, UnorderedElementsAre(Pair(Pair(0, 0), 1), Pair(Pair(1, 1), 1),
                                                      Pair(Pair(1, 2), 1), Pair(Pair(2, 2), 1)));
}

TEST(IntentAccuracyTest, EmptyLabelsAreInvalid) {
  const absl::StatusOr<IntentAccuracyReport> report = IntentAccuracy({}, {});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("expected"));
}

TEST(IntentAccuracyTest, MismatchedLengthsAreInvalid) {
  const std::vector<int> predicted = {1};
  const std::vector<int> expected = {1, 2};
  const absl::StatusOr<IntentAccuracyReport> report = IntentAccuracy(predicted, expected);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("predicted"));
}

TEST(MeanAndCountTest, AveragesAddedValuesAndIsZeroWhenEmpty) {
  MeanAndCount mean;
  EXPECT_EQ(mean.count(), 0);
  EXPECT_EQ(mean.mean(), 0.0);
  mean.Add(1.0);
  mean.Add(2.0);
  mean.Add(4.0);
  EXPECT_EQ(mean.count(), 3);
  EXPECT_DOUBLE_EQ(mean.mean(), 7.0 / 3.0);
}

}  // namespace
}  // namespace aigc::copy_eval
