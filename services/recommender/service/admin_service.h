// aigc.recommender.v1.RecommenderAdminService: background training (Train,
// GetTrainingJob, see training_jobs.h) and the served models' lifecycle
// (ReloadModel, GetModelStatus) over the runtime's model repository. Admin
// only: the deployment must keep it internal (the gateway guards it).
#ifndef AIGC_SERVICES_RECOMMENDER_SERVICE_ADMIN_SERVICE_H_
#define AIGC_SERVICES_RECOMMENDER_SERVICE_ADMIN_SERVICE_H_

#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/runtime/model_repository.h"
#include "services/recommender/service/training_jobs.h"

namespace aigc::recommender {

// Thread-safe. Nothing is owned; everything must outlive the service.
class RecommenderAdminServiceImpl : public v1::RecommenderAdminService::CallbackService {
 public:
  RecommenderAdminServiceImpl(TrainingJobs* jobs, aigc::runtime::ModelRepository* models,
                              v1::Algorithm default_algorithm)
      : jobs_(jobs), models_(models), default_algorithm_(default_algorithm) {}

  grpc::ServerUnaryReactor* Train(grpc::CallbackServerContext* context,
                                  const v1::TrainRequest* request,
                                  v1::TrainResponse* response) override;
  grpc::ServerUnaryReactor* GetTrainingJob(grpc::CallbackServerContext* context,
                                           const v1::GetTrainingJobRequest* request,
                                           v1::GetTrainingJobResponse* response) override;
  // Loads synchronously (EASE's weights take about a second) and answers when
  // done; checksum mismatches are FAILED_PRECONDITION, the old version
  // serving on.
  grpc::ServerUnaryReactor* ReloadModel(grpc::CallbackServerContext* context,
                                        const v1::ReloadModelRequest* request,
                                        v1::ReloadModelResponse* response) override;
  grpc::ServerUnaryReactor* GetModelStatus(grpc::CallbackServerContext* context,
                                           const v1::GetModelStatusRequest* request,
                                           v1::GetModelStatusResponse* response) override;

 private:
  // Status of `algorithm`'s model as the repository reports it.
  v1::ModelStatus StatusOf(v1::Algorithm algorithm) const;

  TrainingJobs* const jobs_;
  aigc::runtime::ModelRepository* const models_;
  const v1::Algorithm default_algorithm_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVICE_ADMIN_SERVICE_H_
