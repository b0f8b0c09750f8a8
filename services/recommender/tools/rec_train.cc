// aigc-rec-train: trains recommendation models on MovieLens or on the
// recommender's store and publishes them as new versions in the model
// repository, where a running aigc-recommender picks them up.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cli/cli.h"
#include "services/recommender/store/store.h"
#include "services/recommender/tools/tool_flags.h"
#include "services/recommender/training/trainer.h"

ABSL_FLAG(std::string, ratings, "",
          "Train on this MovieLens ratings CSV (scripts/data/movielens.sh writes "
          "data/movielens/ratings.csv). Exactly one of --ratings and --store_path.");
ABSL_FLAG(std::string, store_path, "",
          "Train on the catalogue and events of this recommender store. RocksDB allows one "
          "process per store: stop the service first, or use the admin Train RPC.");
ABSL_FLAG(std::string, model_repository, "data/recommender/models",
          "Model repository to publish to (created when missing); the service's "
          "--model_repository.");
ABSL_FLAG(std::string, algorithms, "popularity,item_knn,user_knn,ease,als,bpr,content",
          "Algorithms to train, comma-separated (names or ALGORITHM_* enum names).");
ABSL_FLAG(bool, evaluate, true,
          "Evaluate each algorithm on a seeded per-user hold-out split first and record the "
          "metrics in its manifest (trains each algorithm twice).");
ABSL_FLAG(double, test_fraction, 0.2, "With --evaluate: share of each user's items held out.");
ABSL_FLAG(uint64_t, seed, 42, "With --evaluate: seed of the split.");
ABSL_FLAG(int, threads, 2, "Training threads.");
ABSL_FLAG(std::string, hyperparameters, "",
          "Overrides \"<algorithm>.<param>=<value>\", comma-separated, e.g. \"ease.lambda=300\".");

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

TrainingSet LoadTrainingSet() {
  const std::string ratings = absl::GetFlag(FLAGS_ratings);
  const std::string store_path = absl::GetFlag(FLAGS_store_path);
  if (ratings.empty() == store_path.empty()) {
    cli::ExitWithReason("give exactly one of --ratings and --store_path");
  }
  if (!ratings.empty()) return cli::ValueOrExit(TrainingSetFromMovieLens(ratings));
  const auto store = cli::ValueOrExit(Store::Open({.path = store_path}));
  return cli::ValueOrExit(TrainingSetFromStore(*store));
}

int Main(int argc, char** argv) {
  TrainRunOptions options;
  options.algorithms =
      cli::ValueOrExit(ParseAlgorithmList(absl::GetFlag(FLAGS_algorithms), "--algorithms"));
  options.params = cli::ValueOrExit(
      ParseHyperparameterList(absl::GetFlag(FLAGS_hyperparameters), "--hyperparameters"));
  options.evaluate = absl::GetFlag(FLAGS_evaluate);
  options.split.test_fraction = absl::GetFlag(FLAGS_test_fraction);
  options.split.seed = absl::GetFlag(FLAGS_seed);
  options.repository = absl::GetFlag(FLAGS_model_repository);
  options.created_by = absl::StrJoin(argv, argv + argc, " ");
  options.context.threads = std::max(1, absl::GetFlag(FLAGS_threads));
  options.context.progress = [](double fraction, absl::string_view message) {
    std::fprintf(stderr, "[%3.0f%%] %.*s\n", fraction * 100, static_cast<int>(message.size()),
                 message.data());
  };

  const TrainingSet set = LoadTrainingSet();
  std::fprintf(stderr, "aigc-rec-train: %d users, %d items, %zu interactions\n", set.users.size(),
               set.items.size(), set.interactions.size());
  const TrainRunResult result = cli::ValueOrExit(TrainAndPublish(set, options));
  for (const auto& [algorithm, manifest] : result.published) {
    std::printf("%s version %lld -> %s/%s/%lld\n", manifest.name().c_str(),
                static_cast<long long>(manifest.version()), options.repository.c_str(),
                manifest.name().c_str(), static_cast<long long>(manifest.version()));
  }
  for (const auto& [key, value] : result.metrics) std::printf("%s = %.4f\n", key.c_str(), value);
  return 0;
}

}  // namespace
}  // namespace aigc::recommender

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Trains recommendation models and publishes them as new versions in the model "
      "repository (a running aigc-recommender loads them on its next poll or ReloadModel).\n"
      "Usage: aigc-rec-train --ratings=data/movielens/ratings.csv "
      "[--model_repository=data/recommender/models] [--algorithms=ease,als]");
  return aigc::recommender::Main(argc, argv);
}
