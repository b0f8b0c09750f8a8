#include "services/gateway/service/delayed_tasks.h"

#include "absl/time/clock.h"

namespace aigc::gateway {

DelayedTasks::DelayedTasks() : thread_([this] { Loop(); }) {}

DelayedTasks::~DelayedTasks() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  tasks_.clear();
}

void DelayedTasks::Schedule(absl::Time at, absl::AnyInvocable<void()> task) {
  absl::MutexLock lock(&mu_);
  tasks_.emplace(std::make_pair(at, next_id_++), std::move(task));
}

void DelayedTasks::Loop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    if (tasks_.empty()) {
      mu_.Await(absl::Condition(
          +[](DelayedTasks* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->tasks_.empty();
          },
          this));
      continue;
    }
    const absl::Time first = tasks_.begin()->first.first;
    if (absl::Now() < first) {
      // Wakes at the first task's time, or earlier for a new or earlier task
      // (any change to the map) or a stop.
      const size_t size = tasks_.size();
      struct Changed {
        DelayedTasks* self;
        size_t size;
        absl::Time first;
        bool operator()() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
          return self->stopping_ || self->tasks_.size() != size ||
                 self->tasks_.begin()->first.first != first;
        }
      } changed{this, size, first};
      mu_.AwaitWithDeadline(absl::Condition(&changed), first);
      continue;
    }
    absl::AnyInvocable<void()> task = std::move(tasks_.begin()->second);
    tasks_.erase(tasks_.begin());
    mu_.Unlock();
    task();
    mu_.Lock();
  }
}

}  // namespace aigc::gateway
