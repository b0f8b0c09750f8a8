#include "common/runtime/batcher.h"

#include <sys/prctl.h>

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/runtime/internal/batch_assembly.h"
#include "common/status/status.h"
#include "glog/logging.h"

namespace aigc::runtime {

absl::Status ValidateBatcherOptions(const BatcherOptions& options) {
  if (options.max_batch_size < 1) {
    return status::InvalidField("max_batch_size",
                                absl::StrCat("must be >= 1, got ", options.max_batch_size));
  }
  if (options.max_queue_delay < absl::ZeroDuration()) {
    return status::InvalidField("max_queue_delay", "must be >= 0");
  }
  if (options.max_queue_size < 1) {
    return status::InvalidField("max_queue_size",
                                absl::StrCat("must be >= 1, got ", options.max_queue_size));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DynamicBatcher>> DynamicBatcher::Create(
    std::string model_name, ModelProvider provider, const BatcherOptions& options,
    InferenceMetrics* metrics) {
  AIGC_RETURN_IF_ERROR(ValidateBatcherOptions(options));
  return std::unique_ptr<DynamicBatcher>(
      new DynamicBatcher(std::move(model_name), std::move(provider), options, metrics));
}

DynamicBatcher::DynamicBatcher(std::string model_name, ModelProvider provider,
                               const BatcherOptions& options, InferenceMetrics* metrics)
    : model_name_(std::move(model_name)),
      provider_(std::move(provider)),
      options_(options),
      metrics_(metrics) {
  worker_ = std::thread([this] { WorkerLoop(); });
}

DynamicBatcher::~DynamicBatcher() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  worker_.join();
}

void DynamicBatcher::Fail(Pending& pending, const absl::Status& status, int64_t version,
                          Outcome outcome) {
  metrics_->CountRequest(model_name_, version, outcome);
  pending.done(status);
}

void DynamicBatcher::Submit(InferRequest request, InferCallback done) {
  Pending pending{std::move(request), std::move(done), absl::Now()};
  const std::shared_ptr<const LoadedModel> model = provider_();
  if (model == nullptr) {
    Fail(pending,
         absl::UnavailableError(absl::StrCat("model \"", model_name_, "\" is not loaded")), 0,
         Outcome::kUnavailable);
    return;
  }
  if (absl::Status valid = internal::CheckInputs(model->manifest, pending.request.inputs);
      !valid.ok()) {
    Fail(pending, valid, model->version(), Outcome::kInvalid);
    return;
  }
  pending.checked_version = model->version();
  if (pending.enqueued >= pending.request.deadline) {
    Fail(pending, absl::DeadlineExceededError("deadline passed before the request was queued"),
         model->version(), Outcome::kExpired);
    return;
  }
  absl::Status refused;
  Outcome outcome = Outcome::kOk;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError(absl::StrCat("model \"", model_name_, "\" is stopping"));
      outcome = Outcome::kUnavailable;
    } else if (static_cast<int>(queue_.size()) >= options_.max_queue_size) {
      refused = absl::ResourceExhaustedError(
          absl::StrCat("inference queue of model \"", model_name_, "\" is full (",
                       options_.max_queue_size, " requests waiting); retry with backoff"));
      outcome = Outcome::kRejected;
    } else {
      queue_.push_back(std::move(pending));
      return;
    }
  }
  Fail(pending, refused, model->version(), outcome);
}

absl::StatusOr<InferResponse> DynamicBatcher::Infer(InferRequest request) {
  absl::Notification answered;
  absl::StatusOr<InferResponse> result;
  Submit(std::move(request), [&](absl::StatusOr<InferResponse> response) {
    result = std::move(response);
    answered.Notify();
  });
  answered.WaitForNotification();
  return result;
}

int DynamicBatcher::QueuedRequests() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

void DynamicBatcher::WorkerLoop() {
  // Linux lets a timed wait oversleep by 50 µs by default; max_queue_delay is
  // a latency promise, so ask for precise wake-ups on this thread.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  while (true) {
    std::vector<Pending> batch = NextBatch();
    if (batch.empty()) return;
    batch = DropDead(std::move(batch));
    if (!batch.empty()) Compute(std::move(batch));
  }
}

std::vector<DynamicBatcher::Pending> DynamicBatcher::NextBatch() {
  absl::MutexLock lock(&mu_);
  auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  };
  mu_.Await(absl::Condition(&has_work));
  if (!stopping_ && options_.max_queue_delay > absl::ZeroDuration()) {
    // The oldest request decides how long this batch may keep filling.
    auto full = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_ || static_cast<int>(queue_.size()) >= options_.max_batch_size;
    };
    mu_.AwaitWithDeadline(absl::Condition(&full),
                          queue_.front().enqueued + options_.max_queue_delay);
  }
  std::vector<Pending> batch;
  while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch_size) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

std::vector<DynamicBatcher::Pending> DynamicBatcher::DropDead(std::vector<Pending> batch) {
  const absl::Time now = absl::Now();
  std::vector<Pending> live;
  for (Pending& pending : batch) {
    if (now >= pending.request.deadline) {
      Fail(pending, absl::DeadlineExceededError("deadline passed while queued for inference"), 0,
           Outcome::kExpired);
    } else if (pending.request.is_cancelled && pending.request.is_cancelled()) {
      Fail(pending, absl::CancelledError("cancelled while queued for inference"), 0,
           Outcome::kCancelled);
    } else {
      live.push_back(std::move(pending));
    }
  }
  return live;
}

absl::StatusOr<std::vector<std::vector<Tensor>>> DynamicBatcher::RunOnModel(
    const LoadedModel& model, const std::vector<const std::vector<Tensor>*>& inputs,
    absl::Duration* compute) {
  const internal::Batch gathered = internal::Gather(model.manifest, inputs);
  const absl::Time compute_start = absl::Now();
  absl::StatusOr<std::vector<Tensor>> outputs;
  try {
    outputs = model.model->Run(gathered.inputs);
  } catch (const std::exception& e) {
    outputs = absl::InternalError(absl::StrCat("model \"", model_name_, "\" version ",
                                               model.version(), " threw: ", e.what()));
  }
  *compute = absl::Now() - compute_start;
  metrics_->ObserveBatch(model_name_, static_cast<int>(inputs.size()), *compute);
  if (!outputs.ok()) return outputs.status();
  return internal::Scatter(model.manifest, gathered, *std::move(outputs));
}

void DynamicBatcher::Answer(Pending& pending, absl::StatusOr<std::vector<Tensor>> outputs,
                            int64_t version, int batch_size, absl::Time started,
                            absl::Duration compute) {
  if (!outputs.ok()) {
    Fail(pending, outputs.status(), version, Outcome::kError);
    return;
  }
  InferResponse response;
  response.outputs = *std::move(outputs);
  response.model_version = version;
  response.batch_size = batch_size;
  response.queue_time = started - pending.enqueued;
  response.compute_time = compute;
  metrics_->CountRequest(model_name_, version, Outcome::kOk);
  pending.done(std::move(response));
}

void DynamicBatcher::Compute(std::vector<Pending> batch) {
  const absl::Time started = absl::Now();
  const std::shared_ptr<const LoadedModel> model = provider_();
  if (model == nullptr) {
    for (Pending& pending : batch) {
      Fail(pending,
           absl::UnavailableError(absl::StrCat("model \"", model_name_, "\" is not loaded")), 0,
           Outcome::kUnavailable);
    }
    return;
  }
  const int64_t version = model->version();
  // A new version may take other inputs than the one the request was checked
  // against at Submit; only then is it checked again.
  std::vector<Pending> valid;
  for (Pending& pending : batch) {
    absl::Status ok = pending.checked_version == version
                          ? absl::OkStatus()
                          : internal::CheckInputs(model->manifest, pending.request.inputs);
    if (ok.ok()) {
      valid.push_back(std::move(pending));
    } else {
      Fail(pending, ok, version, Outcome::kInvalid);
    }
  }
  if (valid.empty()) return;

  std::vector<const std::vector<Tensor>*> inputs;
  for (const Pending& pending : valid) {
    inputs.push_back(&pending.request.inputs);
    metrics_->ObserveQueue(model_name_, started - pending.enqueued);
  }
  const int batch_size = static_cast<int>(valid.size());
  absl::Duration compute;
  absl::StatusOr<std::vector<std::vector<Tensor>>> outputs =
      RunOnModel(*model, inputs, &compute);
  if (outputs.ok()) {
    for (int r = 0; r < batch_size; ++r) {
      Answer(valid[r], std::move((*outputs)[r]), version, batch_size, started, compute);
    }
    return;
  }
  if (batch_size == 1) {
    LOG(WARNING) << "inference failed: " << outputs.status();
    Answer(valid[0], outputs.status(), version, 1, started, compute);
    return;
  }
  // One bad request (say, a token id out of range) must not fail its
  // neighbours: compute each alone so only the culprit gets the error.
  LOG(WARNING) << "inference failed for a batch of " << batch_size << " (" << outputs.status()
               << "); computing its requests one at a time";
  for (int r = 0; r < batch_size; ++r) {
    absl::StatusOr<std::vector<std::vector<Tensor>>> alone =
        RunOnModel(*model, {inputs[r]}, &compute);
    Answer(valid[r],
           alone.ok() ? absl::StatusOr<std::vector<Tensor>>(std::move((*alone)[0]))
                      : absl::StatusOr<std::vector<Tensor>>(alone.status()),
           version, 1, started, compute);
  }
}

}  // namespace aigc::runtime
