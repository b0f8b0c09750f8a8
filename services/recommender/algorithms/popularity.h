// Popularity: items ranked by time-decayed, event-weighted interaction counts.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_POPULARITY_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_POPULARITY_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// Parameters "popularity.*".
std::vector<ParamSpec> PopularityParams();

absl::StatusOr<std::unique_ptr<RecModel>> TrainPopularity(const TrainingSet& set,
                                                          const Hyperparameters& params,
                                                          const TrainContext& context);

absl::StatusOr<std::unique_ptr<RecModel>> LoadPopularity(IdIndex users, IdIndex items,
                                                         const Archive& archive);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_POPULARITY_H_
