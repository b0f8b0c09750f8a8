// Seeded per-user hold-out split of interactions for offline ranking evaluation.
#ifndef AIGC_SERVICES_RECOMMENDER_EVAL_SPLIT_H_
#define AIGC_SERVICES_RECOMMENDER_EVAL_SPLIT_H_

#include <cstdint>
#include <map>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/recommender/core/interactions.h"

namespace aigc::recommender::eval {

struct SplitOptions {
  // Share of an eligible user's distinct items held out for test; must lie in (0, 1).
  double test_fraction = 0.2;
  // Seed of the split: the same seed and the same interactions give the same split.
  uint64_t seed = 42;
  // Users with fewer distinct items than this stay wholly in train; must be >= 2 so that an
  // eligible user keeps at least one item on each side.
  int min_interactions = 5;
};

struct HoldOutSplit {
  // Every input interaction whose (user, item) pair was not held out, in input order;
  // interactions of the same pair are kept as they were (not merged).
  std::vector<Interaction> train;
  // Held-out items per user, for the users that have any; ordered by user so that drivers
  // iterate users in a reproducible order.
  std::map<int32_t, absl::flat_hash_set<int32_t>> test;
};

// Splits interactions per user into train and test:
//
//  1. A user's items are the distinct items of their interactions; several interactions of one
//     (user, item) pair count once and the pair goes wholly to one side. Let n be their number.
//  2. A user with n < min_interactions keeps everything in train.
//  3. Otherwise t = round(test_fraction * n) items go to test, rounding halves away from zero
//     (std::round) and clamping t to [1, n - 1]; e.g. 0.2 * 12 = 2.4 gives 2, 0.2 * 4 = 0.8
//     gives 1 (with min_interactions <= 4), 0.25 * 10 = 2.5 gives 3.
//  4. The t items are chosen with a generator of the user's own, splitmix64 (Steele, Lea &
//     Flood, 2014). With all arithmetic modulo 2^64:
//       mix(z):  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//                z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//                return z ^ (z >> 31);
//       next():  s = s + 0x9E3779B97F4A7C15; return mix(s);
//     and the initial state s = mix(seed ^ mix(user)), the user index read as a 64-bit integer.
//  5. A uniform integer in [0, b) is drawn by rejection: threshold = 2^64 mod b; draw
//     r = next() until r >= threshold; return r mod b (unbiased).
//  6. The user's distinct items are sorted ascending, then a partial Fisher-Yates shuffle runs:
//     for i = 0 .. t-1 { j = i + uniform(n - i); swap(items[i], items[j]); }, and items[0..t)
//     are the user's test items.
//
// Thus the split of a user depends only on (seed, user, the user's set of items): not on the
// order of the input, nor on other users, nor on the standard library.
//
// Returns the split. Fails with INVALID_ARGUMENT when test_fraction is not in (0, 1),
// min_interactions < 2, or an interaction has a negative user or item index (the message names
// the field, e.g. "interactions[3].user"). Thread-safe (no shared state). O(N log N) time and
// O(N) memory for N interactions.
absl::StatusOr<HoldOutSplit> SplitPerUser(absl::Span<const Interaction> interactions,
                                          const SplitOptions& options);

}  // namespace aigc::recommender::eval

#endif  // AIGC_SERVICES_RECOMMENDER_EVAL_SPLIT_H_
