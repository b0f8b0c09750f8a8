#include "services/imagegen/service/image_pipeline.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/imagegen/gan/generator_model.h"

namespace aigc::imagegen {

// One request's images. Shared by its batcher requests and pipeline tasks;
// on_done is called once, after every on_image that started has returned.
struct ImagePipeline::Job {
  Job(const ImageSpec& spec, absl::Time deadline, ImageCallbacks callbacks)
      : spec(spec), deadline(deadline), callbacks(std::move(callbacks)), remaining(spec.count) {}

  bool Failed() {
    absl::MutexLock lock(&mu);
    return error.has_value();
  }

  void Fail(absl::Status status) {
    {
      absl::MutexLock lock(&mu);
      if (error.has_value() || done) return;
      error = std::move(status);
      if (delivering > 0) return;  // the last delivery in progress reports it
      done = true;
    }
    callbacks.on_done(*error);
  }

  void Deliver(DrawnImage image) {
    {
      absl::MutexLock lock(&mu);
      if (error.has_value() || done) return;
      ++delivering;
    }
    callbacks.on_image(std::move(image));
    absl::Status outcome;
    {
      absl::MutexLock lock(&mu);
      --delivering;
      if (!error.has_value()) --remaining;
      if (done || delivering > 0 || (!error.has_value() && remaining > 0)) return;
      done = true;
      outcome = error.value_or(absl::OkStatus());
    }
    callbacks.on_done(outcome);
  }

  const ImageSpec spec;
  const absl::Time deadline;
  const ImageCallbacks callbacks;
  absl::Mutex mu;
  int remaining ABSL_GUARDED_BY(mu);
  int delivering ABSL_GUARDED_BY(mu) = 0;
  std::optional<absl::Status> error ABSL_GUARDED_BY(mu);
  bool done ABSL_GUARDED_BY(mu) = false;
};

absl::Status ValidatePipelineOptions(const PipelineOptions& options) {
  if (options.max_regenerations < 0 || options.max_regenerations > 10) {
    return status::InvalidField("max_regenerations", "must be in 0..10");
  }
  if (!(options.near_duplicate_rms > 0)) {
    return status::InvalidField("near_duplicate_rms", "must be > 0");
  }
  if (options.threads < 1 || options.threads > 64) {
    return status::InvalidField("threads", "must be in 1..64");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ImagePipeline>> ImagePipeline::Create(
    std::string model_name, runtime::ModelProvider provider,
    const runtime::BatcherOptions& batcher_options, runtime::InferenceMetrics* metrics,
    const NearDuplicateIndex* index, const PipelineOptions& options) {
  AIGC_RETURN_IF_ERROR(ValidatePipelineOptions(options));
  std::unique_ptr<ImagePipeline> pipeline(new ImagePipeline(index, options));
  AIGC_ASSIGN_OR_RETURN(pipeline->batcher_,
                        runtime::DynamicBatcher::Create(std::move(model_name), std::move(provider),
                                                        batcher_options, metrics));
  return pipeline;
}

ImagePipeline::ImagePipeline(const NearDuplicateIndex* index, const PipelineOptions& options)
    : index_(index), options_(options) {
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ImagePipeline::~ImagePipeline() {
  {
    absl::WriterMutexLock lock(&submit_mu_);
    draining_ = true;
  }
  batcher_.reset();  // answers what is queued; its callbacks post tasks
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& worker : workers_) worker.join();
}

void ImagePipeline::Start(const ImageSpec& spec, absl::Time deadline, ImageCallbacks callbacks) {
  auto job = std::make_shared<Job>(spec, deadline, std::move(callbacks));
  for (int i = 0; i < spec.count; ++i) Draw(job, i, spec.seed + i, /*attempt=*/0);
}

void ImagePipeline::Draw(const std::shared_ptr<Job>& job, int index, uint64_t seed, int attempt) {
  if (job->Failed()) return;  // the request is over; spare the model
  absl::ReaderMutexLock lock(&submit_mu_);
  if (draining_) {
    job->Fail(absl::UnavailableError("the image generator is shutting down"));
    return;
  }
  runtime::InferRequest request{
      .inputs = GeneratorInputs(job->spec.label, seed, job->spec.truncation),
      .deadline = job->deadline,
      .is_cancelled = job->callbacks.is_cancelled};
  batcher_->Submit(std::move(request), [this, job, index, seed,
                                        attempt](absl::StatusOr<runtime::InferResponse> response) {
    Post([this, job, index, seed, attempt, response = std::move(response)]() mutable {
      Check(job, index, seed, attempt, std::move(response));
    });
  });
}

void ImagePipeline::Check(const std::shared_ptr<Job>& job, int index, uint64_t seed, int attempt,
                          absl::StatusOr<runtime::InferResponse> response) {
  if (!response.ok()) {
    job->Fail(response.status());
    return;
  }
  if (job->Failed()) return;
  absl::StatusOr<std::vector<uint8_t>> pixels = GeneratorPixels(response->outputs.at(0));
  if (!pixels.ok()) {
    job->Fail(pixels.status());
    return;
  }
  bool near_duplicate = false;
  if (index_ != nullptr) {
    absl::StatusOr<NearestImage> nearest = index_->Nearest(*pixels, job->spec.label);
    if (!nearest.ok()) {
      job->Fail(nearest.status());
      return;
    }
    near_duplicate = nearest->rms < options_.near_duplicate_rms;
  }
  if (near_duplicate && attempt < options_.max_regenerations) {
    Draw(job, index, RegenerationSeed(job->spec.seed + index, attempt + 1), attempt + 1);
    return;
  }
  job->Deliver({.index = index,
                .seed = seed,
                .pixels = *std::move(pixels),
                .near_duplicate = near_duplicate,
                .regenerated_count = attempt,
                .model_version = response->model_version});
}

void ImagePipeline::Post(absl::AnyInvocable<void()> task) {
  absl::MutexLock lock(&mu_);
  tasks_.push_back(std::move(task));
}

void ImagePipeline::WorkerLoop() {
  while (true) {
    absl::AnyInvocable<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ImagePipeline* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->tasks_.empty();
          },
          this));
      if (tasks_.empty()) return;  // stopping, and nothing is left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace aigc::imagegen
