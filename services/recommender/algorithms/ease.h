// EASE (Steck 2019): the closed-form item-item model B = I - P diag(1/diag P), P = (X'X + lambda
// I)^-1; X'X also counts shared content tokens as pseudo-users (CEASE, Jeunen et al. 2020).
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_EASE_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_EASE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// Parameters "ease.*".
std::vector<ParamSpec> EaseParams();

absl::StatusOr<std::unique_ptr<RecModel>> TrainEase(const TrainingSet& set,
                                                    const Hyperparameters& params,
                                                    const TrainContext& context);

absl::StatusOr<std::unique_ptr<RecModel>> LoadEase(IdIndex users, IdIndex items,
                                                   const Archive& archive);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_EASE_H_
