#include "services/gateway/service/gateway_service.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rpc/request_context.h"
#include "common/rpc/unary_call.h"
#include "common/status/status.h"
#include "services/gateway/service/product_cards.h"

namespace aigc::gateway {
namespace {

namespace rec = recommender::v1;
namespace copy = copywriter::v1;
namespace img = imagegen::v1;

constexpr absl::string_view kService = v1::GatewayService::service_full_name();
constexpr absl::string_view kAdminService = v1::GatewayAdminService::service_full_name();

// The forwarded copy of a request: the request id in effect (the caller's,
// or a fresh one) and the admitted client's name.
template <typename Request>
absl::StatusOr<std::string> Stamp(Request& request, const Caller& caller) {
  AIGC_ASSIGN_OR_RETURN(std::string request_id, rpc::ResolveRequestId(request.metadata()));
  request.mutable_metadata()->set_request_id(request_id);
  request.mutable_metadata()->set_client_name(caller.client_name);
  return request_id;
}

// The user a request is about, for the audit log (pseudonymised there).
std::string UserOf(const recommender::v1::RecommendRequest& request) { return request.user_id(); }
std::string UserOf(const recommender::v1::SimilarItemsRequest& request) {
  return request.user_id();
}
template <typename Request>
std::string UserOf(const Request&) {
  return "";
}

// Admits the call, stamps the request and checks the backend's breaker: what
// every forwarded call does before it goes out. Fills `audited` as it goes.
template <typename Request>
absl::Status Prepare(GatewayCore& core, grpc::CallbackServerContext& context, Backend& backend,
                     bool admin_only, Request& request, AuditedCall& audited) {
  absl::StatusOr<Caller> caller = core.admission().Admit(context, admin_only);
  if (!caller.ok()) {
    core.CountRejected(RejectionReason(caller.status()));
    return caller.status();
  }
  audited.caller = *caller;
  absl::StatusOr<std::string> request_id = Stamp(request, *caller);
  if (!request_id.ok()) {
    core.CountRejected("invalid_argument");
    return request_id.status();
  }
  audited.request_id = *request_id;
  context.AddInitialMetadata(rpc::kRequestIdHeader, *request_id);
  if (!backend.breaker().Allow(absl::Now())) {
    core.CountRejected("circuit_open");
    return absl::UnavailableError(absl::StrCat(
        backend.name(), " is unavailable: its circuit is open after repeated failures"));
  }
  return absl::OkStatus();
}

// "/<gateway service>/<method>", as the audit log names methods.
std::string FullMethod(absl::string_view service, absl::string_view method) {
  return absl::StrCat("/", service, "/", method);
}

// One forwarded unary call: the request copy and the backend call's context
// live until the backend answers.
template <typename Request>
struct UnaryCall {
  Request request;
  std::unique_ptr<grpc::ClientContext> context;
  absl::Time started;
  AuditedCall audited;
};

// `start(client_context, request, response, done)` issues the backend call
// (a stub's async() method) for the gateway method `service`/`method`, which
// forwards to the backend's method of the same name as `backend_method`.
template <typename Request, typename Response, typename Start>
grpc::ServerUnaryReactor* ForwardUnary(GatewayCore& core, grpc::CallbackServerContext* context,
                                       absl::string_view service, const char* method,
                                       const char* backend_method, Backend& backend,
                                       bool admin_only, const Request& request, Response* response,
                                       Start start) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto call = std::make_shared<UnaryCall<Request>>();
  call->audited = {
      .received = absl::Now(), .method = FullMethod(service, method), .user_id = UserOf(request)};
  call->request = request;
  if (const absl::Status ready =
          Prepare(core, *context, backend, admin_only, call->request, call->audited);
      !ready.ok()) {
    const grpc::Status status = status::ToGrpcStatus(ready);
    core.Audit(*context, call->audited, status);
    reactor->Finish(status);
    return reactor;
  }
  call->context = core.BackendContext(*context, core.DeadlineOf(*context));
  call->started = absl::Now();
  start(call->context.get(), &call->request, response,
        [&core, &backend, call, reactor, context, backend_method](grpc::Status status) {
          const absl::Time ended = absl::Now();
          backend.breaker().Record(status, ended);
          core.RecordBackendCall(backend, backend_method, status, ended - call->started);
          core.Audit(*context, call->audited, status);
          reactor->Finish(status);
        });
  return reactor;
}

// Relays a server-streaming call: each message the backend sends is written
// to the caller before the next is read, so a slow caller slows the backend
// instead of filling the gateway's memory. The relay deletes itself once
// both the caller's call and the backend's are done.
template <typename Request, typename Response>
class ServerStreamRelay final : public grpc::ServerWriteReactor<Response>,
                                public grpc::ClientReadReactor<Response> {
 public:
  using Start =
      std::function<void(grpc::ClientContext*, const Request*, grpc::ClientReadReactor<Response>*)>;

  ServerStreamRelay(GatewayCore& core, grpc::CallbackServerContext* context, const char* method,
                    const char* backend_method, Backend& backend, const Request& request,
                    const Start& start)
      : core_(core),
        context_(context),
        backend_(backend),
        method_(backend_method),
        request_(request),
        audited_{.received = absl::Now(),
                 .method = FullMethod(v1::GatewayService::service_full_name(), method)} {
    if (const absl::Status ready = Prepare(core, *context, backend, false, request_, audited_);
        !ready.ok()) {
      ends_ = 1;  // no backend call
      const grpc::Status status = status::ToGrpcStatus(ready);
      core.Audit(*context, audited_, status);
      grpc::ServerWriteReactor<Response>::Finish(status);
      return;
    }
    client_context_ = core.BackendContext(*context, core.DeadlineOf(*context));
    started_ = absl::Now();
    start(client_context_.get(), &request_, this);
    grpc::ClientReadReactor<Response>::StartRead(&message_);
    grpc::ClientReadReactor<Response>::StartCall();
  }

  // From the backend.
  void OnReadDone(bool ok) override {
    if (ok) grpc::ServerWriteReactor<Response>::StartWrite(&message_);
    // !ok: the stream ended; OnDone(status) follows.
  }
  void OnDone(const grpc::Status& status) override {
    const absl::Time ended = absl::Now();
    backend_.breaker().Record(status, ended);
    core_.RecordBackendCall(backend_, method_, status, ended - started_);
    core_.Audit(*context_, audited_, status);
    grpc::ServerWriteReactor<Response>::Finish(status);
    End();
  }

  // To the caller.
  void OnWriteDone(bool ok) override {
    if (ok) {
      grpc::ClientReadReactor<Response>::StartRead(&message_);
    } else {
      client_context_->TryCancel();  // the caller is gone
    }
  }
  void OnDone() override { End(); }

 private:
  // Both calls must be done before the relay goes.
  void End() {
    if (++ends_ == 2) delete this;
  }

  GatewayCore& core_;
  grpc::CallbackServerContext* const context_;
  Backend& backend_;
  const char* const method_;
  Request request_;
  AuditedCall audited_;
  Response message_;
  std::unique_ptr<grpc::ClientContext> client_context_;
  absl::Time started_;
  std::atomic<int> ends_{0};
};

// The deadline of a streamed call: the caller's, or none (a live session or
// an event feed may last for hours).
absl::Time StreamDeadlineOf(const grpc::CallbackServerContext& context) {
  const auto deadline = context.deadline();
  return deadline == std::chrono::system_clock::time_point::max() ? absl::InfiniteFuture()
                                                                  : absl::FromChrono(deadline);
}

// Relays RecordEvents: each message of the caller is charged to its rate
// limit (one unit), and written to the recommender before the next is read;
// the first carries the request id and client name. The recommender's single
// answer goes straight into the caller's response. Deletes itself once both
// calls are done.
class RecordEventsRelay final : public grpc::ServerReadReactor<rec::RecordEventsRequest>,
                                public grpc::ClientWriteReactor<rec::RecordEventsRequest> {
 public:
  using Server = grpc::ServerReadReactor<rec::RecordEventsRequest>;
  using Client = grpc::ClientWriteReactor<rec::RecordEventsRequest>;

  RecordEventsRelay(GatewayCore& core, grpc::CallbackServerContext* context,
                    rec::RecordEventsResponse* response)
      : core_(core), context_(context), response_(response) {
    audited_.received = absl::Now();
    audited_.method = FullMethod(kService, "RecordEvents");
    absl::StatusOr<Caller> caller = core.admission().Admit(*context, false, /*units=*/0);
    if (!caller.ok()) {
      core.CountRejected(RejectionReason(caller.status()));
      End(caller.status());
      return;
    }
    audited_.caller = *caller;
    Server::StartRead(&message_);
  }

  // From the caller.
  void OnReadDone(bool ok) override {
    if (backend_done_) return;  // a read cut short by the Finish after the backend ended
    if (!ok) {                  // the caller half-closed
      if (client_context_ == nullptr && !StartBackend()) return;
      Client::StartWritesDone();
      return;
    }
    if (absl::Status charged = core_.admission().Charge(*context_, audited_.caller, 1);
        !charged.ok()) {
      core_.CountRejected("rate_limited");
      return Abort(charged);
    }
    if (client_context_ == nullptr) {
      absl::StatusOr<std::string> request_id = Stamp(message_, audited_.caller);
      if (!request_id.ok()) return Abort(request_id.status());
      audited_.request_id = *request_id;
      context_->AddInitialMetadata(rpc::kRequestIdHeader, *request_id);
      if (!StartBackend()) return;
    }
    Client::StartWrite(&message_);
  }

  // To the recommender.
  void OnWriteDone(bool ok) override {
    if (ok) Server::StartRead(&message_);
    // !ok: the recommender ended the call; OnDone(status) follows.
  }
  void OnDone(const grpc::Status& status) override {
    backend_done_ = true;
    const absl::Time ended = absl::Now();
    core_.recommender().breaker().Record(status, ended);
    core_.RecordBackendCall(core_.recommender(), "RecordEvents", status, ended - started_);
    Finish(abort_.ok() ? status : status::ToGrpcStatus(abort_));
  }
  void OnDone() override { Release(); }

 private:
  bool StartBackend() {
    if (!core_.recommender().breaker().Allow(absl::Now())) {
      core_.CountRejected("circuit_open");
      End(absl::UnavailableError(
          "recommender is unavailable: its circuit is open after repeated failures"));
      return false;
    }
    client_context_ = core_.BackendContext(*context_, StreamDeadlineOf(*context_));
    started_ = absl::Now();
    core_.recommender_stub().async()->RecordEvents(client_context_.get(), response_, this);
    Client::StartCall();
    return true;
  }

  // Ends the call with `status`: at once when no backend call was started,
  // else by cancelling it (its OnDone then finishes with `status`).
  void Abort(const absl::Status& status) {
    if (client_context_ == nullptr) return End(status);
    abort_ = status;
    client_context_->TryCancel();
  }

  // Finishes the caller's call without a backend call.
  void End(const absl::Status& status) {
    Finish(status::ToGrpcStatus(status));
    Release();  // the backend side counts as done
  }

  void Finish(const grpc::Status& status) {
    core_.Audit(*context_, audited_, status);
    Server::Finish(status);
  }

  void Release() {
    if (++ends_ == 2) delete this;
  }

  GatewayCore& core_;
  grpc::CallbackServerContext* const context_;
  rec::RecordEventsResponse* const response_;
  rec::RecordEventsRequest message_;
  std::unique_ptr<grpc::ClientContext> client_context_;
  absl::Time started_;
  absl::Status abort_;
  AuditedCall audited_;
  std::atomic<bool> backend_done_{false};
  std::atomic<int> ends_{0};
};

// Relays a LiveQA session both ways, message by message: the caller's
// messages (each question charged one unit of its rate limit; the first
// stamped with the request id and client name) to the copywriter, the
// copywriter's events back. Deletes itself once both calls are done.
class LiveQaRelay final
    : public grpc::ServerBidiReactor<copy::LiveQARequest, copy::LiveQAResponse> {
 public:
  using Server = grpc::ServerBidiReactor<copy::LiveQARequest, copy::LiveQAResponse>;

  LiveQaRelay(GatewayCore& core, grpc::CallbackServerContext* context)
      : core_(core), context_(context), backend_(this) {
    audited_.received = absl::Now();
    audited_.method = FullMethod(kService, "LiveQA");
    absl::StatusOr<Caller> caller = core.admission().Admit(*context, false);
    if (!caller.ok()) {
      core.CountRejected(RejectionReason(caller.status()));
      End(caller.status());
      return;
    }
    audited_.caller = *caller;
    Server::StartRead(&up_);
  }

  // From the caller.
  void OnReadDone(bool ok) override {
    if (backend_done_) return;  // a read cut short by the Finish after the backend ended
    if (!ok) {                  // the caller half-closed
      if (client_context_ == nullptr && !StartBackend()) return;
      backend_.StartWritesDone();
      return;
    }
    if (up_.has_question()) {
      if (absl::Status charged = core_.admission().Charge(*context_, audited_.caller, 1);
          !charged.ok()) {
        core_.CountRejected("rate_limited");
        return Abort(charged);
      }
    }
    if (client_context_ == nullptr) {
      absl::StatusOr<std::string> request_id = Stamp(up_, audited_.caller);
      if (!request_id.ok()) return Abort(request_id.status());
      audited_.request_id = *request_id;
      context_->AddInitialMetadata(rpc::kRequestIdHeader, *request_id);
      if (!StartBackend()) return;
    }
    backend_.StartWrite(&up_);
  }
  // To the caller.
  void OnWriteDone(bool ok) override {
    if (ok) {
      backend_.StartRead(&down_);
    } else {
      client_context_->TryCancel();  // the caller is gone
    }
  }
  void OnDone() override { Release(); }

 private:
  // The call to the copywriter.
  class Backend final : public grpc::ClientBidiReactor<copy::LiveQARequest, copy::LiveQAResponse> {
   public:
    explicit Backend(LiveQaRelay* relay) : relay_(relay) {}
    void OnReadDone(bool ok) override {
      if (ok) relay_->Server::StartWrite(&relay_->down_);
      // !ok: the session ended; OnDone(status) follows.
    }
    void OnWriteDone(bool ok) override {
      if (ok) relay_->Server::StartRead(&relay_->up_);
    }
    void OnDone(const grpc::Status& status) override { relay_->BackendDone(status); }

   private:
    LiveQaRelay* const relay_;
  };

  bool StartBackend() {
    if (!core_.copywriter().breaker().Allow(absl::Now())) {
      core_.CountRejected("circuit_open");
      End(absl::UnavailableError(
          "copywriter is unavailable: its circuit is open after repeated failures"));
      return false;
    }
    client_context_ = core_.BackendContext(*context_, StreamDeadlineOf(*context_));
    started_ = absl::Now();
    core_.copywriter_stub().async()->LiveQA(client_context_.get(), &backend_);
    backend_.StartRead(&down_);
    backend_.StartCall();
    return true;
  }

  void BackendDone(const grpc::Status& status) {
    backend_done_ = true;
    const absl::Time ended = absl::Now();
    core_.copywriter().breaker().Record(status, ended);
    core_.RecordBackendCall(core_.copywriter(), "LiveQA", status, ended - started_);
    Finish(abort_.ok() ? status : status::ToGrpcStatus(abort_));
    Release();
  }

  void Abort(const absl::Status& status) {
    if (client_context_ == nullptr) return End(status);
    abort_ = status;
    client_context_->TryCancel();
  }

  void End(const absl::Status& status) {
    Finish(status::ToGrpcStatus(status));
    Release();  // the backend side counts as done
  }

  void Finish(const grpc::Status& status) {
    core_.Audit(*context_, audited_, status);
    Server::Finish(status);
  }

  void Release() {
    if (++ends_ == 2) delete this;
  }

  GatewayCore& core_;
  grpc::CallbackServerContext* const context_;
  Backend backend_;
  copy::LiveQARequest up_;
  copy::LiveQAResponse down_;
  std::unique_ptr<grpc::ClientContext> client_context_;
  absl::Time started_;
  absl::Status abort_;
  AuditedCall audited_;
  std::atomic<bool> backend_done_{false};
  std::atomic<int> ends_{0};
};

}  // namespace

grpc::ServerUnaryReactor* GatewayServiceImpl::Recommend(grpc::CallbackServerContext* context,
                                                        const rec::RecommendRequest* request,
                                                        rec::RecommendResponse* response) {
  return ForwardUnary(*core_, context, kService, "Recommend", "Recommend", core_->recommender(),
                      false, *request, response, [this](auto* c, auto* q, auto* r, auto done) {
                        core_->recommender_stub().async()->Recommend(c, q, r, std::move(done));
                      });
}

grpc::ServerUnaryReactor* GatewayServiceImpl::SimilarItems(grpc::CallbackServerContext* context,
                                                           const rec::SimilarItemsRequest* request,
                                                           rec::SimilarItemsResponse* response) {
  return ForwardUnary(*core_, context, kService, "SimilarItems", "SimilarItems",
                      core_->recommender(), false, *request, response,
                      [this](auto* c, auto* q, auto* r, auto done) {
                        core_->recommender_stub().async()->SimilarItems(c, q, r, std::move(done));
                      });
}

grpc::ServerUnaryReactor* GatewayServiceImpl::WriteEvents(grpc::CallbackServerContext* context,
                                                          const rec::WriteEventsRequest* request,
                                                          rec::WriteEventsResponse* response) {
  return ForwardUnary(*core_, context, kService, "WriteEvents", "WriteEvents", core_->recommender(),
                      false, *request, response, [this](auto* c, auto* q, auto* r, auto done) {
                        core_->recommender_stub().async()->WriteEvents(c, q, r, std::move(done));
                      });
}

grpc::ServerReadReactor<rec::RecordEventsRequest>* GatewayServiceImpl::RecordEvents(
    grpc::CallbackServerContext* context, rec::RecordEventsResponse* response) {
  return new RecordEventsRelay(*core_, context, response);
}

grpc::ServerBidiReactor<copy::LiveQARequest, copy::LiveQAResponse>* GatewayServiceImpl::LiveQA(
    grpc::CallbackServerContext* context) {
  return new LiveQaRelay(*core_, context);
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GenerateCopy(grpc::CallbackServerContext* context,
                                                           const copy::GenerateCopyRequest* request,
                                                           copy::GenerateCopyResponse* response) {
  return ForwardUnary(*core_, context, kService, "GenerateCopy", "GenerateCopy",
                      core_->copywriter(), false, *request, response,
                      [this](auto* c, auto* q, auto* r, auto done) {
                        core_->copywriter_stub().async()->GenerateCopy(c, q, r, std::move(done));
                      });
}

grpc::ServerWriteReactor<copy::StreamCopyResponse>* GatewayServiceImpl::StreamCopy(
    grpc::CallbackServerContext* context, const copy::StreamCopyRequest* request) {
  return new ServerStreamRelay<copy::StreamCopyRequest, copy::StreamCopyResponse>(
      *core_, context, "StreamCopy", "StreamCopy", core_->copywriter(), *request,
      [this](auto* c, auto* q, auto* reactor) {
        core_->copywriter_stub().async()->StreamCopy(c, q, reactor);
      });
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GenerateImages(grpc::CallbackServerContext* context,
                                                             const img::GenerateRequest* request,
                                                             img::GenerateResponse* response) {
  return ForwardUnary(*core_, context, kService, "GenerateImages", "Generate", core_->imagegen(),
                      false, *request, response, [this](auto* c, auto* q, auto* r, auto done) {
                        core_->imagegen_stub().async()->Generate(c, q, r, std::move(done));
                      });
}

grpc::ServerWriteReactor<img::GenerateStreamResponse>* GatewayServiceImpl::GenerateImagesStream(
    grpc::CallbackServerContext* context, const img::GenerateStreamRequest* request) {
  return new ServerStreamRelay<img::GenerateStreamRequest, img::GenerateStreamResponse>(
      *core_, context, "GenerateImagesStream", "GenerateStream", core_->imagegen(), *request,
      [this](auto* c, auto* q, auto* reactor) {
        core_->imagegen_stub().async()->GenerateStream(c, q, reactor);
      });
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GetProductCards(
    grpc::CallbackServerContext* context, const v1::GetProductCardsRequest* request,
    v1::GetProductCardsResponse* response) {
  return AnswerProductCards(*core_, context, *request, response);
}

grpc::ServerUnaryReactor* GatewayAdminServiceImpl::Train(grpc::CallbackServerContext* context,
                                                         const rec::TrainRequest* request,
                                                         rec::TrainResponse* response) {
  return ForwardUnary(*core_, context, kAdminService, "Train", "Train", core_->recommender(), true,
                      *request, response, [this](auto* c, auto* q, auto* r, auto done) {
                        core_->recommender_admin_stub().async()->Train(c, q, r, std::move(done));
                      });
}

grpc::ServerUnaryReactor* GatewayAdminServiceImpl::GetTrainingJob(
    grpc::CallbackServerContext* context, const rec::GetTrainingJobRequest* request,
    rec::GetTrainingJobResponse* response) {
  return ForwardUnary(
      *core_, context, kAdminService, "GetTrainingJob", "GetTrainingJob", core_->recommender(),
      true, *request, response, [this](auto* c, auto* q, auto* r, auto done) {
        core_->recommender_admin_stub().async()->GetTrainingJob(c, q, r, std::move(done));
      });
}

grpc::ServerUnaryReactor* GatewayAdminServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context, const rec::ReloadModelRequest* request,
    rec::ReloadModelResponse* response) {
  return ForwardUnary(
      *core_, context, kAdminService, "ReloadModel", "ReloadModel", core_->recommender(), true,
      *request, response, [this](auto* c, auto* q, auto* r, auto done) {
        core_->recommender_admin_stub().async()->ReloadModel(c, q, r, std::move(done));
      });
}

grpc::ServerUnaryReactor* GatewayAdminServiceImpl::ReloadApiKeys(
    grpc::CallbackServerContext* context, const v1::ReloadApiKeysRequest* request,
    v1::ReloadApiKeysResponse* response) {
  return rpc::AnswerUnary(context, "ReloadApiKeys", request->metadata(),
                          response->mutable_metadata(), [&](absl::Time) -> absl::Status {
                            AuditedCall audited{
                                .received = absl::Now(),
                                .method = FullMethod(kAdminService, "ReloadApiKeys"),
                                .request_id = request->metadata().request_id()};
                            absl::Status status = ReloadKeys(*context, audited, *response);
                            core_->Audit(*context, audited, status::ToGrpcStatus(status));
                            return status;
                          });
}

absl::Status GatewayAdminServiceImpl::ReloadKeys(grpc::CallbackServerContext& context,
                                                 AuditedCall& audited,
                                                 v1::ReloadApiKeysResponse& response) {
  absl::StatusOr<Caller> caller = core_->admission().Admit(context, true);
  if (!caller.ok()) {
    core_->CountRejected(RejectionReason(caller.status()));
    return caller.status();
  }
  audited.caller = *caller;
  // A key file that went missing is as bad as one that does not parse.
  if (absl::Status reloaded = core_->keys().Reload(); !reloaded.ok()) {
    return absl::FailedPreconditionError(reloaded.message());
  }
  const std::shared_ptr<const gateway_auth::ApiKeyTable> table = core_->keys().Current();
  response.set_key_count(table->size());
  response.set_admin_key_count(table->admin_count());
  response.mutable_loaded_time()->set_seconds(absl::ToUnixSeconds(core_->keys().loaded_time()));
  return absl::OkStatus();
}

}  // namespace aigc::gateway
