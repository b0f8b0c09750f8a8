// Per-key rate limits for the gateway: one token bucket per key_id.
//
// A key's bucket holds up to `burst` tokens and refills at `rate_per_second`
// tokens per second; a request takes `units` tokens (the gateway: 1 per unary
// call, 1 per streamed message or question, see gateway.proto). A new bucket
// starts full. When a key is reloaded with another rate or burst, the next
// Take uses them (the tokens in hand are capped at the new burst).
#ifndef AIGC_SERVICES_GATEWAY_AUTH_RATE_LIMITER_H_
#define AIGC_SERVICES_GATEWAY_AUTH_RATE_LIMITER_H_

#include <array>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/gateway/auth/api_keys.h"

namespace aigc::gateway_auth {

// Response trailer that tells a rate-limited caller how long to wait.
inline constexpr char kRetryAfterTrailer[] = "retry-after";

// The value of the retry-after trailer for `retry_after`: whole seconds,
// rounded up, at least 1 ("1" for 120 ms, "3" for 2.5 s); "3600" for
// absl::InfiniteDuration().
std::string RetryAfterSeconds(absl::Duration retry_after);

// Thread-safe. Memory grows with the number of distinct key_ids seen (a
// bucket is a few dozen bytes) and is never given back.
class RateLimiter {
 public:
  struct Decision {
    // Whether the request may go ahead; its tokens were taken when it may.
    bool allowed;
    // When refused: how long until the bucket holds enough tokens, given
    // that nobody else takes any. absl::InfiniteDuration() when `units`
    // exceeds the key's burst (the request can never go ahead).
    // absl::ZeroDuration() when allowed.
    absl::Duration retry_after;
  };

  RateLimiter() = default;
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes `units` tokens from the bucket of key.key_id at time `now` if it
  // holds that many, using key.rate_per_second and key.burst (as
  // ApiKeyTable parsed them: rate > 0, burst >= 1). Taking 0 or
  // fewer units is always allowed and takes nothing. A `now` earlier than
  // a previous one for the same key (threads racing with their clock
  // readings) refills nothing rather than draining.
  Decision Take(const ApiKey& key, double units, absl::Time now);

  // Buckets held (distinct key_ids seen).
  int bucket_count() const;

 private:
  struct Bucket {
    double tokens;
    absl::Time last;
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  static constexpr int kShards = 16;

  std::array<Shard, kShards> shards_;
};

}  // namespace aigc::gateway_auth

#endif  // AIGC_SERVICES_GATEWAY_AUTH_RATE_LIMITER_H_
