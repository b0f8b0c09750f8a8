// aigc.runtime.v1.ModelRepositoryService over a ModelRepository: operators
// list model states and trigger reloads. Register it on every server that
// serves models:
//
//   ModelRepositoryService repository_service(repository.get());
//   server->AddService(&repository_service, ModelRepositoryService::kServiceName);
#ifndef AIGC_COMMON_RUNTIME_MODEL_REPOSITORY_SERVICE_H_
#define AIGC_COMMON_RUNTIME_MODEL_REPOSITORY_SERVICE_H_

#include "absl/strings/string_view.h"
#include "aigc/runtime/v1/model_repository.grpc.pb.h"
#include "common/runtime/model_repository.h"

namespace aigc::runtime {

class ModelRepositoryService final : public v1::ModelRepositoryService::CallbackService {
 public:
  static constexpr absl::string_view kServiceName = "aigc.runtime.v1.ModelRepositoryService";

  // `repository` is not owned and must outlive the service.
  explicit ModelRepositoryService(ModelRepository* repository) : repository_(repository) {}

  grpc::ServerUnaryReactor* ListModels(grpc::CallbackServerContext* context,
                                       const v1::ListModelsRequest* request,
                                       v1::ListModelsResponse* response) override;
  // Loads on a thread of its own: a load can take seconds and must not hold
  // one of gRPC's callback threads.
  grpc::ServerUnaryReactor* ReloadModel(grpc::CallbackServerContext* context,
                                        const v1::ReloadModelRequest* request,
                                        v1::ReloadModelResponse* response) override;

 private:
  ModelRepository* const repository_;
};

// The wire form of a model's status.
v1::ModelStatus ToProto(const ModelStatus& status);

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_MODEL_REPOSITORY_SERVICE_H_
