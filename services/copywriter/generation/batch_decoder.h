// Decodes the candidates of several generation requests together: each
// Step() advances every unfinished candidate of every request by one token,
// and computes the prompts of newly added requests, with ONE batched
// LanguageModel::Extend per model version. Generate() runs one
// request through it; DecodeScheduler runs every concurrent request of the
// service through one on its own thread.
#ifndef AIGC_SERVICES_COPYWRITER_GENERATION_BATCH_DECODER_H_
#define AIGC_SERVICES_COPYWRITER_GENERATION_BATCH_DECODER_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/copywriter/generation/generator.h"
#include "services/copywriter/generation/prefix_cache.h"

namespace aigc::copywriter {

// One request being decoded.
struct GenerationJob {
  // The model; must outlive the job, e.g. through model_owner.
  const CopyModel* model = nullptr;
  // Optional: what keeps `model` alive while the job runs (the runtime's
  // LoadedModel, so a hot reload never frees a model still decoding).
  std::shared_ptr<const void> model_owner;
  GenerationRequest request;
  // Optional; see DeltaCallback.
  DeltaCallback on_delta;
  // Called exactly once, with the candidates in index order or the error that
  // ended the job.
  std::function<void(absl::StatusOr<std::vector<GeneratedText>>)> on_done;
  // Optional; polled before every step, true ends the job's unfinished
  // candidates with FinishReason::kCancelled.
  std::function<bool()> should_stop;
};

// Not thread-safe: one thread calls Add and Step (callbacks run on it).
class BatchDecoder {
 public:
  BatchDecoder();
  ~BatchDecoder();
  BatchDecoder(const BatchDecoder&) = delete;
  BatchDecoder& operator=(const BatchDecoder&) = delete;

  // Validates the request (the errors of Generate) and queues the job's
  // prompt for the next Step, which computes it once for all candidates,
  // from the longest prefix of a recent prompt when there is one (see
  // PrefixCache); on an error the job is not added and on_done is not called.
  absl::Status Add(GenerationJob job);

  // Advances every unfinished candidate by one token and computes the
  // prompts of jobs added since, all in one model step (a prompt joins the
  // running batch instead of costing a step of its own); finishes the jobs
  // whose candidates have all ended. A model failure ends the jobs of that
  // model with the error.
  void Step();

  // Ends every job with `status` (on_done) and forgets them.
  void CancelAll(const absl::Status& status);

  // Candidates not yet finished, over all jobs.
  int active_candidates() const;
  bool empty() const { return active_candidates() == 0; }

 private:
  struct Job;
  // After the step that computed `job`'s prompt: caches the prompt, copies it
  // to the other candidates and hands every candidate `logits`.
  absl::Status FinishPrompt(Job& job, std::vector<float> logits);

  std::vector<std::unique_ptr<Job>> jobs_;
  PrefixCache prefix_cache_;
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_GENERATION_BATCH_DECODER_H_
