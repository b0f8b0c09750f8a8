#include "services/gateway/service/product_cards.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/rpc/request_context.h"
#include "common/status/status.h"
#include "google/protobuf/util/time_util.h"

namespace aigc::gateway {
namespace {

namespace rec = recommender::v1;
namespace copy = copywriter::v1;
namespace img = imagegen::v1;
using common::v1::PartStatus;

PartStatus Part(grpc::StatusCode code, absl::string_view message) {
  PartStatus part;
  part.set_code(static_cast<int>(code));
  part.set_message(std::string(message));
  return part;
}

PartStatus PartOf(const grpc::Status& status) {
  return Part(status.error_code(), status.error_message());
}

// Per backend: the span of its calls, how many, and the worst status.
struct BackendSpan {
  absl::Time first = absl::InfiniteFuture();
  absl::Time last = absl::InfinitePast();
  int calls = 0;
  grpc::Status worst;
};

// One GetProductCards call, alive until its answer is sent.
class CardsCall : public std::enable_shared_from_this<CardsCall> {
 public:
  CardsCall(GatewayCore& core, grpc::CallbackServerContext* context,
            grpc::ServerUnaryReactor* reactor, v1::GetProductCardsResponse* response)
      : core_(core), context_(context), reactor_(reactor), response_(response) {}

  void Start(const v1::GetProductCardsRequest& request) {
    received_ = absl::Now();
    // Field by field: g++ 12 warns falsely about a designated initializer here.
    audited_.received = received_;
    audited_.method =
        absl::StrCat("/", v1::GatewayService::service_full_name(), "/GetProductCards");
    audited_.user_id = request.user_id();
    absl::StatusOr<Caller> caller = core_.admission().Admit(*context_, false);
    if (!caller.ok()) {
      core_.CountRejected(RejectionReason(caller.status()));
      return Fail(caller.status());
    }
    audited_.caller = *caller;
    absl::StatusOr<std::string> request_id = rpc::ResolveRequestId(request.metadata());
    absl::StatusOr<int> count = CheckCardsRequest(request);
    if (!request_id.ok() || !count.ok()) {
      core_.CountRejected("invalid_argument");
      return Fail(!request_id.ok() ? request_id.status() : count.status());
    }
    request_id_ = *request_id;
    audited_.request_id = request_id_;
    context_->AddInitialMetadata(rpc::kRequestIdHeader, request_id_);
    options_ = request.options();
    metadata_ = request.metadata();
    metadata_.set_request_id(request_id_);
    metadata_.set_client_name(caller->client_name);
    budget_ = SplitBudget(received_, core_.DeadlineOf(*context_), core_.options());

    auto call = std::make_shared<BackendCall<rec::RecommendRequest, rec::RecommendResponse>>();
    call->request.mutable_metadata()->CopyFrom(metadata_);
    call->request.set_user_id(request.user_id());
    call->request.set_count(*count);
    call->request.set_algorithm(request.algorithm());
    *call->request.mutable_filter() = request.filter();
    *call->request.mutable_context_item_ids() = request.context_item_ids();
    call->request.set_include_item_details(true);
    Backend& backend = core_.recommender();
    if (!backend.breaker().Allow(absl::Now())) {
      core_.CountRejected("circuit_open");
      return Fail(absl::UnavailableError(
          "recommender is unavailable: its circuit is open after repeated failures"));
    }
    Issue(
        backend, "Recommend", budget_.recommend_deadline, call,
        [self = shared_from_this(), call](const grpc::Status& status) {
          self->OnRecommended(status, call->response);
        },
        [this](auto* c, auto* q, auto* r, auto done) {
          core_.recommender_stub().async()->Recommend(c, q, r, std::move(done));
        });
  }

 private:
  template <typename Request, typename Response>
  struct BackendCall {
    Request request;
    Response response;
    std::unique_ptr<grpc::ClientContext> context;
  };

  // Sends one backend call with `deadline`, records it, then calls `done`.
  template <typename Request, typename Response, typename Send>
  void Issue(Backend& backend, const char* method, absl::Time deadline,
             const std::shared_ptr<BackendCall<Request, Response>>& call,
             std::function<void(const grpc::Status&)> done, Send send) {
    call->context = core_.BackendContext(*context_, deadline);
    const absl::Time started = absl::Now();
    send(call->context.get(), &call->request, &call->response,
         [self = shared_from_this(), &backend, method, started, call,
          done = std::move(done)](grpc::Status status) {
           const absl::Time ended = absl::Now();
           backend.breaker().Record(status, ended);
           self->core_.RecordBackendCall(backend, method, status, ended - started);
           self->Account(backend.name(), status, started, ended);
           done(status);
         });
  }

  void Account(const std::string& backend, const grpc::Status& status, absl::Time started,
               absl::Time ended) {
    absl::MutexLock lock(&mu_);
    BackendSpan& span = spans_[backend];
    span.first = std::min(span.first, started);
    span.last = std::max(span.last, ended);
    ++span.calls;
    if (span.worst.ok() && !status.ok()) span.worst = status;
  }

  void OnRecommended(const grpc::Status& status, const rec::RecommendResponse& recommended) {
    if (!status.ok())
      return Fail(absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                               absl::StrCat("recommender: ", status.error_message())));
    response_->set_algorithm(recommended.algorithm());
    response_->set_experiment_id(recommended.experiment_id());
    response_->set_variant(recommended.variant());
    AddModel(recommended.model());
    const bool want_copy = !options_.has_include_copy() || options_.include_copy();
    const bool want_image = !options_.has_include_image() || options_.include_image();
    const uint64_t image_seed =
        options_.has_image_seed() ? options_.image_seed() : rpc::RandomSeed();
    {
      absl::MutexLock lock(&mu_);
      for (int i = 0; i < recommended.items_size(); ++i) {
        const rec::RecommendedItem& item = recommended.items(i);
        v1::ProductCard& card = *response_->add_cards();
        card.set_rank(item.rank() > 0 ? item.rank() : i + 1);
        card.set_item_id(item.item_id());
        card.set_score(item.score());
        card.set_reason(item.reason());
        if (!item.has_item()) {
          *card.mutable_recommendation_status() =
              Part(grpc::StatusCode::NOT_FOUND, "the item's catalogue record is missing");
          *card.mutable_copy_status() =
              Part(grpc::StatusCode::FAILED_PRECONDITION, "no item record");
          *card.mutable_image_status() =
              Part(grpc::StatusCode::FAILED_PRECONDITION, "no item record");
          continue;
        }
        *card.mutable_item() = item.item();
        *card.mutable_recommendation_status() = Part(grpc::StatusCode::OK, "");
        if (want_copy) {
          pending_.push_back([this, i] { DrawCopy(i); });
        } else {
          *card.mutable_copy_status() = Part(grpc::StatusCode::OK, "not requested");
        }
        if (!want_image) {
          *card.mutable_image_status() = Part(grpc::StatusCode::OK, "not requested");
        } else if (item.item().category() == common::v1::CATEGORY_UNSPECIFIED) {
          *card.mutable_image_status() =
              Part(grpc::StatusCode::FAILED_PRECONDITION, "the item has no image category");
        } else {
          pending_.push_back([this, i, seed = image_seed + i] { DrawImage(i, seed); });
        }
      }
      parts_left_ = static_cast<int>(pending_.size());
    }
    if (PartsLeft() == 0) return Answer();
    for (int n = 0; n < core_.options().max_fanout; ++n) LaunchNext();
  }

  // Starts the next queued part, if any (under no lock: it may answer inline).
  void LaunchNext() {
    std::function<void()> part;
    {
      absl::MutexLock lock(&mu_);
      if (pending_.empty()) return;
      part = std::move(pending_.front());
      pending_.pop_front();
    }
    part();
  }

  void DrawCopy(int index) {
    auto call =
        std::make_shared<BackendCall<copy::GenerateCopyRequest, copy::GenerateCopyResponse>>();
    call->request.mutable_metadata()->CopyFrom(metadata_);
    {
      absl::MutexLock lock(&mu_);
      *call->request.mutable_product() = response_->cards(index).item();
    }
    call->request.set_style(options_.copy_style());
    call->request.set_channel(options_.copy_channel());
    call->request.set_language(options_.language() != common::v1::LANGUAGE_UNSPECIFIED
                                   ? options_.language()
                                   : rpc::LanguageOfLocale(metadata_.locale()));
    *call->request.mutable_sampling() = options_.copy_sampling();
    call->request.set_n(1);
    Backend& backend = core_.copywriter();
    if (!backend.breaker().Allow(absl::Now())) {
      return PartDone(
          [&](v1::ProductCard& card) {
            *card.mutable_copy_status() = Part(grpc::StatusCode::UNAVAILABLE,
                                               "copywriter circuit open after repeated failures");
          },
          index);
    }
    Issue(
        backend, "GenerateCopy", budget_.parts_deadline, call,
        [self = shared_from_this(), call, index](const grpc::Status& status) {
          self->PartDone(
              [&](v1::ProductCard& card) {
                if (!status.ok()) {
                  *card.mutable_copy_status() = PartOf(status);
                } else if (call->response.candidates_size() == 0) {
                  *card.mutable_copy_status() = Part(grpc::StatusCode::FAILED_PRECONDITION,
                                                     "the compliance filter dropped the copy");
                } else {
                  *card.mutable_copy() = call->response.candidates(0);
                  *card.mutable_copy_status() = Part(grpc::StatusCode::OK, "");
                  self->AddModelLocked(call->response.model());
                }
              },
              index);
        },
        [this](auto* c, auto* q, auto* r, auto done) {
          core_.copywriter_stub().async()->GenerateCopy(c, q, r, std::move(done));
        });
  }

  void DrawImage(int index, uint64_t seed) {
    auto call = std::make_shared<BackendCall<img::GenerateRequest, img::GenerateResponse>>();
    call->request.mutable_metadata()->CopyFrom(metadata_);
    {
      absl::MutexLock lock(&mu_);
      call->request.set_category(response_->cards(index).item().category());
    }
    call->request.set_count(1);
    call->request.set_seed(seed);
    call->request.set_size(options_.image_size());
    Backend& backend = core_.imagegen();
    if (!backend.breaker().Allow(absl::Now())) {
      return PartDone(
          [&](v1::ProductCard& card) {
            *card.mutable_image_status() = Part(grpc::StatusCode::UNAVAILABLE,
                                                "imagegen circuit open after repeated failures");
          },
          index);
    }
    Issue(
        backend, "Generate", budget_.parts_deadline, call,
        [self = shared_from_this(), call, index](const grpc::Status& status) {
          self->PartDone(
              [&](v1::ProductCard& card) {
                if (!status.ok() || call->response.images_size() == 0) {
                  *card.mutable_image_status() =
                      status.ok() ? Part(grpc::StatusCode::INTERNAL, "no image returned")
                                  : PartOf(status);
                } else {
                  *card.mutable_image() = call->response.images(0);
                  *card.mutable_image_status() = Part(grpc::StatusCode::OK, "");
                  self->AddModelLocked(call->response.model());
                }
              },
              index);
        },
        [this](auto* c, auto* q, auto* r, auto done) {
          core_.imagegen_stub().async()->Generate(c, q, r, std::move(done));
        });
  }

  // Fills card `index` with `fill` (under the lock), then launches the next
  // part, or answers after the last.
  template <typename Fill>
  void PartDone(Fill fill, int index) {
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      fill(*response_->mutable_cards(index));
      last = --parts_left_ == 0;
    }
    if (last) return Answer();
    LaunchNext();
  }

  int PartsLeft() {
    absl::MutexLock lock(&mu_);
    return parts_left_;
  }

  void AddModel(const common::v1::ModelRef& model) {
    absl::MutexLock lock(&mu_);
    AddModelLocked(model);
  }
  void AddModelLocked(const common::v1::ModelRef& model) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (model.name().empty()) return;
    models_[{model.name(), model.version()}] = model;
  }

  void Answer() {
    absl::MutexLock lock(&mu_);
    bool partial = false;
    for (const v1::ProductCard& card : response_->cards()) {
      for (const PartStatus* part :
           {&card.recommendation_status(), &card.copy_status(), &card.image_status()}) {
        partial = partial || part->code() != 0;
      }
    }
    response_->set_partial(partial);
    for (const auto& [name, span] : spans_) {
      v1::BackendLatency& latency = *response_->add_backend_latencies();
      latency.set_backend(name);
      *latency.mutable_latency() = google::protobuf::util::TimeUtil::NanosecondsToDuration(
          absl::ToInt64Nanoseconds(span.last - span.first));
      latency.set_calls(span.calls);
      *latency.mutable_status() = PartOf(span.worst);
    }
    for (const auto& [key, model] : models_) *response_->add_models() = model;
    rpc::FillResponseMetadata(request_id_, received_, absl::Now(), response_->mutable_metadata());
    core_.Audit(*context_, audited_, grpc::Status::OK);
    reactor_->Finish(grpc::Status::OK);
  }

  void Fail(const absl::Status& status) {
    const grpc::Status answer = status::ToGrpcStatus(status);
    core_.Audit(*context_, audited_, answer);
    reactor_->Finish(answer);
  }

  GatewayCore& core_;
  grpc::CallbackServerContext* const context_;
  grpc::ServerUnaryReactor* const reactor_;
  v1::GetProductCardsResponse* const response_;
  absl::Time received_;
  std::string request_id_;
  common::v1::RequestMetadata metadata_;
  v1::CardOptions options_;
  CardBudget budget_;
  AuditedCall audited_;

  absl::Mutex mu_;
  std::deque<std::function<void()>> pending_ ABSL_GUARDED_BY(mu_);
  int parts_left_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, BackendSpan> spans_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, common::v1::ModelRef> models_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

CardBudget SplitBudget(absl::Time now, absl::Time deadline, const GatewayOptions& options) {
  const absl::Duration budget = std::max(deadline - now, absl::ZeroDuration());
  return {.recommend_deadline = now + budget * options.recommend_share,
          .parts_deadline = std::max(now, deadline - options.assembly_reserve)};
}

absl::StatusOr<int> CheckCardsRequest(const v1::GetProductCardsRequest& request) {
  if (request.user_id().empty()) return status::InvalidField("user_id", "required");
  if (request.count() < 0 || request.count() > kMaxCards) {
    return status::InvalidField(
        "count", absl::StrCat("must be in 1..", kMaxCards, ", got ", request.count()));
  }
  return request.count() == 0 ? kDefaultCards : request.count();
}

grpc::ServerUnaryReactor* AnswerProductCards(GatewayCore& core,
                                             grpc::CallbackServerContext* context,
                                             const v1::GetProductCardsRequest& request,
                                             v1::GetProductCardsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::make_shared<CardsCall>(core, context, reactor, response)->Start(request);
  return reactor;
}

}  // namespace aigc::gateway
