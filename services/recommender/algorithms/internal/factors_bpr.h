// The numerical core of BPR-MF (Rendle et al. 2009) with item biases: one
// stochastic gradient step on a (user, positive, negative) triple, the same
// step for the user alone (fold-in), and uniform negative sampling.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_BPR_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_BPR_H_

#include <algorithm>
#include <cstdint>
#include <random>

#include "Eigen/Core"
#include "absl/types/span.h"

namespace aigc::recommender::internal {

// One gradient-ascent step on ln sigma(x) - reg/2 |parameters|^2 for the
// triple (user, positive, negative), where
//   x = user'(positive - negative) + positive_bias - negative_bias,
//   g = sigma(-x) = 1 / (1 + e^x):
//   user          += lr (g (positive - negative) - reg user)
//   positive      += lr (g user - reg positive)
//   negative      += lr (-g user - reg negative)
//   positive_bias += lr (g - reg positive_bias)
//   negative_bias += lr (-g - reg negative_bias)
// every right-hand side using the values before the step. Returns
// ln sigma(x) before the step. The three rows must not alias.
double BprStep(Eigen::Ref<Eigen::RowVectorXf> user, Eigen::Ref<Eigen::RowVectorXf> positive,
               Eigen::Ref<Eigen::RowVectorXf> negative, float& positive_bias, float& negative_bias,
               float learning_rate, float regularization);

// The user's part of BprStep with the items and their biases held fixed:
// user += lr (g (positive - negative) - reg user). Returns ln sigma(x) before
// the step.
double BprUserStep(Eigen::Ref<Eigen::RowVectorXf> user,
                   const Eigen::Ref<const Eigen::RowVectorXf>& positive,
                   const Eigen::Ref<const Eigen::RowVectorXf>& negative, float positive_bias,
                   float negative_bias, float learning_rate, float regularization);

// Returns an item drawn uniformly from [0, num_items) minus
// `sorted_positives` (ascending), by rejection with `rng`; -1 when
// kMaxNegativeTries draws all hit positives (a user who has seen nearly
// everything), so the caller skips the sample. Not thread-safe for a shared
// `rng`.
inline constexpr int kMaxNegativeTries = 32;
template <typename Rng>
int32_t SampleNegative(int32_t num_items, absl::Span<const int32_t> sorted_positives, Rng& rng) {
  std::uniform_int_distribution<int32_t> uniform(0, num_items - 1);
  for (int attempt = 0; attempt < kMaxNegativeTries; ++attempt) {
    const int32_t item = uniform(rng);
    if (!std::binary_search(sorted_positives.begin(), sorted_positives.end(), item)) return item;
  }
  return -1;
}

}  // namespace aigc::recommender::internal

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_FACTORS_BPR_H_
