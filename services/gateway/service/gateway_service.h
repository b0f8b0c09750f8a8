// aigc.gateway.v1.GatewayService and GatewayAdminService. Every call is
// admitted by its API key (admission.h), then forwarded to its backend: the
// request id filled in (and echoed in x-request-id), the client name set, the
// caller's deadline (or the default) and cancellation passed on, the
// backend's circuit breaker in front. Streams are relayed message by message.
// GetProductCards composes the three backends (product_cards.h).
#ifndef AIGC_SERVICES_GATEWAY_SERVICE_GATEWAY_SERVICE_H_
#define AIGC_SERVICES_GATEWAY_SERVICE_GATEWAY_SERVICE_H_

#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "services/gateway/service/gateway_core.h"

namespace aigc::gateway {

class GatewayServiceImpl final : public v1::GatewayService::CallbackService {
 public:
  // `core` must outlive the service.
  explicit GatewayServiceImpl(GatewayCore* core) : core_(core) {}

  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* context,
                                      const recommender::v1::RecommendRequest* request,
                                      recommender::v1::RecommendResponse* response) override;
  grpc::ServerUnaryReactor* SimilarItems(grpc::CallbackServerContext* context,
                                         const recommender::v1::SimilarItemsRequest* request,
                                         recommender::v1::SimilarItemsResponse* response) override;
  grpc::ServerUnaryReactor* WriteEvents(grpc::CallbackServerContext* context,
                                        const recommender::v1::WriteEventsRequest* request,
                                        recommender::v1::WriteEventsResponse* response) override;
  grpc::ServerReadReactor<recommender::v1::RecordEventsRequest>* RecordEvents(
      grpc::CallbackServerContext* context,
      recommender::v1::RecordEventsResponse* response) override;
  grpc::ServerBidiReactor<copywriter::v1::LiveQARequest, copywriter::v1::LiveQAResponse>* LiveQA(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GenerateCopy(grpc::CallbackServerContext* context,
                                         const copywriter::v1::GenerateCopyRequest* request,
                                         copywriter::v1::GenerateCopyResponse* response) override;
  grpc::ServerWriteReactor<copywriter::v1::StreamCopyResponse>* StreamCopy(
      grpc::CallbackServerContext* context,
      const copywriter::v1::StreamCopyRequest* request) override;
  grpc::ServerUnaryReactor* GenerateImages(grpc::CallbackServerContext* context,
                                           const imagegen::v1::GenerateRequest* request,
                                           imagegen::v1::GenerateResponse* response) override;
  grpc::ServerWriteReactor<imagegen::v1::GenerateStreamResponse>* GenerateImagesStream(
      grpc::CallbackServerContext* context,
      const imagegen::v1::GenerateStreamRequest* request) override;
  grpc::ServerUnaryReactor* GetProductCards(grpc::CallbackServerContext* context,
                                            const v1::GetProductCardsRequest* request,
                                            v1::GetProductCardsResponse* response) override;

 private:
  GatewayCore* const core_;
};

class GatewayAdminServiceImpl final : public v1::GatewayAdminService::CallbackService {
 public:
  // `core` must outlive the service.
  explicit GatewayAdminServiceImpl(GatewayCore* core) : core_(core) {}

  grpc::ServerUnaryReactor* Train(grpc::CallbackServerContext* context,
                                  const recommender::v1::TrainRequest* request,
                                  recommender::v1::TrainResponse* response) override;
  grpc::ServerUnaryReactor* GetTrainingJob(
      grpc::CallbackServerContext* context, const recommender::v1::GetTrainingJobRequest* request,
      recommender::v1::GetTrainingJobResponse* response) override;
  grpc::ServerUnaryReactor* ReloadModel(grpc::CallbackServerContext* context,
                                        const recommender::v1::ReloadModelRequest* request,
                                        recommender::v1::ReloadModelResponse* response) override;
  grpc::ServerUnaryReactor* ReloadApiKeys(grpc::CallbackServerContext* context,
                                          const v1::ReloadApiKeysRequest* request,
                                          v1::ReloadApiKeysResponse* response) override;

 private:
  // ReloadApiKeys' work, filling in the audit record.
  absl::Status ReloadKeys(grpc::CallbackServerContext& context, AuditedCall& audited,
                          v1::ReloadApiKeysResponse& response);

  GatewayCore* const core_;
};

}  // namespace aigc::gateway

#endif  // AIGC_SERVICES_GATEWAY_SERVICE_GATEWAY_SERVICE_H_
