// Training runs: build a training set (from the store or from MovieLens),
// optionally evaluate each algorithm on a hold-out split, train it on all the
// data and publish it as a new version in the model repository. Shared by
// aigc-rec-train and the admin Train RPC.
#ifndef AIGC_SERVICES_RECOMMENDER_TRAINING_TRAINER_H_
#define AIGC_SERVICES_RECOMMENDER_TRAINING_TRAINER_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/runtime/manifest.h"
#include "services/recommender/algorithms/model.h"
#include "services/recommender/eval/split.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender {

struct TrainRunOptions {
  // Algorithms to train; HYBRID is skipped (it blends the others at request
  // time). Must not be empty.
  std::vector<aigc::recommender::v1::Algorithm> algorithms;
  Hyperparameters params;
  // Evaluate each algorithm on `split` first (trains it twice: on the train
  // half, then on everything).
  bool evaluate = true;
  eval::SplitOptions split;
  std::vector<int> ks = {10, 20};
  // Model repository root the versions are published to.
  std::filesystem::path repository;
  // Recorded in each manifest: the command or RPC that trained it.
  std::string created_by;
  // Progress, cancellation and threads, as for one algorithm; fractions are
  // of the whole run.
  TrainContext context;
};

struct TrainRunResult {
  // The published manifest per algorithm.
  std::map<aigc::recommender::v1::Algorithm, aigc::runtime::ModelManifest> published;
  // "<algorithm>/<metric>", e.g. "ease/ndcg@10", "als/rmse".
  std::map<std::string, double> metrics;
};

// Trains and publishes every requested algorithm. Fails on the first
// algorithm that fails (versions already published stay published: each is
// complete on its own), with CANCELLED when the context asks.
absl::StatusOr<TrainRunResult> TrainAndPublish(const TrainingSet& set,
                                               const TrainRunOptions& options);

// The training set of everything in `store`: catalogue records and events.
absl::StatusOr<TrainingSet> TrainingSetFromStore(const Store& store);

// The training set of a MovieLens CSV (eval/movielens.h ids).
absl::StatusOr<TrainingSet> TrainingSetFromMovieLens(const std::filesystem::path& csv);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_TRAINING_TRAINER_H_
