#include "services/recommender/core/top_k.h"

#include <algorithm>
#include <numeric>

namespace aigc::recommender {

std::vector<int32_t> TopK(absl::Span<const float> scores, int k) {
  std::vector<int32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  const auto better = [&](int32_t a, int32_t b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  };
  const size_t keep = std::min<size_t>(std::max(k, 0), order.size());
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), better);
  order.resize(keep);
  return order;
}

}  // namespace aigc::recommender
