#include "services/copywriter/eval/intent_metrics.h"

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::copy_eval {

absl::StatusOr<IntentAccuracyReport> IntentAccuracy(absl::Span<const int> predicted,
                                                    absl::Span<const int> expected) {
  if (expected.empty()) return status::InvalidField("expected", "must not be empty");
  if (predicted.size() != expected.size()) {
    return status::InvalidField(
        "predicted", absl::StrCat("must have one label per expected label (", expected.size(),
                                  "), got ", predicted.size()));
  }
  IntentAccuracyReport report;
  report.total = static_cast<int64_t>(expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ++report.confusion[{expected[i], predicted[i]}];
    if (expected[i] == predicted[i]) ++report.correct;
  }
  report.accuracy = static_cast<double>(report.correct) / static_cast<double>(report.total);
  return report;
}

}  // namespace aigc::copy_eval
