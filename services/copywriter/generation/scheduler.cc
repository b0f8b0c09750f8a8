#include "services/copywriter/generation/scheduler.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace aigc::copywriter {

DecodeScheduler::DecodeScheduler(SchedulerOptions options)
    : options_{.max_jobs = std::max(1, options.max_jobs),
               .max_batch_candidates = std::max(kMaxCandidates, options.max_batch_candidates)},
      thread_([this] { Loop(); }) {}

DecodeScheduler::~DecodeScheduler() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

absl::Status DecodeScheduler::Submit(GenerationJob job) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("the copywriter is shutting down");
  if (in_flight_ >= options_.max_jobs) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "generation queue full: ", in_flight_, " requests in flight; retry later"));
  }
  ++in_flight_;
  // The job counts as in flight until its on_done has run.
  job.on_done = [this, done = std::move(job.on_done)](
                    absl::StatusOr<std::vector<GeneratedText>> result) {
    done(std::move(result));
    absl::MutexLock lock(&mu_);
    --in_flight_;
  };
  queue_.push_back(std::move(job));
  return absl::OkStatus();
}

int DecodeScheduler::jobs_in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

void DecodeScheduler::Loop() {
  while (true) {
    std::vector<GenerationJob> admitted;
    {
      absl::MutexLock lock(&mu_);
      if (decoder_.empty()) {
        mu_.Await(absl::Condition(
            +[](DecodeScheduler* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
              return self->stopping_ || !self->queue_.empty();
            },
            this));
      }
      if (stopping_) break;
      int active = decoder_.active_candidates();
      while (!queue_.empty() &&
             active + queue_.front().request.n <= options_.max_batch_candidates) {
        active += queue_.front().request.n;
        admitted.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    for (GenerationJob& job : admitted) {
      auto on_done = job.on_done;
      if (absl::Status added = decoder_.Add(std::move(job)); !added.ok()) on_done(added);
    }
    if (!decoder_.empty()) decoder_.Step();
  }
  const absl::Status shutting_down = absl::UnavailableError("the copywriter is shutting down");
  decoder_.CancelAll(shutting_down);
  std::deque<GenerationJob> waiting;
  {
    absl::MutexLock lock(&mu_);
    waiting.swap(queue_);
  }
  for (GenerationJob& job : waiting) job.on_done(shutting_down);
}

}  // namespace aigc::copywriter
