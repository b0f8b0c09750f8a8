#include "services/copywriter/service/copywriter_service.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/rpc/request_context.h"
#include "common/rpc/stream_writer.h"
#include "common/rpc/unary_call.h"
#include "common/status/status.h"

namespace aigc::copywriter {
namespace {

// A request checked and planned, with the model version that will serve it.
struct Prepared {
  std::string request_id;
  absl::Time received;
  absl::Time deadline;
  std::shared_ptr<const runtime::LoadedModel> loaded;
  const CopyModel* model = nullptr;
  common::v1::ModelRef model_ref;
  CopyPlan plan;
};

absl::StatusOr<Prepared> Prepare(grpc::CallbackServerContext* context,
                                 const v1::GenerateCopyRequest& request,
                                 const CopywriterServiceDeps& deps) {
  Prepared prepared;
  prepared.received = absl::Now();
  AIGC_ASSIGN_OR_RETURN(prepared.request_id, rpc::ResolveRequestId(request.metadata()));
  context->AddInitialMetadata(rpc::kRequestIdHeader, prepared.request_id);
  AIGC_RETURN_IF_ERROR(rpc::CheckCallAlive(*context, prepared.received));
  prepared.deadline = rpc::DeadlineOf(*context);
  prepared.loaded = deps.models->Get(kCopyModelName);
  prepared.model = prepared.loaded == nullptr ? nullptr : AsCopyModel(*prepared.loaded);
  if (prepared.model == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("no ", kCopyModelName, " model is loaded (see --model_repository)"));
  }
  prepared.model_ref.set_name(prepared.loaded->name());
  prepared.model_ref.set_version(absl::StrCat(prepared.loaded->version()));
  AIGC_ASSIGN_OR_RETURN(prepared.plan,
                        PlanCopy(request, *deps.catalogue, *prepared.model, rpc::RandomSeed()));
  return prepared;
}

GenerationJob MakeJob(const Prepared& prepared, grpc::CallbackServerContext* context) {
  return GenerationJob{.model = prepared.model,
                       .model_owner = prepared.loaded,
                       .request = prepared.plan.generation,
                       .should_stop = [context, deadline = prepared.deadline] {
                         return context->IsCancelled() || absl::Now() >= deadline;
                       }};
}

}  // namespace

absl::StatusOr<std::unique_ptr<CopywriterServiceImpl>> CopywriterServiceImpl::Create(
    CopywriterServiceDeps deps, LiveQaOptions live_options, prometheus::Registry& registry) {
  std::unique_ptr<CopywriterServiceImpl> service(new CopywriterServiceImpl(deps, registry));
  AIGC_ASSIGN_OR_RETURN(service->live_,
                        LiveQa::Create({.models = deps.models,
                                        .scheduler = deps.scheduler,
                                        .checks = deps.checks,
                                        .rooms = deps.rooms,
                                        .intents = deps.intents,
                                        .metrics = &service->metrics_},
                                       live_options, registry));
  return service;
}

CopywriterServiceImpl::CopywriterServiceImpl(CopywriterServiceDeps deps,
                                             prometheus::Registry& registry)
    : deps_(deps), metrics_(registry) {}

grpc::ServerUnaryReactor* CopywriterServiceImpl::GenerateCopy(
    grpc::CallbackServerContext* context, const v1::GenerateCopyRequest* request,
    v1::GenerateCopyResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<Prepared> prepared = Prepare(context, *request, deps_);
  if (!prepared.ok()) {
    rpc::LogIfServerFault("GenerateCopy", "", prepared.status());
    reactor->Finish(status::ToGrpcStatus(prepared.status()));
    return reactor;
  }
  auto shared = std::make_shared<Prepared>(*std::move(prepared));
  auto timer = std::make_shared<GenerationMetrics::RequestTimer>(&metrics_, "GenerateCopy",
                                                                 shared->plan.generation.n);
  GenerationJob job = MakeJob(*shared, context);
  job.on_delta = [timer](int index, absl::string_view, int tokens) {
    timer->OnDelta(index, tokens);
  };
  job.on_done = [this, reactor, response, context, shared](
                    absl::StatusOr<std::vector<GeneratedText>> texts) {
    absl::Status status = texts.ok() ? rpc::CheckCallAlive(*context, absl::Now()) : texts.status();
    if (!status.ok()) {
      rpc::LogIfServerFault("GenerateCopy", shared->request_id, status);
      reactor->Finish(status::ToGrpcStatus(status));
      return;
    }
    std::vector<v1::CopyCandidate> candidates;
    int tokens = 0;
    for (const GeneratedText& text : *texts) {
      tokens += text.token_count;
      candidates.push_back(MakeCopyCandidate(text, shared->plan, deps_.checks, shared->model_ref));
      metrics_.CountCompliance(candidates.back().compliance());
    }
    metrics_.CountTokens("GenerateCopy", tokens);
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const v1::CopyCandidate& a, const v1::CopyCandidate& b) {
                       return a.score() > b.score();
                     });
    for (v1::CopyCandidate& candidate : candidates) {
      if (candidate.compliance().dropped()) {
        response->set_dropped_count(response->dropped_count() + 1);
      } else {
        *response->add_candidates() = std::move(candidate);
      }
    }
    *response->mutable_model() = shared->model_ref;
    response->set_language(shared->plan.language);
    response->set_style(shared->plan.style);
    response->set_channel(shared->plan.channel);
    rpc::FillResponseMetadata(shared->request_id, shared->received, absl::Now(),
                              response->mutable_metadata());
    reactor->Finish(grpc::Status::OK);
  };
  if (absl::Status submitted = deps_.scheduler->Submit(std::move(job)); !submitted.ok()) {
    reactor->Finish(status::ToGrpcStatus(submitted));
  }
  return reactor;
}

// One StreamCopy call; the scheduler's thread queues deltas as they come. The
// reactor deletes itself in OnDone, which gRPC calls only after Finish, which
// is called only once the job is done, so the job's callbacks never outlive
// it.
class CopywriterServiceImpl::CopyStream final
    : public grpc::ServerWriteReactor<v1::StreamCopyResponse> {
 public:
  CopyStream(CopywriterServiceImpl* service, grpc::CallbackServerContext* context,
             const v1::StreamCopyRequest& request)
      : service_(service), context_(context) {
    // StreamCopyRequest is wire-compatible with GenerateCopyRequest.
    v1::GenerateCopyRequest as_generate;
    as_generate.ParseFromString(request.SerializeAsString());
    absl::StatusOr<Prepared> prepared = Prepare(context, as_generate, service->deps_);
    if (!prepared.ok()) {
      rpc::LogIfServerFault("StreamCopy", "", prepared.status());
      Finish(status::ToGrpcStatus(prepared.status()));
      return;
    }
    prepared_ = *std::move(prepared);
    const int n = prepared_.plan.generation.n;
    streamed_.resize(n);
    unsent_tokens_.assign(n, 0);
    if (prepared_.plan.compliance_mode != v1::COMPLIANCE_MODE_REPORT_ONLY) {
      for (int i = 0; i < n; ++i) {
        filters_.push_back(std::make_unique<copy_compliance::StreamingComplianceFilter>(
            *service->deps_.checks.compliance));
      }
    }
    timer_ = std::make_unique<GenerationMetrics::RequestTimer>(&service->metrics_, "StreamCopy", n);

    GenerationJob job = MakeJob(prepared_, context);
    job.on_delta = [this](int index, absl::string_view text, int tokens) {
      OnText(index, text, tokens);
    };
    job.on_done = [this](absl::StatusOr<std::vector<GeneratedText>> texts) { OnTexts(texts); };
    // The header is queued first, and held until the job is accepted: the
    // scheduler's messages queue behind it, and a refused job (queue full)
    // ends the stream before any message.
    v1::StreamCopyResponse started;
    FillStarted(*started.mutable_started());
    writer_.Push(std::move(started));
    if (const absl::Status submitted = service->deps_.scheduler->Submit(std::move(job));
        !submitted.ok()) {
      writer_.Drop();
      writer_.Finish(status::ToGrpcStatus(submitted));
    }
    writer_.Release();
  }

  // !ok: the client is gone; the job stops at its next step.
  void OnWriteDone(bool ok) override { writer_.OnWriteDone(ok); }

  void OnDone() override { delete this; }

 private:
  void FillStarted(v1::StreamCopyStarted& started) {
    rpc::FillResponseMetadata(prepared_.request_id, prepared_.received, absl::Now(),
                              started.mutable_metadata());
    *started.mutable_model() = prepared_.model_ref;
    started.set_language(prepared_.plan.language);
    started.set_style(prepared_.plan.style);
    started.set_channel(prepared_.plan.channel);
    started.set_n(prepared_.plan.generation.n);
  }

  // Called on the scheduler's thread.
  void OnText(int index, absl::string_view text, int tokens) {
    timer_->OnDelta(index, tokens);
    unsent_tokens_[index] += tokens;
    const std::string safe =
        filters_.empty() ? std::string(text) : filters_[index]->Push({text.data(), text.size()});
    SendDelta(index, safe);
  }

  void SendDelta(int index, const std::string& text) {
    if (text.empty()) return;
    streamed_[index] += text;
    v1::StreamCopyResponse message;
    message.mutable_delta()->set_candidate_index(index);
    message.mutable_delta()->set_text(text);
    message.mutable_delta()->set_token_count(std::max(1, unsent_tokens_[index]));
    unsent_tokens_[index] = 0;
    writer_.PushOrMerge(std::move(message), [](v1::StreamCopyResponse& last,
                                               const v1::StreamCopyResponse& next) {
      if (!last.has_delta() || last.delta().candidate_index() != next.delta().candidate_index()) {
        return false;
      }
      last.mutable_delta()->mutable_text()->append(next.delta().text());
      last.mutable_delta()->set_token_count(last.delta().token_count() + next.delta().token_count());
      return true;
    });
  }

  // Called on the scheduler's thread, once.
  void OnTexts(const absl::StatusOr<std::vector<GeneratedText>>& texts) {
    absl::Status status = texts.ok() ? rpc::CheckCallAlive(*context_, absl::Now()) : texts.status();
    if (!status.ok()) {
      rpc::LogIfServerFault("StreamCopy", prepared_.request_id, status);
      writer_.Finish(status::ToGrpcStatus(status));
      return;
    }
    int tokens = 0;
    for (const GeneratedText& text : *texts) {
      tokens += text.token_count;
      if (!filters_.empty()) SendDelta(text.index, filters_[text.index]->Flush());
      v1::StreamCopyResponse message;
      v1::CopyCandidateFinished& finished = *message.mutable_candidate_finished();
      finished.set_candidate_index(text.index);
      *finished.mutable_candidate() = MakeCopyCandidate(text, prepared_.plan,
                                                        service_->deps_.checks, prepared_.model_ref);
      finished.set_text_differs_from_deltas(finished.candidate().text() != streamed_[text.index]);
      service_->metrics_.CountCompliance(finished.candidate().compliance());
      writer_.Push(std::move(message));
    }
    service_->metrics_.CountTokens("StreamCopy", tokens);
    writer_.Finish(grpc::Status::OK);
  }

  CopywriterServiceImpl* const service_;
  grpc::CallbackServerContext* const context_;
  Prepared prepared_;
  std::unique_ptr<GenerationMetrics::RequestTimer> timer_;
  // Per candidate, used on the scheduler's thread only.
  std::vector<std::unique_ptr<copy_compliance::StreamingComplianceFilter>> filters_;
  std::vector<std::string> streamed_;
  std::vector<int> unsent_tokens_;
  // Held until the job is accepted.
  rpc::StreamWriter<grpc::ServerWriteReactor<v1::StreamCopyResponse>, v1::StreamCopyResponse>
      writer_{this, /*held=*/true};
};

grpc::ServerUnaryReactor* CopywriterServiceImpl::SetRoomKnowledge(
    grpc::CallbackServerContext* context, const v1::SetRoomKnowledgeRequest* request,
    v1::SetRoomKnowledgeResponse* response) {
  return rpc::AnswerUnary(context, "SetRoomKnowledge", request->metadata(),
                          response->mutable_metadata(), [&](absl::Time) -> absl::Status {
                            AIGC_ASSIGN_OR_RETURN(const copy_live::RoomSnapshot room,
                                                  live_->SetRoomKnowledge(*request));
                            *response->mutable_room() = *room;
                            return absl::OkStatus();
                          });
}

grpc::ServerUnaryReactor* CopywriterServiceImpl::GetRoomKnowledge(
    grpc::CallbackServerContext* context, const v1::GetRoomKnowledgeRequest* request,
    v1::GetRoomKnowledgeResponse* response) {
  return rpc::AnswerUnary(context, "GetRoomKnowledge", request->metadata(),
                          response->mutable_metadata(), [&](absl::Time) -> absl::Status {
                            AIGC_ASSIGN_OR_RETURN(const copy_live::RoomSnapshot room,
                                                  deps_.rooms->Get(request->room_id()));
                            *response->mutable_room() = *room;
                            return absl::OkStatus();
                          });
}

grpc::ServerBidiReactor<v1::LiveQARequest, v1::LiveQAResponse>* CopywriterServiceImpl::LiveQA(
    grpc::CallbackServerContext* context) {
  return live_->Open(context);
}

grpc::ServerWriteReactor<v1::StreamCopyResponse>* CopywriterServiceImpl::StreamCopy(
    grpc::CallbackServerContext* context, const v1::StreamCopyRequest* request) {
  return new CopyStream(this, context, *request);
}

}  // namespace aigc::copywriter
