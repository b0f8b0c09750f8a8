#include "bench/aigc_load/stats.h"

#include <algorithm>
#include <cmath>

namespace aigc::load {
namespace {

constexpr int64_t kPartsPerMillion = 1'000'000;

double ToMilliseconds(int64_t nanoseconds) { return static_cast<double>(nanoseconds) / 1e6; }

}  // namespace

int64_t NearestRankPercentile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  // Integer arithmetic for the rank: ceil(0.07 * 100) in doubles is 8, not 7.
  const int64_t q_ppm =
      std::clamp<int64_t>(std::llround(q * kPartsPerMillion), 0, kPartsPerMillion);
  const int64_t n = static_cast<int64_t>(sorted.size());
  const int64_t rank = (q_ppm * n + kPartsPerMillion - 1) / kPartsPerMillion;
  return sorted[std::clamp<int64_t>(rank, 1, n) - 1];
}

LatencySummary SummarizeLatencies(std::vector<int64_t>& latencies_ns) {
  LatencySummary summary;
  if (latencies_ns.empty()) return summary;
  std::sort(latencies_ns.begin(), latencies_ns.end());
  // int64 nanoseconds overflow only after 292 years of summed latency.
  int64_t total_ns = 0;
  for (int64_t latency : latencies_ns) total_ns += latency;
  summary.count = static_cast<int64_t>(latencies_ns.size());
  summary.mean_ms = ToMilliseconds(total_ns) / static_cast<double>(summary.count);
  summary.p50_ms = ToMilliseconds(NearestRankPercentile(latencies_ns, 0.50));
  summary.p90_ms = ToMilliseconds(NearestRankPercentile(latencies_ns, 0.90));
  summary.p99_ms = ToMilliseconds(NearestRankPercentile(latencies_ns, 0.99));
  summary.max_ms = ToMilliseconds(latencies_ns.back());
  return summary;
}

}  // namespace aigc::load
