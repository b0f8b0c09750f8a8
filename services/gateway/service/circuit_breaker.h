// A circuit breaker per backend: after `failure_threshold` consecutive
// failures (the backend unreachable or too slow) calls are refused at once
// for `open_duration`, so a dead backend costs callers nothing instead of a
// timeout each; then one trial call is let through (half-open): its success
// closes the circuit, its failure opens it again.
#ifndef AIGC_SERVICES_GATEWAY_SERVICE_CIRCUIT_BREAKER_H_
#define AIGC_SERVICES_GATEWAY_SERVICE_CIRCUIT_BREAKER_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace aigc::gateway {

struct CircuitBreakerOptions {
  int failure_threshold = 5;  // >= 1
  absl::Duration open_duration = absl::Seconds(2);
};

enum class CircuitState { kClosed, kOpen, kHalfOpen };

// Thread-safe.
class CircuitBreaker {
 public:
  explicit CircuitBreaker(const CircuitBreakerOptions& options) : options_(options) {}

  // Whether a call may go out now. In the half-open state only one trial
  // call is allowed until it reports.
  bool Allow(absl::Time now);

  // Reports how an allowed call ended.
  void Record(const grpc::Status& status, absl::Time now);

  CircuitState state(absl::Time now);

  // Whether `status` counts against the backend: it was unreachable or too
  // slow (UNAVAILABLE, DEADLINE_EXCEEDED), not a client mistake or an
  // answer the backend chose to give.
  static bool IsBackendFailure(const grpc::Status& status);

 private:
  const CircuitBreakerOptions options_;
  absl::Mutex mu_;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time open_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool trial_in_flight_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace aigc::gateway

#endif  // AIGC_SERVICES_GATEWAY_SERVICE_CIRCUIT_BREAKER_H_
