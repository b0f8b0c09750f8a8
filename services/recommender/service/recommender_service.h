// aigc.recommender.v1.RecommenderService on gRPC's callback API, over the
// recommender's Store.
//
// Every RPC of the service, with the semantics recommender.proto documents:
// event ingestion (WriteEvents, RecordEvents) and the catalogue (UpsertItems,
// GetItem, ListItems) with per-entry partial success reported as BatchError,
// batch-level INVALID_ARGUMENT and page tokens (list_items.h); Recommend,
// SimilarItems and PredictRating through the RecommendEngine
// (serving/engine.h), which reads the same catalogue and user histories the
// ingestion RPCs update, so an acknowledged event counts at once.
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
#include "services/recommender/serving/engine.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender {

// Most events in one WriteEvents request or one RecordEvents message, and most
// items in one UpsertItems request.
inline constexpr int kMaxBatchSize = 1000;
// Most BatchErrors one RecordEvents response lists (errors_truncated beyond).
inline constexpr int kMaxStreamErrors = 100;

// What the RPCs share; built by the binary's main (or a test), not owned.
struct ServiceState {
  Store* store = nullptr;
  ItemDirectory* items = nullptr;
  UserHistories* histories = nullptr;
  // Ranks over state.items and state.histories.
  const RecommendEngine* engine = nullptr;
  // Learns from ingested events; may be null.
  ExplorationBandit* bandit = nullptr;
};

// Thread-safe: handlers run concurrently on gRPC's callback threads; the
// state they share (Store, ItemDirectory, UserHistories, engine, metrics) is
// thread-safe.
class RecommenderServiceImpl : public v1::RecommenderService::CallbackService {
 public:
  // Builds the service over `state` (nothing owned; all must outlive the
  // service), loading the store's items into state.items and registering the
  // service's metrics in `registry` (must outlive the service). The user
  // histories are the caller's to load. Fails with the store's DATA_LOSS or
  // UNAVAILABLE when the items cannot be read.
  static absl::StatusOr<std::unique_ptr<RecommenderServiceImpl>> Create(
      const ServiceState& state, prometheus::Registry& registry);

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

  // Ranked items for a user (RecommendEngine::Recommend).
  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* context,
                                      const v1::RecommendRequest* request,
                                      v1::RecommendResponse* response) override;

  // Items similar to a catalogue item (RecommendEngine::SimilarItems).
  grpc::ServerUnaryReactor* SimilarItems(grpc::CallbackServerContext* context,
                                         const v1::SimilarItemsRequest* request,
                                         v1::SimilarItemsResponse* response) override;

  // Predicted ratings (RecommendEngine::PredictRating).
  grpc::ServerUnaryReactor* PredictRating(grpc::CallbackServerContext* context,
                                          const v1::PredictRatingRequest* request,
                                          v1::PredictRatingResponse* response) override;

  // One page of the catalogue in id order (see list_items.h for the
  // INVALID_ARGUMENT cases). total_size is set for unfiltered listings only.
  grpc::ServerUnaryReactor* ListItems(grpc::CallbackServerContext* context,
                                      const v1::ListItemsRequest* request,
                                      v1::ListItemsResponse* response) override;

 private:
  class RecordEventsReactor;

  RecommenderServiceImpl(const ServiceState& state, prometheus::Registry& registry,
                         std::unique_ptr<Catalogue> catalogue);

  // aigc_recommender_recommendations_total for an answer; ratings are not
  // counted there.
  void Count(const v1::RecommendResponse& answer);
  void Count(const v1::SimilarItemsResponse& answer);
  void Count(const v1::PredictRatingResponse&) {}

  // AnswerUnary around one of the engine's methods, whose answer becomes the
  // response (metadata aside).
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* RunEngine(
      grpc::CallbackServerContext* context, absl::string_view method, const Request* request,
      Response* response, absl::StatusOr<Response> (RecommendEngine::*serve)(const Request&) const);

  Store* const store_;
  const RecommendEngine* const engine_;
  ServiceMetrics metrics_;
  const std::unique_ptr<Catalogue> catalogue_;
  EventIngestor ingestor_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_RECOMMENDER_SERVICE_H_
