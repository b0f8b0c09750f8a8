#include "common/runtime/model_repository_service.h"

#include <string>
#include <thread>

#include "common/status/status.h"
#include "google/protobuf/util/time_util.h"

namespace aigc::runtime {

v1::ModelStatus ToProto(const ModelStatus& status) {
  v1::ModelStatus proto;
  proto.set_name(status.name);
  if (!status.last_error.empty()) {
    proto.set_state(v1::MODEL_STATE_FAILED);
  } else {
    proto.set_state(status.serving_version != 0 ? v1::MODEL_STATE_READY
                                                : v1::MODEL_STATE_NOT_LOADED);
  }
  proto.set_serving_version(status.serving_version);
  proto.set_pinned_version(status.pinned_version);
  for (int64_t version : status.available_versions) proto.add_available_versions(version);
  if (status.serving_version != 0) {
    *proto.mutable_loaded_time() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
        absl::ToUnixNanos(status.loaded_time));
  }
  proto.set_last_error(status.last_error);
  proto.set_failed_version(status.failed_version);
  return proto;
}

grpc::ServerUnaryReactor* ModelRepositoryService::ListModels(
    grpc::CallbackServerContext* context, const v1::ListModelsRequest* /*request*/,
    v1::ListModelsResponse* response) {
  for (const ModelStatus& status : repository_->Status()) {
    *response->add_models() = ToProto(status);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* ModelRepositoryService::ReloadModel(
    grpc::CallbackServerContext* context, const v1::ReloadModelRequest* request,
    v1::ReloadModelResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (request->name().empty()) {
    reactor->Finish(status::ToGrpcStatus(status::InvalidField("name", "required")));
    return reactor;
  }
  if (request->version() < 0) {
    reactor->Finish(status::ToGrpcStatus(
        status::InvalidField("version", "must be >= 0 (0 = highest available)")));
    return reactor;
  }
  std::thread([this, reactor, name = request->name(), version = request->version(),
               response] {
    const absl::Status reloaded = repository_->Reload(name, version);
    if (reloaded.ok()) {
      for (const ModelStatus& status : repository_->Status()) {
        if (status.name == name) *response->mutable_model() = ToProto(status);
      }
    }
    // Last statement: once finished, the server may destroy this service.
    reactor->Finish(status::ToGrpcStatus(reloaded));
  }).detach();
  return reactor;
}

}  // namespace aigc::runtime
