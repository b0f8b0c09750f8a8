#include "services/recommender/serving/user_histories.h"

#include <cmath>
#include <limits>

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

HistoryEntry EntryOf(const v1::Event& event) {
  return HistoryEntry{
      .item_id = event.item_id(),
      .type = event.type(),
      .rating = event.has_rating() ? event.rating() : std::numeric_limits<float>::quiet_NaN(),
      .time = event.event_time().seconds()};
}

}  // namespace

void UserHistories::Append(const std::vector<v1::Event>& events) {
  absl::MutexLock lock(&mu_);
  for (const v1::Event& event : events) {
    std::deque<HistoryEntry>& history = histories_[event.user_id()];
    history.push_back(EntryOf(event));
    if (static_cast<int>(history.size()) > limit_) history.pop_front();
  }
}

absl::Status UserHistories::Load(const Store& store) {
  std::vector<v1::Event> batch;
  const absl::Status status = store.ForEachEvent(0, [&](uint64_t, const v1::Event& event) {
    batch.push_back(event);
    if (batch.size() == 4096) {
      Append(batch);
      batch.clear();
    }
    return true;
  });
  Append(batch);
  return status;
}

std::vector<HistoryEntry> UserHistories::Get(absl::string_view user_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = histories_.find(user_id);
  if (it == histories_.end()) return {};
  return std::vector<HistoryEntry>(it->second.begin(), it->second.end());
}

int64_t UserHistories::users() const {
  absl::ReaderMutexLock lock(&mu_);
  return static_cast<int64_t>(histories_.size());
}

}  // namespace aigc::recommender
