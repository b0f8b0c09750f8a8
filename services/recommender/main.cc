// aigc-recommender: the binary's entry point. Opens the store, loads the
// catalogue and the users' histories into memory, serves the recommendation
// models of the model repository, then serves RecommenderService (see
// services/recommender/service/recommender_service.h) and the admin service.
#include <filesystem>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/runtime/model_repository.h"
#include "common/runtime/runtime_flags.h"
#include "common/server/server.h"
#include "common/status/status.h"
#include "glog/logging.h"
#include "services/recommender/repository/rec_models.h"
#include "services/recommender/service/admin_service.h"
#include "services/recommender/service/recommender_service.h"
#include "services/recommender/service/training_jobs.h"
#include "services/recommender/serving/engine.h"
#include "services/recommender/store/store.h"
#include "services/recommender/tools/tool_flags.h"

AIGC_DEFINE_PORT_FLAGS(50051, 9102);

ABSL_FLAG(std::string, store_path, "data/recommender/store",
          "Directory of the recommender's RocksDB store (catalogue and events), created when "
          "missing; a relative path is taken from the working directory. Only one process may "
          "open it at a time: a second one exits 1.");
ABSL_FLAG(bool, store_sync, true,
          "true: every acknowledged write (events, items) is fsync'ed before the RPC answers and "
          "survives power loss; false: it survives a crash of the process (kill -9) but the "
          "latest acknowledged writes may be lost on power loss or a kernel crash.");
ABSL_FLAG(int, history_limit, 500,
          "Newest events kept in memory per user for ranking (1..100000); older ones stay in "
          "the store and in training.");
ABSL_FLAG(std::string, default_algorithm, "hybrid",
          "Algorithm of Recommend requests that leave it unset (a name such as ease, or "
          "ALGORITHM_EASE); falls back to popularity while its model is not loaded.");
ABSL_FLAG(std::string, similar_algorithm, "item_knn",
          "Algorithm of SimilarItems requests that leave it unset.");
ABSL_FLAG(double, diversity_lambda, 1.0,
          "MMR trade-off of requests that leave diversity_lambda unset: 1 = pure relevance, "
          "0 = most diverse.");
ABSL_FLAG(std::string, experiments_file, "",
          "A/B experiments: a JSON file of aigc.recommender.v1.ExperimentsConfig "
          "(protos/aigc/recommender/v1/experiments.proto); empty = none.");
ABSL_FLAG(double, explore_share, 0.1,
          "Share of a list's slots (0..0.2; at least one for lists of two or more) that "
          "exploration fills when a Recommend request sets explore; a Thompson-sampling bandit "
          "picks them and learns from clicks, carts and purchases of explored items.");
ABSL_FLAG(int, new_item_days, 30,
          "Items created within this many days (1..365) are new: recommended to a user who "
          "often interacts with their category, they carry the reason \"new in a category you "
          "like\" (REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY).");
ABSL_FLAG(std::string, hyperparameters, "",
          "Serving parameters, \"<key>=<value>\" comma-separated; the hybrid's blend weights "
          "are hybrid.<algorithm>, e.g. \"hybrid.ease=1,hybrid.user_knn=0.1\" (the default).");

namespace {

using aigc::server::ExitOnStartupFailure;
using aigc::server::ValueOrExit;

namespace rec = aigc::recommender;

constexpr char kDefaultModelRepository[] = "data/recommender/models";

rec::EngineOptions EngineOptionsFromFlags() {
  rec::EngineOptions options;
  options.default_algorithm = ValueOrExit(
      rec::ParseAlgorithm(absl::GetFlag(FLAGS_default_algorithm), "--default_algorithm"));
  options.default_similar_algorithm = ValueOrExit(
      rec::ParseAlgorithm(absl::GetFlag(FLAGS_similar_algorithm), "--similar_algorithm"));
  const double lambda = absl::GetFlag(FLAGS_diversity_lambda);
  if (!(lambda >= 0 && lambda <= 1)) {
    ExitOnStartupFailure(aigc::status::InvalidField("--diversity_lambda", "must be in [0, 1]"));
  }
  options.default_diversity_lambda = static_cast<float>(lambda);
  const double explore_share = absl::GetFlag(FLAGS_explore_share);
  if (!(explore_share >= 0 && explore_share <= 0.2)) {
    ExitOnStartupFailure(aigc::status::InvalidField("--explore_share", "must be in [0, 0.2]"));
  }
  options.explore_share = static_cast<float>(explore_share);
  const int new_item_days = absl::GetFlag(FLAGS_new_item_days);
  if (new_item_days < 1 || new_item_days > 365) {
    ExitOnStartupFailure(aigc::status::InvalidField("--new_item_days", "must be in [1, 365]"));
  }
  options.new_item_window = absl::Hours(24 * new_item_days);
  options.params = ValueOrExit(
      rec::ParseHyperparameterList(absl::GetFlag(FLAGS_hyperparameters), "--hyperparameters"));
  if (const std::string path = absl::GetFlag(FLAGS_experiments_file); !path.empty()) {
    options.experiments = ValueOrExit(rec::Experiments::FromJsonFile(path));
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "Personalised recommendations, real-time event ingestion and training.\n"
      "Usage: aigc-recommender [--host=127.0.0.1] [--port=50051] [--metrics_port=9102] "
      "[--store_path=data/recommender/store] [--model_repository=data/recommender/models] "
      "[--flagfile=FILE]\n"
      "Models come from the admin Train RPC (or aigc-rec-train while the service is "
      "stopped); an empty --model_repository means data/recommender/models.");
  const int history_limit = absl::GetFlag(FLAGS_history_limit);
  if (history_limit < 1 || history_limit > 100000) {
    ExitOnStartupFailure(aigc::status::InvalidField("--history_limit", "must be in [1, 100000]"));
  }
  rec::EngineOptions engine_options = EngineOptionsFromFlags();
  aigc::runtime::RuntimeOptions runtime_options =
      ValueOrExit(aigc::runtime::RuntimeOptionsFromFlags());
  if (runtime_options.model_repository.empty()) {
    runtime_options.model_repository = kDefaultModelRepository;
  }

  // The store first: a store that cannot be opened (e.g. locked by another
  // process) must stop the binary before it does anything else.
  const rec::StoreOptions store_options{.path = absl::GetFlag(FLAGS_store_path),
                                        .sync = absl::GetFlag(FLAGS_store_sync)};
  const std::unique_ptr<rec::Store> store = ValueOrExit(rec::Store::Open(store_options));
  std::error_code error;
  std::filesystem::create_directories(runtime_options.model_repository, error);
  const aigc::runtime::Device device = ValueOrExit(aigc::runtime::InitRuntime(runtime_options));
  rec::UserHistories histories(history_limit);
  if (const absl::Status status = histories.Load(*store); !status.ok()) {
    ExitOnStartupFailure(status);
  }
  LOG(INFO) << "store " << store_options.path.string() << " (sync=" << std::boolalpha
            << store_options.sync << "): " << store->item_count() << " items, "
            << store->event_count() << " events, " << histories.users() << " users";

  auto server = aigc::server::Server::Create("aigc-recommender", options);
  if (!server.ok()) ExitOnStartupFailure(server.status());
  aigc::runtime::InferenceMetrics inference_metrics((*server)->metrics_registry());
  aigc::runtime::ModelRepositoryOptions repository_options;
  repository_options.root = runtime_options.model_repository;
  repository_options.device = device;
  repository_options.poll_interval = runtime_options.model_poll_interval;
  std::unique_ptr<aigc::runtime::ModelRepository> models =
      ValueOrExit(aigc::runtime::ModelRepository::Create(repository_options, &inference_metrics,
                                                    rec::LoadRecModel));
  // Every algorithm is served once a version exists; until then requests
  // fall back (see RecommendEngine), and polling picks new versions up.
  for (rec::v1::Algorithm algorithm : rec::TrainableAlgorithms()) {
    const absl::Status status = models->AddModel(rec::RepositoryModelName(algorithm));
    if (!status.ok()) LOG(WARNING) << status;
  }

  rec::ItemDirectory items;
  rec::ExplorationBandit bandit;
  engine_options.bandit = &bandit;
  const rec::RecommendEngine engine(models.get(), &items, &histories, engine_options);
  const std::unique_ptr<rec::RecommenderServiceImpl> recommender_service =
      ValueOrExit(rec::RecommenderServiceImpl::Create({.store = store.get(),
                                                  .items = &items,
                                                  .histories = &histories,
                                                  .engine = &engine,
                                                  .bandit = &bandit},
                                                 (*server)->metrics_registry()));
  std::unique_ptr<rec::TrainingJobs> training_jobs =
      ValueOrExit(rec::TrainingJobs::Create(store.get(), models.get(), {.threads = 2}));
  rec::RecommenderAdminServiceImpl recommender_admin_service(training_jobs.get(), models.get(),
                                                             engine_options.default_algorithm);
  (*server)->AddService(recommender_service.get(),
                        rec::v1::RecommenderService::service_full_name());
  (*server)->AddService(&recommender_admin_service,
                        rec::v1::RecommenderAdminService::service_full_name());
  const int exit_code = (*server)->Run();
  // Run returns once every RPC has ended. A running training job is
  // cancelled; the repository's poller reports to the server's metrics
  // registry, so it stops before the server; the services must outlive the
  // server, which ends before them, explicitly.
  training_jobs.reset();
  models.reset();
  server->reset();
  return exit_code;
}
