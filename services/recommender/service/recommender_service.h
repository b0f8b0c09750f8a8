// aigc.recommender.v1.RecommenderService on gRPC's callback API, over the
// recommender's Store.
//
// Implemented: event ingestion (WriteEvents, RecordEvents) and the catalogue
// (UpsertItems, GetItem, ListItems), with the semantics recommender.proto
// documents: per-entry partial success reported as BatchError, batch-level
// INVALID_ARGUMENT, page tokens (list_items.h). Recommend, SimilarItems and
// PredictRating are not overridden yet and answer UNIMPLEMENTED; add them as
// further overrides that reuse the pieces below (RunUnary for the metadata,
// deadline and status plumbing).
//
// Every RPC: RequestMetadata is validated first (request_context.h); the
// request id in effect is echoed in ResponseMetadata.request_id and the
// x-request-id response header; a call that is cancelled or past its deadline
// is not worked on, and nothing is written once the deadline has passed
// (DEADLINE_EXCEEDED); internal absl::Status errors map through
// status::ToGrpcStatus (store failures are UNAVAILABLE or DATA_LOSS and are
// logged with the request id).
//
// Metrics: see service_metrics.h (aigc_recommender_events_total,
// aigc_recommender_catalogue_items).
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_RECOMMENDER_SERVICE_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_RECOMMENDER_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/registry.h"
#include "services/recommender/service/catalogue.h"
#include "services/recommender/service/event_ingestor.h"
#include "services/recommender/service/service_metrics.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender {

// Most events in one WriteEvents request or one RecordEvents message, and most
// items in one UpsertItems request.
inline constexpr int kMaxBatchSize = 1000;
// Most BatchErrors one RecordEvents response lists (errors_truncated beyond).
inline constexpr int kMaxStreamErrors = 100;

// Thread-safe: handlers run concurrently on gRPC's callback threads; the
// state they share (Store, Catalogue, metrics) is thread-safe.
class RecommenderServiceImpl : public v1::RecommenderService::CallbackService {
 public:
  // Builds the service over `store` (not owned; must outlive the service),
  // loading the catalogue's item ids from it and registering the service's
  // metrics in `registry` (must outlive the service). Fails with the store's
  // DATA_LOSS or UNAVAILABLE when the items cannot be read.
  static absl::StatusOr<std::unique_ptr<RecommenderServiceImpl>> Create(
      Store* store, prometheus::Registry& registry);

  RecommenderServiceImpl(const RecommenderServiceImpl&) = delete;
  RecommenderServiceImpl& operator=(const RecommenderServiceImpl&) = delete;

  // The handlers. Each answers as recommender.proto documents; on top of the
  // codes named there, any of them may fail with INVALID_ARGUMENT
  // "metadata.<field>", CANCELLED, DEADLINE_EXCEEDED, or UNAVAILABLE /
  // DATA_LOSS from the store. Called by gRPC, concurrently.

  // One batch of 1..1000 events; per-event rejections are BatchErrors of an
  // OK answer (INVALID_ARGUMENT "events" for 0 or more than 1000 events).
  grpc::ServerUnaryReactor* WriteEvents(grpc::CallbackServerContext* context,
                                        const v1::WriteEventsRequest* request,
                                        v1::WriteEventsResponse* response) override;

  // A stream of event batches, each ingested as it arrives with stream-wide
  // indices; totals (first kMaxStreamErrors errors) after the half-close. A
  // message with more than 1000 events ends the call with INVALID_ARGUMENT
  // "events"; the messages before it stay stored. The returned reactor
  // deletes itself when the call is done.
  grpc::ServerReadReactor<v1::RecordEventsRequest>* RecordEvents(
      grpc::CallbackServerContext* context, v1::RecordEventsResponse* response) override;

  // Inserts or replaces 1..1000 catalogue items; per-item rejections are
  // BatchErrors of an OK answer (INVALID_ARGUMENT "items" for 0 or more than
  // 1000 items). Stored ids are known to event ingestion at once.
  grpc::ServerUnaryReactor* UpsertItems(grpc::CallbackServerContext* context,
                                        const v1::UpsertItemsRequest* request,
                                        v1::UpsertItemsResponse* response) override;

  // One item. INVALID_ARGUMENT "item_id" for an empty or malformed id,
  // NOT_FOUND "item_id" for an unknown one.
  grpc::ServerUnaryReactor* GetItem(grpc::CallbackServerContext* context,
                                    const v1::GetItemRequest* request,
                                    v1::GetItemResponse* response) override;

  // One page of the catalogue in id order (see list_items.h for the
  // INVALID_ARGUMENT cases). total_size is set for unfiltered listings only.
  grpc::ServerUnaryReactor* ListItems(grpc::CallbackServerContext* context,
                                      const v1::ListItemsRequest* request,
                                      v1::ListItemsResponse* response) override;

 private:
  class RecordEventsReactor;

  RecommenderServiceImpl(Store* store, prometheus::Registry& registry,
                         std::unique_ptr<Catalogue> catalogue);

  // Answers a unary call: resolves the request id (failing the call on bad
  // metadata), refuses a cancelled or expired call, runs work(deadline), and
  // on success fills `response_metadata`. Returns the finished reactor.
  grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context, absl::string_view method,
                                     const common::v1::RequestMetadata& request_metadata,
                                     common::v1::ResponseMetadata* response_metadata,
                                     const std::function<absl::Status(absl::Time deadline)>& work);

  Store* const store_;
  ServiceMetrics metrics_;
  const std::unique_ptr<Catalogue> catalogue_;
  EventIngestor ingestor_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_RECOMMENDER_SERVICE_H_
