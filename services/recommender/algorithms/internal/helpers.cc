#include "services/recommender/algorithms/internal/helpers.h"

#include <algorithm>

#include "Eigen/Cholesky"
#include "absl/strings/str_cat.h"

namespace aigc::recommender::internal {

absl::Status CheckShape(const FloatMatrix& matrix, int64_t rows, int64_t cols,
                        absl::string_view key) {
  if (matrix.rows == rows && matrix.cols == cols) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("archive entry \"", key, "\" is ", matrix.rows, "x",
                                          matrix.cols, ", expected ", rows, "x", cols));
}

absl::Status CheckIndices(absl::Span<const int32_t> values, int64_t size, int64_t limit,
                          absl::string_view key) {
  if (static_cast<int64_t>(values.size()) != size) {
    return absl::DataLossError(absl::StrCat("archive entry \"", key, "\" has ", values.size(),
                                            " entries, expected ", size));
  }
  if (limit >= 0) {
    for (int32_t value : values) {
      if (value < 0 || value >= limit) {
        return absl::DataLossError(
            absl::StrCat("archive entry \"", key, "\" holds ", value, " outside [0, ", limit, ")"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status InvertInPlace(Eigen::MatrixXd& matrix, absl::string_view what) {
  const Eigen::LLT<Eigen::MatrixXd> cholesky(matrix);
  if (cholesky.info() != Eigen::Success) {
    return absl::InternalError(absl::StrCat(what, " is not positive definite"));
  }
  matrix.setIdentity();
  cholesky.solveInPlace(matrix);
  return absl::OkStatus();
}

Explanation ExplainByHistory(const UserProfile& profile,
                             const std::function<float(size_t entry)>& contribution) {
  std::vector<std::pair<float, int32_t>> found;
  for (size_t h = 0; h < profile.items.size(); ++h) {
    const float c = contribution(h);
    if (c > 0) found.emplace_back(c, profile.items[h]);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  Explanation explanation{.type = aigc::recommender::v1::REASON_TYPE_SIMILAR_TO_HISTORY};
  for (size_t n = 0; n < found.size() && n < 3; ++n) explanation.items.push_back(found[n].second);
  if (explanation.items.empty()) explanation.type = aigc::recommender::v1::REASON_TYPE_PERSONALIZED;
  return explanation;
}

}  // namespace aigc::recommender::internal
