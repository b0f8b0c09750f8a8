// Item-based k-nearest neighbours: cosine similarity with shrinkage on implicit feedback; Pearson
// on ratings for PredictRating.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_ITEM_KNN_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_ITEM_KNN_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// Parameters "item_knn.*".
std::vector<ParamSpec> ItemKnnParams();

absl::StatusOr<std::unique_ptr<RecModel>> TrainItemKnn(const TrainingSet& set,
                                                       const Hyperparameters& params,
                                                       const TrainContext& context);

absl::StatusOr<std::unique_ptr<RecModel>> LoadItemKnn(IdIndex users, IdIndex items,
                                                      const Archive& archive);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_ITEM_KNN_H_
