#include "bench/aigc_load/runner.h"

#include <barrier>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/status/status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/client_interceptor.h"

namespace aigc::load {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

std::string CodeName(grpc::StatusCode code) {
  // gRPC and absl share the canonical code numbers and names.
  std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? absl::StrCat("CODE_", static_cast<int>(code)) : name;
}

// A warm-up or measurement phase, shared by all workers of a level. The
// barrier's completion sets start_ns and stop before any worker reads them.
struct Phase {
  int64_t max_requests = 0;
  absl::Duration max_duration;
  Clock::time_point stop;
  std::atomic<int64_t> start_ns{0};
  std::atomic<int64_t> tickets{0};
  // For progress lines only; the result is merged from the workers' records.
  std::atomic<int64_t> answered{0};
  std::atomic<int64_t> failed{0};
};

// One worker: its caller, its state and what it recorded. Only its thread
// touches these, except `context`, which a Stopper may cancel.
struct WorkerSlot {
  WorkerSlot(int index, uint64_t seed, std::unique_ptr<Caller> caller)
      : worker(index, seed), caller(std::move(caller)) {}

  Worker worker;
  std::unique_ptr<Caller> caller;
  int64_t warmup_answered = 0;
  int64_t ok = 0;
  std::vector<int64_t> latencies_ns;
  absl::flat_hash_map<grpc::StatusCode, int64_t> errors;

  absl::Mutex mu;
  grpc::ClientContext* context ABSL_GUARDED_BY(mu) = nullptr;
};

class LevelRun {
 public:
  LevelRun(const Workload& workload, const std::vector<std::shared_ptr<grpc::Channel>>& channels,
           const LevelOptions& options, Stopper* stopper)
      : options_(options),
        stopper_(stopper),
        barrier_(options.concurrency, StartNextPhase{this}),
        remaining_(options.concurrency) {
    for (int i = 0; i < options.concurrency; ++i) {
      slots_.push_back(std::make_unique<WorkerSlot>(
          i, options.seed, workload.NewCaller(channels[i % channels.size()])));
    }
    const Warmup& warmup = options.warmup;
    if (warmup.requests > 0) {
      phases_[0].max_requests = warmup.requests;
      phases_[0].max_duration = options.max_duration;
    } else if (warmup.duration > absl::ZeroDuration()) {
      phases_[0].max_requests = std::numeric_limits<int64_t>::max();
      phases_[0].max_duration = warmup.duration;
    }
    phases_[1].max_requests = options.max_requests;
    phases_[1].max_duration = options.max_duration;
  }

  LevelResult Run(const ProgressCallback& progress) {
    const int subscription =
        stopper_ != nullptr ? stopper_->Subscribe([this] { CancelInFlight(); }) : -1;
    std::vector<std::thread> threads;
    threads.reserve(slots_.size());
    for (auto& slot : slots_) threads.emplace_back([this, &slot] { WorkerMain(*slot); });
    if (progress && options_.progress_interval > absl::ZeroDuration()) {
      while (!all_done_.WaitForNotificationWithTimeout(options_.progress_interval)) {
        progress(Snapshot());
      }
    }
    for (std::thread& thread : threads) thread.join();
    if (stopper_ != nullptr) stopper_->Unsubscribe(subscription);
    return Merge();
  }

 private:
  // The barrier's completion: runs once per phase, in one worker thread, while
  // the others wait.
  struct StartNextPhase {
    void operator()() noexcept {
      Phase& phase = run->phases_[run->next_phase_];
      const Clock::time_point now = Clock::now();
      phase.stop = now + absl::ToChronoNanoseconds(phase.max_duration);
      phase.start_ns.store(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
      run->current_phase_.store(run->next_phase_);
      ++run->next_phase_;
    }
    LevelRun* run;
  };

  void WorkerMain(WorkerSlot& slot) {
    barrier_.arrive_and_wait();
    RunPhase(phases_[0], slot, /*measured=*/false);
    slot.worker.ClearCounts();
    // Measurement starts when every worker is done warming up, so no warm-up
    // request overlaps it.
    barrier_.arrive_and_wait();
    RunPhase(phases_[1], slot, /*measured=*/true);
    if (remaining_.fetch_sub(1) == 1) {
      end_ns_ = NowNanos();
      all_done_.Notify();
    }
  }

  void RunPhase(Phase& phase, WorkerSlot& slot, bool measured) {
    while (Clock::now() < phase.stop &&
           phase.tickets.fetch_add(1, std::memory_order_relaxed) < phase.max_requests) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + options_.rpc_deadline));
      {
        absl::MutexLock lock(&slot.mu);
        // Checked under the lock that CancelInFlight takes after stopping, so a
        // call either sees the stop here or gets cancelled.
        if (Stopped()) break;
        slot.context = &context;
      }
      const Clock::time_point sent = Clock::now();
      const grpc::Status status = slot.caller->Call(context, slot.worker);
      const Clock::time_point answered = Clock::now();
      {
        absl::MutexLock lock(&slot.mu);
        slot.context = nullptr;
      }
      if (status.error_code() == grpc::StatusCode::CANCELLED && Stopped()) break;
      phase.answered.fetch_add(1, std::memory_order_relaxed);
      if (!status.ok()) phase.failed.fetch_add(1, std::memory_order_relaxed);
      if (!measured) {
        ++slot.warmup_answered;
      } else if (status.ok()) {
        ++slot.ok;
        slot.latencies_ns.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(answered - sent).count());
      } else {
        ++slot.errors[status.error_code()];
      }
    }
    if (Stopped()) interrupted_.store(true);
  }

  bool Stopped() const { return stopper_ != nullptr && stopper_->stopped(); }

  void CancelInFlight() {
    for (auto& slot : slots_) {
      absl::MutexLock lock(&slot->mu);
      if (slot->context != nullptr) slot->context->TryCancel();
    }
  }

  Progress Snapshot() const {
    Progress progress;
    const int index = current_phase_.load();
    progress.warming_up = index <= 0;
    if (index < 0) return progress;
    const Phase& phase = phases_[index];
    progress.elapsed = absl::Nanoseconds(NowNanos() - phase.start_ns.load());
    progress.requests = phase.answered.load(std::memory_order_relaxed);
    progress.errors = phase.failed.load(std::memory_order_relaxed);
    return progress;
  }

  LevelResult Merge() {
    LevelResult result;
    result.concurrency = options_.concurrency;
    result.interrupted = interrupted_.load();
    result.duration = absl::Nanoseconds(end_ns_ - phases_[1].start_ns.load());
    std::vector<int64_t> latencies;
    for (auto& slot : slots_) {
      result.warmup_requests += slot->warmup_answered;
      result.ok += slot->ok;
      result.requests += slot->ok;
      for (const auto& [code, count] : slot->errors) {
        result.errors[CodeName(code)] += count;
        result.requests += count;
      }
      for (const auto& [name, count] : slot->worker.counts()) result.counters[name] += count;
      latencies.insert(latencies.end(), slot->latencies_ns.begin(), slot->latencies_ns.end());
    }
    result.latency = SummarizeLatencies(latencies);
    return result;
  }

  const LevelOptions options_;
  Stopper* const stopper_;
  std::vector<std::unique_ptr<WorkerSlot>> slots_;
  Phase phases_[2];
  // Written only by the barrier's completion.
  int next_phase_ = 0;
  // -1 before the first phase; read by Snapshot().
  std::atomic<int> current_phase_{-1};
  std::barrier<StartNextPhase> barrier_;
  std::atomic<int> remaining_;
  std::atomic<bool> interrupted_{false};
  // Written by the last worker before all_done_.Notify(), read after join.
  int64_t end_ns_ = 0;
  absl::Notification all_done_;
};

// Adds the same metadata to every call (call credentials would do it too, but
// gRPC sends those only over secure channels).
class AddMetadataInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit AddMetadataInterceptor(std::shared_ptr<const CallMetadata> metadata)
      : metadata_(std::move(metadata)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* sent = methods->GetSendInitialMetadata();
      for (const auto& [key, value] : *metadata_) sent->emplace(key, value);
    }
    methods->Proceed();
  }

 private:
  const std::shared_ptr<const CallMetadata> metadata_;
};

class AddMetadataFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit AddMetadataFactory(std::shared_ptr<const CallMetadata> metadata)
      : metadata_(std::move(metadata)) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new AddMetadataInterceptor(metadata_);
  }

 private:
  const std::shared_ptr<const CallMetadata> metadata_;
};

absl::Status ValidateLevelOptions(const LevelOptions& options, size_t channels) {
  if (options.concurrency < 1 || options.concurrency > kMaxConcurrency) {
    return status::InvalidField("concurrency", absl::StrCat("must be in [1, ", kMaxConcurrency,
                                                            "], got ", options.concurrency));
  }
  if (options.max_requests < 1) {
    return status::InvalidField("max_requests",
                                absl::StrCat("must be > 0, got ", options.max_requests));
  }
  if (options.max_duration <= absl::ZeroDuration()) {
    return status::InvalidField(
        "max_duration",
        absl::StrCat("must be > 0, got ", absl::FormatDuration(options.max_duration)));
  }
  if (options.rpc_deadline <= absl::ZeroDuration()) {
    return status::InvalidField(
        "rpc_deadline",
        absl::StrCat("must be > 0, got ", absl::FormatDuration(options.rpc_deadline)));
  }
  const Warmup& warmup = options.warmup;
  if (warmup.requests < 0 || warmup.duration < absl::ZeroDuration() ||
      (warmup.requests > 0 && warmup.duration > absl::ZeroDuration())) {
    return status::InvalidField("warmup",
                                "takes a request count >= 0 or a duration >= 0, not both");
  }
  if (options.progress_interval < absl::ZeroDuration()) {
    return status::InvalidField("progress_interval", "must be >= 0");
  }
  if (channels == 0) return status::InvalidField("channels", "at least one is needed");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Warmup> ParseWarmup(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  Warmup warmup;
  if (text.empty()) return warmup;
  if (absl::SimpleAtoi(text, &warmup.requests) && warmup.requests >= 0) return warmup;
  warmup.requests = 0;
  if (absl::ParseDuration(text, &warmup.duration) && warmup.duration >= absl::ZeroDuration() &&
      warmup.duration != absl::InfiniteDuration()) {
    return warmup;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", text, "\" is neither a request count (e.g. 500) nor a duration (e.g. 2s)"));
}

absl::StatusOr<std::vector<int>> ParseConcurrencyList(absl::string_view text) {
  std::vector<int> levels;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    part = absl::StripAsciiWhitespace(part);
    int value = 0;
    if (!absl::SimpleAtoi(part, &value) || value < 1 || value > kMaxConcurrency) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", part, "\" is not an integer in [1, ", kMaxConcurrency, "]"));
    }
    levels.push_back(value);
  }
  return levels;
}

double LevelResult::qps() const {
  const double seconds = absl::ToDoubleSeconds(duration);
  return seconds > 0 ? static_cast<double>(requests) / seconds : 0;
}

void Stopper::Stop() {
  stopped_.store(true);
  absl::MutexLock lock(&mu_);
  for (auto& [id, on_stop] : subscribers_) on_stop();
  // Each subscriber runs once.
  subscribers_.clear();
}

int Stopper::Subscribe(std::function<void()> on_stop) {
  absl::MutexLock lock(&mu_);
  if (stopped()) {
    on_stop();
    return -1;
  }
  subscribers_.emplace(next_id_, std::move(on_stop));
  return next_id_++;
}

void Stopper::Unsubscribe(int id) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(id);
}

absl::StatusOr<LevelResult> RunLevel(const Workload& workload,
                                     const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                                     const LevelOptions& options, Stopper* stopper,
                                     const ProgressCallback& progress) {
  AIGC_RETURN_IF_ERROR(ValidateLevelOptions(options, channels.size()));
  LevelRun run(workload, channels, options, stopper);
  return run.Run(progress);
}

std::vector<std::shared_ptr<grpc::Channel>> CreateChannels(const std::string& target, int count,
                                                           const CallMetadata& metadata) {
  const auto shared_metadata = std::make_shared<const CallMetadata>(metadata);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    if (metadata.empty()) {
      channels.push_back(
          grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments));
      continue;
    }
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
    factories.push_back(std::make_unique<AddMetadataFactory>(shared_metadata));
    channels.push_back(grpc::experimental::CreateCustomChannelWithInterceptors(
        target, grpc::InsecureChannelCredentials(), arguments, std::move(factories)));
  }
  return channels;
}

}  // namespace aigc::load
