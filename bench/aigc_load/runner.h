// The measuring core of aigc-load: closed-loop workers that issue a workload's
// RPCs one at a time, bounded by a request count and a wall time, with an
// optional warm-up that is not measured.
#ifndef AIGC_BENCH_AIGC_LOAD_RUNNER_H_
#define AIGC_BENCH_AIGC_LOAD_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/aigc_load/stats.h"
#include "bench/aigc_load/workload.h"
#include "grpcpp/channel.h"

namespace aigc::load {

// Most workers one level may run (one thread each).
inline constexpr int kMaxConcurrency = 4096;

// The unmeasured start of each level. At most one of the two is > 0; both 0
// means no warm-up.
struct Warmup {
  // Warm up with this many requests (still bounded by the level's duration).
  int64_t requests = 0;
  // Warm up for this long.
  absl::Duration duration = absl::ZeroDuration();
};

// Parses a warm-up given as a request count ("500") or a duration ("2s",
// "500ms"); "0" and "" mean none. Fails with INVALID_ARGUMENT saying which
// forms are accepted.
absl::StatusOr<Warmup> ParseWarmup(absl::string_view text);

// Parses a comma-separated list of concurrency levels, e.g. "1,8,32", run in
// that order. Fails with INVALID_ARGUMENT when the list is empty or an entry is
// not an integer in [1, kMaxConcurrency].
absl::StatusOr<std::vector<int>> ParseConcurrencyList(absl::string_view text);

// One level of a run.
struct LevelOptions {
  // Workers, each with one RPC in flight at a time; in [1, kMaxConcurrency].
  int concurrency = 1;
  // Most measured requests of the level over all workers; > 0.
  int64_t max_requests = 10000;
  // Most measured wall time; > 0. No request starts after it; requests in
  // flight then finish (within their deadline) and are counted.
  absl::Duration max_duration = absl::Seconds(10);
  Warmup warmup;
  // Deadline of each RPC; > 0.
  absl::Duration rpc_deadline = absl::Seconds(5);
  // Seeds each worker's random generator together with its index.
  uint64_t seed = 1;
  // How often RunLevel reports progress; 0 = never.
  absl::Duration progress_interval = absl::ZeroDuration();
};

// Where a running level stands, for progress lines.
struct Progress {
  bool warming_up = false;
  // Since the current phase (warm-up or measurement) started.
  absl::Duration elapsed;
  // Answered requests of the current phase, and how many of them failed.
  int64_t requests = 0;
  int64_t errors = 0;
};

using ProgressCallback = std::function<void(const Progress&)>;

// What one level measured. Warm-up requests are not in it.
struct LevelResult {
  int concurrency = 0;
  // Answered warm-up requests (not measured).
  int64_t warmup_requests = 0;
  // Answered measured requests: ok plus every error. Calls cut short by a
  // Stopper are not answers and are not counted.
  int64_t requests = 0;
  int64_t ok = 0;
  // Failed requests by gRPC code name, e.g. {"UNAVAILABLE": 3}.
  std::map<std::string, int64_t> errors;
  // Measured wall time: from the start of measurement until the last worker
  // got its last answer.
  absl::Duration duration;
  // Latency of the OK requests, from just before the call until its answer.
  LatencySummary latency;
  // Totals of Worker::Count() over the measured requests, by name.
  std::map<std::string, int64_t> counters;
  // True when a Stopper ended the level early.
  bool interrupted = false;

  // Answered requests per second of measured wall time; 0 when nothing was
  // measured.
  double qps() const;
};

// Lets another thread (a signal handler's thread) end a run early. Levels that
// run with this stopper start no request once it is stopped and cancel the
// calls in flight. Thread-safe.
class Stopper {
 public:
  // Stops. Idempotent.
  void Stop();
  bool stopped() const { return stopped_.load(); }

  // Calls `on_stop` from the thread that calls Stop(), or at once when already
  // stopped, unless Unsubscribe(id) came first. Returns the id.
  int Subscribe(std::function<void()> on_stop);

  // Removes a subscription. Once it returns, that `on_stop` is not running and
  // never will.
  void Unsubscribe(int id);

 private:
  std::atomic<bool> stopped_{false};
  absl::Mutex mu_;
  int next_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int, std::function<void()>> subscribers_ ABSL_GUARDED_BY(mu_);
};

// Runs one closed-loop level of `workload` and returns what it measured.
// Worker i sends through channels[i % channels.size()]. All workers first warm
// up (if asked), then wait for each other, then measure until max_requests
// answers, max_duration or `stopper` (may be null), whichever comes first.
// `progress` (may be empty) is called from the calling thread every
// progress_interval. Blocks until every worker is done. Fails with
// INVALID_ARGUMENT when an option is out of range or `channels` is empty.
// `workload` must be prepared; it is only read, so levels may run at the same
// time from several threads.
absl::StatusOr<LevelResult> RunLevel(const Workload& workload,
                                     const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                                     const LevelOptions& options, Stopper* stopper,
                                     const ProgressCallback& progress);

// Metadata for every call of a channel, as (key, value) pairs; keys in lower
// case, as gRPC requires. E.g. {{"x-api-key", key}} for the gateway.
using CallMetadata = std::vector<std::pair<std::string, std::string>>;

// Returns `count` insecure channels to `target` (host:port). Each gets its own
// connection: gRPC would otherwise share one between channels with equal
// arguments. Channels connect lazily, on the first call or WaitForConnected.
// Every call through them, a workload's Prepare() calls included, carries
// `metadata`; with none, the channels add nothing to a call.
std::vector<std::shared_ptr<grpc::Channel>> CreateChannels(const std::string& target, int count,
                                                           const CallMetadata& metadata = {});

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_RUNNER_H_
