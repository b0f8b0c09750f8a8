// Hybrid: a weighted blend of other algorithms' scores. It has no weights of
// its own; it combines models already trained (offline) or loaded (serving).
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_HYBRID_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_HYBRID_H_

#include <vector>

#include "absl/types/span.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// Parameters "hybrid.<algorithm>": each algorithm's blend weight.
std::vector<ParamSpec> HybridParams();

// The algorithms with a positive "hybrid.<algorithm>" weight in `params`,
// with their weights.
std::vector<std::pair<aigc::recommender::v1::Algorithm, double>> HybridWeights(
    const Hyperparameters& params);

// Adds weight * z(scores) to `blended` (same length), where z standardises
// the finite scores to mean 0 and standard deviation 1 (all 0 when they are
// constant) and gives non-finite ones (items the component does not propose)
// the lowest finite z. Standardising puts algorithms with different score
// scales on one footing.
void AddStandardised(absl::Span<const float> scores, double weight, absl::Span<float> blended);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_HYBRID_H_
