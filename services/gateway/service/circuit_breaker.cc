#include "services/gateway/service/circuit_breaker.h"

#include <algorithm>

namespace aigc::gateway {

bool CircuitBreaker::IsBackendFailure(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

bool CircuitBreaker::Allow(absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (consecutive_failures_ < options_.failure_threshold) return true;  // closed
  if (now < open_until_) return false;                                  // open
  if (trial_in_flight_) return false;  // half-open, the trial call is out
  trial_in_flight_ = true;
  return true;
}

void CircuitBreaker::Record(const grpc::Status& status, absl::Time now) {
  absl::MutexLock lock(&mu_);
  const bool was_trial = trial_in_flight_;
  trial_in_flight_ = false;
  if (!IsBackendFailure(status)) {
    consecutive_failures_ = 0;
    return;
  }
  ++consecutive_failures_;
  if (consecutive_failures_ >= options_.failure_threshold || was_trial) {
    consecutive_failures_ = std::max(consecutive_failures_, options_.failure_threshold);
    open_until_ = now + options_.open_duration;
  }
}

CircuitState CircuitBreaker::state(absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (consecutive_failures_ < options_.failure_threshold) return CircuitState::kClosed;
  return now < open_until_ ? CircuitState::kOpen : CircuitState::kHalfOpen;
}

}  // namespace aigc::gateway
