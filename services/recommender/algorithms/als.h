// Alternating least squares: implicit-feedback factors (Hu, Koren & Volinsky 2008) for ranking,
// plus explicit-rating factors with biases for PredictRating when the training set has ratings.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_ALS_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_ALS_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// Parameters "als.*".
std::vector<ParamSpec> AlsParams();

absl::StatusOr<std::unique_ptr<RecModel>> TrainAls(const TrainingSet& set,
                                                   const Hyperparameters& params,
                                                   const TrainContext& context);

absl::StatusOr<std::unique_ptr<RecModel>> LoadAls(IdIndex users, IdIndex items,
                                                  const Archive& archive);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_ALS_H_
