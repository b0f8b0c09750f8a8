#include "services/gateway/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace aigc::gateway_auth {

std::string RetryAfterSeconds(absl::Duration retry_after) {
  if (retry_after == absl::InfiniteDuration()) return "3600";
  const double seconds = std::ceil(absl::ToDoubleSeconds(retry_after));
  return absl::StrCat(static_cast<int64_t>(std::clamp(seconds, 1.0, 1e9)));
}

RateLimiter::Decision RateLimiter::Take(const ApiKey& key, double units, absl::Time now) {
  if (!(units > 0)) return {.allowed = true, .retry_after = absl::ZeroDuration()};
  if (units > key.burst) return {.allowed = false, .retry_after = absl::InfiniteDuration()};

  Shard& shard = shards_[absl::Hash<std::string>{}(key.key_id) % kShards];
  absl::MutexLock lock(&shard.mu);
  Bucket& bucket =
      shard.buckets.try_emplace(key.key_id, Bucket{.tokens = key.burst, .last = now}).first->second;
  if (now > bucket.last) {
    bucket.tokens += key.rate_per_second * absl::ToDoubleSeconds(now - bucket.last);
    bucket.last = now;
  }
  // Caps both the refill and tokens left over from a larger burst before a
  // reload.
  bucket.tokens = std::min(bucket.tokens, key.burst);
  // The tolerance keeps rounding (of the refill, of the caller's clock:
  // 3/s for absl::Seconds(1.0 / 3) is not quite one token) from refusing a
  // request that arrives on time; it lets one in at most 1e-6 / rate early.
  // A shortfall so forgiven is not carried over as debt.
  constexpr double kTolerance = 1e-6;
  if (bucket.tokens + kTolerance >= units) {
    bucket.tokens = std::max(0.0, bucket.tokens - units);
    return {.allowed = true, .retry_after = absl::ZeroDuration()};
  }
  return {.allowed = false,
          .retry_after = absl::Seconds((units - bucket.tokens) / key.rate_per_second)};
}

int RateLimiter::bucket_count() const {
  int count = 0;
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    count += static_cast<int>(shard.buckets.size());
  }
  return count;
}

}  // namespace aigc::gateway_auth
