#include "services/gateway/service/gateway_service.h"

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
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
std::string UserOf(const rec::RecommendRequest& request) { return request.user_id(); }
std::string UserOf(const rec::SimilarItemsRequest& request) { return request.user_id(); }
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

// One forwarded unary call: the request copy and, per attempt (a second one
// only when a hedged call sends it), the backend call's context and answer.
template <typename Request, typename Response>
struct UnaryCall {
  struct Attempt {
    std::unique_ptr<grpc::ClientContext> context;
    Response response;
    absl::Time started;
  };
  Request request;
  AuditedCall audited;
  absl::Time deadline;
  absl::Mutex mu;
  std::array<Attempt, 2> attempts;
  int sent ABSL_GUARDED_BY(mu) = 0;         // attempts sent
  int outstanding ABSL_GUARDED_BY(mu) = 0;  // attempts not answered yet
  bool finished ABSL_GUARDED_BY(mu) = false;
};

// Sends attempt `i` of `call`, whose context is set. The first attempt to
// succeed answers the caller (the other is cancelled); a failed attempt
// answers only when no other is outstanding.
template <typename Request, typename Response, typename Start>
void SendAttempt(GatewayCore& core, Backend& backend, const char* backend_method,
                 grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
                 Response* response, const std::shared_ptr<UnaryCall<Request, Response>>& call,
                 const Start& start, int i) {
  auto& attempt = call->attempts[i];
  attempt.started = absl::Now();
  start(
      attempt.context.get(), &call->request, &attempt.response,
      [&core, &backend, backend_method, context, reactor, response, call, i](grpc::Status status) {
        auto& attempt = call->attempts[i];
        const absl::Time ended = absl::Now();
        backend.breaker().Record(status, ended);
        core.RecordBackendCall(backend, backend_method, status, ended - attempt.started);
        grpc::ClientContext* other = nullptr;
        {
          absl::MutexLock lock(&call->mu);
          --call->outstanding;
          if (call->finished || (!status.ok() && call->outstanding > 0)) return;
          call->finished = true;
          if (call->sent > 1) other = call->attempts[1 - i].context.get();
        }
        if (other != nullptr) other->TryCancel();
        if (status.ok()) response->Swap(&attempt.response);
        core.Audit(*context, call->audited, status);
        reactor->Finish(status);
      });
}

// Forwards the gateway method `service`/`method` to the backend method
// `backend_method`, which `start(client_context, request, response, done)`
// calls (a stub's async() method). A `hedged` call sends a second attempt
// when the first has not answered after GatewayOptions::hedge_after.
template <typename Request, typename Response, typename Start>
grpc::ServerUnaryReactor* ForwardUnary(GatewayCore& core, grpc::CallbackServerContext* context,
                                       absl::string_view service, const char* method,
                                       const char* backend_method, Backend& backend,
                                       bool admin_only, bool hedged, const Request& request,
                                       Response* response, Start start) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto call = std::make_shared<UnaryCall<Request, Response>>();
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
  call->deadline = core.DeadlineOf(*context);
  call->attempts[0].context = core.BackendContext(*context, call->deadline);
  {
    absl::MutexLock lock(&call->mu);
    call->sent = call->outstanding = 1;
  }
  const absl::Duration hedge_after = core.options().hedge_after;
  if (hedged && hedge_after > absl::ZeroDuration()) {
    core.timers().Schedule(absl::Now() + hedge_after, [&core, &backend, backend_method, context,
                                                       reactor, response, call, start] {
      {
        absl::MutexLock lock(&call->mu);
        if (call->finished || !backend.breaker().Allow(absl::Now())) return;
        call->attempts[1].context = core.BackendContext(*context, call->deadline);
        call->sent = 2;
        ++call->outstanding;
      }
      core.CountHedge(backend);
      SendAttempt(core, backend, backend_method, context, reactor, response, call, start, 1);
    });
  }
  SendAttempt(core, backend, backend_method, context, reactor, response, call, start, 0);
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

// What the relays of caller-streaming calls (RecordEvents, LiveQA) share:
// admission, stamping the first message, charging messages to the rate
// limit, starting the backend call behind its breaker, and ending: the relay
// deletes itself once both the caller's call and the backend's are done.
template <typename ServerReactor>
class StreamRelay : public ServerReactor {
 protected:
  StreamRelay(GatewayCore& core, grpc::CallbackServerContext* context, Backend& backend,
              const char* method)
      : core_(core), context_(context), backend_(backend), method_(method) {
    audited_.received = absl::Now();
    audited_.method = FullMethod(kService, method);
  }

  // Admits the caller, taking `units`; false (the call ended) when refused.
  bool Admit(double units) {
    absl::StatusOr<Caller> caller = core_.admission().Admit(*context_, false, units);
    if (!caller.ok()) {
      core_.CountRejected(RejectionReason(caller.status()));
      End(caller.status());
      return false;
    }
    audited_.caller = *caller;
    return true;
  }

  // Charges one message to the caller's rate limit; false (the call ending)
  // when over it.
  bool Charge() {
    absl::Status charged = core_.admission().Charge(*context_, audited_.caller, 1);
    if (charged.ok()) return true;
    core_.CountRejected("rate_limited");
    Abort(charged);
    return false;
  }

  bool BackendStarted() const { return client_context_ != nullptr; }

  // Stamps the caller's first message with the request id and client name;
  // false (the call ending) on a bad request id.
  template <typename Message>
  bool StampFirst(Message& first) {
    absl::StatusOr<std::string> request_id = Stamp(first, audited_.caller);
    if (!request_id.ok()) {
      Abort(request_id.status());
      return false;
    }
    audited_.request_id = *request_id;
    context_->AddInitialMetadata(rpc::kRequestIdHeader, *request_id);
    return true;
  }

  // Starts the backend call (StartBackendCall) behind its breaker; false (the
  // call ending) when the circuit is open.
  bool StartBackend() {
    if (!backend_.breaker().Allow(absl::Now())) {
      core_.CountRejected("circuit_open");
      End(absl::UnavailableError(absl::StrCat(
          backend_.name(), " is unavailable: its circuit is open after repeated failures")));
      return false;
    }
    client_context_ = core_.BackendContext(*context_, StreamDeadlineOf(*context_));
    started_ = absl::Now();
    StartBackendCall(client_context_.get());
    return true;
  }

  // Issues the relay's call to its backend on `client_context`.
  virtual void StartBackendCall(grpc::ClientContext* client_context) = 0;

  // The backend call ended: the caller's call ends with its status (or the
  // reason it was aborted).
  void BackendDone(const grpc::Status& status) {
    backend_done_ = true;
    const absl::Time ended = absl::Now();
    backend_.breaker().Record(status, ended);
    core_.RecordBackendCall(backend_, method_, status, ended - started_);
    FinishCall(abort_.ok() ? status : status::ToGrpcStatus(abort_));
    Release();
  }

  // A read cut short by the Finish after the backend ended is to be ignored.
  bool backend_done() const { return backend_done_; }

  // Ends the call with `status`: at once when no backend call was started,
  // else by cancelling it (BackendDone then finishes with `status`).
  void Abort(const absl::Status& status) {
    if (!BackendStarted()) return End(status);
    abort_ = status;
    client_context_->TryCancel();
  }

  void CancelBackend() { client_context_->TryCancel(); }

  void Release() {
    if (++ends_ == 2) delete this;
  }

 private:
  // Finishes the caller's call without a backend call.
  void End(const absl::Status& status) {
    FinishCall(status::ToGrpcStatus(status));
    Release();  // the backend side counts as done
  }

  void FinishCall(const grpc::Status& status) {
    core_.Audit(*context_, audited_, status);
    ServerReactor::Finish(status);
  }

  GatewayCore& core_;
  grpc::CallbackServerContext* const context_;
  Backend& backend_;
  const char* const method_;
  std::unique_ptr<grpc::ClientContext> client_context_;
  absl::Time started_;
  absl::Status abort_;
  AuditedCall audited_;
  std::atomic<bool> backend_done_{false};
  std::atomic<int> ends_{0};
};

// Relays RecordEvents: each message of the caller is charged to its rate
// limit (one unit), and written to the recommender before the next is read;
// the first carries the request id and client name. The recommender's single
// answer goes straight into the caller's response.
class RecordEventsRelay final
    : public StreamRelay<grpc::ServerReadReactor<rec::RecordEventsRequest>>,
      public grpc::ClientWriteReactor<rec::RecordEventsRequest> {
 public:
  using Server = grpc::ServerReadReactor<rec::RecordEventsRequest>;
  using Client = grpc::ClientWriteReactor<rec::RecordEventsRequest>;

  RecordEventsRelay(GatewayCore& core, grpc::CallbackServerContext* context,
                    rec::RecordEventsResponse* response)
      : StreamRelay(core, context, core.recommender(), "RecordEvents"),
        core_(core),
        response_(response) {
    if (Admit(/*units=*/0)) Server::StartRead(&message_);
  }

  // From the caller.
  void OnReadDone(bool ok) override {
    if (backend_done()) return;
    if (!ok) {  // the caller half-closed
      if (!BackendStarted() && !StartBackend()) return;
      Client::StartWritesDone();
      return;
    }
    if (!Charge()) return;
    if (!BackendStarted() && !(StampFirst(message_) && StartBackend())) return;
    Client::StartWrite(&message_);
  }

  // To the recommender.
  void OnWriteDone(bool ok) override {
    if (ok) Server::StartRead(&message_);
    // !ok: the recommender ended the call; OnDone(status) follows.
  }
  void OnDone(const grpc::Status& status) override { BackendDone(status); }
  void OnDone() override { Release(); }

 private:
  void StartBackendCall(grpc::ClientContext* client_context) override {
    core_.recommender_stub().async()->RecordEvents(client_context, response_, this);
    Client::StartCall();
  }

  GatewayCore& core_;
  rec::RecordEventsResponse* const response_;
  rec::RecordEventsRequest message_;
};

// Relays a LiveQA session both ways, message by message: the caller's
// messages (opening the session and each question charged one unit of its
// rate limit; the first stamped with the request id and client name) to the
// copywriter, the copywriter's events back.
class LiveQaRelay final
    : public StreamRelay<grpc::ServerBidiReactor<copy::LiveQARequest, copy::LiveQAResponse>> {
 public:
  using Server = grpc::ServerBidiReactor<copy::LiveQARequest, copy::LiveQAResponse>;

  LiveQaRelay(GatewayCore& core, grpc::CallbackServerContext* context)
      : StreamRelay(core, context, core.copywriter(), "LiveQA"), core_(core), backend_(this) {
    if (Admit(/*units=*/1)) Server::StartRead(&up_);
  }

  // From the caller.
  void OnReadDone(bool ok) override {
    if (backend_done()) return;
    if (!ok) {  // the caller half-closed
      if (!BackendStarted() && !StartBackend()) return;
      backend_.StartWritesDone();
      return;
    }
    if (up_.has_question() && !Charge()) return;
    if (!BackendStarted() && !(StampFirst(up_) && StartBackend())) return;
    backend_.StartWrite(&up_);
  }
  // To the caller.
  void OnWriteDone(bool ok) override {
    if (ok) {
      backend_.StartRead(&down_);
    } else {
      CancelBackend();  // the caller is gone
    }
  }
  void OnDone() override { Release(); }

 private:
  // The call to the copywriter (its own object: both sides of a bidi relay
  // have OnReadDone and OnWriteDone).
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

  void StartBackendCall(grpc::ClientContext* client_context) override {
    core_.copywriter_stub().async()->LiveQA(client_context, &backend_);
    backend_.StartRead(&down_);
    backend_.StartCall();
  }

  GatewayCore& core_;
  Backend backend_;
  copy::LiveQARequest up_;
  copy::LiveQAResponse down_;
};

}  // namespace

grpc::ServerUnaryReactor* GatewayServiceImpl::Recommend(grpc::CallbackServerContext* context,
                                                        const rec::RecommendRequest* request,
                                                        rec::RecommendResponse* response) {
  return ForwardUnary(*core_, context, kService, "Recommend", "Recommend", core_->recommender(),
                      false, true, *request, response,
                      [this](auto* c, auto* q, auto* r, auto done) {
                        core_->recommender_stub().async()->Recommend(c, q, r, std::move(done));
                      });
}

grpc::ServerUnaryReactor* GatewayServiceImpl::SimilarItems(grpc::CallbackServerContext* context,
                                                           const rec::SimilarItemsRequest* request,
                                                           rec::SimilarItemsResponse* response) {
  return ForwardUnary(*core_, context, kService, "SimilarItems", "SimilarItems",
                      core_->recommender(), false, true, *request, response,
                      [this](auto* c, auto* q, auto* r, auto done) {
                        core_->recommender_stub().async()->SimilarItems(c, q, r, std::move(done));
                      });
}

grpc::ServerUnaryReactor* GatewayServiceImpl::WriteEvents(grpc::CallbackServerContext* context,
                                                          const rec::WriteEventsRequest* request,
                                                          rec::WriteEventsResponse* response) {
  return ForwardUnary(*core_, context, kService, "WriteEvents", "WriteEvents", core_->recommender(),
                      false, false, *request, response,
                      [this](auto* c, auto* q, auto* r, auto done) {
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
                      core_->copywriter(), false, false, *request, response,
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
                      false, false, *request, response,
                      [this](auto* c, auto* q, auto* r, auto done) {
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
                      false, *request, response, [this](auto* c, auto* q, auto* r, auto done) {
                        core_->recommender_admin_stub().async()->Train(c, q, r, std::move(done));
                      });
}

grpc::ServerUnaryReactor* GatewayAdminServiceImpl::GetTrainingJob(
    grpc::CallbackServerContext* context, const rec::GetTrainingJobRequest* request,
    rec::GetTrainingJobResponse* response) {
  return ForwardUnary(
      *core_, context, kAdminService, "GetTrainingJob", "GetTrainingJob", core_->recommender(),
      true, false, *request, response, [this](auto* c, auto* q, auto* r, auto done) {
        core_->recommender_admin_stub().async()->GetTrainingJob(c, q, r, std::move(done));
      });
}

grpc::ServerUnaryReactor* GatewayAdminServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context, const rec::ReloadModelRequest* request,
    rec::ReloadModelResponse* response) {
  return ForwardUnary(
      *core_, context, kAdminService, "ReloadModel", "ReloadModel", core_->recommender(), true,
      false, *request, response, [this](auto* c, auto* q, auto* r, auto done) {
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
