// The runtime's Prometheus series (names fixed by the suite's design notes):
//
//   aigc_inference_requests_total{model,version,outcome}  counter
//   aigc_inference_queue_seconds{model}                    histogram, per request
//   aigc_inference_compute_seconds{model}                  histogram, per batch
//   aigc_inference_batch_size{model}                       histogram, per batch
//   aigc_model_loaded{model,version}                       gauge, 1 while serving
//   aigc_model_load_failures_total{model}                  counter
//
// `outcome` is one of the Outcome names below, `version` the version that
// computed the request ("none" when it never reached a model).
#ifndef AIGC_COMMON_RUNTIME_INFERENCE_METRICS_H_
#define AIGC_COMMON_RUNTIME_INFERENCE_METRICS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace aigc::runtime {

// How a request ended.
enum class Outcome {
  kOk,           // computed and returned
  kRejected,     // queue full (RESOURCE_EXHAUSTED)
  kExpired,      // deadline passed before compute (DEADLINE_EXCEEDED)
  kCancelled,    // caller cancelled before compute (CANCELLED)
  kInvalid,      // did not match the model's inputs (INVALID_ARGUMENT)
  kUnavailable,  // no version loaded or the batcher is stopping (UNAVAILABLE)
  kError,        // the model failed (the model's status)
};

absl::string_view OutcomeName(Outcome outcome);

// Families registered in one registry. Thread-safe.
class InferenceMetrics {
 public:
  // Registers the families in `registry`, which must outlive this object.
  explicit InferenceMetrics(prometheus::Registry& registry);

  void CountRequest(absl::string_view model, int64_t version, Outcome outcome);
  void ObserveQueue(absl::string_view model, absl::Duration queued);
  void ObserveBatch(absl::string_view model, int batch_size, absl::Duration compute);
  // Marks `version` of `model` as the one loaded and drops the series of
  // `previous_version` (0 = none).
  void SetLoaded(absl::string_view model, int64_t version, int64_t previous_version);
  void CountLoadFailure(absl::string_view model);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& queue_seconds_;
  prometheus::Family<prometheus::Histogram>& compute_seconds_;
  prometheus::Family<prometheus::Histogram>& batch_size_;
  prometheus::Family<prometheus::Gauge>& loaded_;
  prometheus::Family<prometheus::Counter>& load_failures_;
};

// "none" for 0, else the decimal version.
std::string VersionLabel(int64_t version);

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_INFERENCE_METRICS_H_
