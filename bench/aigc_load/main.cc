// aigc-load: closed-loop gRPC load generator for the suite's services. Runs a
// workload at one or more concurrency levels and prints a JSON report (see
// README.md); progress and a summary line per level go to stderr.
//
//   aigc-load --target=127.0.0.1:50051 --workload=recommend --concurrency=1,8,32 --duration=10s
//
// Exit status: 0 when every measured request succeeded, 1 when some failed or
// the run could not start (no connection, Prepare failed), 2 on bad flags.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/aigc_load/command_line.h"
#include "bench/aigc_load/report.h"
#include "bench/aigc_load/runner.h"
#include "bench/aigc_load/workload.h"
#include "common/cli/cli.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of the server to load.");
ABSL_FLAG(std::string, workload, "health", "What to send; one of the workloads listed above.");
ABSL_FLAG(std::string, concurrency, "1,8,32",
          "Closed-loop workers, each with one RPC in flight; a comma-separated list runs one "
          "level per entry, in order. Each entry in [1, 4096].");
ABSL_FLAG(int, channels, 1,
          "gRPC channels (each its own connection) that a level's workers are spread over, "
          "round robin; 1..1024.");
ABSL_FLAG(int64_t, requests, 100000,
          "Most measured requests per level; a level ends at --requests or --duration, "
          "whichever comes first.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10),
          "Most measured wall time per level. Requests in flight at the end still finish "
          "(within --deadline) and count.");
ABSL_FLAG(std::string, warmup, "0",
          "Unmeasured start of each level: a request count (e.g. 500) or a duration (e.g. 2s); "
          "0 = none.");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5),
          "Deadline of each RPC; also how long to wait for the connection at start-up.");
ABSL_FLAG(uint64_t, seed, 1,
          "Seeds the random draws (users, items): the same seed sends the same requests.");
ABSL_FLAG(std::string, output, "", "Write the JSON report to this file instead of stdout.");
ABSL_FLAG(absl::Duration, progress, absl::Seconds(1),
          "How often to print a progress line on stderr; 0 = never.");
ABSL_FLAG(std::string, api_key, "",
          "Sent as x-api-key metadata with every call (aigc-gateway admits callers by it); "
          "empty = none. The report records only whether one was set.");

namespace aigc::load {
namespace {

constexpr int kBadFlags = 2;
constexpr int kFailed = 1;
constexpr int kMaxChannels = 1024;

// Everything the flags say about the run, checked.
struct RunConfig {
  std::string target;
  // Never printed: the report says only whether it is set.
  std::string api_key;
  std::vector<int> concurrency;
  int channels = 1;
  LevelOptions level;
};

absl::StatusOr<RunConfig> ConfigFromFlags() {
  RunConfig config;
  config.target = absl::GetFlag(FLAGS_target);
  if (config.target.empty()) return absl::InvalidArgumentError("--target: required (host:port)");
  auto concurrency = ParseConcurrencyList(absl::GetFlag(FLAGS_concurrency));
  if (!concurrency.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--concurrency: ", concurrency.status().message()));
  }
  config.concurrency = *concurrency;
  config.api_key = absl::GetFlag(FLAGS_api_key);
  if (!std::all_of(config.api_key.begin(), config.api_key.end(),
                   [](char c) { return c > ' ' && c <= '~'; })) {
    // gRPC refuses such a metadata value in every call; the key is not shown.
    return absl::InvalidArgumentError(
        "--api_key: must be printable ASCII without spaces (a key from aigc-gateway-keys)");
  }
  config.channels = absl::GetFlag(FLAGS_channels);
  if (config.channels < 1 || config.channels > kMaxChannels) {
    return absl::InvalidArgumentError(
        absl::StrCat("--channels: must be in [1, ", kMaxChannels, "], got ", config.channels));
  }
  LevelOptions& level = config.level;
  level.max_requests = absl::GetFlag(FLAGS_requests);
  if (level.max_requests < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--requests: must be > 0, got ", level.max_requests));
  }
  level.max_duration = absl::GetFlag(FLAGS_duration);
  if (level.max_duration <= absl::ZeroDuration() ||
      level.max_duration == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("--duration: must be > 0 and finite, got ",
                                                   absl::FormatDuration(level.max_duration)));
  }
  auto warmup = ParseWarmup(absl::GetFlag(FLAGS_warmup));
  if (!warmup.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--warmup: ", warmup.status().message()));
  }
  level.warmup = *warmup;
  level.rpc_deadline = absl::GetFlag(FLAGS_deadline);
  if (level.rpc_deadline <= absl::ZeroDuration() ||
      level.rpc_deadline == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("--deadline: must be > 0 and finite, got ",
                                                   absl::FormatDuration(level.rpc_deadline)));
  }
  level.seed = absl::GetFlag(FLAGS_seed);
  level.progress_interval = absl::GetFlag(FLAGS_progress);
  if (level.progress_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--progress: must be >= 0");
  }
  return config;
}

Params RunParams(const RunConfig& config) {
  const LevelOptions& level = config.level;
  return {
      {"concurrency", std::vector<int64_t>(config.concurrency.begin(), config.concurrency.end())},
      {"channels", int64_t{config.channels}},
      {"requests", level.max_requests},
      {"duration_s", absl::ToDoubleSeconds(level.max_duration)},
      {"warmup_requests", level.warmup.requests},
      {"warmup_s", absl::ToDoubleSeconds(level.warmup.duration)},
      {"deadline_s", absl::ToDoubleSeconds(level.rpc_deadline)},
      {"seed", static_cast<int64_t>(level.seed)},
      {"api_key_set", !config.api_key.empty()},
  };
}

// Turns SIGINT/SIGTERM (blocked in every thread by main) into Stopper::Stop()
// so the run ends early and still reports; a second signal exits at once.
class SignalWatcher {
 public:
  SignalWatcher(const sigset_t& signals, Stopper* stopper)
      : signals_(signals), stopper_(stopper), thread_([this] { Watch(); }) {}
  ~SignalWatcher() {
    done_.store(true);
    thread_.join();
  }

 private:
  void Watch() {
    // Wakes every 100 ms to see whether the run is over.
    const timespec tick{0, 100'000'000};
    while (!done_.load()) {
      const int signal = sigtimedwait(&signals_, nullptr, &tick);
      if (signal < 0) continue;  // timed out or interrupted
      if (stopper_->stopped()) std::_Exit(128 + signal);
      std::cerr << "aigc-load: signal " << signal
                << ": stopping, reporting what was measured (again to quit at once)" << std::endl;
      stopper_->Stop();
    }
  }

  const sigset_t signals_;
  Stopper* const stopper_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Waits until every channel is connected, at most `timeout` in all; gives up
// early when stopped. Fails with UNAVAILABLE naming the target.
absl::Status ConnectAll(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                        const std::string& target, absl::Duration timeout, const Stopper& stopper) {
  const absl::Time give_up = absl::Now() + timeout;
  for (const auto& channel : channels) {
    // Short waits, so that Ctrl-C is not ignored for a whole --deadline.
    while (!channel->WaitForConnected(
        absl::ToChronoTime(std::min(give_up, absl::Now() + absl::Milliseconds(100))))) {
      if (stopper.stopped()) return absl::OkStatus();
      if (absl::Now() >= give_up) {
        return absl::UnavailableError(
            absl::StrCat("cannot connect to ", target, " within ", absl::FormatDuration(timeout)));
      }
    }
  }
  return absl::OkStatus();
}

void PrintProgress(const std::string& workload, int concurrency, const Progress& progress) {
  std::cerr << absl::StrFormat("aigc-load: %s c=%d: %s %.1fs, %d requests, %d failed\n", workload,
                               concurrency, progress.warming_up ? "warming up" : "measuring",
                               absl::ToDoubleSeconds(progress.elapsed), progress.requests,
                               progress.errors);
}

int Fail(const absl::Status& status) {
  std::cerr << "aigc-load: " << status.message() << std::endl;
  return kFailed;
}

int BadFlags(const absl::Status& status) {
  std::cerr << "aigc-load: " << status.message() << std::endl;
  return kBadFlags;
}

int Main(const sigset_t& signals) {
  auto config = ConfigFromFlags();
  if (!config.ok()) return BadFlags(config.status());
  const std::string workload_name = absl::GetFlag(FLAGS_workload);
  auto workload = WorkloadRegistry::Global().Create(workload_name);
  if (!workload.ok()) {
    if (absl::IsNotFound(workload.status())) {
      return BadFlags(
          absl::InvalidArgumentError(absl::StrCat("--workload: ", workload.status().message())));
    }
    if (absl::IsInvalidArgument(workload.status())) return BadFlags(workload.status());
    return Fail(workload.status());
  }

  Stopper stopper;
  SignalWatcher watcher(signals, &stopper);
  const std::vector<std::shared_ptr<grpc::Channel>> channels = CreateChannels(
      config->target, config->channels,
      config->api_key.empty() ? CallMetadata{} : CallMetadata{{"x-api-key", config->api_key}});
  if (absl::Status connected =
          ConnectAll(channels, config->target, config->level.rpc_deadline, stopper);
      !connected.ok()) {
    return Fail(connected);
  }
  if (!stopper.stopped()) {
    if (absl::Status prepared = (*workload)->Prepare(channels[0], config->level.rpc_deadline);
        !prepared.ok()) {
      return Fail(absl::Status(
          prepared.code(), absl::StrCat("preparing ", workload_name, ": ", prepared.message())));
    }
  }

  RunReport report;
  report.target = config->target;
  report.workload = workload_name;
  report.method = (*workload)->method();
  report.params = RunParams(*config);
  for (auto& param : (*workload)->params()) report.params.push_back(std::move(param));
  for (const int concurrency : config->concurrency) {
    if (stopper.stopped()) break;
    LevelOptions options = config->level;
    options.concurrency = concurrency;
    auto level = RunLevel(**workload, channels, options, &stopper, [&](const Progress& progress) {
      PrintProgress(workload_name, concurrency, progress);
    });
    // The options were checked above, so this is a bug if it happens.
    if (!level.ok()) return Fail(level.status());
    std::cerr << "aigc-load: " << FormatLevelLine(workload_name, *level) << std::endl;
    report.levels.push_back(*std::move(level));
  }
  report.interrupted = stopper.stopped();

  const std::string json = ReportToJson(report) + "\n";
  if (const std::string path = absl::GetFlag(FLAGS_output); !path.empty()) {
    std::ofstream file(path);
    file << json;
    file.close();
    if (!file) return Fail(absl::UnavailableError(absl::StrCat("cannot write --output ", path)));
  } else {
    std::cout << json << std::flush;
  }
  return ExitCodeFor(report);
}

}  // namespace
}  // namespace aigc::load

int main(int argc, char** argv) {
  // Blocked before any thread starts, so every thread inherits the mask and
  // only the watcher's sigtimedwait takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (const absl::Status checked = aigc::load::CheckCommandLine(argc, argv); !checked.ok()) {
    return aigc::load::BadFlags(checked);
  }
  const std::string usage = absl::StrCat(
      "aigc-load: closed-loop gRPC load generator. Runs a workload at one or more concurrency "
      "levels and prints p50/p90/p99/max latency and QPS per level as JSON.\n"
      "Usage: aigc-load --target=HOST:PORT --workload=NAME [--concurrency=1,8,32] "
      "[--duration=10s] [--requests=N] [--warmup=2s|N] [--api_key=KEY]\n"
      "Exit status: 0 all requests OK, 1 some failed (or no connection), 2 bad flags.\n"
      "Workloads:\n",
      aigc::load::WorkloadRegistry::Global().Describe());
  aigc::cli::InitBinary(argc, argv, usage);
  return aigc::load::Main(signals);
}
