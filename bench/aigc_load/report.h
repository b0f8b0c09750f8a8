// aigc-load's output: the JSON report of a run (one object on one line) and a
// human-readable line per level.
#ifndef AIGC_BENCH_AIGC_LOAD_REPORT_H_
#define AIGC_BENCH_AIGC_LOAD_REPORT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "bench/aigc_load/runner.h"
#include "bench/aigc_load/workload.h"

namespace aigc::load {

// Everything one run of aigc-load measured.
struct RunReport {
  // host:port that was loaded.
  std::string target;
  // --workload name and the RPC it calls ("grpc.health.v1.Health/Check").
  std::string workload;
  std::string method;
  // The run's settings: the runner's, then the workload's.
  Params params;
  // Levels in the order they ran; a stopped run holds the levels it got to.
  std::vector<LevelResult> levels;
  // True when a Stopper ended the run early.
  bool interrupted = false;
};

// Returns the report as one JSON object without a trailing newline:
//   {"tool":"aigc-load","target":...,"workload":...,"method":...,"params":{...},
//    "interrupted":false,"levels":[{"concurrency":8,"warmup_requests":0,
//    "requests":...,"ok":...,"errors":{"UNAVAILABLE":3},"duration_s":...,
//    "qps":...,"latency_ms":{"mean":...,"p50":...,"p90":...,"p99":...,"max":...},
//    "counters":{"accepted_events":{"total":...,"per_s":...}},"interrupted":false}]}
// Latencies are in milliseconds with nanosecond resolution, durations in
// seconds; non-ASCII text is kept as UTF-8.
std::string ReportToJson(const RunReport& report);

// Returns one line (no newline) summing up a level for people, e.g.
// "health c=8: 1234.5 req/s, 2468 requests, 0 failed; latency ms p50 0.512
// p90 0.780 p99 1.204 max 3.001 mean 0.560".
std::string FormatLevelLine(absl::string_view workload, const LevelResult& level);

// Returns the process exit status for the report: 0 when no measured request
// failed, 1 otherwise (warm-up requests do not count).
int ExitCodeFor(const RunReport& report);

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_REPORT_H_
