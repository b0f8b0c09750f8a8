// Tasks run at a given time on one thread of their own: the gateway's hedged
// calls start their second attempt from here. Tasks must not block.
#ifndef AIGC_SERVICES_GATEWAY_SERVICE_DELAYED_TASKS_H_
#define AIGC_SERVICES_GATEWAY_SERVICE_DELAYED_TASKS_H_

#include <cstdint>
#include <map>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace aigc::gateway {

class DelayedTasks {
 public:
  DelayedTasks();
  // Stops the thread; tasks not yet run are dropped (destroyed unrun).
  ~DelayedTasks();
  DelayedTasks(const DelayedTasks&) = delete;
  DelayedTasks& operator=(const DelayedTasks&) = delete;

  // Runs `task` at `at` (at once when that has passed). Thread-safe.
  void Schedule(absl::Time at, absl::AnyInvocable<void()> task);

 private:
  void Loop();

  absl::Mutex mu_;
  // By time, then by order of scheduling.
  std::map<std::pair<absl::Time, uint64_t>, absl::AnyInvocable<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace aigc::gateway

#endif  // AIGC_SERVICES_GATEWAY_SERVICE_DELAYED_TASKS_H_
