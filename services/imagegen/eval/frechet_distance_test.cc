#include "services/imagegen/eval/frechet_distance.h"

#include <cmath>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::imagegen {
namespace {

using ::testing::HasSubstr;

std::vector<float> RandomRows(int rows, int dim, uint32_t seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal;
  std::vector<float> values(static_cast<size_t>(rows) * dim);
  for (float& value : values) value = normal(random);
  return values;
}

// Four 2-d points, +-c e1 and +-c e2 with c = sqrt(3/2): mean 0 and sample
// covariance (n - 1 = 3) exactly the identity. Each is mapped to
// mean + m x, so the set's covariance is m m^T.
std::vector<float> Gaussian2d(double mean0, double mean1, double m00, double m01, double m10,
                              double m11) {
  const double c = std::sqrt(1.5);
  const double points[4][2] = {{c, 0}, {-c, 0}, {0, c}, {0, -c}};
  std::vector<float> rows;
  for (const auto& p : points) {
    rows.push_back(static_cast<float>(mean0 + m00 * p[0] + m01 * p[1]));
    rows.push_back(static_cast<float>(mean1 + m10 * p[0] + m11 * p[1]));
  }
  return rows;
}

TEST(FrechetDistanceTest, ASetIsAtDistanceZeroFromItself) {
  const std::vector<float> a = RandomRows(300, 16, 1);
  auto distance = FrechetDistance(a, a, 16);
  ASSERT_TRUE(distance.ok()) << distance.status();
  EXPECT_NEAR(*distance, 0, 1e-6);
}

TEST(FrechetDistanceTest, AShiftedCopyIsAtTheShiftsSquaredLength) {
  const int dim = 8;
  const std::vector<float> a = RandomRows(200, dim, 2);
  std::vector<float> b = a;
  double squared = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    const float shift = 0.25f * static_cast<float>(i % dim) - 1.0f;
    b[i] += shift;
    if (i < static_cast<size_t>(dim)) squared += static_cast<double>(shift) * shift;
  }
  auto distance = FrechetDistance(a, b, dim);
  ASSERT_TRUE(distance.ok()) << distance.status();
  EXPECT_NEAR(*distance, squared, 1e-4);
}

TEST(FrechetDistanceTest, DiagonalGaussiansGiveTheSquaredDifferencesOfStandardDeviations) {
  // N((0, 0), diag(4, 1)) vs N((0, 0), diag(1, 4)): (2 - 1)^2 + (1 - 2)^2.
  auto distance = FrechetDistance(Gaussian2d(0, 0, 2, 0, 0, 1), Gaussian2d(0, 0, 1, 0, 0, 2), 2);
  ASSERT_TRUE(distance.ok()) << distance.status();
  EXPECT_NEAR(*distance, 2.0, 1e-5);
}

TEST(FrechetDistanceTest, CorrelatedGaussiansMatchTheClosedForm) {
  // A = N((1, 2), diag(4, 1)), B = N((0, 0), [[2, 1], [1, 2]]) (the second
  // from its Cholesky factor). For 2 x 2 matrices Tr(M^1/2) =
  // sqrt(Tr M + 2 sqrt(det M)), M = A^1/2 B A^1/2: Tr M = Tr(AB) = 10,
  // det M = 4 * 3. FID = |(1, 2)|^2 + 5 + 4 - 2 sqrt(10 + 2 sqrt(12)).
  const std::vector<float> a = Gaussian2d(1, 2, 2, 0, 0, 1);
  const std::vector<float> b = Gaussian2d(0, 0, std::sqrt(2.0), 0, std::sqrt(0.5), std::sqrt(1.5));
  const double expected = 5 + 9 - 2 * std::sqrt(10 + 2 * std::sqrt(12.0));
  auto distance = FrechetDistance(a, b, 2);
  ASSERT_TRUE(distance.ok()) << distance.status();
  EXPECT_NEAR(*distance, expected, 1e-5);
  // Symmetric in its arguments.
  EXPECT_NEAR(*FrechetDistance(b, a, 2), expected, 1e-5);
}

TEST(FrechetDistanceTest, SetsOfDifferentSizesCompare) {
  auto distance = FrechetDistance(RandomRows(50, 4, 3), RandomRows(80, 4, 4), 4);
  ASSERT_TRUE(distance.ok()) << distance.status();
  EXPECT_GT(*distance, 0);
}

TEST(FrechetDistanceTest, RejectsBadShapes) {
  const std::vector<float> rows = RandomRows(3, 4, 5);
  EXPECT_THAT(FrechetDistance(rows, rows, 0).status().message(), HasSubstr("dim:"));
  auto ragged = FrechetDistance(std::span<const float>(rows).first(11), rows, 4);
  EXPECT_EQ(ragged.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ragged.status().message(), HasSubstr("features_a:"));
  auto one_row = FrechetDistance(rows, std::span<const float>(rows).first(4), 4);
  EXPECT_EQ(one_row.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(one_row.status().message(), HasSubstr("features_b:"));
}

}  // namespace
}  // namespace aigc::imagegen
