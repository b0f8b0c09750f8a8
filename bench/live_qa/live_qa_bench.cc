// aigc-live-bench: latency and throughput of the copywriter's LiveQA. At each
// level of --rooms, R threads each hold one LiveQA stream for a room of their
// own and run a closed loop: one viewer question, wait for its reply to
// finish, the next question. Measures, client-side, the time to the first
// ReplyDelta (TTFT) and to ReplyFinished; reads the server's generated-token
// counter from /metrics around each level. See README.md.
//
//   aigc-live-bench --target=127.0.0.1:50052 --metrics=127.0.0.1:9103 --rooms=1,8
//     --duration=20s --warmup=3s --output=/tmp/live_qa.json
//
// Exit status: 0 when every session started and every stream ended OK (rejected
// questions do not fail the run; they are reported); 1 otherwise, or on bad
// flags, or when the server or its /metrics cannot be reached.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "bench/aigc_load/runner.h"
#include "bench/live_qa/live_report.h"
#include "common/cli/cli.h"
#include "common/text/utf8.h"
#include "grpcpp/grpcpp.h"
#include "tests/testing/http_get.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50052", "host:port of the aigc-copywriter gRPC server.");
ABSL_FLAG(std::string, metrics, "",
          "127.0.0.1:PORT (or PORT) of the same server's Prometheus endpoint; read before and "
          "after each level for the exact count of generated tokens "
          "(aigc_generation_tokens_total{rpc=\"LiveQA\"}). Empty = tokens/s is not reported.");
ABSL_FLAG(std::string, rooms, "1,8",
          "Concurrent rooms (streams) per level; a comma-separated list runs one level per "
          "entry, in order, against the same server. Each in [1, 4096].");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(20),
          "Most measured wall time per level: no question is sent after it; replies in flight "
          "then finish and count.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(3),
          "Unmeasured start of each level (questions sent and answered, not counted); 0 = none. "
          "Every room finishes its warm-up reply before measurement starts.");
ABSL_FLAG(int64_t, max_questions, 10000,
          "Most measured questions per room per level; a level ends at --duration or when every "
          "room has sent this many, whichever comes first.");
ABSL_FLAG(uint64_t, seed, 1,
          "Sampling seed of room i is seed + i (SessionStart.sampling.seed): the same seed gives "
          "the same replies.");
ABSL_FLAG(int, max_tokens, 0,
          "SessionStart.sampling.max_tokens, 1..512; 0 = the server's default (128).");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(5),
          "How long to wait for the gRPC connection at start-up.");
ABSL_FLAG(std::string, output, "", "Also write the report as JSON (one line) to this file.");
ABSL_FLAG(absl::Duration, progress, absl::Seconds(5),
          "How often to print a progress line on stderr while measuring; 0 = never.");

namespace aigc::live_bench {
namespace {

namespace v1 = ::aigc::copywriter::v1;
using Clock = std::chrono::steady_clock;

// Replies in flight at the end of a level are bounded by the server's reply
// timeout (10 s by default); streams get this much beyond warm-up + duration.
constexpr absl::Duration kStreamSlack = absl::Seconds(60);
constexpr int kCategories = 10;
constexpr int kProductsPerCategory = 60;

// Colloquial viewer questions, one or more per intent the catalogue can
// answer (price, size, material, stock, discount) and some it cannot without
// extra room knowledge (shipping, care: handed to the host).
constexpr const char* kQuestions[] = {
    "这件多少钱", "160斤穿什么码", "是纯棉的吗", "还有货吗",     "什么时候发货",
    "有优惠券吗", "能机洗吗",      "到手价多少", "偏大还是偏小", "面料是什么材质",
};
constexpr int kQuestionCount = sizeof(kQuestions) / sizeof(kQuestions[0]);

int64_t NanosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

// Everything the flags say, checked.
struct Config {
  std::string target;
  std::optional<int> metrics_port;
  std::vector<int> rooms;
  absl::Duration duration;
  absl::Duration warmup;
  int64_t max_questions = 0;
  uint64_t seed = 0;
  int max_tokens = 0;
  absl::Duration connect_timeout;
  absl::Duration progress;
};

absl::StatusOr<Config> ConfigFromFlags() {
  Config config;
  config.target = absl::GetFlag(FLAGS_target);
  if (config.target.empty()) return absl::InvalidArgumentError("--target: required (host:port)");
  for (const char c : config.target) {
    if (c <= ' ' || c > '~' || c == '"' || c == '\\') {
      return absl::InvalidArgumentError("--target: must be printable ASCII host:port");
    }
  }
  if (const std::string metrics = absl::GetFlag(FLAGS_metrics); !metrics.empty()) {
    absl::StatusOr<int> port = ParseMetricsPort(metrics);
    if (!port.ok()) return port.status();
    config.metrics_port = *port;
  }
  absl::StatusOr<std::vector<int>> rooms = load::ParseConcurrencyList(absl::GetFlag(FLAGS_rooms));
  if (!rooms.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--rooms: ", rooms.status().message()));
  }
  config.rooms = *std::move(rooms);
  config.duration = absl::GetFlag(FLAGS_duration);
  if (config.duration <= absl::ZeroDuration() || config.duration > absl::Hours(1)) {
    return absl::InvalidArgumentError("--duration: must be in (0, 1h]");
  }
  config.warmup = absl::GetFlag(FLAGS_warmup);
  if (config.warmup < absl::ZeroDuration() || config.warmup > absl::Hours(1)) {
    return absl::InvalidArgumentError("--warmup: must be in [0, 1h]");
  }
  config.max_questions = absl::GetFlag(FLAGS_max_questions);
  if (config.max_questions < 1) return absl::InvalidArgumentError("--max_questions: must be > 0");
  config.seed = absl::GetFlag(FLAGS_seed);
  config.max_tokens = absl::GetFlag(FLAGS_max_tokens);
  if (config.max_tokens < 0 || config.max_tokens > 512) {
    return absl::InvalidArgumentError("--max_tokens: must be in 0..512");
  }
  config.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  if (config.connect_timeout <= absl::ZeroDuration() ||
      config.connect_timeout > absl::Minutes(10)) {
    return absl::InvalidArgumentError("--connect_timeout: must be in (0, 10m]");
  }
  config.progress = absl::GetFlag(FLAGS_progress);
  if (config.progress < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--progress: must be >= 0");
  }
  return config;
}

// What became of one question.
struct Answer {
  enum class Kind { kGenerated, kHandedOff, kRejected };
  Kind kind = Kind::kGenerated;
  std::string rejected_code;  // kRejected: the status code name
  int64_t ttft_ns = 0;        // to the first delta; 0 when none came
  int64_t total_ns = 0;
  int64_t chars = 0;
  int64_t first_delta_chars = 0;
};

// One room's LiveQA stream (synchronous API: the room's thread blocks on it).
// Not thread-safe.
class RoomStream {
 public:
  RoomStream(v1::CopywriterService::Stub* stub, std::string room_id, absl::Time deadline)
      : stub_(stub), room_id_(std::move(room_id)) {
    context_.set_deadline(absl::ToChronoTime(deadline));
  }

  const std::string& room_id() const { return room_id_; }

  // Opens the stream with `start` and waits for SessionStarted. Fails with the
  // stream's status when the server ends it instead.
  absl::Status Start(const v1::SessionStart& start) {
    stream_ = stub_->LiveQA(&context_);
    v1::LiveQARequest request;
    request.mutable_metadata()->set_client_name("aigc-live-bench");
    *request.mutable_start() = start;
    if (!stream_->Write(request)) return Ended("writing SessionStart");
    v1::LiveQAResponse response;
    if (!stream_->Read(&response)) return Ended("waiting for SessionStarted");
    if (!response.has_session_started()) {
      return absl::InternalError(
          absl::StrCat("first message was not SessionStarted: ", response.ShortDebugString()));
    }
    return absl::OkStatus();
  }

  // Sends one question and reads until its ReplyFinished or QuestionRejected.
  // Fails when the stream ends first.
  absl::StatusOr<Answer> Ask(const std::string& question_id, const std::string& viewer_id,
                             const std::string& text) {
    v1::LiveQARequest request;
    v1::Question& question = *request.mutable_question();
    question.set_question_id(question_id);
    question.set_viewer_id(viewer_id);
    question.set_text(text);
    Answer answer;
    bool first_delta = true;
    const Clock::time_point sent = Clock::now();
    if (!stream_->Write(request)) return Ended("writing a question");
    v1::LiveQAResponse response;
    while (stream_->Read(&response)) {
      switch (response.event_case()) {
        case v1::LiveQAResponse::kReplyStarted:
          if (response.reply_started().question_id() == question_id &&
              response.reply_started().hand_off_to_human()) {
            answer.kind = Answer::Kind::kHandedOff;
          }
          break;
        case v1::LiveQAResponse::kReplyDelta: {
          if (response.reply_delta().question_id() != question_id) break;
          const int64_t chars =
              static_cast<int64_t>(text::DecodeUtf8(response.reply_delta().text()).size());
          if (first_delta) {
            answer.ttft_ns = NanosSince(sent);
            answer.first_delta_chars = chars;
            first_delta = false;
          }
          answer.chars += chars;
          break;
        }
        case v1::LiveQAResponse::kReplyFinished:
          if (response.reply_finished().question_id() != question_id) break;
          answer.total_ns = NanosSince(sent);
          if (first_delta) answer.ttft_ns = answer.total_ns;  // an empty reply
          return answer;
        case v1::LiveQAResponse::kQuestionRejected:
          if (response.question_rejected().question_id() != question_id) break;
          answer.kind = Answer::Kind::kRejected;
          answer.rejected_code = absl::StatusCodeToString(
              static_cast<absl::StatusCode>(response.question_rejected().status().code()));
          answer.total_ns = NanosSince(sent);
          return answer;
        default:
          break;  // Other events (product switches) are not this bench's.
      }
    }
    return Ended("waiting for a reply");
  }

  // Half-closes, reads what is left and returns the stream's final status.
  absl::Status Close() {
    if (!stream_->WritesDone()) return Ended("half-closing");
    v1::LiveQAResponse response;
    int64_t unexpected = 0;
    while (stream_->Read(&response)) ++unexpected;
    const grpc::Status status = Finish();
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("stream ended with ", status.error_message()));
    }
    if (unexpected > 0) {
      return absl::InternalError(
          absl::StrCat(unexpected, " messages after the last reply (none expected)"));
    }
    return absl::OkStatus();
  }

  // Cancels the call and collects its end (gRPC wants Finish on every call).
  void Abandon() {
    context_.TryCancel();
    if (stream_ != nullptr && !finished_) Finish();
  }

 private:
  grpc::Status Finish() {
    finished_ = true;
    return stream_->Finish();
  }

  // The stream's status after it ended during `doing`.
  absl::Status Ended(absl::string_view doing) {
    const grpc::Status status = Finish();
    return absl::Status(
        status.ok() ? absl::StatusCode::kInternal
                    : static_cast<absl::StatusCode>(status.error_code()),
        absl::StrCat("stream ended while ", std::string(doing.data(), doing.size()), ": ",
                     absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
                     status.error_message().empty() ? "" : ": ", status.error_message()));
  }

  v1::CopywriterService::Stub* const stub_;
  const std::string room_id_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::LiveQARequest, v1::LiveQAResponse>> stream_;
  bool finished_ = false;
};

// Phases of a level that the rooms move through together.
class LevelClock {
 public:
  enum class Phase { kStarting, kWarmup, kMeasure, kAbort };

  explicit LevelClock(int rooms) : rooms_(rooms) {}

  // Rooms: report arrival at the end of a phase.
  void Started(absl::Status status, const std::string& room_id) {
    absl::MutexLock lock(&mu_);
    ++started_;
    if (!status.ok() && start_error_.ok()) {
      start_error_ = absl::Status(
          status.code(),
          absl::StrCat("room ", room_id, ": session did not start: ", status.message()));
    }
  }
  void Warmed() {
    absl::MutexLock lock(&mu_);
    ++warmed_;
  }
  void Finished(absl::Time last_answer) {
    absl::MutexLock lock(&mu_);
    ++finished_;
    last_answer_ = std::max(last_answer_, last_answer);
  }

  // Rooms: waits until the main thread has moved past `phase`; returns the
  // phase then in force.
  Phase WaitPast(Phase phase) {
    absl::MutexLock lock(&mu_);
    while (phase_ == phase) phase_changed_.Wait(&mu_);
    return phase_;
  }

  absl::Time warmup_end() {
    absl::MutexLock lock(&mu_);
    return warmup_end_;
  }
  absl::Time measure_end() {
    absl::MutexLock lock(&mu_);
    return measure_end_;
  }

  // Main thread: waits for every session; returns the first start failure.
  absl::Status AwaitStarted() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &LevelClock::AllStarted));
    return start_error_;
  }
  // Main thread: moves every room on to `phase`, which ends at `end` (for
  // kWarmup and kMeasure; the time is not used otherwise).
  void Begin(Phase phase, absl::Time end) {
    absl::MutexLock lock(&mu_);
    phase_ = phase;
    phase_changed_.SignalAll();
    if (phase == Phase::kWarmup) warmup_end_ = end;
    if (phase == Phase::kMeasure) {
      measure_end_ = end;
      last_answer_ = absl::Now();
    }
  }
  void AwaitWarmed() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &LevelClock::AllWarmed));
  }
  // Waits at most `timeout` for every room to finish; true when they have.
  bool AwaitFinished(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(this, &LevelClock::AllFinished), timeout);
  }
  absl::Time last_answer() {
    absl::MutexLock lock(&mu_);
    return last_answer_;
  }

 private:
  bool AllStarted() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return started_ == rooms_; }
  bool AllWarmed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return warmed_ == rooms_; }
  bool AllFinished() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return finished_ == rooms_; }

  const int rooms_;
  absl::Mutex mu_;
  Phase phase_ ABSL_GUARDED_BY(mu_) = Phase::kStarting;
  absl::CondVar phase_changed_;
  int started_ ABSL_GUARDED_BY(mu_) = 0;
  int warmed_ ABSL_GUARDED_BY(mu_) = 0;
  int finished_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status start_error_ ABSL_GUARDED_BY(mu_);
  absl::Time warmup_end_ ABSL_GUARDED_BY(mu_);
  absl::Time measure_end_ ABSL_GUARDED_BY(mu_);
  absl::Time last_answer_ ABSL_GUARDED_BY(mu_);
};

// One room's thread: start, warm up, measure, close. Always reports at every
// phase it has not reached yet, so the main thread never waits for it in vain.
class RoomRunner {
 public:
  RoomRunner(RoomStream* stream, LevelClock* clock, const Config& config, int index,
             std::atomic<int64_t>* answered)
      : stream_(stream), clock_(clock), config_(config), index_(index), answered_(answered) {}

  RoomResult Run(const v1::SessionStart& start) {
    RoomResult result;
    const absl::Status started = stream_->Start(start);
    clock_->Started(started, stream_->room_id());
    if (clock_->WaitPast(LevelClock::Phase::kStarting) == LevelClock::Phase::kAbort) {
      stream_->Abandon();
      return result;
    }
    absl::Status status = started;
    const absl::Time warmup_end = clock_->warmup_end();
    while (status.ok() && absl::Now() < warmup_end) {
      status = Ask().status();
    }
    clock_->Warmed();
    clock_->WaitPast(LevelClock::Phase::kWarmup);
    const absl::Time measure_end = clock_->measure_end();
    absl::Time last_answer = absl::Now();
    while (status.ok() && result.questions < config_.max_questions && absl::Now() < measure_end) {
      absl::StatusOr<Answer> answer = Ask();
      if (!answer.ok()) {
        status = answer.status();
        break;
      }
      last_answer = absl::Now();
      Record(*answer, result);
      answered_->fetch_add(1);
    }
    if (status.ok()) status = stream_->Close();
    if (!status.ok()) result.error = status.ToString();
    clock_->Finished(last_answer);
    return result;
  }

 private:
  absl::StatusOr<Answer> Ask() {
    const int64_t n = asked_++;
    return stream_->Ask(absl::StrCat("q-", n), absl::StrCat("viewer-", index_, "-", n),
                        kQuestions[(index_ + n) % kQuestionCount]);
  }

  static void Record(const Answer& answer, RoomResult& result) {
    ++result.questions;
    switch (answer.kind) {
      case Answer::Kind::kGenerated:
        ++result.generated;
        result.reply_chars += answer.chars;
        result.decode_chars += answer.chars - answer.first_delta_chars;
        result.decode_ns += answer.total_ns - answer.ttft_ns;
        result.ttft_ns.push_back(answer.ttft_ns);
        result.total_ns.push_back(answer.total_ns);
        break;
      case Answer::Kind::kHandedOff:
        ++result.handed_off;
        result.hand_off_ttft_ns.push_back(answer.ttft_ns);
        break;
      case Answer::Kind::kRejected:
        ++result.rejected[answer.rejected_code];
        break;
    }
  }

  RoomStream* const stream_;
  LevelClock* const clock_;
  const Config& config_;
  const int index_;
  std::atomic<int64_t>* const answered_;
  int64_t asked_ = 0;
};

absl::StatusOr<int64_t> ReadTokens(int port) {
  absl::StatusOr<std::string> body = testing::HttpGet(port, "/metrics");
  if (!body.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read /metrics of 127.0.0.1:", port, ": ", body.status().message()));
  }
  absl::StatusOr<int64_t> tokens = LiveQaTokensFromMetrics(*body);
  if (!tokens.ok()) {
    return absl::Status(tokens.status().code(), absl::StrCat("/metrics of 127.0.0.1:", port, ": ",
                                                             tokens.status().message()));
  }
  return tokens;
}

v1::SessionStart MakeStart(const Config& config, const std::string& room_id, int index) {
  v1::SessionStart start;
  start.set_room_id(room_id);
  // The demo catalogue's ids (common/catalog/generator.cc): sku-<label>-<NNNN>.
  start.set_product_id(absl::StrFormat("sku-%d-%04d", index % kCategories,
                                       1 + (index / kCategories) % kProductsPerCategory));
  start.set_language(common::v1::LANGUAGE_ZH);
  // Questions are sent one at a time per room, so there is never anything to
  // merge; off, so that no question can go without a reply of its own.
  start.set_coalesce_similar(false);
  start.mutable_sampling()->set_seed(config.seed + static_cast<uint64_t>(index));
  if (config.max_tokens > 0) start.mutable_sampling()->set_max_tokens(config.max_tokens);
  return start;
}

absl::StatusOr<LevelReport> RunLevel(v1::CopywriterService::Stub* stub, const Config& config,
                                     int level_index, int rooms) {
  const absl::Time stream_deadline = absl::Now() + config.warmup + config.duration + kStreamSlack;
  std::vector<std::string> room_ids;
  std::vector<std::unique_ptr<RoomStream>> streams;
  for (int i = 0; i < rooms; ++i) {
    room_ids.push_back(absl::StrCat("bench-room-", level_index, "-", i));
    streams.push_back(std::make_unique<RoomStream>(stub, room_ids.back(), stream_deadline));
  }
  LevelClock clock(rooms);
  std::atomic<int64_t> answered{0};
  std::vector<RoomResult> results(rooms);
  std::vector<std::thread> threads;
  for (int i = 0; i < rooms; ++i) {
    threads.emplace_back([&, i] {
      RoomRunner runner(streams[i].get(), &clock, config, i, &answered);
      results[i] = runner.Run(MakeStart(config, room_ids[i], i));
    });
  }
  const auto join = [&threads] {
    for (std::thread& thread : threads) thread.join();
  };

  if (absl::Status started = clock.AwaitStarted(); !started.ok()) {
    clock.Begin(LevelClock::Phase::kAbort, absl::Now());
    join();
    return started;
  }
  std::cerr << absl::StrFormat("aigc-live-bench: rooms=%d: %d sessions started, warming up %s\n",
                               rooms, rooms, absl::FormatDuration(config.warmup));
  clock.Begin(LevelClock::Phase::kWarmup, absl::Now() + config.warmup);
  clock.AwaitWarmed();

  std::optional<int64_t> tokens_before;
  if (config.metrics_port.has_value()) {
    absl::StatusOr<int64_t> tokens = ReadTokens(*config.metrics_port);
    if (!tokens.ok()) {
      // Still measure so that the rooms end; the level then fails.
      std::cerr << "aigc-live-bench: " << tokens.status().message() << "\n";
    } else {
      tokens_before = *tokens;
    }
  }
  const absl::Time measure_start = absl::Now();
  clock.Begin(LevelClock::Phase::kMeasure, measure_start + config.duration);
  std::cerr << absl::StrFormat("aigc-live-bench: rooms=%d: measuring for %s\n", rooms,
                               absl::FormatDuration(config.duration));
  const absl::Duration tick =
      config.progress > absl::ZeroDuration() ? config.progress : absl::Seconds(1);
  while (!clock.AwaitFinished(tick)) {
    if (config.progress > absl::ZeroDuration()) {
      std::cerr << absl::StrFormat("aigc-live-bench: rooms=%d: %.0fs, %d questions answered\n",
                                   rooms, absl::ToDoubleSeconds(absl::Now() - measure_start),
                                   answered.load());
    }
  }
  join();
  const absl::Duration measured = clock.last_answer() - measure_start;

  LevelReport level = SummarizeLevel(std::move(results), room_ids, measured, std::nullopt);
  for (const std::string& error : level.errors) {
    std::cerr << "aigc-live-bench: rooms=" << rooms << ": " << error << "\n";
  }
  if (config.metrics_port.has_value()) {
    if (!tokens_before.has_value()) {
      return absl::UnavailableError("the /metrics endpoint could not be read before the level");
    }
    absl::StatusOr<int64_t> tokens_after = ReadTokens(*config.metrics_port);
    if (!tokens_after.ok()) return tokens_after.status();
    level.generated_tokens = *tokens_after - *tokens_before;
    if (*level.generated_tokens == 0 && level.generated > 0) {
      std::cerr << "aigc-live-bench: warning: " << level.generated
                << " replies were generated but aigc_generation_tokens_total{rpc=\"LiveQA\"} "
                   "did not move: is --metrics the same server's endpoint?\n";
    }
  }
  return level;
}

int Fail(const absl::Status& status) {
  std::cerr << "aigc-live-bench: " << status.message() << std::endl;
  return 1;
}

int Main() {
  absl::StatusOr<Config> config = ConfigFromFlags();
  if (!config.ok()) return Fail(config.status());

  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(config->target, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + config->connect_timeout))) {
    return Fail(absl::UnavailableError(absl::StrCat(
        "cannot connect to ", config->target, " within ",
        absl::FormatDuration(config->connect_timeout), " (is aigc-copywriter running there?)")));
  }
  if (config->metrics_port.has_value()) {
    if (absl::StatusOr<int64_t> tokens = ReadTokens(*config->metrics_port); !tokens.ok()) {
      return Fail(tokens.status());
    }
  }
  std::unique_ptr<v1::CopywriterService::Stub> stub = v1::CopywriterService::NewStub(channel);

  std::vector<LevelReport> levels;
  int failed_streams = 0;
  for (size_t i = 0; i < config->rooms.size(); ++i) {
    absl::StatusOr<LevelReport> level =
        RunLevel(stub.get(), *config, static_cast<int>(i), config->rooms[i]);
    if (!level.ok()) return Fail(level.status());
    failed_streams += static_cast<int>(level->errors.size());
    std::cerr << absl::StrFormat(
        "aigc-live-bench: rooms=%d: %d questions in %.1fs (%d generated, %d handed off, %d "
        "rejected); TTFT ms p50 %.1f p99 %.1f\n",
        level->rooms, level->questions, absl::ToDoubleSeconds(level->measured), level->generated,
        level->handed_off, level->rejected, level->ttft.p50_ms, level->ttft.p99_ms);
    levels.push_back(*std::move(level));
  }

  std::cout << FormatTable(levels) << std::flush;
  if (const std::string path = absl::GetFlag(FLAGS_output); !path.empty()) {
    const RunSettings settings{.target = config->target,
                               .metrics = config->metrics_port.has_value(),
                               .duration = config->duration,
                               .warmup = config->warmup,
                               .max_questions = config->max_questions,
                               .seed = config->seed,
                               .max_tokens = config->max_tokens};
    std::ofstream file(path);
    file << ReportToJson(settings, levels) << "\n";
    file.close();
    if (!file) return Fail(absl::UnavailableError(absl::StrCat("cannot write --output ", path)));
  }
  if (failed_streams > 0) {
    return Fail(absl::InternalError(absl::StrCat(failed_streams, " streams failed (above)")));
  }
  return 0;
}

}  // namespace
}  // namespace aigc::live_bench

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "LiveQA latency and throughput of aigc-copywriter. For each entry of "
      "--rooms, that many rooms each hold one LiveQA stream and ask viewer questions in a closed "
      "loop (next question when the reply has finished); prints a table of questions/s, "
      "generated tokens/s (from --metrics), reply chars/s, time to first token and to the "
      "finished reply (p50/p90/p99, client-side, generated replies only), hand-offs and "
      "rejections per level, and tokens/s against rooms=1.\n"
      "Usage: aigc-live-bench --target=127.0.0.1:PORT --metrics=127.0.0.1:MPORT "
      "[--rooms=1,8] [--duration=20s] [--warmup=3s] [--output=FILE.json]\n"
      "The server should run with rate limits that do not throttle the bench, e.g. "
      "--live_room_replies_per_second=1000 --live_room_reply_burst=1000 (bench/copywriter_live.sh "
      "does this). Exit status: 0 when every session started and every stream ended OK, 1 "
      "otherwise or on bad flags or an unreachable server.");
  return aigc::live_bench::Main();
}
