// Offline evaluation of trained models on a hold-out split: the driver behind
// aigc-rec-eval and the admin Train RPC's metrics.
#ifndef AIGC_SERVICES_RECOMMENDER_EVAL_OFFLINE_EVALUATION_H_
#define AIGC_SERVICES_RECOMMENDER_EVAL_OFFLINE_EVALUATION_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/recommender/algorithms/model.h"
#include "services/recommender/eval/metrics.h"
#include "services/recommender/eval/split.h"

namespace aigc::recommender::eval {

// Scores every item of the training set's item space for one profile (a
// model's Score, or a blend of several).
using ScoreFunction = std::function<void(const UserProfile& profile, absl::Span<float> scores)>;

struct OfflineOptions {
  std::vector<int> ks = {10, 20};
  // Threads scoring users in parallel (>= 1).
  int threads = 1;
};

// Splits `set` with `split_options` and returns the training half: same user
// and item indices, same item attributes, only the train interactions.
struct TrainTestSets {
  TrainingSet train;
  HoldOutSplit split;
  // The held-out interactions that carry a rating (for RMSE).
  std::vector<Interaction> held_out_ratings;
};
absl::StatusOr<TrainTestSets> MakeTrainTestSets(const TrainingSet& set,
                                                const SplitOptions& split_options);

// Ranks every item for each test user of `sets.split` from their train
// history (a profile with the user's index), removes the items they
// interacted with in train, keeps the top max(ks) of the finite scores and
// reports the ranking metrics against their held-out items. Intra-list
// diversity uses the Jaccard similarity of item tokens.
absl::StatusOr<RankingReport> EvaluateRanking(const ScoreFunction& score, const TrainTestSets& sets,
                                              const OfflineOptions& options);

// Root mean squared error of model.PredictRating over the held-out ratings,
// each predicted from the user's train history. UNIMPLEMENTED /
// FAILED_PRECONDITION when the model does not predict ratings.
absl::StatusOr<double> EvaluateRmse(const RecModel& model, const TrainTestSets& sets);

}  // namespace aigc::recommender::eval

#endif  // AIGC_SERVICES_RECOMMENDER_EVAL_OFFLINE_EVALUATION_H_
