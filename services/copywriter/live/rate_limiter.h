// Token-bucket rate limits for LiveQA: whether a question may start a new
// reply now (per room), or may be asked at all (per viewer). When not, the
// session rejects the question (QuestionRejected) with RESOURCE_EXHAUSTED and
// retry_after.
//
// Each key (a room id, a viewer id) has a bucket of up to `burst` tokens that
// refills at `rate_per_second`; a new key starts full. Taking a token needs a
// whole one. Only keys whose bucket is not full need memory: when
// `max_keys` buckets are held, full ones are dropped; if none is full, a new
// key is refused until one refills (bounded memory whatever the number of
// viewers).
#ifndef AIGC_SERVICES_COPYWRITER_LIVE_RATE_LIMITER_H_
#define AIGC_SERVICES_COPYWRITER_LIVE_RATE_LIMITER_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/copywriter/live/clock.h"

namespace aigc::copy_live {

struct RateLimiterOptions {
  // Tokens added per second, > 0.
  double rate_per_second = 1.0;
  // Bucket capacity (the largest burst), >= 1.
  double burst = 5.0;
  // Buckets held at most, >= 1.
  int max_keys = 100'000;
  Clock clock = absl::Now;
};

// The outcome of one TryAcquire.
struct RateDecision {
  bool allowed = false;
  // When !allowed: how long until a token is available
  // (QuestionRejected.retry_after). Zero when allowed.
  absl::Duration retry_after;

  // OK when allowed, else RESOURCE_EXHAUSTED "<what>: rate limit exceeded,
  // retry after <retry_after>".
  absl::Status ToStatus(absl::string_view what) const;
};

// Thread-safe.
class RateLimiter {
 public:
  // INVALID_ARGUMENT naming the option ("rate_per_second", "burst",
  // "max_keys", "clock") when out of range.
  static absl::StatusOr<std::unique_ptr<RateLimiter>> Create(RateLimiterOptions options);

  // Takes one token from `key`'s bucket when it has one.
  RateDecision TryAcquire(absl::string_view key);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };

  explicit RateLimiter(RateLimiterOptions options) : options_(std::move(options)) {}

  // Tokens of `bucket` at `now` (refilled, capped at burst).
  double TokensAt(const Bucket& bucket, absl::Time now) const;

  const RateLimiterOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace aigc::copy_live

#endif  // AIGC_SERVICES_COPYWRITER_LIVE_RATE_LIMITER_H_
