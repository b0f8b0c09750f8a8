#ifndef AIGC_TESTS_TESTING_PROMETHEUS_TEXT_H_
#define AIGC_TESTS_TESTING_PROMETHEUS_TEXT_H_

#include <map>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace aigc::testing {

// One sample line of the Prometheus text exposition format.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses the text format (comments skipped, label values unescaped). Fails with
// INVALID_ARGUMENT naming the line that is not a well-formed sample.
absl::StatusOr<std::vector<Sample>> ParsePrometheusText(absl::string_view text);

// The value of the one sample named `name` whose labels include all of
// `labels`; nullopt when none or more than one matches.
std::optional<double> FindSample(const std::vector<Sample>& samples, absl::string_view name,
                                 const std::map<std::string, std::string>& labels = {});

}  // namespace aigc::testing

#endif  // AIGC_TESTS_TESTING_PROMETHEUS_TEXT_H_
