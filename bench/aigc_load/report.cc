#include "bench/aigc_load/report.h"

#include <cmath>
#include <cstdint>
#include <type_traits>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace aigc::load {
namespace {

// Builds JSON text: strings escaped per RFC 8259, numbers with a fixed number
// of decimals (the report's precision), commas placed between values.
class JsonWriter {
 public:
  std::string Take() { return std::move(out_); }

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }

  // Starts a member of the current object; its value follows.
  void Key(absl::string_view key) {
    Separate();
    Quote(key);
    out_ += ':';
    after_key_ = true;
  }

  void String(absl::string_view text) {
    Separate();
    Quote(text);
  }

  void Int(int64_t value) {
    Separate();
    absl::StrAppend(&out_, value);
  }

  // `decimals` digits after the point; JSON has no NaN or infinity, so those
  // become null.
  void Double(double value, int decimals) {
    Separate();
    if (!std::isfinite(value)) {
      out_ += "null";
      return;
    }
    absl::StrAppendFormat(&out_, "%.*f", decimals, value);
  }

  void Bool(bool value) {
    Separate();
    out_ += value ? "true" : "false";
  }

 private:
  void Quote(absl::string_view text) {
    out_ += '"';
    for (const char c : text) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            absl::StrAppendFormat(&out_, "\\u%04x", static_cast<unsigned char>(c));
          } else {
            out_ += c;  // UTF-8 passes through.
          }
      }
    }
    out_ += '"';
  }

  void Open(char bracket) {
    Separate();
    out_ += bracket;
    first_ = true;
  }

  void Close(char bracket) {
    out_ += bracket;
    first_ = false;
  }

  // Puts the comma between values, except right after a key.
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

// Milliseconds with six decimals: the nanosecond resolution of the samples.
constexpr int kMillisecondDecimals = 6;
constexpr int kSecondDecimals = 6;
constexpr int kRateDecimals = 3;

void WriteParam(JsonWriter& json, const ParamValue& value) {
  std::visit(
      [&json](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          json.Bool(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          json.Int(v);
        } else if constexpr (std::is_same_v<T, double>) {
          json.Double(v, kSecondDecimals);
        } else if constexpr (std::is_same_v<T, std::string>) {
          json.String(v);
        } else {
          json.BeginArray();
          for (int64_t element : v) json.Int(element);
          json.EndArray();
        }
      },
      value);
}

double PerSecond(int64_t count, absl::Duration duration) {
  const double seconds = absl::ToDoubleSeconds(duration);
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

void WriteLevel(JsonWriter& json, const LevelResult& level) {
  json.BeginObject();
  json.Key("concurrency");
  json.Int(level.concurrency);
  json.Key("warmup_requests");
  json.Int(level.warmup_requests);
  json.Key("requests");
  json.Int(level.requests);
  json.Key("ok");
  json.Int(level.ok);
  json.Key("errors");
  json.BeginObject();
  for (const auto& [code, count] : level.errors) {
    json.Key(code);
    json.Int(count);
  }
  json.EndObject();
  json.Key("duration_s");
  json.Double(absl::ToDoubleSeconds(level.duration), kSecondDecimals);
  json.Key("qps");
  json.Double(level.qps(), kRateDecimals);
  json.Key("latency_ms");
  json.BeginObject();
  for (const auto& [name, value] : {std::pair<const char*, double>{"mean", level.latency.mean_ms},
                                    {"p50", level.latency.p50_ms},
                                    {"p90", level.latency.p90_ms},
                                    {"p99", level.latency.p99_ms},
                                    {"max", level.latency.max_ms}}) {
    json.Key(name);
    json.Double(value, kMillisecondDecimals);
  }
  json.EndObject();
  json.Key("counters");
  json.BeginObject();
  for (const auto& [name, total] : level.counters) {
    json.Key(name);
    json.BeginObject();
    json.Key("total");
    json.Int(total);
    json.Key("per_s");
    json.Double(PerSecond(total, level.duration), kRateDecimals);
    json.EndObject();
  }
  json.EndObject();
  json.Key("interrupted");
  json.Bool(level.interrupted);
  json.EndObject();
}

}  // namespace

std::string ReportToJson(const RunReport& report) {
  JsonWriter json;
  json.BeginObject();
  json.Key("tool");
  json.String("aigc-load");
  json.Key("target");
  json.String(report.target);
  json.Key("workload");
  json.String(report.workload);
  json.Key("method");
  json.String(report.method);
  json.Key("params");
  json.BeginObject();
  for (const auto& [name, value] : report.params) {
    json.Key(name);
    WriteParam(json, value);
  }
  json.EndObject();
  json.Key("interrupted");
  json.Bool(report.interrupted);
  json.Key("levels");
  json.BeginArray();
  for (const LevelResult& level : report.levels) WriteLevel(json, level);
  json.EndArray();
  json.EndObject();
  return json.Take();
}

std::string FormatLevelLine(absl::string_view workload, const LevelResult& level) {
  std::string line =
      absl::StrFormat("%s c=%d: %.1f req/s, %d requests, %d failed", workload, level.concurrency,
                      level.qps(), level.requests, level.requests - level.ok);
  if (!level.errors.empty()) {
    absl::StrAppend(&line, " (", absl::StrJoin(level.errors, ", ", absl::PairFormatter(" ")), ")");
  }
  absl::StrAppendFormat(&line, "; latency ms p50 %.3f p90 %.3f p99 %.3f max %.3f mean %.3f",
                        level.latency.p50_ms, level.latency.p90_ms, level.latency.p99_ms,
                        level.latency.max_ms, level.latency.mean_ms);
  for (const auto& [name, total] : level.counters) {
    absl::StrAppendFormat(&line, "; %s %d (%.1f/s)", name, total, PerSecond(total, level.duration));
  }
  if (level.interrupted) line += " [interrupted]";
  return line;
}

int ExitCodeFor(const RunReport& report) {
  for (const LevelResult& level : report.levels) {
    if (level.requests != level.ok) return 1;
  }
  return 0;
}

}  // namespace aigc::load
