// TopK: the best-scored indices of a score vector.
#ifndef AIGC_SERVICES_RECOMMENDER_CORE_TOP_K_H_
#define AIGC_SERVICES_RECOMMENDER_CORE_TOP_K_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace aigc::recommender {

// Indices of the `k` largest scores, largest first (ties: lower index
// first). Fewer when `scores` is shorter. Scores must not be NaN.
std::vector<int32_t> TopK(absl::Span<const float> scores, int k);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_CORE_TOP_K_H_
