// TrainingJobs: the admin Train RPC's background jobs. One job trains at a
// time on a worker thread, over a snapshot of the store, publishes new model
// versions to the repository and (unless told not to) swaps them in. Job
// records live in the store's meta ("training_job/<id>"), so GetTrainingJob
// answers across restarts.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_TRAINING_JOBS_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_TRAINING_JOBS_H_

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "common/runtime/model_repository.h"
#include "services/recommender/store/store.h"

namespace aigc::recommender {

struct TrainingJobsOptions {
  // Training threads per job (>= 1).
  int threads = 1;
};

// Thread-safe.
class TrainingJobs {
 public:
  // Loads the job records of `store`; a job left QUEUED or RUNNING by a
  // previous process is marked FAILED ("interrupted"). Starts the worker.
  // `store` and `models` are not owned and must outlive this object. Fails
  // with the store's error.
  static absl::StatusOr<std::unique_ptr<TrainingJobs>> Create(
      Store* store, aigc::runtime::ModelRepository* models, TrainingJobsOptions options);
  // Cancels the running job (it ends CANCELLED), drops queued ones
  // (CANCELLED) and joins the worker.
  ~TrainingJobs();
  TrainingJobs(const TrainingJobs&) = delete;
  TrainingJobs& operator=(const TrainingJobs&) = delete;

  // Queues a job for `request` and returns it (QUEUED). INVALID_ARGUMENT for
  // an UNSPECIFIED or unknown algorithm ("algorithms[i]") or a bad
  // hyperparameter ("hyperparameters[<key>]"); FAILED_PRECONDITION naming the
  // job when one of the algorithms is already queued or running.
  absl::StatusOr<aigc::recommender::v1::TrainingJob> Submit(
      const aigc::recommender::v1::TrainRequest& request);

  // A job's current state; NOT_FOUND "job_id" when unknown.
  absl::StatusOr<aigc::recommender::v1::TrainingJob> Get(absl::string_view job_id) const;

 private:
  TrainingJobs(Store* store, aigc::runtime::ModelRepository* models, TrainingJobsOptions options,
               std::map<std::string, aigc::recommender::v1::TrainingJob> jobs);
  void WorkerLoop();
  void Run(const std::string& job_id, const aigc::recommender::v1::TrainRequest& request);
  // Persists and replaces job `job.job_id()`; store errors are logged (the
  // in-memory record stays authoritative for this process).
  void Save(const aigc::recommender::v1::TrainingJob& job) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store* const store_;
  aigc::runtime::ModelRepository* const models_;
  const TrainingJobsOptions options_;

  mutable absl::Mutex mu_;
  std::map<std::string, aigc::recommender::v1::TrainingJob> jobs_ ABSL_GUARDED_BY(mu_);
  std::deque<std::pair<std::string, aigc::recommender::v1::TrainRequest>> queue_
      ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t next_number_ ABSL_GUARDED_BY(mu_) = 1;
  std::thread worker_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_TRAINING_JOBS_H_
