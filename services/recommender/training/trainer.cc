#include "services/recommender/training/trainer.h"

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/recommender/core/training_set_builder.h"
#include "services/recommender/eval/movielens.h"
#include "services/recommender/eval/offline_evaluation.h"
#include "services/recommender/repository/rec_models.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

// A TrainContext whose fractions map into [begin, end) of the parent's.
TrainContext Slice(const TrainContext& parent, double begin, double end) {
  TrainContext context = parent;
  if (parent.progress) {
    context.progress = [&parent, begin, end](double fraction, absl::string_view message) {
      parent.progress(begin + (end - begin) * fraction, message);
    };
  }
  return context;
}

// Offline metrics of `algorithm` trained on the train half of `sets`.
absl::StatusOr<std::map<std::string, double>> Evaluate(v1::Algorithm algorithm,
                                                       const eval::TrainTestSets& sets,
                                                       const TrainRunOptions& options,
                                                       const TrainContext& context) {
  AIGC_ASSIGN_OR_RETURN(const std::unique_ptr<RecModel> model,
                        TrainModel(algorithm, sets.train, options.params, context));
  AIGC_ASSIGN_OR_RETURN(
      const eval::RankingReport report,
      eval::EvaluateRanking([&model](const UserProfile& profile,
                                     absl::Span<float> scores) { model->Score(profile, scores); },
                            sets,
                            eval::OfflineOptions{.ks = options.ks, .threads = context.threads}));
  std::map<std::string, double> metrics = report.metrics;
  if (auto rmse = eval::EvaluateRmse(*model, sets); rmse.ok()) metrics["rmse"] = *rmse;
  return metrics;
}

}  // namespace

absl::StatusOr<TrainRunResult> TrainAndPublish(const TrainingSet& set,
                                               const TrainRunOptions& options) {
  std::vector<v1::Algorithm> algorithms;
  for (v1::Algorithm algorithm : options.algorithms) {
    if (algorithm != v1::ALGORITHM_HYBRID) algorithms.push_back(algorithm);
  }
  if (algorithms.empty()) return status::InvalidField("algorithms", "nothing to train");
  std::optional<eval::TrainTestSets> sets;
  if (options.evaluate) {
    AIGC_ASSIGN_OR_RETURN(sets, eval::MakeTrainTestSets(set, options.split));
  }
  TrainRunResult result;
  const double share = 1.0 / static_cast<double>(algorithms.size());
  for (size_t n = 0; n < algorithms.size(); ++n) {
    const v1::Algorithm algorithm = algorithms[n];
    const std::string name = AlgorithmName(algorithm);
    const double begin = share * static_cast<double>(n);
    PublishInfo info{
        .created_by = options.created_by,
        .description = absl::StrCat(name, " on ", set.users.size(), " users, ", set.items.size(),
                                    " items, ", set.interactions.size(), " interactions")};
    if (sets.has_value()) {
      options.context.Report(begin, absl::StrCat(name, ": evaluating on the hold-out split"));
      AIGC_ASSIGN_OR_RETURN(
          info.metrics,
          Evaluate(algorithm, *sets, options, Slice(options.context, begin, begin + share / 2)));
      for (const auto& [key, value] : info.metrics) result.metrics[name + "/" + key] = value;
    }
    if (options.context.Cancelled()) return absl::CancelledError("training cancelled");
    const double train_begin = sets.has_value() ? begin + share / 2 : begin;
    AIGC_ASSIGN_OR_RETURN(const std::unique_ptr<RecModel> model,
                          TrainModel(algorithm, set, options.params,
                                     Slice(options.context, train_begin, begin + share)));
    AIGC_ASSIGN_OR_RETURN(result.published[algorithm],
                          PublishRecModel(options.repository, *model, info));
    options.context.Report(begin + share, absl::StrCat(name, ": published version ",
                                                       result.published[algorithm].version()));
  }
  return result;
}

absl::StatusOr<TrainingSet> TrainingSetFromStore(const Store& store) {
  TrainingSetBuilder builder;
  AIGC_RETURN_IF_ERROR(store.ForEachItem([&](const aigc::common::v1::Product& item) {
    builder.AddItem(item);
    return true;
  }));
  AIGC_RETURN_IF_ERROR(store.ForEachEvent(0, [&](uint64_t, const v1::Event& event) {
    builder.AddEvent(event);
    return true;
  }));
  return builder.Build();
}

absl::StatusOr<TrainingSet> TrainingSetFromMovieLens(const std::filesystem::path& csv) {
  AIGC_ASSIGN_OR_RETURN(const eval::MovieLensData data, eval::ReadMovieLensCsv(csv));
  TrainingSetBuilder builder;
  for (const eval::Movie& movie : data.movies) builder.AddItem(eval::MovieToProduct(movie));
  for (const eval::Rating& rating : data.ratings) builder.AddEvent(eval::RatingToEvent(rating));
  return builder.Build();
}

}  // namespace aigc::recommender
