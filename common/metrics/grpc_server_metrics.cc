#include "common/metrics/grpc_server_metrics.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"

namespace aigc::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const auto* const kBuckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25,   0.5,   1,      2.5,   5,    10,   30,    60};
  return *kBuckets;
}

std::string_view TypeLabel(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

// The series of one method that do not depend on the final code.
struct MethodSeries {
  prometheus::Labels labels;
  prometheus::Counter* started;
  prometheus::Counter* msg_received;
  prometheus::Counter* msg_sent;
};

}  // namespace

std::string_view GrpcCodeLabel(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "Canceled";
    case grpc::StatusCode::UNKNOWN: return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND: return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS: return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED: return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FailedPrecondition";
    case grpc::StatusCode::ABORTED: return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED: return "Unimplemented";
    case grpc::StatusCode::INTERNAL: return "Internal";
    case grpc::StatusCode::UNAVAILABLE: return "Unavailable";
    case grpc::StatusCode::DATA_LOSS: return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED: return "Unauthenticated";
    default: return "Unknown";
  }
}

// Records one RPC: created when the call starts, destroyed when it ends.
class ServerMetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  ServerMetricsInterceptor(GrpcServerMetrics& metrics, const MethodSeries& series)
      : metrics_(metrics), series_(series), start_(std::chrono::steady_clock::now()) {
    series_.started->Increment();
    absl::MutexLock lock(&metrics_.mu_);
    ++metrics_.in_flight_;
  }

  // A call torn down without sending a status (the client went away) counts as
  // cancelled, so started and handled always add up.
  ~ServerMetricsInterceptor() override {
    if (!handled_) RecordHandled(grpc::StatusCode::CANCELLED);
    absl::MutexLock lock(&metrics_.mu_);
    --metrics_.in_flight_;
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      series_.msg_received->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      series_.msg_sent->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      RecordHandled(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void RecordHandled(grpc::StatusCode code) {
    handled_ = true;
    prometheus::Labels labels = series_.labels;
    labels.emplace("grpc_code", GrpcCodeLabel(code));
    metrics_.handled_.Add(labels).Increment();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    metrics_.handling_seconds_.Add(labels, HandlingBuckets()).Observe(elapsed.count());
  }

  GrpcServerMetrics& metrics_;
  const MethodSeries& series_;
  const std::chrono::steady_clock::time_point start_;
  bool handled_ = false;
};

class ServerMetricsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerMetricsInterceptorFactory(GrpcServerMetrics& metrics) : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new ServerMetricsInterceptor(metrics_, SeriesFor(info->method(), info->type()));
  }

 private:
  // Looks up (or creates once) the series of a method; the map only grows and
  // node addresses are stable, so the returned reference stays valid.
  const MethodSeries& SeriesFor(absl::string_view path, ServerRpcInfo::Type type) {
    absl::MutexLock lock(&mu_);
    auto it = series_.find(path);
    if (it != series_.end()) return *it->second;
    // path is "/package.Service/Method".
    const absl::string_view trimmed = absl::StripPrefix(path, "/");
    const size_t slash = trimmed.rfind('/');
    prometheus::Labels labels{
        {"grpc_service", std::string(trimmed.substr(0, slash))},
        {"grpc_method", std::string(slash == absl::string_view::npos
                                        ? trimmed
                                        : trimmed.substr(slash + 1))},
        {"grpc_type", std::string(TypeLabel(type))}};
    auto series = std::make_unique<MethodSeries>(MethodSeries{
        labels, &metrics_.started_.Add(labels), &metrics_.msg_received_.Add(labels),
        &metrics_.msg_sent_.Add(labels)});
    return *series_.emplace(std::string(path), std::move(series)).first->second;
  }

  GrpcServerMetrics& metrics_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodSeries>> series_
      ABSL_GUARDED_BY(mu_);
};

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of "
                         "success or failure.")
                   .Register(registry)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Histogram of response latency (seconds) of RPCs "
                                  "handled by the server.")
                            .Register(registry)),
      msg_received_(prometheus::BuildCounter()
                        .Name("grpc_server_msg_received_total")
                        .Help("Total number of RPC stream messages received on the "
                              "server.")
                        .Register(registry)),
      msg_sent_(prometheus::BuildCounter()
                    .Name("grpc_server_msg_sent_total")
                    .Help("Total number of RPC stream messages sent by the server.")
                    .Register(registry)) {}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::NewInterceptorFactory() {
  return std::make_unique<ServerMetricsInterceptorFactory>(*this);
}

bool GrpcServerMetrics::WaitForNoRpcInFlight(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  const auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

}  // namespace aigc::metrics
