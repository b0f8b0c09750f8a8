// The least a gRPC forwarding hop can cost: a proxy that relays every unary
// call, whatever its method, to one backend as raw bytes (no parsing, no
// admission, no metrics), on the async API with one completion queue per
// thread, so a call is received, forwarded and answered by the same thread.
// bench/gateway_overhead.sh puts it beside aigc-gateway to show how much of
// the gateway's overhead is the extra hop itself. Not for production: it
// relays unary calls only (a stream's first message, then the backend's one
// answer) and has no TLS. A process that turned on gRPC's default health
// service (grpc::EnableDefaultHealthCheckService) before Start gets a proxy
// that answers health checks itself.
#ifndef AIGC_BENCH_GRPC_PROXY_BARE_PROXY_H_
#define AIGC_BENCH_GRPC_PROXY_BARE_PROXY_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace aigc::bench {

class BareProxy {
 public:
  // Listens on `address` (port 0 = a free one) and relays to `backend`
  // (host:port) on `threads` threads. UNAVAILABLE when it cannot listen;
  // INVALID_ARGUMENT "threads" when not in 1..64.
  static absl::StatusOr<std::unique_ptr<BareProxy>> Start(const std::string& address,
                                                          const std::string& backend, int threads);
  // Stops accepting, lets calls in flight end and joins the threads.
  ~BareProxy();

  int port() const { return port_; }

 private:
  BareProxy() = default;
  void Serve(grpc::ServerCompletionQueue* queue);

  grpc::AsyncGenericService service_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::vector<std::thread> threads_;
  int port_ = 0;
};

}  // namespace aigc::bench

#endif  // AIGC_BENCH_GRPC_PROXY_BARE_PROXY_H_
