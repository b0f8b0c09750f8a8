// Process metrics in the names Prometheus client libraries use, so standard
// dashboards and alerts work on our processes too.
#ifndef AIGC_COMMON_METRICS_PROCESS_COLLECTOR_H_
#define AIGC_COMMON_METRICS_PROCESS_COLLECTOR_H_

#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace aigc::metrics {

// Reads /proc/self at every scrape and reports process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_start_time_seconds, process_open_fds and process_max_fds. A value that
// cannot be read (no /proc) is left out rather than reported as 0.
// Thread-safe: it keeps no state.
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace aigc::metrics

#endif  // AIGC_COMMON_METRICS_PROCESS_COLLECTOR_H_
