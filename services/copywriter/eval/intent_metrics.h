// Accuracy of the live-stream Q&A intent classifier against labelled intents.
#ifndef AIGC_SERVICES_COPYWRITER_EVAL_INTENT_METRICS_H_
#define AIGC_SERVICES_COPYWRITER_EVAL_INTENT_METRICS_H_

#include <cstdint>
#include <map>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace aigc::copy_eval {

struct IntentAccuracyReport {
  // Examples whose predicted label equals the expected one.
  int64_t correct = 0;
  // All examples.
  int64_t total = 0;
  // correct / total, in [0, 1].
  double accuracy = 0.0;
  // Count of examples per (expected, predicted) label pair; only pairs that
  // occur are present. Entries with expected == predicted sum to `correct`.
  std::map<std::pair<int, int>, int64_t> confusion;
};

// Compares predicted[i] with expected[i] for every i. Labels are opaque ints
// (e.g. a proto enum's values). Fails with INVALID_ARGUMENT when `expected` is
// empty or the two spans differ in size. Thread-safe (pure function).
absl::StatusOr<IntentAccuracyReport> IntentAccuracy(absl::Span<const int> predicted,
                                                    absl::Span<const int> expected);

}  // namespace aigc::copy_eval

#endif  // AIGC_SERVICES_COPYWRITER_EVAL_INTENT_METRICS_H_
