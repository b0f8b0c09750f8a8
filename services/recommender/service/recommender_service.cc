#include "services/recommender/service/recommender_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/request_context.h"
#include "common/rpc/unary_call.h"
#include "common/status/status.h"
#include "glog/logging.h"
#include "services/recommender/service/list_items.h"
#include "services/recommender/validation/validation.h"

namespace aigc::recommender {

using rpc::ResolveRequestId;
using rpc::GenerateRequestId;
using rpc::FillResponseMetadata;
using rpc::kRequestIdHeader;
using rpc::DeadlineOf;
using rpc::CheckCallAlive;
using rpc::LogIfServerFault;
using rpc::AnswerUnary;
namespace {

using status::InvalidField;

absl::Status CheckBatchSize(absl::string_view field, absl::string_view noun, int size) {
  if (size >= 1 && size <= kMaxBatchSize) return absl::OkStatus();
  return InvalidField(field,
                      absl::StrCat("must hold 1..", kMaxBatchSize, " ", noun, ", got ", size));
}

}  // namespace

// One RecordEvents stream: each message is ingested as it arrives, with
// stream-wide indices; the totals are answered once the client half-closes.
// gRPC runs at most one OnReadDone of a reactor at a time, so its state needs
// no lock.
class RecommenderServiceImpl::RecordEventsReactor
    : public grpc::ServerReadReactor<v1::RecordEventsRequest> {
 public:
  RecordEventsReactor(grpc::CallbackServerContext* context, v1::RecordEventsResponse* response,
                      EventIngestor* ingestor)
      : context_(context), response_(response), ingestor_(ingestor), received_(absl::Now()) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The client half-closed (or the call ended): answer with the totals.
      if (request_id_.empty()) SetRequestId(GenerateRequestId());
      FillResponseMetadata(request_id_, received_, absl::Now(), response_->mutable_metadata());
      Finish(grpc::Status::OK);
      return;
    }
    const absl::Status status = HandleMessage();
    if (!status.ok()) {
      LogIfServerFault("RecordEvents", request_id_, status);
      Finish(status::ToGrpcStatus(status));
      return;
    }
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  void SetRequestId(std::string request_id) {
    request_id_ = std::move(request_id);
    context_->AddInitialMetadata(kRequestIdHeader, request_id_);
  }

  absl::Status HandleMessage() {
    if (request_id_.empty()) {
      // Metadata counts in the first message only (recommender.proto).
      AIGC_ASSIGN_OR_RETURN(std::string request_id, ResolveRequestId(request_.metadata()));
      SetRequestId(std::move(request_id));
    }
    const int size = request_.events_size();
    if (size > kMaxBatchSize) {
      return InvalidField("events",
                          absl::StrCat("at most ", kMaxBatchSize, " per message, got ", size));
    }
    if (size == 0) return absl::OkStatus();
    const absl::Time now = absl::Now();
    AIGC_RETURN_IF_ERROR(CheckCallAlive(*context_, now));
    AIGC_ASSIGN_OR_RETURN(
        const IngestResult result,
        ingestor_->Ingest(request_.events(), next_index_, now, DeadlineOf(*context_)));
    next_index_ += size;
    response_->set_accepted_count(response_->accepted_count() + result.accepted_count);
    response_->set_duplicate_count(response_->duplicate_count() + result.duplicate_count);
    response_->set_rejected_count(response_->rejected_count() + result.rejected_count);
    for (const v1::BatchError& error : result.errors) {
      if (response_->errors_size() >= kMaxStreamErrors) break;
      *response_->add_errors() = error;
    }
    response_->set_errors_truncated(response_->rejected_count() > kMaxStreamErrors);
    return absl::OkStatus();
  }

  grpc::CallbackServerContext* const context_;
  v1::RecordEventsResponse* const response_;
  EventIngestor* const ingestor_;
  const absl::Time received_;
  v1::RecordEventsRequest request_;
  // Empty until the first message (or the end of an empty stream).
  std::string request_id_;
  // Events the stream carried before the current message.
  int64_t next_index_ = 0;
};

absl::StatusOr<std::unique_ptr<RecommenderServiceImpl>> RecommenderServiceImpl::Create(
    const ServiceState& state, prometheus::Registry& registry) {
  AIGC_ASSIGN_OR_RETURN(std::unique_ptr<Catalogue> catalogue,
                        Catalogue::Load(state.store, state.items));
  return std::unique_ptr<RecommenderServiceImpl>(
      new RecommenderServiceImpl(state, registry, std::move(catalogue)));
}

RecommenderServiceImpl::RecommenderServiceImpl(const ServiceState& state,
                                               prometheus::Registry& registry,
                                               std::unique_ptr<Catalogue> catalogue)
    : store_(state.store),
      engine_(state.engine),
      metrics_(registry),
      catalogue_(std::move(catalogue)),
      ingestor_(store_, catalogue_.get(), state.histories, state.bandit, &metrics_) {
  metrics_.SetCatalogueItems(catalogue_->size());
}

grpc::ServerUnaryReactor* RecommenderServiceImpl::WriteEvents(grpc::CallbackServerContext* context,
                                                              const v1::WriteEventsRequest* request,
                                                              v1::WriteEventsResponse* response) {
  return AnswerUnary(
      context, "WriteEvents", request->metadata(), response->mutable_metadata(),
      [&](absl::Time deadline) -> absl::Status {
        AIGC_RETURN_IF_ERROR(CheckBatchSize("events", "events", request->events_size()));
        AIGC_ASSIGN_OR_RETURN(IngestResult result,
                              ingestor_.Ingest(request->events(), 0, absl::Now(), deadline));
        response->set_accepted_count(result.accepted_count);
        response->set_duplicate_count(result.duplicate_count);
        response->set_rejected_count(result.rejected_count);
        for (v1::BatchError& error : result.errors) *response->add_errors() = std::move(error);
        return absl::OkStatus();
      });
}

grpc::ServerReadReactor<v1::RecordEventsRequest>* RecommenderServiceImpl::RecordEvents(
    grpc::CallbackServerContext* context, v1::RecordEventsResponse* response) {
  return new RecordEventsReactor(context, response, &ingestor_);
}

grpc::ServerUnaryReactor* RecommenderServiceImpl::UpsertItems(grpc::CallbackServerContext* context,
                                                              const v1::UpsertItemsRequest* request,
                                                              v1::UpsertItemsResponse* response) {
  return AnswerUnary(
      context, "UpsertItems", request->metadata(), response->mutable_metadata(),
      [&](absl::Time deadline) -> absl::Status {
        AIGC_RETURN_IF_ERROR(CheckBatchSize("items", "items", request->items_size()));
        AIGC_ASSIGN_OR_RETURN(UpsertSummary summary,
                              catalogue_->Upsert(request->items(), absl::Now(), deadline));
        metrics_.SetCatalogueItems(catalogue_->size());
        response->set_created_count(summary.created_count);
        response->set_updated_count(summary.updated_count);
        response->set_rejected_count(summary.rejected_count);
        for (v1::BatchError& error : summary.errors) *response->add_errors() = std::move(error);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecommenderServiceImpl::GetItem(grpc::CallbackServerContext* context,
                                                          const v1::GetItemRequest* request,
                                                          v1::GetItemResponse* response) {
  return AnswerUnary(context, "GetItem", request->metadata(), response->mutable_metadata(),
                     [&](absl::Time) -> absl::Status {
                       AIGC_RETURN_IF_ERROR(ValidateItemId("item_id", request->item_id()));
                       AIGC_ASSIGN_OR_RETURN(std::optional<common::v1::Product> item,
                                             store_->GetItem(request->item_id()));
                       if (!item.has_value()) {
                         return absl::NotFoundError(absl::StrCat(
                             "item_id: item \"", request->item_id(), "\" is not in the catalogue"));
                       }
                       *response->mutable_item() = *std::move(item);
                       return absl::OkStatus();
                     });
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* RecommenderServiceImpl::RunEngine(
    grpc::CallbackServerContext* context, absl::string_view method, const Request* request,
    Response* response, absl::StatusOr<Response> (RecommendEngine::*serve)(const Request&) const) {
  return AnswerUnary(context, method, request->metadata(), response->mutable_metadata(),
                     [&](absl::Time) -> absl::Status {
                       AIGC_ASSIGN_OR_RETURN(Response answer, (engine_->*serve)(*request));
                       Count(answer);
                       // AnswerUnary fills (and holds a pointer into) the response's
                       // metadata: merge the answer around it.
                       answer.clear_metadata();
                       response->MergeFrom(answer);
                       return absl::OkStatus();
                     });
}

void RecommenderServiceImpl::Count(const v1::RecommendResponse& answer) {
  metrics_.CountRecommendation("recommend", answer.algorithm(), answer.experiment_id(),
                               answer.variant(), answer.fallback_reason());
}

void RecommenderServiceImpl::Count(const v1::SimilarItemsResponse& answer) {
  metrics_.CountRecommendation("similar_items", answer.algorithm(), answer.experiment_id(),
                               answer.variant(), answer.fallback_reason());
}

grpc::ServerUnaryReactor* RecommenderServiceImpl::Recommend(grpc::CallbackServerContext* context,
                                                            const v1::RecommendRequest* request,
                                                            v1::RecommendResponse* response) {
  return RunEngine(context, "Recommend", request, response, &RecommendEngine::Recommend);
}

grpc::ServerUnaryReactor* RecommenderServiceImpl::SimilarItems(
    grpc::CallbackServerContext* context, const v1::SimilarItemsRequest* request,
    v1::SimilarItemsResponse* response) {
  return RunEngine(context, "SimilarItems", request, response, &RecommendEngine::SimilarItems);
}

grpc::ServerUnaryReactor* RecommenderServiceImpl::PredictRating(
    grpc::CallbackServerContext* context, const v1::PredictRatingRequest* request,
    v1::PredictRatingResponse* response) {
  return RunEngine(context, "PredictRating", request, response, &RecommendEngine::PredictRating);
}

grpc::ServerUnaryReactor* RecommenderServiceImpl::ListItems(grpc::CallbackServerContext* context,
                                                            const v1::ListItemsRequest* request,
                                                            v1::ListItemsResponse* response) {
  return AnswerUnary(context, "ListItems", request->metadata(), response->mutable_metadata(),
                     [&](absl::Time) -> absl::Status {
                       AIGC_ASSIGN_OR_RETURN(const ItemQuery query, ItemQueryFromRequest(*request));
                       AIGC_ASSIGN_OR_RETURN(ItemPage page, store_->ListItems(query));
                       for (common::v1::Product& item : page.items) {
                         *response->add_items() = std::move(item);
                       }
                       response->mutable_page()->set_next_page_token(NextPageToken(query, page));
                       // Counting a filtered catalogue would cost a scan; the
                       // whole catalogue's size is known.
                       if (query.categories.empty() && query.kinds.empty()) {
                         response->mutable_page()->set_total_size(store_->item_count());
                       }
                       return absl::OkStatus();
                     });
}

}  // namespace aigc::recommender
