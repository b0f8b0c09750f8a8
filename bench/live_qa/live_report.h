// aigc-live-bench's arithmetic and output: what each room of a level measured,
// the level's summary (rates, exact percentiles), the table for people and the
// JSON report, and reading the generated-token counter from /metrics text.
// Pure functions, no I/O.
#ifndef AIGC_BENCH_LIVE_QA_LIVE_REPORT_H_
#define AIGC_BENCH_LIVE_QA_LIVE_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bench/aigc_load/stats.h"

namespace aigc::live_bench {

// What one room's stream measured after warm-up. Latencies are client-side,
// from just before the question was written.
struct RoomResult {
  // Measured questions sent and answered (generated + handed_off + rejected).
  int64_t questions = 0;
  // Replies the model decoded (ReplyStarted without hand_off_to_human).
  int64_t generated = 0;
  // Replies handed to the host: a fixed holding message, no decoding.
  int64_t handed_off = 0;
  // QuestionRejected by status code name, e.g. {"RESOURCE_EXHAUSTED": 2}.
  std::map<std::string, int64_t> rejected;
  // Characters (code points) streamed in ReplyDelta of generated replies.
  int64_t reply_chars = 0;
  // Of those, the characters after each reply's first delta, and the time
  // they took (first delta to ReplyFinished), summed over generated replies.
  int64_t decode_chars = 0;
  int64_t decode_ns = 0;
  // Generated replies: to the first ReplyDelta, and to ReplyFinished.
  std::vector<int64_t> ttft_ns;
  std::vector<int64_t> total_ns;
  // Handed-off replies: to the first ReplyDelta (the holding message).
  std::vector<int64_t> hand_off_ttft_ns;
  // Why the stream failed (empty = it ended with status OK).
  std::string error;
};

// One level: `rooms` concurrent streams.
struct LevelReport {
  int rooms = 0;
  // From the start of measurement until the last room's last answer.
  absl::Duration measured;
  int64_t questions = 0;
  int64_t generated = 0;
  int64_t handed_off = 0;
  int64_t rejected = 0;
  std::map<std::string, int64_t> rejected_by_code;
  int64_t reply_chars = 0;
  // Increase of aigc_generation_tokens_total{rpc="LiveQA"} over the level;
  // nullopt when /metrics was not read.
  std::optional<int64_t> generated_tokens;
  load::LatencySummary ttft;
  load::LatencySummary total;
  load::LatencySummary hand_off_ttft;
  // Mean decode speed of one stream: decode_chars / decode time, summed over
  // every generated reply of every room; 0 without such replies.
  double stream_decode_chars_per_s = 0;
  // "room <id>: <error>" for each failed stream.
  std::vector<std::string> errors;

  // Per second of `measured`; 0 when nothing was measured.
  double questions_per_s() const;
  double chars_per_s() const;
  // nullopt without generated_tokens.
  std::optional<double> tokens_per_s() const;
};

// Merges the rooms of a level (their order does not matter) and computes the
// summary; `room_ids[i]` names rooms[i] in error lines.
LevelReport SummarizeLevel(std::vector<RoomResult> rooms, const std::vector<std::string>& room_ids,
                           absl::Duration measured, std::optional<int64_t> generated_tokens);

// tokens/s of `level` divided by tokens/s of the first level with rooms == 1;
// nullopt when there is no such level, either lacks token counts, or the
// single-room rate is 0.
std::optional<double> SpeedupOverOneRoom(const LevelReport& level,
                                         const std::vector<LevelReport>& levels);

// A fixed-width table, one row per level, with a header line; ends in '\n'.
std::string FormatTable(const std::vector<LevelReport>& levels);

// The run's settings, echoed in the JSON report.
struct RunSettings {
  // host:port (printable ASCII without '"' or '\\'; the caller checks).
  std::string target;
  bool metrics = false;
  absl::Duration duration;
  absl::Duration warmup;
  int64_t max_questions = 0;
  uint64_t seed = 0;
  int max_tokens = 0;
};

// One JSON object on one line, without a trailing newline:
//   {"tool":"aigc-live-bench","target":...,"params":{...},"levels":[{"rooms":8,
//    "duration_s":...,"questions":...,"questions_per_s":...,"generated":...,
//    "handed_off":...,"rejected":...,"rejected_by_code":{...},"reply_chars":...,
//    "chars_per_s":...,"generated_tokens":...|null,"tokens_per_s":...|null,
//    "tokens_per_s_vs_one_room":...|null,"stream_decode_chars_per_s":...,
//    "ttft_ms":{"count":..,"mean":..,"p50":..,"p90":..,"p99":..,"max":..},
//    "total_ms":{...},"hand_off_ttft_ms":{...},"failed_streams":0}]}
std::string ReportToJson(const RunSettings& settings, const std::vector<LevelReport>& levels);

// The value of aigc_generation_tokens_total{rpc="LiveQA"} in Prometheus text
// `exposition`; 0 when the series is absent (no LiveQA reply has been counted
// yet). INVALID_ARGUMENT when the text does not parse.
absl::StatusOr<int64_t> LiveQaTokensFromMetrics(absl::string_view exposition);

// The port of a --metrics address: "127.0.0.1:PORT", "localhost:PORT" or
// "PORT", PORT in 1..65535. INVALID_ARGUMENT otherwise (the endpoint is read
// over loopback only).
absl::StatusOr<int> ParseMetricsPort(absl::string_view address);

}  // namespace aigc::live_bench

#endif  // AIGC_BENCH_LIVE_QA_LIVE_REPORT_H_
