#include "services/copywriter/service/live_qa.h"

#include <atomic>
#include <deque>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/catalog/generator.h"
#include "common/rpc/request_context.h"
#include "common/rpc/stream_writer.h"
#include "common/rpc/unary_call.h"
#include "common/status/status.h"
#include "services/copywriter/compliance/compliance_filter.h"
#include "services/copywriter/corpus/corpus.h"
#include "services/copywriter/corpus/prompt.h"
#include "services/copywriter/corpus/qa_composer.h"
#include "services/copywriter/grounding/fact_checker.h"
#include "services/copywriter/live/coalescer.h"
#include "services/copywriter/live/live_validation.h"
#include "services/copywriter/service/copy_request.h"

namespace aigc::copywriter {
namespace {

constexpr char kRpc[] = "LiveQA";
// Question ids a session remembers for its ALREADY_EXISTS check.
constexpr size_t kRememberedQuestionIds = 65536;
// A question whose prompt leaves the reply fewer tokens of the model's
// context than this goes to the host.
constexpr int kMinReplyTokens = 32;

absl::Status ValidateOptions(const LiveQaOptions& options) {
  if (options.max_waiting_questions < 1) {
    return status::InvalidField("max_waiting_questions", "must be >= 1");
  }
  if (options.max_replies_per_session < 1) {
    return status::InvalidField("max_replies_per_session", "must be >= 1");
  }
  if (!(options.hand_off_min_confidence >= 0 && options.hand_off_min_confidence <= 1)) {
    return status::InvalidField("hand_off_min_confidence", "must be in [0, 1]");
  }
  for (const auto& [name, value] :
       {std::pair{"room_replies_per_second", options.room_replies_per_second},
        std::pair{"viewer_questions_per_second", options.viewer_questions_per_second}}) {
    if (!(value > 0)) return status::InvalidField(name, "must be > 0");
  }
  for (const auto& [name, value] :
       {std::pair{"room_reply_burst", options.room_reply_burst},
        std::pair{"viewer_question_burst", options.viewer_question_burst}}) {
    if (!(value >= 1)) return status::InvalidField(name, "must be >= 1");
  }
  if (options.reply_timeout <= absl::ZeroDuration()) {
    return status::InvalidField("reply_timeout", "must be > 0");
  }
  // The coalescer checks its own options when a session starts; check them
  // here so a bad value fails at start-up instead.
  return copy_live::QuestionCoalescer::Create(
             {.window = options.coalesce_window,
              .similarity_threshold = options.coalesce_similarity,
              .max_pending_questions = options.max_waiting_questions})
      .status();
}

using ResponseWriter =
    rpc::StreamWriter<grpc::ServerBidiReactor<v1::LiveQARequest, v1::LiveQAResponse>,
                      v1::LiveQAResponse>;

}  // namespace

absl::StatusOr<std::unique_ptr<copy_live::IntentClassifier>> TrainDemoIntentClassifier(
    std::span<const common::v1::Product> catalog, uint64_t seed) {
  std::vector<v1::ProductKnowledge> knowledge;
  knowledge.reserve(catalog.size());
  for (const common::v1::Product& product : catalog) {
    knowledge.push_back(catalog::MakeKnowledge(product, seed));
  }
  copy_corpus::CorpusOptions options;
  options.seed = seed;
  AIGC_ASSIGN_OR_RETURN(const copy_corpus::Corpus corpus,
                        copy_corpus::BuildCorpus(catalog, knowledge, options));
  std::vector<copy_live::LabeledQuestion> questions;
  for (const copy_corpus::CorpusExample& example : corpus.train) {
    if (example.kind == copy_corpus::CorpusExample::kQa) {
      questions.push_back({.question = example.question, .intent = example.intent});
    }
  }
  return copy_live::IntentClassifier::Train(questions);
}

// One LiveQA call. Threads: gRPC's reactions (OnReadDone one at a time, so
// the reader's state needs no lock), the scheduler's thread (reply text and
// ends), and LiveQa's callers (SetRoomKnowledge, Drain, a superseding
// session). Locks: LiveQa::mu_, then mu_, then the writer's; never the other
// way round. The session deletes itself in OnDone, which gRPC calls after
// Finish (and after any reaction still running returns); Finish waits until no
// reply is running and LiveQa has forgotten the session, and is the last thing
// its caller does, so no callback or thread can use it afterwards.
class LiveQa::Session final
    : public grpc::ServerBidiReactor<v1::LiveQARequest, v1::LiveQAResponse> {
 public:
  // How a session ends; a later, stricter ending overrides an earlier one.
  enum class Ending {
    kNone,
    kAfterPending,  // the client half-closed: answer every admitted question first
    kAfterStarted,  // draining: finish the replies being generated, reject waiting ones
    kNow,           // error, cancel, superseded: stop generating, drop what is queued
  };

  Session(LiveQa* live, grpc::CallbackServerContext* context)
      : live_(live), context_(context), session_id_(rpc::GenerateRequestId()) {
    StartRead(&request_);
  }

  // Ends the session with `status` (once replies and writes allow). `by_live`:
  // called by LiveQa under its lock, having forgotten the session already.
  void End(const grpc::Status& status, Ending how, bool by_live);

  // Under LiveQa's lock.
  bool MarkRegistered() {
    absl::MutexLock lock(&mu_);
    if (ending_ != Ending::kNone) return false;
    registered_ = true;
    return true;
  }
  void MarkUnregistered() {
    absl::MutexLock lock(&mu_);
    registered_ = false;
  }

  // The room's current product changed outside the session.
  void ProductChanged(const v1::RoomKnowledge& room) {
    v1::LiveQAResponse message;
    v1::ProductSwitched& switched = *message.mutable_product_switched();
    switched.set_product_id(room.current_product_id());
    switched.set_knowledge_version(room.knowledge_version());
    writer_.Push(std::move(message));
  }

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override {
    writer_.OnWriteDone(ok);
    if (!ok) End(grpc::Status::CANCELLED, Ending::kNow, /*by_live=*/false);
  }
  void OnCancel() override {
    End(grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled"), Ending::kNow,
        /*by_live=*/false);
  }
  void OnDone() override { delete this; }

 private:
  // A question that opened a group and waits for its reply.
  struct Waiting {
    std::string text;        // trimmed
    std::string product_id;  // the room's current product when it arrived
    absl::Time received;
  };

  // A reply being generated; touched by the scheduler's thread only.
  struct Reply {
    Reply(const copy_compliance::ComplianceFilter& compliance, GenerationMetrics* metrics,
          absl::Time received)
        : filter(compliance), timer(metrics, kRpc, 1, received), received(received) {}

    std::string question_id;
    v1::ProductKnowledge knowledge;
    copy_compliance::StreamingComplianceFilter filter;
    GenerationMetrics::RequestTimer timer;
    absl::Time received;
    absl::Time deadline;
    common::v1::ModelRef model;
    std::string streamed;
    std::optional<absl::Time> first_delta;
  };

  // Reader side.
  absl::Status Start(const v1::LiveQARequest& request);
  void HandleQuestion(const v1::Question& question);
  void HandleSwitch(const v1::SwitchProduct& request);
  void HandleUpdate(const v1::UpdateKnowledge& request);
  void Remember(const std::string& question_id);

  // A waiting group whose reply may start, with its leader.
  using Startable = std::pair<copy_live::QuestionCoalescer::Group, Waiting>;
  // Takes the waiting groups the session has room for, counting them active.
  std::vector<Startable> TakeStartableLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Starts replies for waiting groups while the session has room for them.
  void StartReplies();
  // Exactly one ReplyDone follows, whatever happens.
  void StartReply(copy_live::QuestionCoalescer::Group group, Waiting waiting);
  void OnReplyText(Reply& reply, absl::string_view text, int tokens);
  void OnReplyDone(Reply& reply, const absl::StatusOr<std::vector<GeneratedText>>& texts);
  // Sends the rest of a reply and its ReplyFinished.
  void FinishReply(Reply& reply, const std::string& tail, const GeneratedText& generated);
  void ReplyDone();

  void Reject(const std::string& question_id, const absl::Status& status,
              absl::Duration retry_after = absl::ZeroDuration());
  void PushDelta(Reply& reply, const std::string& text);
  // The status to finish the call with, once: when the session has ended, no
  // reply runs or waits to run, and LiveQa has forgotten it. The caller
  // passes it to writer_.Finish after releasing mu_, as its last use of the
  // session (OnDone may delete it from then on).
  std::optional<grpc::Status> FinishDueLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  LiveQa* const live_;
  grpc::CallbackServerContext* const context_;
  const std::string session_id_;
  ResponseWriter writer_{this};
  // Set when the session stops generating (Ending::kNow); polled by jobs.
  std::atomic<bool> stop_{false};

  // The reader's; fixed once the session has started (before any reply).
  v1::LiveQARequest request_;
  bool started_ = false;
  absl::Time start_received_;
  std::string request_id_;
  common::v1::Language language_ = common::v1::LANGUAGE_ZH;
  GenerationRequest generation_;  // sampling, max_tokens, stop
  std::optional<uint64_t> fixed_seed_;
  common::v1::ModelRef model_ref_;
  absl::flat_hash_set<std::string> remembered_;
  std::deque<std::string> remembered_order_;

  absl::Mutex mu_;
  // Set once by Start; used by the reader and the decoding thread.
  std::unique_ptr<copy_live::QuestionCoalescer> coalescer_ ABSL_GUARDED_BY(mu_);
  std::string room_id_ ABSL_GUARDED_BY(mu_);
  bool registered_ ABSL_GUARDED_BY(mu_) = false;
  Ending ending_ ABSL_GUARDED_BY(mu_) = Ending::kNone;
  std::optional<grpc::Status> end_status_ ABSL_GUARDED_BY(mu_);
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  int active_replies_ ABSL_GUARDED_BY(mu_) = 0;
  // Leaders of the coalescer's waiting groups.
  absl::flat_hash_map<std::string, Waiting> waiting_ ABSL_GUARDED_BY(mu_);
};

void LiveQa::Session::OnReadDone(bool ok) {
  if (!ok) {  // half-close (or the call is gone)
    if (started_) {
      End(grpc::Status::OK, Ending::kAfterPending, /*by_live=*/false);
    } else {
      End(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                       "the stream ended before a SessionStart"),
          Ending::kNow, /*by_live=*/false);
    }
    return;
  }
  if (absl::Status order = copy_live::CheckMessageOrder(request_, started_); !order.ok()) {
    End(status::ToGrpcStatus(order), Ending::kNow, /*by_live=*/false);
    return;
  }
  if (!started_) {
    if (absl::Status started = Start(request_); !started.ok()) {
      rpc::LogIfServerFault(kRpc, request_id_, started);
      End(status::ToGrpcStatus(started), Ending::kNow, /*by_live=*/false);
      return;
    }
    started_ = true;
  } else {
    switch (request_.payload_case()) {
      case v1::LiveQARequest::kQuestion:
        HandleQuestion(request_.question());
        break;
      case v1::LiveQARequest::kSwitchProduct:
        HandleSwitch(request_.switch_product());
        break;
      case v1::LiveQARequest::kUpdateKnowledge:
        HandleUpdate(request_.update_knowledge());
        break;
      default:  // a keep-alive
        break;
    }
  }
  {
    absl::MutexLock lock(&mu_);
    if (ending_ != Ending::kNone) return;  // nothing more is read
  }
  StartRead(&request_);
}

absl::Status LiveQa::Session::Start(const v1::LiveQARequest& request) {
  start_received_ = absl::Now();
  AIGC_ASSIGN_OR_RETURN(request_id_, rpc::ResolveRequestId(request.metadata()));
  context_->AddInitialMetadata(rpc::kRequestIdHeader, request_id_);
  const v1::SessionStart& start = request.start();
  if (!common::v1::Language_IsValid(start.language())) {
    return status::InvalidField("start.language", absl::StrCat("unknown value ", start.language()));
  }
  if (!v1::CopyStyle_IsValid(start.style())) {
    return status::InvalidField("start.style", absl::StrCat("unknown value ", start.style()));
  }
  language_ = LanguageOf(start.language(), request.metadata().locale());
  AIGC_RETURN_IF_ERROR(
      status::NestField("start", ApplySamplingParams(start.sampling(), 0, generation_)));
  if (start.sampling().has_seed()) fixed_seed_ = start.sampling().seed();
  const std::shared_ptr<const runtime::LoadedModel> loaded =
      live_->deps_.models->Get(kCopyModelName);
  if (loaded == nullptr || AsCopyModel(*loaded) == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("no ", kCopyModelName, " model is loaded (see --model_repository)"));
  }
  model_ref_.set_name(loaded->name());
  model_ref_.set_version(absl::StrCat(loaded->version()));
  const LiveQaOptions& options = live_->options_;
  AIGC_ASSIGN_OR_RETURN(
      std::unique_ptr<copy_live::QuestionCoalescer> coalescer,
      copy_live::QuestionCoalescer::Create(
          {.window = options.coalesce_window,
           .similarity_threshold = options.coalesce_similarity,
           .max_pending_questions = options.max_waiting_questions,
           .merge_similar = !start.has_coalesce_similar() || start.coalesce_similar()}));
  {
    absl::MutexLock lock(&mu_);  // End (a cancel) may read both meanwhile
    coalescer_ = std::move(coalescer);
    room_id_ = start.room_id();
  }
  return live_->Register(this, start, [this](const v1::RoomKnowledge& room) {
    v1::LiveQAResponse message;
    v1::SessionStarted& started = *message.mutable_session_started();
    rpc::FillResponseMetadata(request_id_, start_received_, absl::Now(),
                              started.mutable_metadata());
    started.set_session_id(session_id_);
    started.set_room_id(room.room_id());
    started.set_current_product_id(room.current_product_id());
    *started.mutable_model() = model_ref_;
    started.set_language(language_);
    started.set_knowledge_version(room.knowledge_version());
    writer_.Push(std::move(message));
  });
}

void LiveQa::Session::HandleQuestion(const v1::Question& question) {
  const absl::Time received = absl::Now();
  const std::string& id = question.question_id();
  if (absl::Status valid = copy_live::ValidateQuestion(question); !valid.ok()) {
    return Reject(id, valid);
  }
  if (remembered_.contains(id)) {
    return Reject(id, absl::AlreadyExistsError(absl::StrCat(
                          "question.question_id: \"", id, "\" was already used in this session")));
  }
  std::string room_id;
  {
    absl::MutexLock lock(&mu_);
    room_id = room_id_;
  }
  const copy_live::RateDecision viewer =
      live_->viewer_limiter_->TryAcquire(absl::StrCat(room_id, "/", question.viewer_id()));
  if (!viewer.allowed) {
    return Reject(id, viewer.ToStatus("question.viewer_id"), viewer.retry_after);
  }
  const absl::StatusOr<copy_live::RoomSnapshot> room = live_->deps_.rooms->Get(room_id);
  if (!room.ok()) return Reject(id, room.status());
  if ((*room)->current_product_id().empty()) {
    return Reject(id, absl::FailedPreconditionError(
                          "the room has no current product: send switch_product first"));
  }
  Waiting waiting{.text = std::string(copy_live::TrimQuestionText(question.text())),
                  .product_id = (*room)->current_product_id(),
                  .received = received};
  copy_live::RateDecision room_rate;
  absl::StatusOr<copy_live::QuestionCoalescer::Admission> admission;
  {
    absl::MutexLock lock(&mu_);
    if (ending_ == Ending::kAfterStarted || ending_ == Ending::kNow) {
      // Read just before the session began to end: no reply will start.
      admission = absl::UnavailableError("the session is ending");
    } else {
      admission = coalescer_->Admit(id, waiting.text, [&] {
        room_rate = live_->room_limiter_->TryAcquire(room_id);
        return room_rate.ToStatus("room");
      });
      if (admission.ok() && !admission->joined) waiting_.emplace(id, std::move(waiting));
    }
  }
  if (!admission.ok()) return Reject(id, admission.status(), room_rate.retry_after);
  Remember(id);
  if (admission->joined) {
    live_->CountQuestion("coalesced");
    return;
  }
  StartReplies();
}

void LiveQa::Session::Remember(const std::string& question_id) {
  remembered_.insert(question_id);
  remembered_order_.push_back(question_id);
  if (remembered_order_.size() > kRememberedQuestionIds) {
    remembered_.erase(remembered_order_.front());
    remembered_order_.pop_front();
  }
}

void LiveQa::Session::HandleSwitch(const v1::SwitchProduct& request) {
  std::string room_id;
  {
    absl::MutexLock lock(&mu_);
    room_id = room_id_;
  }
  absl::StatusOr<copy_live::RoomSnapshot> room =
      live_->deps_.rooms->SwitchProduct(room_id, request);
  v1::LiveQAResponse message;
  v1::ProductSwitched& switched = *message.mutable_product_switched();
  if (!room.ok()) {
    *switched.mutable_status() = rpc::ToPartStatus(room.status());
    room = live_->deps_.rooms->Get(room_id);  // the unchanged state
  }
  if (room.ok()) {
    switched.set_product_id((*room)->current_product_id());
    switched.set_knowledge_version((*room)->knowledge_version());
  }
  writer_.Push(std::move(message));
}

void LiveQa::Session::HandleUpdate(const v1::UpdateKnowledge& request) {
  std::string room_id;
  {
    absl::MutexLock lock(&mu_);
    room_id = room_id_;
  }
  absl::StatusOr<copy_live::RoomRegistry::UpdateResult> updated =
      live_->deps_.rooms->UpdateKnowledge(room_id, request);
  v1::LiveQAResponse message;
  v1::KnowledgeUpdated& ack = *message.mutable_knowledge_updated();
  if (updated.ok()) {
    ack.set_product_id(updated->product_id);
    ack.set_knowledge_version(updated->room->knowledge_version());
  } else {
    *ack.mutable_status() = rpc::ToPartStatus(updated.status());
    const absl::StatusOr<copy_live::RoomSnapshot> room = live_->deps_.rooms->Get(room_id);
    const std::string& named = request.knowledge().product().id();
    ack.set_product_id(!named.empty() || !room.ok() ? named : (*room)->current_product_id());
    if (room.ok()) ack.set_knowledge_version((*room)->knowledge_version());
  }
  writer_.Push(std::move(message));
}

std::vector<LiveQa::Session::Startable> LiveQa::Session::TakeStartableLocked() {
  std::vector<Startable> starting;
  while ((ending_ == Ending::kNone || ending_ == Ending::kAfterPending) &&
         active_replies_ < live_->options_.max_replies_per_session) {
    std::optional<copy_live::QuestionCoalescer::Group> group = coalescer_->TakeOldest();
    if (!group.has_value()) break;
    auto leader = waiting_.extract(group->question_id);
    ++active_replies_;
    starting.emplace_back(*std::move(group), std::move(leader.mapped()));
  }
  return starting;
}

void LiveQa::Session::StartReplies() {
  std::vector<Startable> starting;
  {
    absl::MutexLock lock(&mu_);
    starting = TakeStartableLocked();
  }
  for (auto& [group, waiting] : starting) StartReply(std::move(group), std::move(waiting));
}

void LiveQa::Session::StartReply(copy_live::QuestionCoalescer::Group group, Waiting waiting) {
  const LiveQaDeps& deps = live_->deps_;
  const LiveQaOptions& options = live_->options_;
  // Before ReplyStarted the members were never announced: each is rejected.
  const auto reject_group = [&](const absl::Status& status) {
    Reject(group.question_id, status);
    for (const std::string& member : group.coalesced_question_ids) Reject(member, status);
    ReplyDone();
  };
  const absl::Time deadline = waiting.received + options.reply_timeout;
  if (absl::Now() >= deadline) {
    return reject_group(absl::DeadlineExceededError(
        absl::StrCat("no reply could start within ", absl::FormatDuration(options.reply_timeout))));
  }
  std::string room_id;
  {
    absl::MutexLock lock(&mu_);
    room_id = room_id_;
  }
  const absl::StatusOr<copy_live::RoomSnapshot> room = deps.rooms->Get(room_id);
  const v1::ProductKnowledge* knowledge =
      room.ok() ? copy_live::FindProduct(**room, waiting.product_id) : nullptr;
  if (knowledge == nullptr) {
    return reject_group(absl::NotFoundError(absl::StrCat(
        "product \"", waiting.product_id, "\" is no longer in the room's knowledge base")));
  }
  const std::shared_ptr<const runtime::LoadedModel> loaded = deps.models->Get(kCopyModelName);
  const CopyModel* model = loaded == nullptr ? nullptr : AsCopyModel(*loaded);
  if (model == nullptr) {
    return reject_group(
        absl::UnavailableError(absl::StrCat("no ", kCopyModelName, " model is loaded")));
  }

  const copy_live::IntentPrediction intent = deps.intents->Classify(waiting.text);
  bool hand_off = copy_live::NeedsHandOff(intent, options.hand_off_min_confidence) ||
                  !copy_corpus::KnowledgeAnswers(*knowledge, intent.intent);
  GenerationRequest request = generation_;
  request.seed = fixed_seed_.value_or(rpc::RandomSeed());
  if (!hand_off) {
    absl::StatusOr<std::vector<int32_t>> prompt =
        EncodePrompt(model->tokenizer(), model->specials(),
                     copy_corpus::RenderQaPrompt(*knowledge, waiting.text, language_));
    if (!prompt.ok()) return reject_group(prompt.status());
    request.prompt = *std::move(prompt);
    // A question too long for the model's context is the host's.
    hand_off = static_cast<int>(request.prompt.size()) + kMinReplyTokens >
               model->lm().config().context_length;
  }

  v1::LiveQAResponse started_message;
  v1::ReplyStarted& started = *started_message.mutable_reply_started();
  started.set_question_id(group.question_id);
  for (const std::string& member : group.coalesced_question_ids) {
    started.add_coalesced_question_ids(member);
  }
  started.set_intent(intent.intent);
  started.set_intent_confidence(static_cast<float>(intent.confidence));
  started.set_hand_off_to_human(hand_off);
  started.set_product_id(waiting.product_id);
  writer_.Push(std::move(started_message));

  auto reply = std::make_shared<Reply>(*deps.checks.compliance, deps.metrics, waiting.received);
  reply->question_id = group.question_id;
  reply->knowledge = *knowledge;
  reply->deadline = deadline;
  reply->model.set_name(loaded->name());
  reply->model.set_version(absl::StrCat(loaded->version()));
  if (hand_off) {
    live_->CountQuestion("handed_off");
    const std::string holding = copy_corpus::HandOffReply(language_);
    PushDelta(*reply, holding);
    FinishReply(*reply, "", GeneratedText{.text = holding, .finish = FinishReason::kEnd});
    return ReplyDone();
  }
  GenerationJob job{.model = model,
                    .model_owner = loaded,
                    .request = std::move(request),
                    .should_stop = [this, deadline] {
                      return stop_.load() || context_->IsCancelled() || absl::Now() >= deadline;
                    }};
  job.on_delta = [this, reply](int, absl::string_view text, int tokens) {
    OnReplyText(*reply, text, tokens);
  };
  job.on_done = [this, reply](absl::StatusOr<std::vector<GeneratedText>> texts) {
    OnReplyDone(*reply, texts);
  };
  if (absl::Status submitted = deps.scheduler->Submit(std::move(job)); !submitted.ok()) {
    Reject(group.question_id, submitted);
    ReplyDone();
  }
}

void LiveQa::Session::OnReplyText(Reply& reply, absl::string_view text, int tokens) {
  reply.timer.OnDelta(0, tokens);
  PushDelta(reply, reply.filter.Push({text.data(), text.size()}));
}

void LiveQa::Session::PushDelta(Reply& reply, const std::string& text) {
  if (text.empty()) return;
  if (!reply.first_delta.has_value()) reply.first_delta = absl::Now();
  reply.streamed += text;
  v1::LiveQAResponse message;
  message.mutable_reply_delta()->set_question_id(reply.question_id);
  message.mutable_reply_delta()->set_text(text);
  writer_.PushOrMerge(
      std::move(message), [](v1::LiveQAResponse& last, const v1::LiveQAResponse& next) {
        if (!last.has_reply_delta() ||
            last.reply_delta().question_id() != next.reply_delta().question_id()) {
          return false;
        }
        last.mutable_reply_delta()->mutable_text()->append(next.reply_delta().text());
        return true;
      });
}

void LiveQa::Session::OnReplyDone(Reply& reply,
                                  const absl::StatusOr<std::vector<GeneratedText>>& texts) {
  if (!texts.ok()) {
    rpc::LogIfServerFault(kRpc, request_id_, texts.status());
    Reject(reply.question_id, texts.status());
  } else if (stop_.load()) {
    // The session is ending now: nothing more is written.
  } else if (texts->front().finish == FinishReason::kCancelled) {
    Reject(reply.question_id, absl::DeadlineExceededError(absl::StrCat(
                                  "the reply did not finish within ",
                                  absl::FormatDuration(live_->options_.reply_timeout))));
  } else {
    const GeneratedText& generated = texts->front();
    live_->deps_.metrics->CountTokens(kRpc, generated.token_count);
    live_->CountQuestion("answered");
    FinishReply(reply, reply.filter.Flush(), generated);
  }
  ReplyDone();
}

void LiveQa::Session::FinishReply(Reply& reply, const std::string& tail,
                                  const GeneratedText& generated) {
  PushDelta(reply, tail);
  const absl::Time now = absl::Now();
  CheckedOutput checked =
      CheckOutput(generated.text, copy_grounding::Facts::FromKnowledge(reply.knowledge, now),
                  /*repair_facts=*/true, v1::COMPLIANCE_MODE_REWRITE, live_->deps_.checks);
  live_->deps_.metrics->CountCompliance(checked.compliance);
  v1::LiveQAResponse message;
  v1::ReplyFinished& finished = *message.mutable_reply_finished();
  finished.set_question_id(reply.question_id);
  finished.set_text_differs_from_deltas(checked.text != reply.streamed);
  finished.set_text(std::move(checked.text));
  finished.set_finish_reason(ProtoFinishReason(generated.finish, checked.compliance));
  *finished.mutable_compliance() = std::move(checked.compliance);
  *finished.mutable_grounding() = std::move(checked.grounding);
  const auto to_duration = [](absl::Duration duration, google::protobuf::Duration* out) {
    const int64_t nanos = absl::ToInt64Nanoseconds(duration);
    out->set_seconds(nanos / 1'000'000'000);
    out->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  };
  to_duration(reply.first_delta.value_or(now) - reply.received,
              finished.mutable_time_to_first_token());
  to_duration(now - reply.received, finished.mutable_total_latency());
  *finished.mutable_aigc_label() = MakeAigcLabel(language_, reply.model);
  writer_.Push(std::move(message));
}

void LiveQa::Session::ReplyDone() {
  // Runs on the decoding thread, outside any gRPC reaction: once the call is
  // finished the session may be deleted at any moment, so freeing the slot,
  // taking the next replies and deciding to finish happen under one lock, and
  // Finish is the last thing done.
  std::vector<Startable> starting;
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    --active_replies_;
    starting = TakeStartableLocked();
    finish = FinishDueLocked();
  }
  for (auto& [group, waiting] : starting) StartReply(std::move(group), std::move(waiting));
  if (finish.has_value()) writer_.Finish(*std::move(finish));
}

void LiveQa::Session::Reject(const std::string& question_id, const absl::Status& status,
                             absl::Duration retry_after) {
  live_->CountQuestion("rejected");
  v1::LiveQAResponse message;
  v1::QuestionRejected& rejected = *message.mutable_question_rejected();
  rejected.set_question_id(question_id);
  *rejected.mutable_status() = rpc::ToPartStatus(status);
  if (retry_after > absl::ZeroDuration()) {
    const int64_t millis =
        absl::ToInt64Milliseconds(absl::Ceil(retry_after, absl::Milliseconds(1)));
    rejected.mutable_retry_after()->set_seconds(millis / 1000);
    rejected.mutable_retry_after()->set_nanos(static_cast<int32_t>(millis % 1000) * 1'000'000);
  }
  writer_.Push(std::move(message));
}

void LiveQa::Session::End(const grpc::Status& status, Ending how, bool by_live) {
  std::string registered_room;
  {
    absl::MutexLock lock(&mu_);
    if (how <= ending_) return;
    ending_ = how;
    if (!end_status_.has_value()) end_status_ = status;
    if (by_live) registered_ = false;
    if (registered_) registered_room = room_id_;
    if (how == Ending::kNow) {
      stop_ = true;
      writer_.Drop();
    }
    if (how >= Ending::kAfterStarted && coalescer_ != nullptr) {
      // Questions not yet answered: rejected when draining, dropped otherwise.
      for (const copy_live::QuestionCoalescer::Group& group : coalescer_->TakeAll()) {
        if (how == Ending::kNow) continue;
        const absl::Status draining = absl::UnavailableError("the copywriter is shutting down");
        Reject(group.question_id, draining);
        for (const std::string& member : group.coalesced_question_ids) Reject(member, draining);
      }
      waiting_.clear();
    }
  }
  if (!registered_room.empty()) live_->Unregister(registered_room, this);
  std::optional<grpc::Status> finish;
  {
    absl::MutexLock lock(&mu_);
    finish = FinishDueLocked();
  }
  if (finish.has_value()) writer_.Finish(*std::move(finish));  // the last use of this
}

std::optional<grpc::Status> LiveQa::Session::FinishDueLocked() {
  if (finishing_ || ending_ == Ending::kNone || registered_ || active_replies_ > 0 ||
      !waiting_.empty()) {
    return std::nullopt;
  }
  finishing_ = true;
  return end_status_;
}

absl::StatusOr<std::unique_ptr<LiveQa>> LiveQa::Create(LiveQaDeps deps, LiveQaOptions options,
                                                       prometheus::Registry& registry) {
  AIGC_RETURN_IF_ERROR(ValidateOptions(options));
  absl::StatusOr<std::unique_ptr<copy_live::RateLimiter>> room_limiter =
      copy_live::RateLimiter::Create(
          {.rate_per_second = options.room_replies_per_second, .burst = options.room_reply_burst});
  AIGC_RETURN_IF_ERROR(room_limiter.status());
  absl::StatusOr<std::unique_ptr<copy_live::RateLimiter>> viewer_limiter =
      copy_live::RateLimiter::Create({.rate_per_second = options.viewer_questions_per_second,
                                      .burst = options.viewer_question_burst});
  AIGC_RETURN_IF_ERROR(viewer_limiter.status());
  return std::unique_ptr<LiveQa>(
      new LiveQa(deps, options, *std::move(room_limiter), *std::move(viewer_limiter), registry));
}

LiveQa::LiveQa(LiveQaDeps deps, LiveQaOptions options,
               std::unique_ptr<copy_live::RateLimiter> room_limiter,
               std::unique_ptr<copy_live::RateLimiter> viewer_limiter,
               prometheus::Registry& registry)
    : deps_(deps),
      options_(options),
      room_limiter_(std::move(room_limiter)),
      viewer_limiter_(std::move(viewer_limiter)),
      questions_(prometheus::BuildCounter()
                     .Name("aigc_copywriter_live_questions_total")
                     .Help("LiveQA questions by outcome: answered (a generated reply), "
                           "handed_off (the host's holding message), coalesced (merged into "
                           "another question's reply), rejected (QuestionRejected).")
                     .Register(registry)),
      sessions_gauge_(prometheus::BuildGauge()
                          .Name("aigc_copywriter_live_sessions")
                          .Help("Active LiveQA sessions (one per live room at most).")
                          .Register(registry)
                          .Add({})) {}

LiveQa::~LiveQa() = default;

grpc::ServerBidiReactor<v1::LiveQARequest, v1::LiveQAResponse>* LiveQa::Open(
    grpc::CallbackServerContext* context) {
  return new Session(this, context);
}

absl::Status LiveQa::Register(Session* session, const v1::SessionStart& start,
                              const std::function<void(const v1::RoomKnowledge&)>& on_started) {
  absl::MutexLock lock(&mu_);
  if (draining_) return absl::UnavailableError("the copywriter is shutting down");
  AIGC_ASSIGN_OR_RETURN(const copy_live::RoomSnapshot room, deps_.rooms->StartSession(start));
  if (!session->MarkRegistered()) return absl::CancelledError("the call ended while starting");
  auto [it, inserted] = sessions_.try_emplace(room->room_id(), session);
  if (!inserted) {
    it->second->End(grpc::Status(grpc::StatusCode::ABORTED,
                                 absl::StrCat("superseded by a newer session of room \"",
                                              room->room_id(), "\"")),
                    Session::Ending::kNow, /*by_live=*/true);
    it->second = session;
  }
  on_started(*room);
  sessions_gauge_.Set(static_cast<double>(sessions_.size()));
  return absl::OkStatus();
}

void LiveQa::Unregister(const std::string& room_id, Session* session) {
  absl::MutexLock lock(&mu_);
  const auto it = sessions_.find(room_id);
  if (it != sessions_.end() && it->second == session) sessions_.erase(it);
  session->MarkUnregistered();
  sessions_gauge_.Set(static_cast<double>(sessions_.size()));
}

absl::StatusOr<copy_live::RoomSnapshot> LiveQa::SetRoomKnowledge(
    const v1::SetRoomKnowledgeRequest& request) {
  absl::MutexLock lock(&mu_);
  AIGC_ASSIGN_OR_RETURN(const copy_live::RoomRegistry::SetResult result, deps_.rooms->Set(request));
  if (result.current_product_changed) {
    if (const auto it = sessions_.find(result.room->room_id()); it != sessions_.end()) {
      it->second->ProductChanged(*result.room);
    }
  }
  return result.room;
}

void LiveQa::Drain() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
  for (const auto& [room_id, session] : sessions_) {
    session->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the copywriter is shutting down"),
                 Session::Ending::kAfterStarted, /*by_live=*/true);
  }
  sessions_.clear();
  sessions_gauge_.Set(0);
}

void LiveQa::CountQuestion(const std::string& outcome) {
  questions_.Add({{"outcome", outcome}}).Increment();
}

}  // namespace aigc::copywriter
