// UserHistories: every user's recent events in memory, so a recommendation
// reflects the event acknowledged a moment ago.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVING_USER_HISTORIES_H_
#define AIGC_SERVICES_RECOMMENDER_SERVING_USER_HISTORIES_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender {

// One remembered event.
struct HistoryEntry {
  std::string item_id;
  aigc::recommender::v1::EventType type = aigc::recommender::v1::EVENT_TYPE_UNSPECIFIED;
  // Stars, NaN unless a rating.
  float rating = 0;
  // Seconds since the Unix epoch.
  int64_t time = 0;
};

// Thread-safe (one mutex; readers share it).
class UserHistories {
 public:
  // Keeps at most `limit` (>= 1) newest events per user.
  explicit UserHistories(int limit) : limit_(limit) {}

  // Remembers stored, normalised events, in order.
  void Append(const std::vector<aigc::recommender::v1::Event>& events);

  // Replays every event of `store`, oldest first. Fails with the store's
  // error.
  absl::Status Load(const Store& store);

  // The user's remembered events, oldest first; empty for an unknown user.
  std::vector<HistoryEntry> Get(absl::string_view user_id) const;

  int64_t users() const;

 private:
  const int limit_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::deque<HistoryEntry>> histories_ ABSL_GUARDED_BY(mu_);
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVING_USER_HISTORIES_H_
