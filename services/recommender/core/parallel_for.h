// ParallelFor: a range split over a few threads, for training and offline
// evaluation (never on the serving path, which has gRPC's threads).
#ifndef AIGC_SERVICES_RECOMMENDER_CORE_PARALLEL_FOR_H_
#define AIGC_SERVICES_RECOMMENDER_CORE_PARALLEL_FOR_H_

#include <cstdint>
#include <functional>

namespace aigc::recommender {

// Runs fn(begin, end) over [0, n) split into `threads` contiguous chunks, on
// that many threads (the caller's thread takes the first chunk), and returns
// when all are done.
void ParallelFor(int threads, int64_t n, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_CORE_PARALLEL_FOR_H_
