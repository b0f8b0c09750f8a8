// The per-event work of WriteEvents and RecordEvents: validate, normalise,
// check that the item is in the catalogue, store the valid events of a batch
// in one atomic write, and report what became of each event.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_EVENT_INGESTOR_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_EVENT_INGESTOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "google/protobuf/repeated_field.h"
#include "services/recommender/service/catalogue.h"
#include "services/recommender/service/service_metrics.h"
#include "services/recommender/serving/exploration.h"
#include "services/recommender/serving/user_histories.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender {

// What Ingest did with one batch; the counts of WriteEventsResponse.
struct IngestResult {
  // Events newly stored.
  int64_t accepted_count = 0;
  // Valid events whose event_id was stored before (earlier call, or earlier in
  // this batch), not stored again.
  int64_t duplicate_count = 0;
  // Invalid events or events whose item is not in the catalogue; not stored.
  int64_t rejected_count = 0;
  // One entry per rejected event, in index order: code 3 (INVALID_ARGUMENT)
  // with the first offending field, or code 5 (NOT_FOUND) with field
  // "events[i].item_id" for an item that is not in the catalogue.
  std::vector<v1::BatchError> errors;
};

// Thread-safe: concurrent Ingest calls are fine (the Store serialises the
// writes; the Catalogue is read in shared mode).
class EventIngestor {
 public:
  // None of the arguments is owned; all must outlive the ingestor.
  // `bandit` may be null (no exploration feedback).
  EventIngestor(Store* store, const Catalogue* catalogue, UserHistories* histories,
                ExplorationBandit* bandit, ServiceMetrics* metrics);

  EventIngestor(const EventIngestor&) = delete;
  EventIngestor& operator=(const EventIngestor&) = delete;

  // Ingests one batch. Event k of `events` has index first_index + k: that
  // index is BatchError.index and the "events[<index>]" of field paths
  // (WriteEvents passes 0; RecordEvents the number of events its stream
  // carried before this message, so indices are stream-wide). Each event is
  // checked with ValidateEvent at time `now`, then against the catalogue; the
  // survivors are normalised (NormalizeEvent: unset event_time = `now`,
  // ratings rounded to half stars, quantity 0 = 1 for carts and purchases)
  // and appended in one Store::AppendEvents call, which decides duplicates by
  // event_id; the newly stored ones join their users' histories at once, so
  // the next recommendation sees them, and teach the exploration bandit. On success adds the batch
  // to aigc_recommender_events_total. The batch size bound (1000) is the caller's to check. Fails,
  // storing nothing and counting nothing, with DEADLINE_EXCEEDED when `deadline` has passed once
  // the batch is validated, or with the store's error (UNAVAILABLE, DATA_LOSS).
  absl::StatusOr<IngestResult> Ingest(const google::protobuf::RepeatedPtrField<v1::Event>& events,
                                      int64_t first_index, absl::Time now, absl::Time deadline);

 private:
  Store* const store_;
  const Catalogue* const catalogue_;
  UserHistories* const histories_;
  ExplorationBandit* const bandit_;
  ServiceMetrics* const metrics_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_EVENT_INGESTOR_H_
