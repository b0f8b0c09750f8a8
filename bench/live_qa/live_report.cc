#include "bench/live_qa/live_report.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tests/testing/prometheus_text.h"

namespace aigc::live_bench {
namespace {

double PerSecond(int64_t count, absl::Duration duration) {
  const double seconds = absl::ToDoubleSeconds(duration);
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

std::string OptionalCell(const std::optional<double>& value, int decimals,
                         absl::string_view suffix = "") {
  if (!value.has_value()) return "-";
  return absl::StrCat(absl::StrFormat("%.*f", decimals, *value), suffix);
}

std::string OptionalJson(const std::optional<double>& value) {
  return value.has_value() ? absl::StrFormat("%.3f", *value) : "null";
}

std::string LatencyJson(const load::LatencySummary& latency) {
  return absl::StrFormat(R"({"count":%d,"mean":%.3f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f})",
                         latency.count, latency.mean_ms, latency.p50_ms, latency.p90_ms,
                         latency.p99_ms, latency.max_ms);
}

}  // namespace

double LevelReport::questions_per_s() const { return PerSecond(questions, measured); }

double LevelReport::chars_per_s() const { return PerSecond(reply_chars, measured); }

std::optional<double> LevelReport::tokens_per_s() const {
  if (!generated_tokens.has_value()) return std::nullopt;
  return PerSecond(*generated_tokens, measured);
}

LevelReport SummarizeLevel(std::vector<RoomResult> rooms, const std::vector<std::string>& room_ids,
                           absl::Duration measured, std::optional<int64_t> generated_tokens) {
  LevelReport level;
  level.rooms = static_cast<int>(rooms.size());
  level.measured = measured;
  level.generated_tokens = generated_tokens;
  std::vector<int64_t> ttft, total, hand_off_ttft;
  int64_t decode_chars = 0;
  int64_t decode_ns = 0;
  for (size_t i = 0; i < rooms.size(); ++i) {
    RoomResult& room = rooms[i];
    level.questions += room.questions;
    level.generated += room.generated;
    level.handed_off += room.handed_off;
    for (const auto& [code, count] : room.rejected) {
      level.rejected += count;
      level.rejected_by_code[code] += count;
    }
    level.reply_chars += room.reply_chars;
    decode_chars += room.decode_chars;
    decode_ns += room.decode_ns;
    ttft.insert(ttft.end(), room.ttft_ns.begin(), room.ttft_ns.end());
    total.insert(total.end(), room.total_ns.begin(), room.total_ns.end());
    hand_off_ttft.insert(hand_off_ttft.end(), room.hand_off_ttft_ns.begin(),
                         room.hand_off_ttft_ns.end());
    if (!room.error.empty()) {
      const std::string id = i < room_ids.size() ? room_ids[i] : absl::StrCat("#", i);
      level.errors.push_back(absl::StrCat("room ", id, ": ", room.error));
    }
  }
  level.ttft = load::SummarizeLatencies(ttft);
  level.total = load::SummarizeLatencies(total);
  level.hand_off_ttft = load::SummarizeLatencies(hand_off_ttft);
  if (decode_ns > 0) {
    level.stream_decode_chars_per_s = static_cast<double>(decode_chars) * 1e9 / decode_ns;
  }
  return level;
}

std::optional<double> SpeedupOverOneRoom(const LevelReport& level,
                                         const std::vector<LevelReport>& levels) {
  for (const LevelReport& base : levels) {
    if (base.rooms != 1) continue;
    const std::optional<double> base_rate = base.tokens_per_s();
    const std::optional<double> rate = level.tokens_per_s();
    if (!base_rate.has_value() || !rate.has_value() || *base_rate <= 0) return std::nullopt;
    return *rate / *base_rate;
  }
  return std::nullopt;
}

std::string FormatTable(const std::vector<LevelReport>& levels) {
  std::string out =
      "| rooms | questions/s | tokens/s | chars/s | TTFT p50 ms | TTFT p90 ms | TTFT p99 ms | "
      "total p50 ms | total p99 ms | stream decode chars/s | generated | hand-offs | "
      "hand-off TTFT p50 ms | rejected | tokens/s vs rooms=1 |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const LevelReport& level : levels) {
    absl::StrAppendFormat(
        &out,
        "| %d | %.2f | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %s | %d | "
        "%s |\n",
        level.rooms, level.questions_per_s(), OptionalCell(level.tokens_per_s(), 1),
        level.chars_per_s(), level.ttft.p50_ms, level.ttft.p90_ms, level.ttft.p99_ms,
        level.total.p50_ms, level.total.p99_ms, level.stream_decode_chars_per_s, level.generated,
        level.handed_off,
        level.hand_off_ttft.count > 0 ? OptionalCell(level.hand_off_ttft.p50_ms, 1) : "-",
        level.rejected, OptionalCell(SpeedupOverOneRoom(level, levels), 2, "×"));
  }
  return out;
}

std::string ReportToJson(const RunSettings& settings, const std::vector<LevelReport>& levels) {
  std::vector<std::string> items;
  for (const LevelReport& level : levels) {
    std::vector<std::string> codes;
    for (const auto& [code, count] : level.rejected_by_code) {
      codes.push_back(absl::StrFormat(R"("%s":%d)", code, count));
    }
    items.push_back(absl::StrFormat(
        R"({"rooms":%d,"duration_s":%.6f,"questions":%d,"questions_per_s":%.3f,)"
        R"("generated":%d,"handed_off":%d,"rejected":%d,"rejected_by_code":{%s},)"
        R"("reply_chars":%d,"chars_per_s":%.3f,"generated_tokens":%s,"tokens_per_s":%s,)"
        R"("tokens_per_s_vs_one_room":%s,"stream_decode_chars_per_s":%.3f,)"
        R"("ttft_ms":%s,"total_ms":%s,"hand_off_ttft_ms":%s,"failed_streams":%d})",
        level.rooms, absl::ToDoubleSeconds(level.measured), level.questions,
        level.questions_per_s(), level.generated, level.handed_off, level.rejected,
        absl::StrJoin(codes, ","), level.reply_chars, level.chars_per_s(),
        level.generated_tokens.has_value() ? absl::StrCat(*level.generated_tokens) : "null",
        OptionalJson(level.tokens_per_s()), OptionalJson(SpeedupOverOneRoom(level, levels)),
        level.stream_decode_chars_per_s, LatencyJson(level.ttft), LatencyJson(level.total),
        LatencyJson(level.hand_off_ttft), level.errors.size()));
  }
  return absl::StrFormat(
      R"({"tool":"aigc-live-bench","target":"%s","params":{"metrics":%s,"duration_s":%.3f,)"
      R"("warmup_s":%.3f,"max_questions":%d,"seed":%d,"max_tokens":%d},"levels":[%s]})",
      settings.target, settings.metrics ? "true" : "false",
      absl::ToDoubleSeconds(settings.duration), absl::ToDoubleSeconds(settings.warmup),
      settings.max_questions, settings.seed, settings.max_tokens, absl::StrJoin(items, ","));
}

absl::StatusOr<int64_t> LiveQaTokensFromMetrics(absl::string_view exposition) {
  absl::StatusOr<std::vector<testing::Sample>> samples = testing::ParsePrometheusText(exposition);
  if (!samples.ok()) return samples.status();
  const std::optional<double> tokens =
      testing::FindSample(*samples, "aigc_generation_tokens_total", {{"rpc", "LiveQA"}});
  return tokens.has_value() ? static_cast<int64_t>(*tokens) : 0;
}

absl::StatusOr<int> ParseMetricsPort(absl::string_view address) {
  absl::string_view port_text = address;
  if (const size_t colon = address.rfind(':'); colon != absl::string_view::npos) {
    const absl::string_view host = address.substr(0, colon);
    if (host != "127.0.0.1" && host != "localhost") {
      return absl::InvalidArgumentError(absl::StrCat(
          "--metrics: host must be 127.0.0.1 or localhost (read over loopback), got \"",
          std::string(host.data(), host.size()), "\""));
    }
    port_text = address.substr(colon + 1);
  }
  int port = 0;
  if (!absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics: expected 127.0.0.1:PORT with PORT in 1..65535, got \"",
                     std::string(address.data(), address.size()), "\""));
  }
  return port;
}

}  // namespace aigc::live_bench
