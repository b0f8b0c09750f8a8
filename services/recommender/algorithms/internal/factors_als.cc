#include "services/recommender/algorithms/internal/factors_als.h"

#include <cmath>

#include "Eigen/Cholesky"
#include "glog/logging.h"
#include "services/recommender/algorithms/internal/helpers.h"
#include "services/recommender/core/parallel_for.h"

namespace aigc::recommender::internal {
namespace {

// The entries of one row of a compressed row-major matrix.
struct SparseRow {
  absl::Span<const int32_t> indices;
  absl::Span<const float> values;
};

SparseRow Row(const SparseMatrix& matrix, int64_t row) {
  const int32_t begin = matrix.outerIndexPtr()[row];
  const size_t size = matrix.outerIndexPtr()[row + 1] - begin;
  return {absl::MakeConstSpan(matrix.innerIndexPtr() + begin, size),
          absl::MakeConstSpan(matrix.valuePtr() + begin, size)};
}

// lhs += sum over columns c of `columns` of c c', lhs kept symmetric. The
// rank update touches the lower triangle only (half the work).
void AddOuterProducts(const Eigen::MatrixXd& columns, Eigen::MatrixXd& lhs) {
  lhs.selfadjointView<Eigen::Lower>().rankUpdate(columns);
  lhs.triangularView<Eigen::StrictlyUpper>() = lhs.transpose().eval();
}

}  // namespace

Eigen::MatrixXd Gram(const FactorMatrix& factors) {
  const Eigen::MatrixXd f = factors.cast<double>();
  return f.transpose() * f;
}

NormalEquations ImplicitNormalEquations(const Eigen::MatrixXd& gram, const FactorMatrix& fixed,
                                        absl::Span<const int32_t> indices,
                                        absl::Span<const float> weights, double alpha,
                                        double lambda) {
  const int64_t k = fixed.cols();
  NormalEquations equations{gram, Eigen::VectorXd::Zero(k)};
  equations.lhs.diagonal().array() += lambda;
  // Column e is sqrt(c_j - 1) f_j, so one rank update adds sum (c_j - 1) f_j f_j'.
  Eigen::MatrixXd scaled(k, indices.size());
  for (size_t e = 0; e < indices.size(); ++e) {
    const double extra_confidence = alpha * weights[e];
    const auto f = fixed.row(indices[e]).transpose().cast<double>();
    scaled.col(e) = std::sqrt(extra_confidence) * f;
    equations.rhs += (1.0 + extra_confidence) * f;
  }
  AddOuterProducts(scaled, equations.lhs);
  return equations;
}

Eigen::VectorXd SolveNormalEquations(const NormalEquations& equations) {
  Eigen::LLT<Eigen::MatrixXd> llt(equations.lhs);
  if (llt.info() != Eigen::Success) return Eigen::VectorXd::Zero(equations.rhs.size());
  return llt.solve(equations.rhs);
}

void ImplicitHalfStep(const SparseMatrix& weights, const FactorMatrix& fixed, double alpha,
                      double lambda, int threads, FactorMatrix& solved) {
  CHECK(weights.isCompressed());
  CHECK_EQ(weights.rows(), solved.rows());
  CHECK_EQ(weights.cols(), fixed.rows());
  const Eigen::MatrixXd gram = Gram(fixed);
  ParallelFor(threads, weights.rows(), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const SparseRow row = Row(weights, r);
      if (row.indices.empty()) {
        solved.row(r).setZero();
        continue;
      }
      const NormalEquations equations =
          ImplicitNormalEquations(gram, fixed, row.indices, row.values, alpha, lambda);
      solved.row(r) = SolveNormalEquations(equations).cast<float>().transpose();
    }
  });
}

double ImplicitLoss(const SparseMatrix& weights, const FactorMatrix& users,
                    const FactorMatrix& items, double alpha, double lambda) {
  // Every entry as if unobserved (c = 1, p = 0): sum (x_u'y_i)^2 = <X'X, Y'Y>;
  // then the observed entries swap their term for c (1 - s)^2.
  double loss = Gram(users).cwiseProduct(Gram(items)).sum();
  for (int64_t u = 0; u < weights.rows(); ++u) {
    const SparseRow row = Row(weights, u);
    for (size_t e = 0; e < row.indices.size(); ++e) {
      const double s = users.row(u).cast<double>().dot(items.row(row.indices[e]).cast<double>());
      const double confidence = 1.0 + alpha * row.values[e];
      loss += confidence * (1.0 - s) * (1.0 - s) - s * s;
    }
  }
  return loss + lambda * (users.cast<double>().squaredNorm() + items.cast<double>().squaredNorm());
}

Eigen::VectorXd BiasedRidgeSolve(const FactorMatrix& fixed, const Eigen::VectorXf& fixed_bias,
                                 absl::Span<const int32_t> indices, absl::Span<const float> ratings,
                                 double mean, double lambda) {
  const int64_t k = fixed.cols();
  if (indices.empty()) return Eigen::VectorXd::Zero(k + 1);
  // Column e of `design` is z_j = [1, f_j]: the bias is a factor whose fixed
  // counterpart is always 1.
  Eigen::MatrixXd design(k + 1, indices.size());
  Eigen::VectorXd targets(indices.size());
  for (size_t e = 0; e < indices.size(); ++e) {
    const int32_t j = indices[e];
    design(0, e) = 1.0;
    design.col(e).tail(k) = fixed.row(j).transpose().cast<double>();
    targets[e] = ratings[e] - mean - fixed_bias[j];
  }
  NormalEquations equations{Eigen::MatrixXd::Zero(k + 1, k + 1), design * targets};
  AddOuterProducts(design, equations.lhs);
  equations.lhs.diagonal().array() += lambda * static_cast<double>(indices.size());
  return SolveNormalEquations(equations);
}

void BiasedHalfStep(const SparseMatrix& ratings, const FactorMatrix& fixed,
                    const Eigen::VectorXf& fixed_bias, double mean, double lambda, int threads,
                    FactorMatrix& solved, Eigen::VectorXf& solved_bias) {
  CHECK(ratings.isCompressed());
  CHECK_EQ(ratings.rows(), solved.rows());
  CHECK_EQ(ratings.rows(), solved_bias.size());
  CHECK_EQ(ratings.cols(), fixed.rows());
  ParallelFor(threads, ratings.rows(), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const SparseRow row = Row(ratings, r);
      const Eigen::VectorXd solution =
          BiasedRidgeSolve(fixed, fixed_bias, row.indices, row.values, mean, lambda);
      solved_bias[r] = static_cast<float>(solution[0]);
      solved.row(r) = solution.tail(fixed.cols()).cast<float>().transpose();
    }
  });
}

double BiasedRmse(const SparseMatrix& ratings, const FactorMatrix& users,
                  const Eigen::VectorXf& user_bias, const FactorMatrix& items,
                  const Eigen::VectorXf& item_bias, double mean) {
  double squared = 0;
  for (int64_t u = 0; u < ratings.rows(); ++u) {
    const SparseRow row = Row(ratings, u);
    for (size_t e = 0; e < row.indices.size(); ++e) {
      const int32_t i = row.indices[e];
      const double prediction = mean + user_bias[u] + item_bias[i] + users.row(u).dot(items.row(i));
      squared += (row.values[e] - prediction) * (row.values[e] - prediction);
    }
  }
  const int64_t count = ratings.nonZeros();
  return count == 0 ? 0.0 : std::sqrt(squared / static_cast<double>(count));
}

}  // namespace aigc::recommender::internal
