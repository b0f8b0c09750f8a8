// Dynamic batching for one model: requests from many callers are queued,
// grouped into batches of up to max_batch_size (waiting at most
// max_queue_delay for a batch to fill), computed together, and each caller
// gets its own slice of the result.
//
//   auto batcher = DynamicBatcher::Create("mlp", [&] { return repo->Get("mlp"); },
//                                         options, metrics);
//   (*batcher)->Submit(std::move(request), [](absl::StatusOr<InferResponse> r) {...});
#ifndef AIGC_COMMON_RUNTIME_BATCHER_H_
#define AIGC_COMMON_RUNTIME_BATCHER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/runtime/inference_metrics.h"
#include "common/runtime/model.h"
#include "common/runtime/tensor.h"

namespace aigc::runtime {

struct BatcherOptions {
  // Most requests computed in one batch, >= 1. 1 turns batching off.
  int max_batch_size = 32;
  // How long the oldest queued request may wait for its batch to fill before
  // the batch is computed anyway, >= 0. 0 starts a batch as soon as the model
  // is free, with whatever is queued; requests arriving while it computes form
  // the next batch (best on CPUs, see docs/benchmarks.md).
  absl::Duration max_queue_delay = absl::ZeroDuration();
  // Requests that may wait in the queue, >= 1; beyond that Submit answers
  // RESOURCE_EXHAUSTED at once.
  int max_queue_size = 1024;
};

// INVALID_ARGUMENT naming the option when out of range.
absl::Status ValidateBatcherOptions(const BatcherOptions& options);

struct InferRequest {
  // One tensor per manifest input, in order, without the batch dimension.
  std::vector<Tensor> inputs;
  // A request still queued at its deadline is answered DEADLINE_EXCEEDED and
  // never computed.
  absl::Time deadline = absl::InfiniteFuture();
  // Optional; polled just before the request joins a batch. When it returns
  // true the request is answered CANCELLED and never computed. Must be cheap
  // and thread-safe (e.g. grpc::CallbackServerContext::IsCancelled).
  std::function<bool()> is_cancelled;
};

struct InferResponse {
  // One tensor per manifest output, without the batch dimension; a
  // variable-length output has this request's own length.
  std::vector<Tensor> outputs;
  // The model version that computed it.
  int64_t model_version = 0;
  // Requests computed together with this one (itself included).
  int batch_size = 0;
  // From Submit until its batch started computing.
  absl::Duration queue_time;
  // Time the model took for the whole batch (gather and scatter excluded).
  absl::Duration compute_time;
};

// Called exactly once per request, either inside Submit (rejections) or on
// the batcher's thread. Must not block.
using InferCallback = absl::AnyInvocable<void(absl::StatusOr<InferResponse>)>;

// Returns the version to compute on now, or null when none is loaded.
using ModelProvider = std::function<std::shared_ptr<const LoadedModel>()>;

class DynamicBatcher {
 public:
  // Starts the batcher's thread. `metrics` must outlive the batcher.
  // INVALID_ARGUMENT for bad options.
  static absl::StatusOr<std::unique_ptr<DynamicBatcher>> Create(std::string model_name,
                                                                ModelProvider provider,
                                                                const BatcherOptions& options,
                                                                InferenceMetrics* metrics);

  // Computes what is already queued, answers it, then stops the thread.
  ~DynamicBatcher();
  DynamicBatcher(const DynamicBatcher&) = delete;
  DynamicBatcher& operator=(const DynamicBatcher&) = delete;

  // Queues a request; never blocks. `done` gets the response, or:
  // UNAVAILABLE (no version loaded, batcher stopping), INVALID_ARGUMENT
  // ("inputs[i]" and why), RESOURCE_EXHAUSTED (queue full), DEADLINE_EXCEEDED,
  // CANCELLED, or the model's own error. When a batch fails, its requests
  // are computed again one at a time, so only the request that caused the
  // error gets it. Thread-safe.
  void Submit(InferRequest request, InferCallback done);

  // Submit and wait for the answer. Thread-safe.
  absl::StatusOr<InferResponse> Infer(InferRequest request);

  // Requests waiting in the queue now.
  int QueuedRequests() const;

 private:
  struct Pending {
    InferRequest request;
    InferCallback done;
    absl::Time enqueued;
    // The version whose manifest the inputs were checked against at Submit.
    int64_t checked_version = 0;
  };

  DynamicBatcher(std::string model_name, ModelProvider provider, const BatcherOptions& options,
                 InferenceMetrics* metrics);

  void WorkerLoop();
  // Waits for requests and takes the next batch; empty once stopped and drained.
  std::vector<Pending> NextBatch();
  // Answers requests that expired or were cancelled while queued; returns the rest.
  std::vector<Pending> DropDead(std::vector<Pending> batch);
  void Compute(std::vector<Pending> batch);
  // Gathers, computes and scatters one batch on `model`; sets `compute` to the
  // model's time.
  absl::StatusOr<std::vector<std::vector<Tensor>>> RunOnModel(
      const LoadedModel& model, const std::vector<const std::vector<Tensor>*>& inputs,
      absl::Duration* compute);
  void Answer(Pending& pending, absl::StatusOr<std::vector<Tensor>> outputs, int64_t version,
              int batch_size, absl::Time started, absl::Duration compute);
  void Fail(Pending& pending, const absl::Status& status, int64_t version, Outcome outcome);

  const std::string model_name_;
  const ModelProvider provider_;
  const BatcherOptions options_;
  InferenceMetrics* const metrics_;

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread worker_;
};

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_BATCHER_H_
