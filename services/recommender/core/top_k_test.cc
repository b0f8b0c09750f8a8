#include "services/recommender/core/top_k.h"

#include <atomic>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/recommender/core/parallel_for.h"

namespace aigc::recommender {
namespace {

using ::testing::ElementsAre;

TEST(TopKTest, ReturnsTheLargestFirstWithTiesByIndex) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> scores = {0.5f, 2.0f, -inf, 2.0f, 1.0f};
  EXPECT_THAT(TopK(scores, 3), ElementsAre(1, 3, 4));
  EXPECT_THAT(TopK(scores, 10), ElementsAre(1, 3, 4, 0, 2));
  EXPECT_TRUE(TopK(scores, 0).empty());
}

TEST(ParallelForTest, CoversTheRangeOnceWhateverTheThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    for (int64_t n : {0, 1, 5, 100}) {
      std::vector<std::atomic<int>> visits(n);
      ParallelFor(threads, n, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) ++visits[i];
      });
      for (int64_t i = 0; i < n; ++i) {
        EXPECT_EQ(visits[i], 1) << threads << " threads, n " << n << ", i " << i;
      }
    }
  }
}

}  // namespace
}  // namespace aigc::recommender
