// The recommender's own Prometheus series (the standard grpc_server_* series
// of every RPC come from common/server's interceptor):
//
//   aigc_recommender_events_total{type, outcome}   counter
//       Events received by WriteEvents and RecordEvents. type: view, click,
//       add_to_cart, purchase, rating, or unspecified (EVENT_TYPE_UNSPECIFIED
//       and values this build does not know). outcome: accepted (stored now),
//       duplicate (its event_id was stored before) or rejected (invalid, or
//       its item is not in the catalogue). Events of a call or stream message
//       that failed as a whole (more than 1000 events, expired deadline, store
//       error) are not counted. All 18 series exist from the start, at 0.
//   aigc_recommender_catalogue_items                gauge
//       Items in the catalogue.
//   aigc_recommender_recommendations_total{rpc, algorithm, experiment,
//                                          variant, fallback}   counter
//       Answered Recommend and SimilarItems calls. rpc: recommend or
//       similar_items; algorithm: the one that served (AlgorithmName, e.g.
//       "ease"); experiment and variant: the A/B assignment ("" = none, else
//       ids from the experiments file); fallback: none, cold_start_user,
//       model_not_loaded, insufficient_candidates or cold_start_item.
//
// Label values are the fixed sets above, never ids or free text.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_SERVICE_METRICS_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_SERVICE_METRICS_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace aigc::recommender {

// What became of one received event (the `outcome` label).
enum class EventOutcome { kAccepted, kDuplicate, kRejected };

// The `type` label of an aigc.recommender.v1.EventType value: "view", "click",
// "add_to_cart", "purchase", "rating", or "unspecified" for 0 and for values
// that are not in the enum.
absl::string_view EventTypeLabel(int type);

// The `outcome` label: "accepted", "duplicate" or "rejected".
absl::string_view EventOutcomeLabel(EventOutcome outcome);

// Counts of one batch by (type, outcome), added to the counters in one go by
// ServiceMetrics::AddEvents. Not thread-safe (one per batch).
class EventTally {
 public:
  void Add(int type, EventOutcome outcome);

 private:
  friend class ServiceMetrics;
  // [type label index][outcome]; 6 type labels, 3 outcomes.
  std::array<std::array<int64_t, 3>, 6> counts_{};
};

// Owns the series above, registered in a registry that must outlive this
// object. Thread-safe.
class ServiceMetrics {
 public:
  explicit ServiceMetrics(prometheus::Registry& registry);
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  // Adds a batch's counts to aigc_recommender_events_total.
  void AddEvents(const EventTally& tally);

  // Sets aigc_recommender_catalogue_items.
  void SetCatalogueItems(int64_t count);

  // Counts one answered Recommend or SimilarItems call.
  void CountRecommendation(absl::string_view rpc, v1::Algorithm algorithm,
                           absl::string_view experiment, absl::string_view variant,
                           v1::FallbackReason fallback);

 private:
  // Not owned: the counters and the gauge live in the registry's families.
  std::array<std::array<prometheus::Counter*, 3>, 6> events_{};
  prometheus::Gauge* catalogue_items_ = nullptr;
  prometheus::Family<prometheus::Counter>* recommendations_ = nullptr;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_SERVICE_METRICS_H_
