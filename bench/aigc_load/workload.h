// What aigc-load sends: the Workload interface, the per-worker state its calls
// get, and the registry that maps --workload names to workloads.
//
// A service adds a workload with one file in workloads/ that defines its
// flags, a Workload subclass and a factory reading those flags, registered
// with AIGC_LOAD_REGISTER_WORKLOAD (and one line in CMakeLists.txt).
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOAD_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace aigc::load {

// One value of the report's "params" object.
using ParamValue = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>>;

// Named parameters, reported in this order.
using Params = std::vector<std::pair<std::string, ParamValue>>;

// The state of one closed-loop worker that a workload's calls may use: its
// index, a random generator seeded from the run's seed and the index (so a run
// draws the same requests every time), and named counters for totals the
// workload reads from responses (e.g. accepted events). Confined to the
// worker's thread: not thread-safe.
class Worker {
 public:
  Worker(int index, uint64_t seed);

  int index() const { return index_; }
  std::mt19937_64& random() { return random_; }

  // Adds `amount` to the counter `name`. The report holds each counter's total
  // over the measured requests of a level and its rate per second.
  void Count(absl::string_view name, int64_t amount);

  // The counters since the last ClearCounts(). For the runner.
  const absl::flat_hash_map<std::string, int64_t>& counts() const { return counts_; }
  void ClearCounts() { counts_.clear(); }

 private:
  const int index_;
  std::mt19937_64 random_;
  absl::flat_hash_map<std::string, int64_t> counts_;
};

// Issues a workload's RPCs for one worker, one at a time. Made by
// Workload::NewCaller for each worker and used only from that worker's thread.
class Caller {
 public:
  virtual ~Caller() = default;

  // Issues one RPC with `context` (the runner has set its deadline), waits for
  // the answer and returns its status. Totals read from the response go to
  // worker.Count().
  virtual grpc::Status Call(grpc::ClientContext& context, Worker& worker) = 0;
};

// One kind of request: which RPC, and how each request is drawn.
class Workload {
 public:
  virtual ~Workload() = default;

  // The RPC each call issues, "package.Service/Method".
  virtual std::string method() const = 0;

  // The workload's parameters for the report. Call after Prepare(): it may
  // report what Prepare() found (e.g. the catalogue size).
  virtual Params params() const = 0;

  // Runs once before the first level, from one thread, to fetch what the calls
  // need (e.g. catalogue item ids), each RPC with `rpc_deadline`. Returns the
  // first failure. The default does nothing and returns OK.
  virtual absl::Status Prepare(const std::shared_ptr<grpc::Channel>& channel,
                               absl::Duration rpc_deadline);

  // Returns a new caller that sends through `channel`. Thread-safe once
  // Prepare() has returned. The caller may refer to the workload, which must
  // outlive it.
  virtual std::unique_ptr<Caller> NewCaller(
      const std::shared_ptr<grpc::Channel>& channel) const = 0;
};

// Creates a workload from its command-line flags. Fails with INVALID_ARGUMENT
// naming the flag when one is out of range.
using WorkloadFactory = std::function<absl::StatusOr<std::unique_ptr<Workload>>()>;

// Workloads by name. Thread-safe.
class WorkloadRegistry {
 public:
  // The process-wide registry that AIGC_LOAD_REGISTER_WORKLOAD fills. Never
  // destroyed.
  static WorkloadRegistry& Global();

  // Adds a workload. Fails with ALREADY_EXISTS when `name` is taken.
  absl::Status Register(std::string name, std::string description, WorkloadFactory factory);

  // Creates the workload `name` with its factory and returns it (owned by the
  // caller). Fails with NOT_FOUND, listing the known names, when no workload
  // has that name; otherwise with whatever the factory fails with.
  absl::StatusOr<std::unique_ptr<Workload>> Create(absl::string_view name) const;

  // One "  name: description" line per workload, sorted by name (for --help).
  std::string Describe() const;

 private:
  struct Entry {
    std::string description;
    WorkloadFactory factory;
  };

  mutable absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

namespace internal {
// Registers into WorkloadRegistry::Global(); prints why and aborts when the
// name is taken (a programming error found at start-up). Returns true.
bool RegisterWorkloadOrDie(const char* name, const char* description, WorkloadFactory factory);
}  // namespace internal

}  // namespace aigc::load

// Registers a workload at start-up; use once at file scope of the workload's
// .cc, with a plain function as the factory:
//   AIGC_LOAD_REGISTER_WORKLOAD(health, "grpc.health.v1.Health/Check", HealthFromFlags);
// Static initialisers of an object taken from a static library are dropped by
// the linker, so workload files are built as an OBJECT library (CMakeLists.txt).
#define AIGC_LOAD_REGISTER_WORKLOAD(name, description, factory)    \
  [[maybe_unused]] static const bool aigc_load_registered_##name = \
      ::aigc::load::internal::RegisterWorkloadOrDie(#name, description, factory)

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOAD_H_
