// Bayesian personalised ranking (Rendle et al. 2009): matrix factorisation trained by SGD on
// sampled (user, seen item, unseen item) triples.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_BPR_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_BPR_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// Parameters "bpr.*".
std::vector<ParamSpec> BprParams();

absl::StatusOr<std::unique_ptr<RecModel>> TrainBpr(const TrainingSet& set,
                                                   const Hyperparameters& params,
                                                   const TrainContext& context);

absl::StatusOr<std::unique_ptr<RecModel>> LoadBpr(IdIndex users, IdIndex items,
                                                  const Archive& archive);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_BPR_H_
