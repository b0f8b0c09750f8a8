#include "services/recommender/core/parallel_for.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace aigc::recommender {

void ParallelFor(int threads, int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>(threads, n));
  const int64_t step = (n + chunks - 1) / chunks;
  std::vector<std::thread> workers;
  for (int64_t chunk = 1; chunk < chunks; ++chunk) {
    const int64_t begin = chunk * step;
    const int64_t end = std::min(n, begin + step);
    if (begin < end) workers.emplace_back(fn, begin, end);
  }
  fn(0, std::min(n, step));
  for (std::thread& worker : workers) worker.join();
}

}  // namespace aigc::recommender
