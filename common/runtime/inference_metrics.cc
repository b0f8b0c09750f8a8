#include "common/runtime/inference_metrics.h"

#include "prometheus/histogram.h"

namespace aigc::runtime {
namespace {

using prometheus::Histogram;

// From 50 µs (a wake-up) to 10 s (a stuck queue).
const Histogram::BucketBoundaries& LatencyBuckets() {
  static const Histogram::BucketBoundaries buckets = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,   10};
  return buckets;
}

const Histogram::BucketBoundaries& BatchSizeBuckets() {
  static const Histogram::BucketBoundaries buckets = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  return buckets;
}

}  // namespace

absl::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kRejected:
      return "rejected";
    case Outcome::kExpired:
      return "expired";
    case Outcome::kCancelled:
      return "cancelled";
    case Outcome::kInvalid:
      return "invalid";
    case Outcome::kUnavailable:
      return "unavailable";
    case Outcome::kError:
      return "error";
  }
  return "error";
}

std::string VersionLabel(int64_t version) {
  return version == 0 ? "none" : std::to_string(version);
}

InferenceMetrics::InferenceMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("aigc_inference_requests_total")
                    .Help("Inference requests by model, version that computed them, and outcome.")
                    .Register(registry)),
      queue_seconds_(prometheus::BuildHistogram()
                         .Name("aigc_inference_queue_seconds")
                         .Help("Time a request waited in the batcher's queue before its batch "
                               "started computing.")
                         .Register(registry)),
      compute_seconds_(prometheus::BuildHistogram()
                           .Name("aigc_inference_compute_seconds")
                           .Help("Time to compute one batch, gather and scatter included.")
                           .Register(registry)),
      batch_size_(prometheus::BuildHistogram()
                      .Name("aigc_inference_batch_size")
                      .Help("Requests per computed batch.")
                      .Register(registry)),
      loaded_(prometheus::BuildGauge()
                  .Name("aigc_model_loaded")
                  .Help("1 for the model version currently serving.")
                  .Register(registry)),
      load_failures_(prometheus::BuildCounter()
                         .Name("aigc_model_load_failures_total")
                         .Help("Model versions that failed to load (the previous version, if "
                               "any, kept serving).")
                         .Register(registry)) {}

void InferenceMetrics::CountRequest(absl::string_view model, int64_t version, Outcome outcome) {
  requests_
      .Add({{"model", std::string(model)},
            {"version", VersionLabel(version)},
            {"outcome", std::string(OutcomeName(outcome))}})
      .Increment();
}

void InferenceMetrics::ObserveQueue(absl::string_view model, absl::Duration queued) {
  queue_seconds_.Add({{"model", std::string(model)}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(queued));
}

void InferenceMetrics::ObserveBatch(absl::string_view model, int batch_size,
                                    absl::Duration compute) {
  compute_seconds_.Add({{"model", std::string(model)}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(compute));
  batch_size_.Add({{"model", std::string(model)}}, BatchSizeBuckets()).Observe(batch_size);
}

void InferenceMetrics::SetLoaded(absl::string_view model, int64_t version,
                                 int64_t previous_version) {
  if (previous_version != 0 && previous_version != version) {
    loaded_.Remove(
        &loaded_.Add({{"model", std::string(model)}, {"version", VersionLabel(previous_version)}}));
  }
  loaded_.Add({{"model", std::string(model)}, {"version", VersionLabel(version)}}).Set(1);
}

void InferenceMetrics::CountLoadFailure(absl::string_view model) {
  load_failures_.Add({{"model", std::string(model)}}).Increment();
}

}  // namespace aigc::runtime
