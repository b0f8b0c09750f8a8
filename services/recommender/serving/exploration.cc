#include "services/recommender/serving/exploration.h"

#include <random>

#include "absl/strings/str_cat.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

std::string PairKey(absl::string_view user_id, absl::string_view item_id) {
  return absl::StrCat(user_id, "\n", item_id);
}

// A draw from Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
double SampleBeta(double a, double b, std::mt19937_64& rng) {
  const double x = std::gamma_distribution<double>(a, 1.0)(rng);
  const double y = std::gamma_distribution<double>(b, 1.0)(rng);
  return x + y == 0 ? 0.5 : x / (x + y);
}

}  // namespace

int ExplorationBandit::Pick(absl::Span<const std::string> candidates, uint64_t seed) const {
  std::mt19937_64 rng(seed);
  int best = -1;
  double best_sample = -1;
  absl::MutexLock lock(&mu_);
  for (size_t n = 0; n < candidates.size(); ++n) {
    Counts counts;
    if (auto it = arms_.find(candidates[n]); it != arms_.end()) counts = it->second;
    const double sample =
        SampleBeta(1.0 + static_cast<double>(counts.rewards),
                   1.0 + static_cast<double>(counts.impressions - counts.rewards), rng);
    if (sample > best_sample) {
      best_sample = sample;
      best = static_cast<int>(n);
    }
  }
  return best;
}

void ExplorationBandit::RecordImpression(absl::string_view user_id, absl::string_view item_id) {
  absl::MutexLock lock(&mu_);
  ++arms_[std::string(item_id)].impressions;
  const uint64_t number = next_impression_++;
  std::string key = PairKey(user_id, item_id);
  pending_[key] = number;
  pending_order_.emplace_back(std::move(key), number);
  while (pending_order_.size() > max_pending_) {
    const auto& [oldest, oldest_number] = pending_order_.front();
    // A newer impression of the same pair keeps waiting.
    if (auto it = pending_.find(oldest); it != pending_.end() && it->second == oldest_number) {
      pending_.erase(it);
    }
    pending_order_.pop_front();
  }
}

void ExplorationBandit::Observe(const std::vector<v1::Event>& events) {
  absl::MutexLock lock(&mu_);
  for (const v1::Event& event : events) {
    if (event.type() != v1::EVENT_TYPE_CLICK && event.type() != v1::EVENT_TYPE_ADD_TO_CART &&
        event.type() != v1::EVENT_TYPE_PURCHASE) {
      continue;
    }
    // Erasing the pending impression makes the reward count once.
    if (pending_.erase(PairKey(event.user_id(), event.item_id())) > 0) {
      ++arms_[event.item_id()].rewards;
    }
  }
}

std::pair<int64_t, int64_t> ExplorationBandit::Arm(absl::string_view item_id) const {
  absl::MutexLock lock(&mu_);
  auto it = arms_.find(item_id);
  if (it == arms_.end()) return {0, 0};
  return {it->second.impressions, it->second.rewards};
}

}  // namespace aigc::recommender
