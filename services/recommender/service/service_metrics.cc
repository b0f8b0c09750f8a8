#include "services/recommender/service/service_metrics.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {
namespace {

constexpr std::array<absl::string_view, 6> kTypeLabels = {"unspecified", "view",     "click",
                                                          "add_to_cart", "purchase", "rating"};
constexpr std::array<EventOutcome, 3> kOutcomes = {
    EventOutcome::kAccepted, EventOutcome::kDuplicate, EventOutcome::kRejected};

// Index into kTypeLabels: the enum value itself for the five known types
// (EVENT_TYPE_VIEW = 1 .. EVENT_TYPE_RATING = 5), 0 for everything else.
size_t TypeIndex(int type) {
  static_assert(v1::EVENT_TYPE_VIEW == 1 && v1::EVENT_TYPE_RATING == 5);
  return type >= v1::EVENT_TYPE_VIEW && type <= v1::EVENT_TYPE_RATING ? static_cast<size_t>(type)
                                                                      : 0;
}

}  // namespace

absl::string_view EventTypeLabel(int type) { return kTypeLabels[TypeIndex(type)]; }

absl::string_view EventOutcomeLabel(EventOutcome outcome) {
  switch (outcome) {
    case EventOutcome::kAccepted:
      return "accepted";
    case EventOutcome::kDuplicate:
      return "duplicate";
    case EventOutcome::kRejected:
      return "rejected";
  }
  return "rejected";
}

void EventTally::Add(int type, EventOutcome outcome) {
  ++counts_[TypeIndex(type)][static_cast<size_t>(outcome)];
}

ServiceMetrics::ServiceMetrics(prometheus::Registry& registry) {
  auto& events = prometheus::BuildCounter()
                     .Name("aigc_recommender_events_total")
                     .Help(
                         "Behaviour events received by WriteEvents and RecordEvents, by event "
                         "type and outcome (accepted, duplicate, rejected).")
                     .Register(registry);
  for (size_t type = 0; type < kTypeLabels.size(); ++type) {
    for (EventOutcome outcome : kOutcomes) {
      events_[type][static_cast<size_t>(outcome)] =
          &events.Add({{"type", std::string(kTypeLabels[type])},
                       {"outcome", std::string(EventOutcomeLabel(outcome))}});
    }
  }
  catalogue_items_ = &prometheus::BuildGauge()
                          .Name("aigc_recommender_catalogue_items")
                          .Help("Items in the recommender's catalogue.")
                          .Register(registry)
                          .Add({});
  recommendations_ = &prometheus::BuildCounter()
                          .Name("aigc_recommender_recommendations_total")
                          .Help(
                              "Answered Recommend and SimilarItems calls, by the algorithm that "
                              "served, A/B experiment and variant, and fallback.")
                          .Register(registry);
}

void ServiceMetrics::CountRecommendation(absl::string_view rpc, v1::Algorithm algorithm,
                                         absl::string_view experiment, absl::string_view variant,
                                         v1::FallbackReason fallback) {
  std::string fallback_label = absl::AsciiStrToLower(
      absl::StripPrefix(v1::FallbackReason_Name(fallback), "FALLBACK_REASON_"));
  if (fallback == v1::FALLBACK_REASON_UNSPECIFIED) fallback_label = "none";
  // Family::Add returns the existing series for known labels; the label sets
  // are bounded by the enums and the experiments file.
  recommendations_
      ->Add({{"rpc", std::string(rpc)},
             {"algorithm", AlgorithmName(algorithm)},
             {"experiment", std::string(experiment)},
             {"variant", std::string(variant)},
             {"fallback", fallback_label}})
      .Increment();
}

void ServiceMetrics::AddEvents(const EventTally& tally) {
  for (size_t type = 0; type < tally.counts_.size(); ++type) {
    for (size_t outcome = 0; outcome < tally.counts_[type].size(); ++outcome) {
      if (tally.counts_[type][outcome] > 0) {
        events_[type][outcome]->Increment(static_cast<double>(tally.counts_[type][outcome]));
      }
    }
  }
}

void ServiceMetrics::SetCatalogueItems(int64_t count) {
  catalogue_items_->Set(static_cast<double>(count));
}

}  // namespace aigc::recommender
