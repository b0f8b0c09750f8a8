// User-based k-nearest neighbours: cosine similarity between a user's history and the training
// users.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_USER_KNN_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_USER_KNN_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// Parameters "user_knn.*".
std::vector<ParamSpec> UserKnnParams();

absl::StatusOr<std::unique_ptr<RecModel>> TrainUserKnn(const TrainingSet& set,
                                                       const Hyperparameters& params,
                                                       const TrainContext& context);

absl::StatusOr<std::unique_ptr<RecModel>> LoadUserKnn(IdIndex users, IdIndex items,
                                                      const Archive& archive);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_USER_KNN_H_
