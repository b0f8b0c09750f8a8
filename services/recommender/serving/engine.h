// RecommendEngine: Recommend, SimilarItems and PredictRating over the loaded
// models, the in-memory catalogue and the users' live histories.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVING_ENGINE_H_
#define AIGC_SERVICES_RECOMMENDER_SERVING_ENGINE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "common/runtime/model_repository.h"
#include "services/recommender/algorithms/model.h"
#include "services/recommender/serving/experiments.h"
#include "services/recommender/serving/exploration.h"
#include "services/recommender/serving/item_directory.h"
#include "services/recommender/serving/user_histories.h"

namespace aigc::recommender {

struct EngineOptions {
  // Serves Recommend when the request leaves the algorithm unset.
  aigc::recommender::v1::Algorithm default_algorithm = aigc::recommender::v1::ALGORITHM_HYBRID;
  // Serves SimilarItems when the request leaves the algorithm unset.
  aigc::recommender::v1::Algorithm default_similar_algorithm =
      aigc::recommender::v1::ALGORITHM_ITEM_KNN;
  // MMR trade-off when the request leaves diversity_lambda unset; 1 = none.
  float default_diversity_lambda = 1.0f;
  // Newest history events a ranking reads per user.
  int max_profile_events = 200;
  // Items created within this window before a request are "new": in one of
  // the user's favourite categories they get REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY.
  absl::Duration new_item_window = absl::Hours(30 * 24);
  // Hybrid blend weights ("hybrid.<algorithm>").
  Hyperparameters params;
  // A/B experiments deciding requests that leave the algorithm unset.
  Experiments experiments;
  // Share of a list's slots (at most 0.2; at least one slot for lists of two
  // or more) that exploration fills when RecommendRequest.explore is true.
  float explore_share = 0.1f;
  // Picks exploration items and learns from their feedback; not owned. Null
  // disables exploration.
  ExplorationBandit* bandit = nullptr;
};

// Thread-safe; every method is const. Requests' metadata (request id,
// processing time) is the caller's to fill.
class RecommendEngine {
 public:
  // None of the arguments is owned; all must outlive the engine. `models`
  // serves "rec-<algorithm>" models loaded with LoadRecModel.
  RecommendEngine(const aigc::runtime::ModelRepository* models, const ItemDirectory* items,
                  const UserHistories* histories, EngineOptions options);

  // INVALID_ARGUMENT naming the field for bad requests; UNAVAILABLE when the
  // requested algorithm's model (or, for fallbacks, the popularity model) is
  // not loaded.
  absl::StatusOr<aigc::recommender::v1::RecommendResponse> Recommend(
      const aigc::recommender::v1::RecommendRequest& request) const;

  // Also NOT_FOUND "item_id" for an item not in the catalogue.
  absl::StatusOr<aigc::recommender::v1::SimilarItemsResponse> SimilarItems(
      const aigc::recommender::v1::SimilarItemsRequest& request) const;

  absl::StatusOr<aigc::recommender::v1::PredictRatingResponse> PredictRating(
      const aigc::recommender::v1::PredictRatingRequest& request) const;

  const EngineOptions& options() const { return options_; }

 private:
  // The loaded model of `algorithm`, or null.
  std::shared_ptr<const aigc::runtime::LoadedModel> Loaded(
      aigc::recommender::v1::Algorithm algorithm) const;

  // Each item of `component`'s model as an index of `primary`'s (-1 when
  // absent), computed once per pair of versions: the hybrid maps its
  // components into one item space on every request.
  std::shared_ptr<const std::vector<int32_t>> ItemMapping(
      const aigc::runtime::LoadedModel& component, const aigc::runtime::LoadedModel& primary) const;

  const aigc::runtime::ModelRepository* const models_;
  const ItemDirectory* const items_;
  const UserHistories* const histories_;
  const EngineOptions options_;

  mutable absl::Mutex mappings_mu_;
  mutable std::map<std::string, std::shared_ptr<const std::vector<int32_t>>> mappings_
      ABSL_GUARDED_BY(mappings_mu_);
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVING_ENGINE_H_
