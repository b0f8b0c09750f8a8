// Drawing a request's images: each image is one request to the runtime's
// dynamic batcher (so images of concurrent requests share generator passes),
// then checked against the training set on a small pool of threads; an image
// that copies a training image is drawn again from a regeneration seed, up
// to a limit. Torch-free.
#ifndef AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGE_PIPELINE_H_
#define AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGE_PIPELINE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/runtime/batcher.h"
#include "common/runtime/inference_metrics.h"
#include "services/imagegen/novelty/near_duplicate.h"
#include "services/imagegen/service/generate_request.h"

namespace aigc::imagegen {

// One finished image.
struct DrawnImage {
  int index = 0;                // position in the request
  uint64_t seed = 0;            // the seed that drew these pixels
  std::vector<uint8_t> pixels;  // kImagePixels grey levels
  // Still a near-duplicate of a training image after every regeneration.
  bool near_duplicate = false;
  int regenerated_count = 0;
  int64_t model_version = 0;
};

struct PipelineOptions {
  // Regenerations allowed per image, 0..10.
  int max_regenerations = 3;
  // An image whose nearest training image of its class is closer than this
  // (RMS grey-level difference) is a near-duplicate; > 0.
  double near_duplicate_rms = kNearDuplicateRms;
  // Threads that check and hand over finished images, 1..64.
  int threads = 2;
};

// INVALID_ARGUMENT naming the option.
absl::Status ValidatePipelineOptions(const PipelineOptions& options);

struct ImageCallbacks {
  // Called once per image as it is ready, in completion order, on a pipeline
  // thread; calls for one request may overlap. Not called after on_done.
  std::function<void(DrawnImage)> on_image;
  // Called once: OK after the last on_image returned, or the first error
  // (the batcher's: RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED,
  // CANCELLED, ...) once no on_image is running.
  std::function<void(absl::Status)> on_done;
  // Optional; a cancelled request's queued images are not computed.
  std::function<bool()> is_cancelled;
};

class ImagePipeline {
 public:
  // The batcher computes on whatever `provider` returns. `index` may be null
  // (no near-duplicate check); it and `metrics` must outlive the pipeline.
  static absl::StatusOr<std::unique_ptr<ImagePipeline>> Create(
      std::string model_name, runtime::ModelProvider provider,
      const runtime::BatcherOptions& batcher_options, runtime::InferenceMetrics* metrics,
      const NearDuplicateIndex* index, const PipelineOptions& options);

  // Answers what is queued (requests of unfinished calls fail or complete),
  // then stops the threads.
  ~ImagePipeline();
  ImagePipeline(const ImagePipeline&) = delete;
  ImagePipeline& operator=(const ImagePipeline&) = delete;

  // Draws spec.count images, image i first from spec.seed + i. Never blocks.
  void Start(const ImageSpec& spec, absl::Time deadline, ImageCallbacks callbacks);

  // Images waiting in the batcher's queue.
  int QueuedImages() const { return batcher_->QueuedRequests(); }

 private:
  struct Job;
  ImagePipeline(const NearDuplicateIndex* index, const PipelineOptions& options);

  // Queues one attempt at image `index` of `job`.
  void Draw(const std::shared_ptr<Job>& job, int index, uint64_t seed, int attempt);
  // On a pipeline thread: checks a computed image, then delivers or redraws it.
  void Check(const std::shared_ptr<Job>& job, int index, uint64_t seed, int attempt,
             absl::StatusOr<runtime::InferResponse> response);
  void Post(absl::AnyInvocable<void()> task);
  void WorkerLoop();

  const NearDuplicateIndex* const index_;
  const PipelineOptions options_;
  std::unique_ptr<runtime::DynamicBatcher> batcher_;
  // Held (shared) while submitting; the destructor sets draining_ under it so
  // that nothing is submitted to the batcher once it is being destroyed.
  absl::Mutex submit_mu_;
  bool draining_ ABSL_GUARDED_BY(submit_mu_) = false;

  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGE_PIPELINE_H_
