#include "services/recommender/algorithms/internal/factors.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/internal/helpers.h"

namespace aigc::recommender::internal {

History UsableHistory(const UserProfile& profile, int32_t num_items) {
  History history;
  for (size_t e = 0; e < profile.items.size(); ++e) {
    const int32_t item = profile.items[e];
    if (item < 0 || item >= num_items) continue;
    float weight = e < profile.weights.size() ? profile.weights[e] : 1.0f;
    if (!std::isfinite(weight) || weight < 0) weight = 0;
    history.entries.push_back(e);
    history.items.push_back(item);
    history.weights.push_back(weight);
    history.ratings.push_back(e < profile.ratings.size() ? profile.ratings[e]
                                                         : std::numeric_limits<float>::quiet_NaN());
  }
  return history;
}

void PutFactors(Archive& archive, absl::string_view key, const FactorMatrix& factors) {
  archive.PutFloats(key, factors.rows(), factors.cols(),
                    std::vector<float>(factors.data(), factors.data() + factors.size()));
}

absl::StatusOr<FactorMatrix> GetFactors(const Archive& archive, absl::string_view key, int64_t rows,
                                        int64_t min_cols, int64_t max_cols) {
  absl::StatusOr<FloatMatrix> matrix = archive.GetFloats(key);
  if (!matrix.ok()) {
    return absl::DataLossError(
        absl::StrCat("archive entry \"", key, "\" is unusable: ", matrix.status().message()));
  }
  // Bounding the width also bounds what a model derives from it (a k x k Gram
  // matrix), even when `rows` is 0 and the entry holds no values at all.
  const int64_t cols = std::clamp(matrix->cols, min_cols, max_cols);
  AIGC_RETURN_IF_ERROR(CheckShape(*matrix, rows, cols, key));
  for (float value : matrix->values) {
    if (!std::isfinite(value)) {
      return absl::DataLossError(absl::StrCat("archive entry \"", key, "\" holds ", value));
    }
  }
  return FactorMatrix(Eigen::Map<const FactorMatrix>(matrix->values.data(), rows, cols));
}

absl::StatusOr<double> GetNumber(const Archive& archive, absl::string_view key, double min,
                                 double max) {
  absl::StatusOr<double> value = archive.GetNumber(key);
  if (!value.ok()) {
    return absl::DataLossError(
        absl::StrCat("archive entry \"", key, "\" is unusable: ", value.status().message()));
  }
  if (!std::isfinite(*value) || *value < min || *value > max) {
    return absl::DataLossError(absl::StrCat("archive entry \"", key, "\" holds ", *value,
                                            ", expected a value in [", min, ", ", max, "]"));
  }
  return *value;
}

std::vector<float> RowNorms(const FactorMatrix& factors) {
  std::vector<float> norms(factors.rows());
  for (int64_t r = 0; r < factors.rows(); ++r) norms[r] = factors.row(r).norm();
  return norms;
}

absl::Status CosineSimilarities(const FactorMatrix& factors, absl::Span<const float> norms,
                                int32_t item, absl::Span<float> scores) {
  if (item < 0 || item >= factors.rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("item index ", item, " outside [0, ", factors.rows(), ")"));
  }
  if (static_cast<int64_t>(scores.size()) != factors.rows()) {
    return absl::InvalidArgumentError(
        absl::StrCat("scores has ", scores.size(), " entries, expected ", factors.rows()));
  }
  Eigen::Map<Eigen::VectorXf> out(scores.data(), factors.rows());
  out = factors * factors.row(item).transpose();
  for (int64_t r = 0; r < factors.rows(); ++r) {
    const float denominator = norms[r] * norms[item];
    out[r] = denominator > 0 ? out[r] / denominator : 0.0f;
  }
  return absl::OkStatus();
}

}  // namespace aigc::recommender::internal
