// Parsing of the flags aigc-rec-eval and aigc-rec-train share.
#ifndef AIGC_SERVICES_RECOMMENDER_TOOLS_TOOL_FLAGS_H_
#define AIGC_SERVICES_RECOMMENDER_TOOLS_TOOL_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// "ease,item_knn" (names or ALGORITHM_* enum names) -> algorithms, in order.
// INVALID_ARGUMENT naming `flag` for an unknown name or an empty list.
absl::StatusOr<std::vector<aigc::recommender::v1::Algorithm>> ParseAlgorithmList(
    const std::string& text, absl::string_view flag);

// "ease.lambda=250,item_knn.neighbours=50" -> parsed Hyperparameters.
// INVALID_ARGUMENT naming `flag` or the parameter.
absl::StatusOr<Hyperparameters> ParseHyperparameterList(const std::string& text,
                                                        absl::string_view flag);

// "10,20" -> cut-offs, each >= 1. INVALID_ARGUMENT naming `flag`.
absl::StatusOr<std::vector<int>> ParseCutoffs(const std::string& text, absl::string_view flag);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_TOOLS_TOOL_FLAGS_H_
