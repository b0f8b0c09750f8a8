#include "services/imagegen/eval/frechet_distance.h"

#include <algorithm>
#include <cmath>

#include "Eigen/Core"
#include "Eigen/Eigenvalues"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::imagegen {
namespace {

using RowMajorFloats =
    Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

absl::Status CheckRows(const char* field, std::span<const float> features, int dim) {
  if (features.size() % dim != 0 || features.size() / dim < 2) {
    return status::InvalidField(field, absl::StrCat("must hold at least 2 rows of ", dim,
                                                    " features, got ", features.size(), " values"));
  }
  return absl::OkStatus();
}

struct Gaussian {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
};

Gaussian Fit(std::span<const float> features, int dim) {
  const Eigen::Index rows = static_cast<Eigen::Index>(features.size() / dim);
  const Eigen::MatrixXd x = RowMajorFloats(features.data(), rows, dim).cast<double>();
  Gaussian fit;
  fit.mean = x.colwise().mean().transpose();
  const Eigen::MatrixXd centred = x.rowwise() - fit.mean.transpose();
  fit.covariance = (centred.transpose() * centred) / static_cast<double>(rows - 1);
  return fit;
}

// The solved matrix's eigenvalues, with negative rounding set to 0.
Eigen::VectorXd ClampedEigenvalues(const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>& solver) {
  return solver.eigenvalues().cwiseMax(0.0);
}

}  // namespace

absl::StatusOr<double> FrechetDistance(std::span<const float> features_a,
                                       std::span<const float> features_b, int dim) {
  if (dim < 1) return status::InvalidField("dim", absl::StrCat("must be >= 1, got ", dim));
  AIGC_RETURN_IF_ERROR(CheckRows("features_a", features_a, dim));
  AIGC_RETURN_IF_ERROR(CheckRows("features_b", features_b, dim));
  const Gaussian a = Fit(features_a, dim);
  const Gaussian b = Fit(features_b, dim);

  // S_a^1/2 = V diag(sqrt(l)) V^T; then Tr((S_a^1/2 S_b S_a^1/2)^1/2) is the
  // sum of the square roots of that symmetric matrix's eigenvalues.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solve_a(a.covariance);
  const Eigen::MatrixXd sqrt_a = solve_a.eigenvectors() *
                                 ClampedEigenvalues(solve_a).cwiseSqrt().asDiagonal() *
                                 solve_a.eigenvectors().transpose();
  Eigen::MatrixXd product = sqrt_a * b.covariance * sqrt_a;
  // Symmetric up to rounding; make it exactly so for the solver.
  product = (0.5 * (product + product.transpose())).eval();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solve_product(product,
                                                                     Eigen::EigenvaluesOnly);
  const double trace_sqrt = ClampedEigenvalues(solve_product).cwiseSqrt().sum();

  const double distance = (a.mean - b.mean).squaredNorm() + a.covariance.trace() +
                          b.covariance.trace() - 2.0 * trace_sqrt;
  return std::max(distance, 0.0);
}

}  // namespace aigc::imagegen
