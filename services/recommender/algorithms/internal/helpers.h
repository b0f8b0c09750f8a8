// Small pieces shared by the algorithms' implementations.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_HELPERS_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_HELPERS_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "Eigen/Core"
#include "services/recommender/algorithms/model.h"
#include "services/recommender/core/archive.h"

namespace aigc::recommender::internal {

// DATA_LOSS naming `key` unless `matrix` is rows x cols.
absl::Status CheckShape(const FloatMatrix& matrix, int64_t rows, int64_t cols,
                        absl::string_view key);

// DATA_LOSS naming `key` unless `values` has `size` entries, each in
// [0, limit) (limit < 0: any value).
absl::Status CheckIndices(absl::Span<const int32_t> values, int64_t size, int64_t limit,
                          absl::string_view key);

// Replaces the symmetric positive definite `matrix` by its inverse
// (Cholesky). INTERNAL "<what>: ... is not positive definite" otherwise.
absl::Status InvertInPlace(Eigen::MatrixXd& matrix, absl::string_view what);

// REASON_TYPE_SIMILAR_TO_HISTORY citing the (up to 3) history items with the
// largest positive contribution(entry index into profile.items), or
// REASON_TYPE_PERSONALIZED citing none when no contribution is positive.
Explanation ExplainByHistory(const UserProfile& profile,
                             const std::function<float(size_t entry)>& contribution);

}  // namespace aigc::recommender::internal

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_INTERNAL_HELPERS_H_
