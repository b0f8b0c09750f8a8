#include "services/recommender/eval/offline_evaluation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/profile.h"
#include "services/recommender/core/parallel_for.h"
#include "services/recommender/core/top_k.h"

namespace aigc::recommender::eval {
namespace {

// Each user's train interactions, by user index.
std::vector<std::vector<Interaction>> HistoriesByUser(const TrainingSet& train) {
  std::vector<std::vector<Interaction>> histories(train.users.size());
  for (const Interaction& x : train.interactions) histories[x.user].push_back(x);
  return histories;
}

}  // namespace

absl::StatusOr<TrainTestSets> MakeTrainTestSets(const TrainingSet& set,
                                                const SplitOptions& split_options) {
  TrainTestSets sets;
  AIGC_ASSIGN_OR_RETURN(sets.split, SplitPerUser(set.interactions, split_options));
  sets.train.users = set.users;
  sets.train.items = set.items;
  sets.train.item_tokens = set.item_tokens;
  sets.train.item_categories = set.item_categories;
  sets.train.now = set.now;
  sets.train.interactions = sets.split.train;
  for (const Interaction& x : set.interactions) {
    auto test = sets.split.test.find(x.user);
    if (!std::isnan(x.rating) && test != sets.split.test.end() && test->second.contains(x.item)) {
      sets.held_out_ratings.push_back(x);
    }
  }
  return sets;
}

absl::StatusOr<RankingReport> EvaluateRanking(const ScoreFunction& score, const TrainTestSets& sets,
                                              const OfflineOptions& options) {
  const TrainingSet& train = sets.train;
  RankingEvaluatorOptions evaluator_options;
  evaluator_options.ks = options.ks;
  evaluator_options.num_items = train.items.size();
  evaluator_options.num_train_users = train.users.size();
  evaluator_options.item_popularity.assign(train.items.size(), 0);
  {
    absl::flat_hash_set<std::pair<int32_t, int32_t>> pairs;
    for (const Interaction& x : train.interactions) {
      if (pairs.insert({x.user, x.item}).second) ++evaluator_options.item_popularity[x.item];
    }
  }
  evaluator_options.similarity = [&train](int32_t a, int32_t b) {
    return TokenJaccard(train.item_tokens[a], train.item_tokens[b]);
  };
  AIGC_ASSIGN_OR_RETURN(auto evaluator, RankingEvaluator::Create(std::move(evaluator_options)));

  const auto histories = HistoriesByUser(train);
  const std::vector<std::pair<int32_t, absl::flat_hash_set<int32_t>>> users(sets.split.test.begin(),
                                                                            sets.split.test.end());
  const int max_k = *std::max_element(options.ks.begin(), options.ks.end());
  absl::Mutex mu;
  absl::Status first_error;
  ParallelFor(options.threads, static_cast<int64_t>(users.size()), [&](int64_t begin, int64_t end) {
    std::vector<float> scores(train.items.size());
    for (int64_t n = begin; n < end; ++n) {
      const auto& [user, relevant] = users[n];
      const UserProfile profile = MakeProfile(user, histories[user]);
      score(profile, absl::MakeSpan(scores));
      for (int32_t item : profile.items) scores[item] = -std::numeric_limits<float>::infinity();
      std::vector<int32_t> top = TopK(scores, max_k);
      // Unproposed items (-inf, NaN) never count as recommendations.
      top.erase(std::remove_if(top.begin(), top.end(),
                               [&](int32_t item) { return !std::isfinite(scores[item]); }),
                top.end());
      const absl::Status status = evaluator->Add(user, top, relevant);
      if (!status.ok()) {
        absl::MutexLock lock(&mu);
        first_error.Update(status);
        return;
      }
    }
  });
  AIGC_RETURN_IF_ERROR(first_error);
  return evaluator->Report();
}

absl::StatusOr<double> EvaluateRmse(const RecModel& model, const TrainTestSets& sets) {
  const auto histories = HistoriesByUser(sets.train);
  double squared = 0;
  for (const Interaction& x : sets.held_out_ratings) {
    AIGC_ASSIGN_OR_RETURN(const RatingEstimate estimate,
                          model.PredictRating(MakeProfile(x.user, histories[x.user]), x.item));
    squared += (estimate.rating - x.rating) * (estimate.rating - x.rating);
  }
  if (sets.held_out_ratings.empty()) {
    return absl::FailedPreconditionError("no held-out ratings to evaluate");
  }
  return std::sqrt(squared / static_cast<double>(sets.held_out_ratings.size()));
}

}  // namespace aigc::recommender::eval
