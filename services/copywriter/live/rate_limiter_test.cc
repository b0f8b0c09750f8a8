#include "services/copywriter/live/rate_limiter.h"

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_live {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  std::unique_ptr<RateLimiter> Make(RateLimiterOptions options) {
    options.clock = [this] { return now_; };
    auto limiter = RateLimiter::Create(std::move(options));
    EXPECT_TRUE(limiter.ok()) << limiter.status();
    return *std::move(limiter);
  }

  absl::Time now_ = absl::FromUnixSeconds(1000);
};

TEST_F(RateLimiterTest, BurstIsAllowedThenRetryAfterIsTheTimeToOneToken) {
  auto limiter = Make({.rate_per_second = 2.0, .burst = 3.0});
  EXPECT_TRUE(limiter->TryAcquire("room-1").allowed);
  EXPECT_TRUE(limiter->TryAcquire("room-1").allowed);
  EXPECT_TRUE(limiter->TryAcquire("room-1").allowed);
  const RateDecision denied = limiter->TryAcquire("room-1");
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, absl::Milliseconds(500));  // 1 token at 2/s
  now_ += absl::Milliseconds(250);                         // half a token
  EXPECT_EQ(limiter->TryAcquire("room-1").retry_after, absl::Milliseconds(250));
  now_ += absl::Milliseconds(250);
  EXPECT_TRUE(limiter->TryAcquire("room-1").allowed);
  EXPECT_FALSE(limiter->TryAcquire("room-1").allowed);
}

TEST_F(RateLimiterTest, KeysHaveSeparateBuckets) {
  auto limiter = Make({.rate_per_second = 1.0, .burst = 1.0});
  EXPECT_TRUE(limiter->TryAcquire("room-1").allowed);
  EXPECT_FALSE(limiter->TryAcquire("room-1").allowed);
  EXPECT_TRUE(limiter->TryAcquire("room-2").allowed);
}

TEST_F(RateLimiterTest, RefillStopsAtBurst) {
  auto limiter = Make({.rate_per_second = 1.0, .burst = 2.0});
  EXPECT_TRUE(limiter->TryAcquire("v").allowed);
  now_ += absl::Hours(1);
  EXPECT_TRUE(limiter->TryAcquire("v").allowed);
  EXPECT_TRUE(limiter->TryAcquire("v").allowed);
  EXPECT_FALSE(limiter->TryAcquire("v").allowed);
}

TEST_F(RateLimiterTest, ClockSteppingBackRefillsNothing) {
  auto limiter = Make({.rate_per_second = 1.0, .burst = 1.0});
  EXPECT_TRUE(limiter->TryAcquire("v").allowed);
  now_ -= absl::Seconds(10);
  EXPECT_FALSE(limiter->TryAcquire("v").allowed);
}

TEST_F(RateLimiterTest, FullBucketsAreForgottenToMakeRoomForNewKeys) {
  auto limiter = Make({.rate_per_second = 1.0, .burst = 1.0, .max_keys = 2});
  EXPECT_TRUE(limiter->TryAcquire("a").allowed);
  EXPECT_TRUE(limiter->TryAcquire("b").allowed);
  // a and b are both empty: no slot for c until one refills (1 s).
  const RateDecision refused = limiter->TryAcquire("c");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, absl::Seconds(1));
  now_ += absl::Seconds(1);
  EXPECT_TRUE(limiter->TryAcquire("c").allowed);
}

TEST(RateDecisionTest, DeniedDecisionIsResourceExhausted) {
  EXPECT_TRUE((RateDecision{true, absl::ZeroDuration()}.ToStatus("room").ok()));
  const absl::Status status = RateDecision{false, absl::Milliseconds(500)}.ToStatus("room");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "room: rate limit exceeded, retry after 500ms");
}

TEST(RateLimiterOptionsTest, RejectsOutOfRangeOptions) {
  EXPECT_EQ(RateLimiter::Create({.rate_per_second = 0}).status().message(),
            "rate_per_second: must be > 0");
  EXPECT_EQ(RateLimiter::Create({.burst = 0.5}).status().message(), "burst: must be >= 1");
  EXPECT_EQ(RateLimiter::Create({.max_keys = 0}).status().message(), "max_keys: must be >= 1");
}

}  // namespace
}  // namespace aigc::copy_live
