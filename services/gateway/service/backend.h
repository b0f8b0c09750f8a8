// The gateway's connections to one backend service: a gRPC channel with
// client-side round-robin over the backend's addresses and retries of its
// idempotent methods (gRPC's own retry policy, from the channel's service
// config), and the circuit breaker in front of it.
#ifndef AIGC_SERVICES_GATEWAY_SERVICE_BACKEND_H_
#define AIGC_SERVICES_GATEWAY_SERVICE_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "services/gateway/service/circuit_breaker.h"

namespace aigc::gateway {

struct BackendOptions {
  // "host:port" (a DNS name may resolve to several addresses, e.g. a
  // Kubernetes headless service) or "ip:port,ip:port,..." (a fixed list of
  // IPv4 addresses). Calls are spread round robin over the addresses.
  std::string target;
  // Full name of the backend's service, e.g. "aigc.recommender.v1.RecommenderService".
  std::string service;
  // Methods of `service` safe to send again (no side effect, or deduplicated
  // by the backend): retried on UNAVAILABLE, up to max_attempts in all.
  std::vector<std::string> idempotent_methods;
  int max_attempts = 3;  // 1..5; 1 = no retries
  CircuitBreakerOptions breaker;
};

// The gRPC target string and service config for `options`; INVALID_ARGUMENT
// "target" for an empty target or a list entry that is not ip:port.
struct ChannelSpec {
  std::string target;
  std::string service_config_json;
};
absl::StatusOr<ChannelSpec> MakeChannelSpec(const BackendOptions& options);

class Backend {
 public:
  // `name` as metrics and responses call it: "recommender", "copywriter",
  // "imagegen".
  static absl::StatusOr<std::unique_ptr<Backend>> Create(std::string name,
                                                         const BackendOptions& options);

  const std::string& name() const { return name_; }
  // Full name of the backend's service, as its health service knows it.
  const std::string& service() const { return service_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  CircuitBreaker& breaker() { return breaker_; }

 private:
  Backend(std::string name, std::string service, std::shared_ptr<grpc::Channel> channel,
          const CircuitBreakerOptions& breaker)
      : name_(std::move(name)),
        service_(std::move(service)),
        channel_(std::move(channel)),
        breaker_(breaker) {}

  const std::string name_;
  const std::string service_;
  const std::shared_ptr<grpc::Channel> channel_;
  CircuitBreaker breaker_;
};

}  // namespace aigc::gateway

#endif  // AIGC_SERVICES_GATEWAY_SERVICE_BACKEND_H_
