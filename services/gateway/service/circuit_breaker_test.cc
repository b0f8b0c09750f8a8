#include "services/gateway/service/circuit_breaker.h"

#include "gtest/gtest.h"

namespace aigc::gateway {
namespace {

const grpc::Status kDown(grpc::StatusCode::UNAVAILABLE, "down");
const grpc::Status kBadRequest(grpc::StatusCode::INVALID_ARGUMENT, "user_id: required");

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndProbesAfterTheCooldown) {
  CircuitBreaker breaker({.failure_threshold = 3, .open_duration = absl::Seconds(2)});
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(breaker.Allow(t0));
    breaker.Record(kDown, t0);
  }
  EXPECT_EQ(breaker.state(t0), CircuitState::kClosed);
  ASSERT_TRUE(breaker.Allow(t0));
  breaker.Record(kDown, t0);
  EXPECT_EQ(breaker.state(t0), CircuitState::kOpen);
  EXPECT_FALSE(breaker.Allow(t0 + absl::Seconds(1)));

  // Half-open: one trial; a second caller is refused while it is out.
  const absl::Time later = t0 + absl::Seconds(3);
  EXPECT_TRUE(breaker.Allow(later));
  EXPECT_FALSE(breaker.Allow(later));
  breaker.Record(kDown, later);  // the trial failed: open again
  EXPECT_FALSE(breaker.Allow(later + absl::Seconds(1)));

  const absl::Time recovered = later + absl::Seconds(3);
  EXPECT_TRUE(breaker.Allow(recovered));
  breaker.Record(grpc::Status::OK, recovered);
  EXPECT_EQ(breaker.state(recovered), CircuitState::kClosed);
  EXPECT_TRUE(breaker.Allow(recovered));
}

TEST(CircuitBreakerTest, ClientMistakesAndSuccessesDoNotCount) {
  CircuitBreaker breaker({.failure_threshold = 2});
  const absl::Time t = absl::FromUnixSeconds(1);
  for (int i = 0; i < 10; ++i) breaker.Record(kBadRequest, t);
  breaker.Record(kDown, t);
  breaker.Record(grpc::Status::OK, t);  // resets the count
  breaker.Record(kDown, t);
  EXPECT_EQ(breaker.state(t), CircuitState::kClosed);
  EXPECT_TRUE(
      CircuitBreaker::IsBackendFailure(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow")));
  EXPECT_FALSE(CircuitBreaker::IsBackendFailure(kBadRequest));
}

}  // namespace
}  // namespace aigc::gateway
