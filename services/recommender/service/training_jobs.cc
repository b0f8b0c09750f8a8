#include "services/recommender/service/training_jobs.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status/status.h"
#include "glog/logging.h"
#include "google/protobuf/util/time_util.h"
#include "services/recommender/repository/rec_models.h"
#include "services/recommender/training/trainer.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using google::protobuf::util::TimeUtil;

constexpr absl::string_view kMetaPrefix = "training_job/";
constexpr int kMaxHyperparameters = 64;

google::protobuf::Timestamp Now() {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(absl::Now()));
}

bool Ended(v1::JobState state) {
  return state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED ||
         state == v1::JOB_STATE_CANCELLED;
}

// The algorithms a request trains: its list without duplicates, or every
// trainable algorithm.
absl::StatusOr<std::vector<v1::Algorithm>> RequestedAlgorithms(const v1::TrainRequest& request) {
  std::vector<v1::Algorithm> algorithms;
  for (int i = 0; i < request.algorithms_size(); ++i) {
    const int value = request.algorithms(i);
    if (!v1::Algorithm_IsValid(value) || value == v1::ALGORITHM_UNSPECIFIED) {
      return status::InvalidField(absl::StrCat("algorithms[", i, "]"),
                                  absl::StrCat("not an algorithm: ", value));
    }
    const auto algorithm = static_cast<v1::Algorithm>(value);
    if (std::find(algorithms.begin(), algorithms.end(), algorithm) == algorithms.end()) {
      algorithms.push_back(algorithm);
    }
  }
  if (algorithms.empty()) algorithms = TrainableAlgorithms();
  return algorithms;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TrainingJobs>> TrainingJobs::Create(Store* store,
                                                                   runtime::ModelRepository* models,
                                                                   TrainingJobsOptions options) {
  std::map<std::string, v1::TrainingJob> jobs;
  absl::Status parse_error;
  AIGC_RETURN_IF_ERROR(
      store->ForEachMeta(kMetaPrefix, [&](absl::string_view key, absl::string_view value) {
        v1::TrainingJob job;
        if (!job.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parse_error = absl::DataLossError(absl::StrCat("meta[", key, "] is not a TrainingJob"));
          return false;
        }
        if (!Ended(job.state())) {
          job.set_state(v1::JOB_STATE_FAILED);
          job.set_message("interrupted: the server stopped before the job ended");
          *job.mutable_end_time() = Now();
        }
        jobs[job.job_id()] = std::move(job);
        return true;
      }));
  AIGC_RETURN_IF_ERROR(parse_error);
  return std::unique_ptr<TrainingJobs>(new TrainingJobs(store, models, options, std::move(jobs)));
}

TrainingJobs::TrainingJobs(Store* store, runtime::ModelRepository* models,
                           TrainingJobsOptions options, std::map<std::string, v1::TrainingJob> jobs)
    : store_(store), models_(models), options_(options), jobs_(std::move(jobs)) {
  absl::MutexLock lock(&mu_);
  for (const auto& [id, job] : jobs_) Save(job);  // persists the "interrupted" ones
  next_number_ = static_cast<int64_t>(jobs_.size()) + 1;
  worker_ = std::thread([this] { WorkerLoop(); });
}

TrainingJobs::~TrainingJobs() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  worker_.join();
}

absl::StatusOr<v1::TrainingJob> TrainingJobs::Submit(const v1::TrainRequest& request) {
  AIGC_ASSIGN_OR_RETURN(const std::vector<v1::Algorithm> algorithms, RequestedAlgorithms(request));
  if (request.hyperparameters_size() > kMaxHyperparameters) {
    return status::InvalidField("hyperparameters",
                                absl::StrCat("at most ", kMaxHyperparameters, " entries"));
  }
  AIGC_RETURN_IF_ERROR(
      Hyperparameters::Parse(std::map<std::string, std::string>(request.hyperparameters().begin(),
                                                                request.hyperparameters().end()))
          .status());
  absl::MutexLock lock(&mu_);
  for (const auto& [id, job] : jobs_) {
    if (Ended(job.state())) continue;
    for (int algorithm : job.algorithms()) {
      if (std::find(algorithms.begin(), algorithms.end(), algorithm) != algorithms.end()) {
        return absl::FailedPreconditionError(
            absl::StrCat("job ", id, " already trains ",
                         v1::Algorithm_Name(static_cast<v1::Algorithm>(algorithm))));
      }
    }
  }
  v1::TrainingJob job;
  job.set_job_id(absl::StrCat("train-",
                              absl::FormatTime("%Y%m%d-%H%M%S", absl::Now(), absl::UTCTimeZone()),
                              "-", next_number_++));
  for (v1::Algorithm algorithm : algorithms) job.add_algorithms(algorithm);
  job.set_state(v1::JOB_STATE_QUEUED);
  *job.mutable_create_time() = Now();
  Save(job);
  queue_.emplace_back(job.job_id(), request);
  return job;
}

absl::StatusOr<v1::TrainingJob> TrainingJobs::Get(absl::string_view job_id) const {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(std::string(job_id));
  if (it == jobs_.end()) {
    return absl::NotFoundError(absl::StrCat("job_id: no training job \"", job_id, "\""));
  }
  return it->second;
}

void TrainingJobs::Save(const v1::TrainingJob& job) {
  jobs_[job.job_id()] = job;
  const absl::Status status =
      store_->PutMeta(absl::StrCat(kMetaPrefix, job.job_id()), job.SerializeAsString());
  if (!status.ok()) LOG(ERROR) << "cannot persist training job " << job.job_id() << ": " << status;
}

void TrainingJobs::WorkerLoop() {
  while (true) {
    std::pair<std::string, v1::TrainRequest> next;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](TrainingJobs* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->queue_.empty();
          },
          this));
      if (stopping_) {
        for (const auto& [id, request] : queue_) {
          v1::TrainingJob job = jobs_[id];
          job.set_state(v1::JOB_STATE_CANCELLED);
          job.set_message("cancelled: the server stopped");
          *job.mutable_end_time() = Now();
          Save(job);
        }
        queue_.clear();
        return;
      }
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    Run(next.first, next.second);
  }
}

void TrainingJobs::Run(const std::string& job_id, const v1::TrainRequest& request) {
  const auto update = [&](const std::function<void(v1::TrainingJob&)>& change, bool persist) {
    absl::MutexLock lock(&mu_);
    v1::TrainingJob job = jobs_[job_id];
    change(job);
    if (persist) {
      Save(job);
    } else {
      jobs_[job_id] = std::move(job);
    }
  };
  update(
      [](v1::TrainingJob& job) {
        job.set_state(v1::JOB_STATE_RUNNING);
        *job.mutable_start_time() = Now();
        job.set_message("reading the store");
      },
      /*persist=*/true);

  TrainRunOptions options;
  v1::TrainingJob snapshot = *Get(job_id);
  for (int algorithm : snapshot.algorithms()) {
    options.algorithms.push_back(static_cast<v1::Algorithm>(algorithm));
  }
  options.params = *Hyperparameters::Parse(std::map<std::string, std::string>(
      request.hyperparameters().begin(), request.hyperparameters().end()));
  options.evaluate = !request.has_evaluate() || request.evaluate();
  options.repository = models_->options().root;
  options.created_by = absl::StrCat("RecommenderAdminService/Train ", job_id);
  options.context.threads = options_.threads;
  options.context.progress = [&](double fraction, absl::string_view message) {
    update(
        [&](v1::TrainingJob& job) {
          // Monotonic, as the contract promises.
          job.set_progress(std::max(job.progress(), std::min(fraction, 1.0)));
          job.set_message(std::string(message));
        },
        /*persist=*/false);
  };
  options.context.cancelled = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };

  absl::StatusOr<TrainRunResult> result = [&]() -> absl::StatusOr<TrainRunResult> {
    AIGC_ASSIGN_OR_RETURN(const TrainingSet set, TrainingSetFromStore(*store_));
    AIGC_ASSIGN_OR_RETURN(TrainRunResult run, TrainAndPublish(set, options));
    if (!request.has_activate() || request.activate()) {
      for (const auto& [algorithm, manifest] : run.published) {
        AIGC_RETURN_IF_ERROR(models_->Reload(manifest.name()));
      }
    }
    return run;
  }();
  update(
      [&](v1::TrainingJob& job) {
        *job.mutable_end_time() = Now();
        if (!result.ok()) {
          job.set_state(result.status().code() == absl::StatusCode::kCancelled
                            ? v1::JOB_STATE_CANCELLED
                            : v1::JOB_STATE_FAILED);
          job.set_message(std::string(result.status().message()));
          return;
        }
        job.set_state(v1::JOB_STATE_SUCCEEDED);
        job.set_progress(1.0);
        std::vector<std::string> versions;
        for (const auto& [algorithm, manifest] : result->published) {
          auto* ref = job.add_produced_models();
          ref->set_name(manifest.name());
          ref->set_version(absl::StrCat(manifest.version()));
          versions.push_back(absl::StrCat(manifest.name(), " v", manifest.version()));
        }
        job.set_message(absl::StrCat("published ", absl::StrJoin(versions, ", ")));
        // Keys "<ALGORITHM>/<metric>", e.g. "ALS/ndcg@10", as the contract shows.
        for (const auto& [key, value] : result->metrics) {
          const size_t slash = key.find('/');
          (*job.mutable_metrics())[absl::StrCat(absl::AsciiStrToUpper(key.substr(0, slash)),
                                                key.substr(slash))] = value;
        }
      },
      /*persist=*/true);
  LOG(INFO) << "training job " << job_id << ": " << Get(job_id)->message();
}

}  // namespace aigc::recommender
