#include "common/server/server.h"

#include <semaphore.h>
#include <signal.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/cli/cli.h"
#include "common/logging/logging.h"
#include "common/metrics/grpc_server_metrics.h"
#include "common/metrics/metrics_endpoint.h"
#include "common/status/status.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"

namespace aigc::server {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view flag) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  if (!file || !(contents << file.rdbuf())) {
    return absl::FailedPreconditionError(absl::StrCat("--", flag, "=", path, ": cannot read"));
  }
  return contents.str();
}

// TLS credentials when the options name a certificate and key, else plaintext.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const ServingOptions& options) {
  if (options.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions tls;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  AIGC_ASSIGN_OR_RETURN(pair.private_key, ReadPem(options.tls_key_file, "tls_key_file"));
  AIGC_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(options.tls_cert_file, "tls_cert_file"));
  tls.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(tls);
}

// SIGTERM and SIGINT reach Run() through a semaphore their handler posts
// (sem_post is async-signal-safe). A handler rather than blocking the signals
// and sigwait: libraries may start threads before main (OpenBLAS does, under
// LibTorch), and a signal delivered to one of those unblocked threads would
// take its default action and kill the process instead of draining it.
// Installing a handler also undoes the "ignore SIGINT" a shell sets for
// background jobs.
sem_t termination;
std::atomic<int> termination_signal{0};

void OnTerminationSignal(int signal) {
  termination_signal.store(signal);
  sem_post(&termination);
}

void InstallTerminationHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    sem_init(&termination, /*pshared=*/0, /*value=*/0);
    struct sigaction action = {};
    action.sa_handler = OnTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
  });
}

int WaitForTerminationSignal() {
  while (sem_wait(&termination) != 0) {
  }
  return termination_signal.load();
}

std::string HostPort(const std::string& host, int port) {
  const bool bare_ipv6 = absl::StrContains(host, ':') && !absl::StartsWith(host, "[");
  return bare_ipv6 ? absl::StrCat("[", host, "]:", port) : absl::StrCat(host, ":", port);
}

}  // namespace

ServingOptions InitServingBinary(int argc, char** argv, absl::string_view usage) {
  // After InitBinary: logging resets SIGTERM when it installs glog's crash
  // handler.
  cli::InitBinary(argc, argv, usage);
  InstallTerminationHandler();
  absl::StatusOr<ServingOptions> options = ServingOptionsFromFlags();
  if (!options.ok()) cli::ExitWithReason(options.status().message());
  return *std::move(options);
}

int ReportStartupFailure(const absl::Status& status) {
  LOG(ERROR) << "cannot start: " << status;
  return 1;
}

void ExitOnStartupFailure(const absl::Status& status) { std::exit(ReportStartupFailure(status)); }

absl::StatusOr<std::unique_ptr<Server>> Server::Create(std::string name,
                                                       const ServingOptions& options) {
  AIGC_RETURN_IF_ERROR(Validate(options));
  auto registry = std::make_shared<prometheus::Registry>();
  AIGC_ASSIGN_OR_RETURN(
      std::unique_ptr<metrics::MetricsEndpoint> endpoint,
      metrics::MetricsEndpoint::Start(HostPort(options.host, options.metrics_port), registry));
  return std::unique_ptr<Server>(
      new Server(std::move(name), options, std::move(registry), std::move(endpoint)));
}

Server::Server(std::string name, const ServingOptions& options,
               std::shared_ptr<prometheus::Registry> registry,
               std::unique_ptr<metrics::MetricsEndpoint> endpoint)
    : name_(std::move(name)),
      options_(options),
      registry_(std::move(registry)),
      metrics_endpoint_(std::move(endpoint)),
      grpc_metrics_(std::make_unique<metrics::GrpcServerMetrics>(*registry_)) {}

Server::~Server() { Shutdown(); }

int Server::metrics_port() const { return metrics_endpoint_->port(); }

void Server::AddService(grpc::Service* service, absl::string_view full_name) {
  services_.emplace_back(service, std::string(full_name));
}

void Server::OnDrain(std::function<void()> hook) { drain_hooks_.push_back(std::move(hook)); }

absl::Status Server::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  AIGC_ASSIGN_OR_RETURN(const std::shared_ptr<grpc::ServerCredentials> credentials,
                        ServerCredentials(options_));
  grpc::ServerBuilder builder;
  const std::string address = HostPort(options_.host, options_.port);
  builder.AddListeningPort(address, credentials, &port_);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(options_.keepalive_time)));
  builder.AddChannelArgument(
      GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options_.keepalive_timeout)));
  // Without this gRPC sets SO_REUSEPORT, and a second instance on the same port
  // would silently share the traffic instead of failing to start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Let clients keep idle connections alive with pings every 10 s or slower.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(grpc_metrics_->NewInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  for (const auto& [service, full_name] : services_) builder.RegisterService(service);

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat("cannot serve gRPC on ", address));
  }
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus(true);
  {
    absl::MutexLock lock(&health_mu_);
    for (const auto& [service, full_name] : services_) {
      const auto it = service_serving_.find(full_name);
      health->SetServingStatus(full_name, it == service_serving_.end() || it->second);
    }
    health_published_ = true;
  }
  LOG(INFO) << name_ << " serving gRPC on " << HostPort(options_.host, port_)
            << ", metrics on http://" << HostPort(options_.host, metrics_port()) << "/metrics";
  std::cout << name_ << " serving grpc_port=" << port_ << " metrics_port=" << metrics_port()
            << std::endl;
  return absl::OkStatus();
}

void Server::SetServiceServing(absl::string_view full_name, bool serving) {
  absl::MutexLock lock(&health_mu_);
  service_serving_[full_name] = serving;
  // After Shutdown began the health service ignores this, as it should.
  if (health_published_) {
    server_->GetHealthCheckService()->SetServingStatus(std::string(full_name), serving);
  }
}

void Server::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    if (server_ == nullptr) return;
    LOG(INFO) << name_ << " draining: refusing new RPCs, in-flight ones have "
              << absl::FormatDuration(options_.drain_timeout);
    const absl::Time start = absl::Now();
    const absl::Time deadline = start + options_.drain_timeout;
    server_->GetHealthCheckService()->Shutdown();
    for (const std::function<void()>& hook : drain_hooks_) hook();
    std::thread shutdown([this, deadline] { server_->Shutdown(absl::ToChronoTime(deadline)); });
    // gRPC's Shutdown also waits, up to the deadline, for clients to close their
    // idle connections. Once no RPC is left, close them ourselves; repeat, since
    // the first try may come before Shutdown has stopped the listeners.
    absl::Notification stopped;
    std::thread closer([this, deadline, &stopped] {
      while (!stopped.HasBeenNotified() && grpc_metrics_->WaitForNoRpcInFlight(deadline)) {
        grpc_server_cancel_all_calls(server_->c_server());
        stopped.WaitForNotificationWithTimeout(absl::Milliseconds(50));
      }
    });
    shutdown.join();
    stopped.Notify();
    closer.join();
    server_->Wait();
    LOG(INFO) << name_ << " stopped after " << absl::FormatDuration(absl::Now() - start);
  });
}

int Server::Run(const std::function<absl::Status()>& after_start,
                const std::function<void()>& before_shutdown) {
  if (const absl::Status status = Start(); !status.ok()) {
    return ReportStartupFailure(status);
  }
  if (after_start) {
    if (const absl::Status status = after_start(); !status.ok()) {
      Shutdown();
      return ReportStartupFailure(status);
    }
  }
  const int signal = WaitForTerminationSignal();
  LOG(INFO) << name_ << " received " << strsignal(signal);
  if (before_shutdown) before_shutdown();
  Shutdown();
  return 0;
}

}  // namespace aigc::server
