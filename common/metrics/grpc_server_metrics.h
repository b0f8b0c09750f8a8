// Per-RPC server metrics in the names of go-grpc-prometheus, so standard gRPC
// dashboards and alerts work unchanged:
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_msg_received_total / grpc_server_msg_sent_total
//       {grpc_service,grpc_method,grpc_type}
// grpc_type is unary, client_stream, server_stream or bidi_stream; grpc_code is
// the code's name as Go spells it (OK, InvalidArgument, Unimplemented, …).
// Recorded by a server interceptor for every RPC, unary and streaming.
#ifndef AIGC_COMMON_METRICS_GRPC_SERVER_METRICS_H_
#define AIGC_COMMON_METRICS_GRPC_SERVER_METRICS_H_

#include <memory>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace aigc::metrics {

// The grpc_code label value of a status code: "OK", "Cancelled", …, "Unauthenticated".
std::string_view GrpcCodeLabel(grpc::StatusCode code);

// Owns the metric families (registered in the given registry, which must outlive
// this object) and makes the interceptor that records them. Thread-safe.
class GrpcServerMetrics {
 public:
  explicit GrpcServerMetrics(prometheus::Registry& registry);

  // A factory for grpc::ServerBuilder::experimental().SetInterceptorCreators().
  // The factory refers to this object, which must outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  NewInterceptorFactory();

  // Waits until no RPC seen by this object's interceptors is in flight, or until
  // `deadline`. Returns true when none is in flight.
  bool WaitForNoRpcInFlight(absl::Time deadline);

 private:
  friend class ServerMetricsInterceptor;
  friend class ServerMetricsInterceptorFactory;

  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
  prometheus::Family<prometheus::Counter>& msg_received_;
  prometheus::Family<prometheus::Counter>& msg_sent_;

  absl::Mutex mu_;
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace aigc::metrics

#endif  // AIGC_COMMON_METRICS_GRPC_SERVER_METRICS_H_
