// ExplorationBandit: picks the item for Recommend's exploration slot by
// Thompson sampling, and learns from what users do with explored items.
//
// Each item is an arm with a Beta(1 + rewards, 1 + misses) belief about how
// often showing it in the exploration slot leads to a click, add-to-cart or
// purchase. Showing an item to a user records an impression for the pair
// (user, item); that user's next click, cart or purchase of the item counts
// as its reward (once per impression). Beliefs live in memory: a restart
// starts every arm afresh (documented in docs/recommender.md).
#ifndef AIGC_SERVICES_RECOMMENDER_SERVING_EXPLORATION_H_
#define AIGC_SERVICES_RECOMMENDER_SERVING_EXPLORATION_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "aigc/recommender/v1/recommender.pb.h"

namespace aigc::recommender {

// Thread-safe.
class ExplorationBandit {
 public:
  // Remembers at most `max_pending` impressions awaiting feedback; older ones
  // are dropped (they stay misses).
  explicit ExplorationBandit(size_t max_pending = 100000) : max_pending_(max_pending) {}

  // The index into `candidates` (item ids) with the highest sample of its
  // arm's Beta belief, drawn with a generator seeded from `seed`; -1 when
  // `candidates` is empty.
  int Pick(absl::Span<const std::string> candidates, uint64_t seed) const;

  // Records that `item_id` was shown to `user_id` in the exploration slot.
  void RecordImpression(absl::string_view user_id, absl::string_view item_id);

  // Learns from stored events: a click, add-to-cart or purchase of an item
  // explored for that user rewards the item's arm.
  void Observe(const std::vector<aigc::recommender::v1::Event>& events);

  // (impressions, rewards) of an item's arm.
  std::pair<int64_t, int64_t> Arm(absl::string_view item_id) const;

 private:
  struct Counts {
    int64_t impressions = 0;
    int64_t rewards = 0;
  };

  const size_t max_pending_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Counts> arms_ ABSL_GUARDED_BY(mu_);
  // Impressions awaiting their reward: "<user>\n<item>" -> the number of its
  // latest impression; and the impressions in order, to age them out.
  absl::flat_hash_map<std::string, uint64_t> pending_ ABSL_GUARDED_BY(mu_);
  std::deque<std::pair<std::string, uint64_t>> pending_order_ ABSL_GUARDED_BY(mu_);
  uint64_t next_impression_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVING_EXPLORATION_H_
