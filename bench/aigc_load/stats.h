// Latency statistics of one load level, computed exactly from every recorded
// sample (no histogram, no approximation).
#ifndef AIGC_BENCH_AIGC_LOAD_STATS_H_
#define AIGC_BENCH_AIGC_LOAD_STATS_H_

#include <cstdint>
#include <vector>

namespace aigc::load {

// Summary of a set of latencies, in milliseconds. All fields are 0 when there
// were no samples.
struct LatencySummary {
  int64_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Returns the nearest-rank percentile of `sorted` (ascending): the smallest
// sample such that at least a fraction `q` of all samples are <= it, i.e. the
// element at 1-based rank ceil(q * n). `q` is in (0, 1] and is taken to six
// decimals (0.999 works, so does 0.9999). Returns 0 for an empty vector.
// Examples with {10, 20, 30, 40}: q=0.5 gives 20, q=0.51 gives 30, q=1 gives 40.
int64_t NearestRankPercentile(const std::vector<int64_t>& sorted, double q);

// Sorts `latencies_ns` (nanoseconds, in any order) in place and returns their
// count, mean, nearest-rank p50/p90/p99 and maximum converted to milliseconds.
LatencySummary SummarizeLatencies(std::vector<int64_t>& latencies_ns);

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_STATS_H_
