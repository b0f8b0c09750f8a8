// Content-based: TF-IDF over item tokens (ItemTokens), user profile = weighted sum of history item
// vectors.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_CONTENT_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_CONTENT_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// Parameters "content.*".
std::vector<ParamSpec> ContentParams();

absl::StatusOr<std::unique_ptr<RecModel>> TrainContent(const TrainingSet& set,
                                                       const Hyperparameters& params,
                                                       const TrainContext& context);

absl::StatusOr<std::unique_ptr<RecModel>> LoadContent(IdIndex users, IdIndex items,
                                                      const Archive& archive);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_CONTENT_H_
