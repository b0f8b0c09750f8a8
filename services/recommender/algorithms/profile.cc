#include "services/recommender/algorithms/profile.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace aigc::recommender {

UserProfile MakeProfile(int32_t user, absl::Span<const Interaction> history) {
  struct Merged {
    int32_t item;
    float weight = 0;
    float rating = std::numeric_limits<float>::quiet_NaN();
    int64_t rating_time = std::numeric_limits<int64_t>::min();
    int64_t time = std::numeric_limits<int64_t>::min();
  };
  std::vector<Merged> merged;
  absl::flat_hash_map<int32_t, size_t> slot;
  for (const Interaction& x : history) {
    if (x.item < 0) continue;
    auto [it, inserted] = slot.try_emplace(x.item, merged.size());
    if (inserted) merged.push_back(Merged{.item = x.item});
    Merged& m = merged[it->second];
    m.weight += x.weight;
    m.time = std::max(m.time, x.time);
    if (!std::isnan(x.rating) && x.time >= m.rating_time) {
      m.rating = x.rating;
      m.rating_time = x.time;
    }
  }
  std::stable_sort(merged.begin(), merged.end(),
                   [](const Merged& a, const Merged& b) { return a.time < b.time; });
  UserProfile profile;
  profile.user = user;
  for (const Merged& m : merged) {
    profile.items.push_back(m.item);
    profile.weights.push_back(m.weight);
    profile.ratings.push_back(m.rating);
  }
  return profile;
}

}  // namespace aigc::recommender
