// The bootstrap every binary of the suite is built on: flags, logging, a gRPC
// server with the standard health service (grpc.health.v1) and reflection,
// per-RPC Prometheus metrics, and a graceful drain on SIGTERM/SIGINT.
//
//   AIGC_DEFINE_PORT_FLAGS(50051, 9102);
//   int main(int argc, char** argv) {
//     const aigc::server::ServingOptions options =
//         aigc::server::InitServingBinary(argc, argv, "aigc-foo: what it does");
//     auto server = aigc::server::Server::Create("aigc-foo", options);
//     if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());
//     FooService service;  // must outlive the server
//     (*server)->AddService(&service, FooService::kServiceName);
//     return (*server)->Run();
//   }
#ifndef AIGC_COMMON_SERVER_SERVER_H_
#define AIGC_COMMON_SERVER_SERVER_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/server/serving_options.h"
#include "grpcpp/server.h"
#include "prometheus/registry.h"

namespace aigc::metrics {
class GrpcServerMetrics;
class MetricsEndpoint;
}  // namespace aigc::metrics

namespace aigc::server {

// Prepares a serving binary, first thing in main: starts logging, parses the
// command line, and routes SIGTERM and SIGINT, whichever thread receives them,
// to Server::Run. Prints --help/--version and exits 0 when asked. On an unknown
// flag, a bad value, an unreadable --flagfile or a stray argument it prints one
// line saying why on stderr and exits 1.
ServingOptions InitServingBinary(int argc, char** argv, absl::string_view usage);

// Logs why a binary could not start and returns its exit code (1).
int ReportStartupFailure(const absl::Status& status);

// ReportStartupFailure, then exit with its code.
[[noreturn]] void ExitOnStartupFailure(const absl::Status& status);

// The value `value` holds, or ExitOnStartupFailure: for a serving binary's
// start-up steps.
template <typename T>
T ValueOrExit(absl::StatusOr<T> value) {
  if (!value.ok()) ExitOnStartupFailure(value.status());
  return *std::move(value);
}

// One gRPC server with its metrics endpoint. Create, AddService, then Run (or
// Start and Shutdown). Not thread-safe except where noted.
class Server {
 public:
  // Starts the metrics endpoint (so services can register metrics in
  // metrics_registry() before Start). Fails with UNAVAILABLE when the metrics
  // port cannot be bound and INVALID_ARGUMENT for invalid options.
  static absl::StatusOr<std::unique_ptr<Server>> Create(std::string name,
                                                        const ServingOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The registry exported on /metrics; lives as long as the Server.
  prometheus::Registry& metrics_registry() { return *registry_; }

  // Registers a service, not owned; it must outlive the Server. `full_name` is
  // the service's name in the health service, e.g. "aigc.recommender.v1.RecommenderService".
  // Call before Start.
  void AddService(grpc::Service* service, absl::string_view full_name);

  // Registers `hook`, run by Shutdown once the health service says
  // NOT_SERVING and before gRPC stops taking new RPCs: how a service with
  // long-lived streams (LiveQA) learns to end them within drain_timeout, which
  // gRPC's own drain cannot do for streams that never close. The hook must not
  // block. Call before Start.
  void OnDrain(std::function<void()> hook);

  // Sets what the health service says for one registered service
  // (`full_name` as given to AddService): a service that cannot answer yet,
  // e.g. with no model loaded, says NOT_SERVING so that clients and load
  // balancers route around it; the whole server ("") stays SERVING while the
  // process runs. Before Start it sets the status Start publishes; once
  // Shutdown has begun it does nothing (everything is NOT_SERVING then).
  // Thread-safe.
  void SetServiceServing(absl::string_view full_name, bool serving);

  // Binds --host:--port, starts serving, marks the whole server ("") SERVING
  // and each service as SetServiceServing last said (SERVING unless told
  // otherwise) in the health service and prints the ready line
  //   "<name> serving grpc_port=<port> metrics_port=<port>"
  // on stdout. Fails with UNAVAILABLE when the port cannot be bound.
  absl::Status Start();

  // Drains: marks every service NOT_SERVING, refuses new RPCs, waits up to
  // drain_timeout for in-flight RPCs, cancels what is left and returns once all
  // handlers are done. Idempotent. Thread-safe.
  void Shutdown();

  // Start, then `after_start` when given (e.g. a second listener that needs
  // the bound port; its error shuts the server down and is reported as a
  // start-up failure), then wait for SIGTERM or SIGINT, then `before_shutdown`
  // when given (it may block, e.g. to let that listener's requests finish),
  // then Shutdown. Returns the process exit code: 0 after a drain, 1 when the
  // server could not start.
  int Run(const std::function<absl::Status()>& after_start = nullptr,
          const std::function<void()>& before_shutdown = nullptr);

  // Bound ports, valid after Start (metrics_port after Create).
  int port() const { return port_; }
  int metrics_port() const;

 private:
  Server(std::string name, const ServingOptions& options,
         std::shared_ptr<prometheus::Registry> registry,
         std::unique_ptr<metrics::MetricsEndpoint> endpoint);

  const std::string name_;
  const ServingOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<metrics::MetricsEndpoint> metrics_endpoint_;
  std::unique_ptr<metrics::GrpcServerMetrics> grpc_metrics_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::vector<std::function<void()>> drain_hooks_;
  std::unique_ptr<grpc::Server> server_;
  // Health of each service as last set; published once the server runs.
  absl::Mutex health_mu_;
  absl::flat_hash_map<std::string, bool> service_serving_ ABSL_GUARDED_BY(health_mu_);
  bool health_published_ ABSL_GUARDED_BY(health_mu_) = false;
  int port_ = 0;
  std::once_flag shutdown_once_;
};

}  // namespace aigc::server

#endif  // AIGC_COMMON_SERVER_SERVER_H_
