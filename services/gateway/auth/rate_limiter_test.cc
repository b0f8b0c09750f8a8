#include "services/gateway/auth/rate_limiter.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace aigc::gateway_auth {
namespace {

ApiKey Key(std::string key_id, double rate, double burst) {
  return {
      .client_name = "shop", .rate_per_second = rate, .burst = burst, .key_id = std::move(key_id)};
}

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST(RateLimiterTest, AllowsTheBurstThenRefusesWithTheTimeToTheNextToken) {
  RateLimiter limiter;
  const ApiKey key = Key("aaaaaaaaaaaa", /*rate=*/4, /*burst=*/3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Take(key, 1, kStart).allowed) << i;
  const RateLimiter::Decision refused = limiter.Take(key, 1, kStart);
  EXPECT_FALSE(refused.allowed);
  // An empty bucket at 4 tokens/s holds the next token after 1/4 s.
  EXPECT_EQ(refused.retry_after, absl::Milliseconds(250));
  EXPECT_EQ(RetryAfterSeconds(refused.retry_after), "1");
}

TEST(RateLimiterTest, RefillsAtTheRateUpToTheBurst) {
  RateLimiter limiter;
  const ApiKey key = Key("aaaaaaaaaaaa", /*rate=*/2, /*burst=*/2);
  ASSERT_TRUE(limiter.Take(key, 2, kStart).allowed);
  // 0.25 s gives half a token: not enough, and 0.25 s more to wait.
  RateLimiter::Decision early = limiter.Take(key, 1, kStart + absl::Milliseconds(250));
  EXPECT_FALSE(early.allowed);
  EXPECT_EQ(early.retry_after, absl::Milliseconds(250));
  // Exactly on time.
  EXPECT_TRUE(limiter.Take(key, 1, kStart + absl::Milliseconds(500)).allowed);
  EXPECT_FALSE(limiter.Take(key, 1, kStart + absl::Milliseconds(500)).allowed);
  // A long pause refills only up to the burst.
  const absl::Time later = kStart + absl::Hours(1);
  EXPECT_TRUE(limiter.Take(key, 1, later).allowed);
  EXPECT_TRUE(limiter.Take(key, 1, later).allowed);
  EXPECT_FALSE(limiter.Take(key, 1, later).allowed);
}

TEST(RateLimiterTest, FractionalRatesRefillWithoutRoundingRefusals) {
  RateLimiter limiter;
  const ApiKey key = Key("aaaaaaaaaaaa", /*rate=*/3, /*burst=*/1);
  absl::Time now = kStart;
  ASSERT_TRUE(limiter.Take(key, 1, now).allowed);
  for (int i = 0; i < 30; ++i) {
    now += absl::Seconds(1.0 / 3);
    EXPECT_TRUE(limiter.Take(key, 1, now).allowed) << i;
  }
}

TEST(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  RateLimiter limiter;
  const ApiKey a = Key("aaaaaaaaaaaa", 1, 1);
  const ApiKey b = Key("bbbbbbbbbbbb", 1, 1);
  EXPECT_TRUE(limiter.Take(a, 1, kStart).allowed);
  EXPECT_FALSE(limiter.Take(a, 1, kStart).allowed);
  EXPECT_TRUE(limiter.Take(b, 1, kStart).allowed);
  EXPECT_EQ(limiter.bucket_count(), 2);
}

TEST(RateLimiterTest, AReloadedKeysNewRateAndBurstApplyOnTheNextTake) {
  RateLimiter limiter;
  const ApiKey before = Key("aaaaaaaaaaaa", /*rate=*/1, /*burst=*/10);
  ASSERT_TRUE(limiter.Take(before, 1, kStart).allowed);  // 9 left.
  // Reloaded with a smaller burst: the tokens in hand shrink to it.
  const ApiKey smaller = Key("aaaaaaaaaaaa", /*rate=*/1, /*burst=*/2);
  EXPECT_TRUE(limiter.Take(smaller, 2, kStart).allowed);
  EXPECT_FALSE(limiter.Take(smaller, 1, kStart).allowed);
  // Reloaded with a faster rate: refill follows it.
  const ApiKey faster = Key("aaaaaaaaaaaa", /*rate=*/10, /*burst=*/2);
  const RateLimiter::Decision refused = limiter.Take(faster, 1, kStart);
  EXPECT_EQ(refused.retry_after, absl::Milliseconds(100));
  EXPECT_TRUE(limiter.Take(faster, 1, kStart + absl::Milliseconds(100)).allowed);
}

TEST(RateLimiterTest, MoreUnitsThanTheBurstAreNeverAllowed) {
  RateLimiter limiter;
  const ApiKey key = Key("aaaaaaaaaaaa", 100, 5);
  const RateLimiter::Decision decision = limiter.Take(key, 6, kStart);
  EXPECT_FALSE(decision.allowed);
  EXPECT_EQ(decision.retry_after, absl::InfiniteDuration());
  // And take nothing.
  EXPECT_TRUE(limiter.Take(key, 5, kStart).allowed);
}

TEST(RateLimiterTest, ZeroUnitsAreFree) {
  RateLimiter limiter;
  const ApiKey key = Key("aaaaaaaaaaaa", 1, 1);
  ASSERT_TRUE(limiter.Take(key, 1, kStart).allowed);
  EXPECT_TRUE(limiter.Take(key, 0, kStart).allowed);
  EXPECT_FALSE(limiter.Take(key, 1, kStart).allowed);
}

TEST(RateLimiterTest, AnEarlierNowRefillsNothing) {
  RateLimiter limiter;
  const ApiKey key = Key("aaaaaaaaaaaa", 1, 1);
  ASSERT_TRUE(limiter.Take(key, 1, kStart + absl::Seconds(10)).allowed);
  EXPECT_FALSE(limiter.Take(key, 1, kStart).allowed);
  EXPECT_FALSE(limiter.Take(key, 1, kStart + absl::Seconds(10)).allowed);
  EXPECT_TRUE(limiter.Take(key, 1, kStart + absl::Seconds(11)).allowed);
}

TEST(RateLimiterTest, ConcurrentTakesNeverExceedTheBurst) {
  RateLimiter limiter;
  const ApiKey key = Key("aaaaaaaaaaaa", /*rate=*/1, /*burst=*/100);
  std::atomic<int> allowed = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (limiter.Take(key, 1, kStart).allowed) ++allowed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 100);
}

TEST(RetryAfterSecondsTest, RoundsUpToWholeSecondsAtLeastOne) {
  EXPECT_EQ(RetryAfterSeconds(absl::ZeroDuration()), "1");
  EXPECT_EQ(RetryAfterSeconds(absl::Milliseconds(120)), "1");
  EXPECT_EQ(RetryAfterSeconds(absl::Seconds(1)), "1");
  EXPECT_EQ(RetryAfterSeconds(absl::Milliseconds(2500)), "3");
  EXPECT_EQ(RetryAfterSeconds(absl::InfiniteDuration()), "3600");
}

}  // namespace
}  // namespace aigc::gateway_auth
