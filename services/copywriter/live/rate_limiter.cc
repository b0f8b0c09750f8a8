#include "services/copywriter/live/rate_limiter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::copy_live {

absl::Status RateDecision::ToStatus(absl::string_view what) const {
  if (allowed) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat(what, ": rate limit exceeded, retry after ", absl::FormatDuration(retry_after)));
}

absl::StatusOr<std::unique_ptr<RateLimiter>> RateLimiter::Create(RateLimiterOptions options) {
  if (!(options.rate_per_second > 0.0)) {
    return status::InvalidField("rate_per_second", "must be > 0");
  }
  if (!(options.burst >= 1.0)) return status::InvalidField("burst", "must be >= 1");
  if (options.max_keys < 1) return status::InvalidField("max_keys", "must be >= 1");
  if (!options.clock) return status::InvalidField("clock", "required");
  return std::unique_ptr<RateLimiter>(new RateLimiter(std::move(options)));
}

double RateLimiter::TokensAt(const Bucket& bucket, absl::Time now) const {
  // A clock that steps back refills nothing.
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
  return std::min(options_.burst, bucket.tokens + elapsed * options_.rate_per_second);
}

RateDecision RateLimiter::TryAcquire(absl::string_view key) {
  const absl::Time now = options_.clock();
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= static_cast<size_t>(options_.max_keys)) {
      absl::erase_if(buckets_, [&](const auto& entry) {
        return TokensAt(entry.second, now) >= options_.burst;
      });
    }
    if (buckets_.size() >= static_cast<size_t>(options_.max_keys)) {
      // Every held bucket is below burst; the soonest to refill frees a slot.
      double fullest = 0.0;
      for (const auto& [unused, bucket] : buckets_) {
        fullest = std::max(fullest, TokensAt(bucket, now));
      }
      return RateDecision{false,
                          absl::Seconds((options_.burst - fullest) / options_.rate_per_second)};
    }
    it = buckets_.emplace(std::string(key), Bucket{options_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = TokensAt(bucket, now);
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens < 1.0) {
    return RateDecision{false, absl::Seconds((1.0 - bucket.tokens) / options_.rate_per_second)};
  }
  bucket.tokens -= 1.0;
  return RateDecision{true, absl::ZeroDuration()};
}

}  // namespace aigc::copy_live
