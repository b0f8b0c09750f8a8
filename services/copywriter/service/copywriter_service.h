// aigc.copywriter.v1.CopywriterService: GenerateCopy and StreamCopy over the
// served copy model (every request decoded by the shared DecodeScheduler),
// with fact repair and the advertising-law filter on every output; LiveQA
// sessions (live_qa.h) and the live rooms' knowledge bases
// (Set/GetRoomKnowledge).
#ifndef AIGC_SERVICES_COPYWRITER_SERVICE_COPYWRITER_SERVICE_H_
#define AIGC_SERVICES_COPYWRITER_SERVICE_COPYWRITER_SERVICE_H_

#include <memory>

#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/runtime/model_repository.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/registry.h"
#include "services/copywriter/generation/scheduler.h"
#include "services/copywriter/live/rooms.h"
#include "services/copywriter/service/copy_candidate.h"
#include "services/copywriter/service/copy_request.h"
#include "services/copywriter/service/generation_metrics.h"
#include "services/copywriter/service/live_qa.h"

namespace aigc::copywriter {

// What the service works with; nothing is owned and all must outlive it.
struct CopywriterServiceDeps {
  // Serves kCopyModelName (loaded with LoadCopyModel).
  const runtime::ModelRepository* models = nullptr;
  DecodeScheduler* scheduler = nullptr;
  OutputChecks checks;
  // Products GenerateCopyRequest.product_id may name.
  const ProductCatalogue* catalogue = nullptr;
  // The live rooms' knowledge bases.
  copy_live::RoomRegistry* rooms = nullptr;
  // Classifies live questions (TrainDemoIntentClassifier).
  const copy_live::IntentClassifier* intents = nullptr;
};

class CopywriterServiceImpl final : public v1::CopywriterService::CallbackService {
 public:
  // INVALID_ARGUMENT naming the option for bad `live_options`.
  static absl::StatusOr<std::unique_ptr<CopywriterServiceImpl>> Create(
      CopywriterServiceDeps deps, LiveQaOptions live_options, prometheus::Registry& registry);

  // INVALID_ARGUMENT / NOT_FOUND for bad requests (see PlanCopy),
  // UNAVAILABLE while no copy model is loaded, RESOURCE_EXHAUSTED when the
  // generation queue is full, DEADLINE_EXCEEDED / CANCELLED when the call
  // ends before the texts do.
  grpc::ServerUnaryReactor* GenerateCopy(grpc::CallbackServerContext* context,
                                         const v1::GenerateCopyRequest* request,
                                         v1::GenerateCopyResponse* response) override;

  // The same errors, as the stream's final status (before any message for
  // request errors).
  grpc::ServerWriteReactor<v1::StreamCopyResponse>* StreamCopy(
      grpc::CallbackServerContext* context, const v1::StreamCopyRequest* request) override;

  // See copywriter.proto and live_qa.h.
  grpc::ServerBidiReactor<v1::LiveQARequest, v1::LiveQAResponse>* LiveQA(
      grpc::CallbackServerContext* context) override;

  // INVALID_ARGUMENT naming the field (see RoomRegistry::Set).
  grpc::ServerUnaryReactor* SetRoomKnowledge(grpc::CallbackServerContext* context,
                                             const v1::SetRoomKnowledgeRequest* request,
                                             v1::SetRoomKnowledgeResponse* response) override;

  // INVALID_ARGUMENT / NOT_FOUND "room_id".
  grpc::ServerUnaryReactor* GetRoomKnowledge(grpc::CallbackServerContext* context,
                                             const v1::GetRoomKnowledgeRequest* request,
                                             v1::GetRoomKnowledgeResponse* response) override;

  // For the server's drain (Server::OnDrain): ends the LiveQA sessions (see
  // LiveQa::Drain). Does not block.
  void Drain() { live_->Drain(); }

 private:
  class CopyStream;

  CopywriterServiceImpl(CopywriterServiceDeps deps, prometheus::Registry& registry);

  CopywriterServiceDeps deps_;
  GenerationMetrics metrics_;
  std::unique_ptr<LiveQa> live_;
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_SERVICE_COPYWRITER_SERVICE_H_
