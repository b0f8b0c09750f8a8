// The service's decoding thread: every concurrent generation request (copy,
// streamed copy, live replies) is decoded by one BatchDecoder, so each model
// step advances all of them together (continuous batching: a request joins
// the batch as soon as there is room and leaves it when done).
#ifndef AIGC_SERVICES_COPYWRITER_GENERATION_SCHEDULER_H_
#define AIGC_SERVICES_COPYWRITER_GENERATION_SCHEDULER_H_

#include <deque>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/copywriter/generation/batch_decoder.h"

namespace aigc::copywriter {

struct SchedulerOptions {
  // Jobs accepted and not yet done (running or waiting); Submit beyond it is
  // RESOURCE_EXHAUSTED.
  int max_jobs = 64;
  // Candidates decoded together; a job waits until its n candidates fit.
  // At least kMaxCandidates.
  int max_batch_candidates = 32;
};

// Thread-safe. Callbacks of a job run on the scheduler's thread and must not
// block (they write to gRPC reactors, count metrics).
class DecodeScheduler {
 public:
  explicit DecodeScheduler(SchedulerOptions options);
  // Ends the jobs still waiting or running with UNAVAILABLE.
  ~DecodeScheduler();
  DecodeScheduler(const DecodeScheduler&) = delete;
  DecodeScheduler& operator=(const DecodeScheduler&) = delete;

  // Queues `job`. RESOURCE_EXHAUSTED when max_jobs are in flight. Errors of
  // the request itself (see Generate) reach job.on_done.
  absl::Status Submit(GenerationJob job);

  // Jobs accepted and not yet done.
  int jobs_in_flight() const;

 private:
  void Loop();

  const SchedulerOptions options_;
  mutable absl::Mutex mu_;
  std::deque<GenerationJob> queue_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  BatchDecoder decoder_;  // the loop thread's only
  std::thread thread_;
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_GENERATION_SCHEDULER_H_
