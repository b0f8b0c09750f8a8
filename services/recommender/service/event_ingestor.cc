#include "services/recommender/service/event_ingestor.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/request_context.h"
#include "common/status/status.h"
#include "services/recommender/service/batch_error.h"
#include "services/recommender/validation/validation.h"

namespace aigc::recommender {

using rpc::CheckDeadline;

EventIngestor::EventIngestor(Store* store, const Catalogue* catalogue, UserHistories* histories,
                             ExplorationBandit* bandit, ServiceMetrics* metrics)
    : store_(store),
      catalogue_(catalogue),
      histories_(histories),
      bandit_(bandit),
      metrics_(metrics) {}

absl::StatusOr<IngestResult> EventIngestor::Ingest(
    const google::protobuf::RepeatedPtrField<v1::Event>& events, int64_t first_index,
    absl::Time now, absl::Time deadline) {
  IngestResult result;
  EventTally tally;
  std::vector<v1::Event> valid;
  valid.reserve(events.size());
  for (int k = 0; k < events.size(); ++k) {
    const v1::Event& event = events[k];
    const int64_t index = first_index + k;
    absl::Status status = ValidateEvent(event, index, now);
    if (status.ok() && !catalogue_->Contains(event.item_id())) {
      // The id passed ValidateEvent, so it is short and printable.
      status = absl::NotFoundError(absl::StrCat("events[", index, "].item_id: item \"",
                                                event.item_id(), "\" is not in the catalogue"));
    }
    if (status.ok()) {
      valid.push_back(NormalizeEvent(event, now));
    } else {
      result.errors.push_back(MakeBatchError(index, event.event_id(), status));
      tally.Add(event.type(), EventOutcome::kRejected);
    }
  }
  result.rejected_count = static_cast<int64_t>(result.errors.size());
  AIGC_RETURN_IF_ERROR(CheckDeadline(deadline, absl::Now()));

  if (!valid.empty()) {
    AIGC_ASSIGN_OR_RETURN(const AppendResult appended, store_->AppendEvents(valid));
    result.accepted_count = appended.stored_count;
    result.duplicate_count = appended.duplicate_count;
    std::vector<v1::Event> stored;
    for (size_t i = 0; i < valid.size(); ++i) {
      tally.Add(valid[i].type(),
                appended.outcomes[i].stored ? EventOutcome::kAccepted : EventOutcome::kDuplicate);
      if (appended.outcomes[i].stored) stored.push_back(std::move(valid[i]));
    }
    histories_->Append(stored);
    if (bandit_ != nullptr) bandit_->Observe(stored);
  }
  metrics_->AddEvents(tally);
  return result;
}

}  // namespace aigc::recommender
