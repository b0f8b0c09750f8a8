#include "tests/testing/prometheus_text.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace aigc::testing {
namespace {

absl::Status BadLine(absl::string_view line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("bad sample line '", line, "': ", why));
}

// Parses `l1="v1",l2="v2"` (the text between the braces) into `labels`.
bool ParseLabels(absl::string_view text, std::map<std::string, std::string>& labels) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t eq = text.find('=', i);
    if (eq == absl::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') {
      return false;
    }
    std::string name(absl::StripAsciiWhitespace(text.substr(i, eq - i)));
    std::string value;
    size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\' && j + 1 < text.size()) {
        ++j;
        value += text[j] == 'n' ? '\n' : text[j];
      } else {
        value += text[j];
      }
    }
    if (j >= text.size()) return false;  // unterminated value
    labels[std::move(name)] = std::move(value);
    i = j + 1;
    if (i < text.size() && text[i] == ',') ++i;
  }
  return true;
}

bool ParseValue(absl::string_view text, double& value) {
  if (text == "+Inf" || text == "-Inf" || text == "NaN") {
    value = std::strtod(std::string(text).c_str(), nullptr);
    return true;
  }
  return absl::SimpleAtod(text, &value);
}

}  // namespace

absl::StatusOr<std::vector<Sample>> ParsePrometheusText(absl::string_view text) {
  std::vector<Sample> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    Sample sample;
    absl::string_view rest;
    const size_t brace = line.find('{');
    const size_t space = line.find(' ');
    if (brace != absl::string_view::npos && brace < space) {
      const size_t close = line.rfind('}');
      if (close == absl::string_view::npos) return BadLine(line, "no closing brace");
      sample.name = std::string(line.substr(0, brace));
      if (!ParseLabels(line.substr(brace + 1, close - brace - 1), sample.labels)) {
        return BadLine(line, "malformed labels");
      }
      rest = line.substr(close + 1);
    } else {
      if (space == absl::string_view::npos) return BadLine(line, "no value");
      sample.name = std::string(line.substr(0, space));
      rest = line.substr(space);
    }
    const std::vector<absl::string_view> fields =
        absl::StrSplit(absl::StripAsciiWhitespace(rest), ' ', absl::SkipEmpty());
    if (fields.empty() || fields.size() > 2 || !ParseValue(fields[0], sample.value)) {
      return BadLine(line, "malformed value");
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

std::optional<double> FindSample(const std::vector<Sample>& samples, absl::string_view name,
                                 const std::map<std::string, std::string>& labels) {
  std::optional<double> found;
  for (const Sample& sample : samples) {
    if (sample.name != name) continue;
    bool matches = true;
    for (const auto& [key, value] : labels) {
      const auto it = sample.labels.find(key);
      if (it == sample.labels.end() || it->second != value) {
        matches = false;
        break;
      }
    }
    if (!matches) continue;
    if (found.has_value()) return std::nullopt;  // ambiguous
    found = sample.value;
  }
  return found;
}

}  // namespace aigc::testing
