#include "services/recommender/service/admin_service.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/unary_call.h"
#include "common/status/status.h"
#include "google/protobuf/util/time_util.h"
#include "services/recommender/repository/rec_models.h"

namespace aigc::recommender {

using rpc::AnswerUnary;
namespace {

using google::protobuf::util::TimeUtil;

absl::Status CheckAlgorithm(int value, absl::string_view field) {
  if (!v1::Algorithm_IsValid(value)) {
    return status::InvalidField(field, absl::StrCat("not an algorithm: ", value));
  }
  if (value == v1::ALGORITHM_HYBRID) {
    return status::InvalidField(field, "the hybrid has no model of its own");
  }
  return absl::OkStatus();
}

// The algorithms a request names, or every trainable one when unset.
std::vector<v1::Algorithm> Selected(v1::Algorithm algorithm) {
  if (algorithm != v1::ALGORITHM_UNSPECIFIED) return {algorithm};
  return TrainableAlgorithms();
}

}  // namespace

v1::ModelStatus RecommenderAdminServiceImpl::StatusOf(v1::Algorithm algorithm) const {
  v1::ModelStatus status;
  status.set_algorithm(algorithm);
  status.set_is_default(algorithm == default_algorithm_);
  status.set_state(v1::MODEL_STATE_NOT_LOADED);
  const std::string name = RepositoryModelName(algorithm);
  for (const runtime::ModelStatus& model : models_->Status()) {
    if (model.name != name) continue;
    if (!model.last_error.empty()) {
      status.set_state(v1::MODEL_STATE_FAILED);
      status.set_message(absl::StrCat("version ", model.failed_version, ": ", model.last_error));
    }
  }
  if (auto loaded = models_->Get(name)) {
    if (status.state() != v1::MODEL_STATE_FAILED) status.set_state(v1::MODEL_STATE_READY);
    status.mutable_model()->set_name(name);
    status.mutable_model()->set_version(absl::StrCat(loaded->version()));
    *status.mutable_loaded_time() =
        TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(loaded->loaded_time));
    for (const auto& [key, value] : ManifestMetrics(loaded->manifest)) {
      (*status.mutable_metrics())[key] = value;
    }
    if (const RecModel* model = AsRecModel(*loaded)) {
      status.set_num_users(model->users().size());
      status.set_num_items(model->items().size());
    }
  }
  return status;
}

grpc::ServerUnaryReactor* RecommenderAdminServiceImpl::Train(grpc::CallbackServerContext* context,
                                                             const v1::TrainRequest* request,
                                                             v1::TrainResponse* response) {
  return AnswerUnary(context, "Train", request->metadata(), response->mutable_metadata(),
                     [&](absl::Time) -> absl::Status {
                       AIGC_ASSIGN_OR_RETURN(*response->mutable_job(), jobs_->Submit(*request));
                       response->set_job_id(response->job().job_id());
                       return absl::OkStatus();
                     });
}

grpc::ServerUnaryReactor* RecommenderAdminServiceImpl::GetTrainingJob(
    grpc::CallbackServerContext* context, const v1::GetTrainingJobRequest* request,
    v1::GetTrainingJobResponse* response) {
  return AnswerUnary(context, "GetTrainingJob", request->metadata(), response->mutable_metadata(),
                     [&](absl::Time) -> absl::Status {
                       if (request->job_id().empty()) {
                         return status::InvalidField("job_id", "required");
                       }
                       AIGC_ASSIGN_OR_RETURN(*response->mutable_job(),
                                             jobs_->Get(request->job_id()));
                       return absl::OkStatus();
                     });
}

grpc::ServerUnaryReactor* RecommenderAdminServiceImpl::ReloadModel(
    grpc::CallbackServerContext* context, const v1::ReloadModelRequest* request,
    v1::ReloadModelResponse* response) {
  return AnswerUnary(
      context, "ReloadModel", request->metadata(), response->mutable_metadata(),
      [&](absl::Time) -> absl::Status {
        AIGC_RETURN_IF_ERROR(CheckAlgorithm(request->algorithm(), "algorithm"));
        int64_t version = 0;
        if (!request->version().empty()) {
          if (request->algorithm() == v1::ALGORITHM_UNSPECIFIED) {
            return status::InvalidField("version", "pinning a version needs `algorithm`");
          }
          if (!absl::SimpleAtoi(request->version(), &version) || version <= 0) {
            return status::InvalidField(
                "version", absl::StrCat("not a version: \"", request->version(), "\""));
          }
        }
        for (v1::Algorithm algorithm : Selected(request->algorithm())) {
          const absl::Status reloaded = models_->Reload(RepositoryModelName(algorithm), version);
          if (reloaded.code() == absl::StatusCode::kDataLoss) {
            return absl::FailedPreconditionError(reloaded.message());
          }
          // Without a pin, an algorithm never trained is reported, not an error.
          if (!reloaded.ok() && (version != 0 || reloaded.code() != absl::StatusCode::kNotFound)) {
            return reloaded;
          }
          *response->add_models() = StatusOf(algorithm);
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecommenderAdminServiceImpl::GetModelStatus(
    grpc::CallbackServerContext* context, const v1::GetModelStatusRequest* request,
    v1::GetModelStatusResponse* response) {
  return AnswerUnary(context, "GetModelStatus", request->metadata(), response->mutable_metadata(),
                     [&](absl::Time) -> absl::Status {
                       AIGC_RETURN_IF_ERROR(CheckAlgorithm(request->algorithm(), "algorithm"));
                       for (v1::Algorithm algorithm : Selected(request->algorithm())) {
                         *response->add_models() = StatusOf(algorithm);
                       }
                       response->set_default_algorithm(default_algorithm_);
                       return absl::OkStatus();
                     });
}

}  // namespace aigc::recommender
