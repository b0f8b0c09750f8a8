// The numerical core of alternating least squares: the per-row solves of
// implicit ALS (Hu, Koren & Volinsky 2008) and of biased explicit-rating ALS
// with weighted-lambda regularisation (Zhou et al. 2008), one half-step over
// all rows, and the objectives. Training alternates half-steps; the model
// folds a live profile in with the same per-row solve, so a training user's
// history reproduces their trained row exactly.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_ALS_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_ALS_H_

#include <cstdint>

#include "Eigen/Core"
#include "absl/types/span.h"
#include "services/recommender/algorithms/internal/factors.h"
#include "services/recommender/core/training_set.h"

namespace aigc::recommender::internal {

// Returns factors' factors (k x k), in double.
Eigen::MatrixXd Gram(const FactorMatrix& factors);

// Normal equations lhs * x = rhs of one row's least-squares problem.
struct NormalEquations {
  Eigen::MatrixXd lhs;
  Eigen::VectorXd rhs;
};

// Returns the implicit-ALS normal equations of one user (or, transposed, one
// item) whose observed entries are rows `indices` of `fixed` with implicit
// weights `weights` (parallel, each >= 0):
//   lhs = gram + sum_j alpha w_j f_j f_j' + lambda I,
//   rhs = sum_j (1 + alpha w_j) f_j,
// i.e. confidence c_j = 1 + alpha w_j and preference 1 on observed entries,
// confidence 1 and preference 0 elsewhere. `gram` is Gram(fixed): it covers
// the unobserved entries, so the cost is O(|indices| k^2), not O(rows k^2).
// lhs is positive definite for lambda > 0. Indices must be rows of `fixed`.
// Thread-safe.
NormalEquations ImplicitNormalEquations(const Eigen::MatrixXd& gram, const FactorMatrix& fixed,
                                        absl::Span<const int32_t> indices,
                                        absl::Span<const float> weights, double alpha,
                                        double lambda);

// Returns the solution of `equations` by Cholesky factorisation, or zeros
// when lhs is not positive definite (only possible with non-finite inputs).
Eigen::VectorXd SolveNormalEquations(const NormalEquations& equations);

// One implicit-ALS half-step: every row r of `solved` becomes the exact
// minimiser of the objective with `fixed` held, given row r of `weights`
// (weights.rows() == solved.rows(), weights.cols() == fixed.rows(),
// compressed). Rows without entries become zero. Runs on `threads` threads;
// `solved` must not be shared with another caller.
void ImplicitHalfStep(const SparseMatrix& weights, const FactorMatrix& fixed, double alpha,
                      double lambda, int threads, FactorMatrix& solved);

// Returns the implicit-ALS objective
//   sum over all (u, i) of c_ui (p_ui - x_u'y_i)^2 + lambda (|X|^2 + |Y|^2)
// for `weights` (users x items, compressed) in O(nnz k + (users + items) k^2).
// Thread-safe.
double ImplicitLoss(const SparseMatrix& weights, const FactorMatrix& users,
                    const FactorMatrix& items, double alpha, double lambda);

// Returns (b, x) in one vector [b, x_1 .. x_k] minimising
//   sum_j (r_j - mean - fixed_bias_j - b - f_j'x)^2 + lambda n (b^2 + |x|^2)
// where j runs over `indices` (rows of `fixed`), r_j are the parallel
// `ratings` and n = |indices|: the weighted-lambda ridge step of biased
// explicit ALS. Zeros when `indices` is empty. Thread-safe.
Eigen::VectorXd BiasedRidgeSolve(const FactorMatrix& fixed, const Eigen::VectorXf& fixed_bias,
                                 absl::Span<const int32_t> indices, absl::Span<const float> ratings,
                                 double mean, double lambda);

// One biased explicit-ALS half-step: row r of (`solved_bias`, `solved`) becomes
// BiasedRidgeSolve over row r of `ratings` (ratings.rows() == solved.rows(),
// ratings.cols() == fixed.rows(), compressed). Runs on `threads` threads.
void BiasedHalfStep(const SparseMatrix& ratings, const FactorMatrix& fixed,
                    const Eigen::VectorXf& fixed_bias, double mean, double lambda, int threads,
                    FactorMatrix& solved, Eigen::VectorXf& solved_bias);

// Returns the root mean squared error of mean + b_u + b_i + p_u'q_i over the
// entries of `ratings` (users x items, compressed); 0 when it has none.
// Thread-safe.
double BiasedRmse(const SparseMatrix& ratings, const FactorMatrix& users,
                  const Eigen::VectorXf& user_bias, const FactorMatrix& items,
                  const Eigen::VectorXf& item_bias, double mean);

}  // namespace aigc::recommender::internal

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_ALS_H_
