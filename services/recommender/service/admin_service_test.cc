#include "services/recommender/service/admin_service.h"

#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/recommender/repository/rec_models.h"
#include "services/recommender/service/internal/temp_store.h"

namespace aigc::recommender {
namespace {

using internal::TempStore;
using internal::TestEvent;
using internal::TestItem;
using ::testing::HasSubstr;

class AdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(temp_.store(), nullptr);
    models_ = temp_.NewModelRepository(&inference_metrics_);
    ASSERT_NE(models_, nullptr);
    for (v1::Algorithm algorithm : TrainableAlgorithms()) {
      models_->AddModel(RepositoryModelName(algorithm)).IgnoreError();  // none published yet
    }
    StartJobs();
    service_ = std::make_unique<RecommenderAdminServiceImpl>(jobs_.get(), models_.get(),
                                                             v1::ALGORITHM_ITEM_KNN);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::RecommenderAdminService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  }

  void StartJobs() {
    auto jobs = TrainingJobs::Create(temp_.store(), models_.get(), {});
    ASSERT_TRUE(jobs.ok()) << jobs.status();
    jobs_ = *std::move(jobs);
  }

  // Six users, each with five of the six items, two taste groups.
  void SeedStore() {
    std::vector<common::v1::Product> items;
    for (int i = 0; i < 6; ++i) items.push_back(TestItem(absl::StrCat("p", i)));
    ASSERT_TRUE(temp_.store()->UpsertItems(items, absl::Now()).ok());
    std::vector<v1::Event> events;
    for (int u = 0; u < 6; ++u) {
      for (int i = 0; i < 6; ++i) {
        if (i == u) continue;
        v1::Event event =
            TestEvent(absl::StrCat("e", u, "_", i), absl::StrCat("u", u), absl::StrCat("p", i));
        event.mutable_event_time()->set_seconds(1000 + i);
        events.push_back(event);
      }
    }
    ASSERT_TRUE(temp_.store()->AppendEvents(events).ok());
  }

  grpc::Status Call(const v1::TrainRequest& request, v1::TrainResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return stub_->Train(&context, request, response);
  }

  // Polls until the job ends (bounded: 60 s).
  v1::TrainingJob WaitForJob(const std::string& job_id) {
    v1::GetTrainingJobResponse response;
    for (int attempt = 0; attempt < 3000; ++attempt) {
      v1::GetTrainingJobRequest request;
      request.set_job_id(job_id);
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      EXPECT_TRUE(stub_->GetTrainingJob(&context, request, &response).ok());
      const auto state = response.job().state();
      if (state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED ||
          state == v1::JOB_STATE_CANCELLED) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return response.job();
  }

  v1::ModelStatus Status(v1::Algorithm algorithm) {
    v1::GetModelStatusRequest request;
    request.set_algorithm(algorithm);
    v1::GetModelStatusResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(stub_->GetModelStatus(&context, request, &response).ok());
    EXPECT_EQ(response.default_algorithm(), v1::ALGORITHM_ITEM_KNN);
    return response.models_size() == 1 ? response.models(0) : v1::ModelStatus();
  }

  TempStore temp_;
  prometheus::Registry registry_;
  runtime::InferenceMetrics inference_metrics_{registry_};
  std::unique_ptr<runtime::ModelRepository> models_;
  std::unique_ptr<TrainingJobs> jobs_;
  std::unique_ptr<RecommenderAdminServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::unique_ptr<v1::RecommenderAdminService::Stub> stub_;
};

TEST_F(AdminServiceTest, TrainsInTheBackgroundAndSwapsTheNewVersionIn) {
  SeedStore();
  EXPECT_EQ(Status(v1::ALGORITHM_ITEM_KNN).state(), v1::MODEL_STATE_NOT_LOADED);
  v1::TrainRequest request;
  request.add_algorithms(v1::ALGORITHM_ITEM_KNN);
  request.add_algorithms(v1::ALGORITHM_POPULARITY);
  request.add_algorithms(v1::ALGORITHM_ITEM_KNN);  // duplicates are ignored
  v1::TrainResponse response;
  ASSERT_TRUE(Call(request, &response).ok());
  EXPECT_EQ(response.job().algorithms_size(), 2);
  EXPECT_EQ(response.job_id(), response.job().job_id());

  const v1::TrainingJob job = WaitForJob(response.job_id());
  ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.message();
  EXPECT_EQ(job.progress(), 1.0);
  EXPECT_EQ(job.produced_models_size(), 2);
  EXPECT_TRUE(job.metrics().contains("ITEM_KNN/ndcg@10")) << job.DebugString();
  EXPECT_TRUE(job.has_end_time());

  const v1::ModelStatus status = Status(v1::ALGORITHM_ITEM_KNN);
  EXPECT_EQ(status.state(), v1::MODEL_STATE_READY);
  EXPECT_EQ(status.model().name(), "rec-item-knn");
  EXPECT_EQ(status.model().version(), "1");
  EXPECT_EQ(status.num_items(), 6);
  EXPECT_EQ(status.num_users(), 6);
  EXPECT_TRUE(status.is_default());
  EXPECT_TRUE(status.metrics().contains("ndcg@10"));
}

TEST_F(AdminServiceTest, ReloadPinsAnOlderVersion) {
  SeedStore();
  v1::TrainRequest request;
  request.add_algorithms(v1::ALGORITHM_POPULARITY);
  request.set_evaluate(false);
  for (int run = 0; run < 2; ++run) {
    v1::TrainResponse response;
    ASSERT_TRUE(Call(request, &response).ok());
    ASSERT_EQ(WaitForJob(response.job_id()).state(), v1::JOB_STATE_SUCCEEDED);
  }
  EXPECT_EQ(Status(v1::ALGORITHM_POPULARITY).model().version(), "2");

  v1::ReloadModelRequest reload;
  reload.set_algorithm(v1::ALGORITHM_POPULARITY);
  reload.set_version("1");
  v1::ReloadModelResponse reloaded;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ReloadModel(&context, reload, &reloaded).ok());
  ASSERT_EQ(reloaded.models_size(), 1);
  EXPECT_EQ(reloaded.models(0).model().version(), "1");

  reload.set_version("9");
  grpc::ClientContext missing;
  EXPECT_EQ(stub_->ReloadModel(&missing, reload, &reloaded).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AdminServiceTest, AJobWithoutDataFailsWithTheReason) {
  v1::TrainRequest request;
  request.add_algorithms(v1::ALGORITHM_EASE);
  v1::TrainResponse response;
  ASSERT_TRUE(Call(request, &response).ok());
  const v1::TrainingJob job = WaitForJob(response.job_id());
  EXPECT_EQ(job.state(), v1::JOB_STATE_FAILED);
  EXPECT_THAT(job.message(), HasSubstr("no interactions"));
  EXPECT_EQ(job.produced_models_size(), 0);
}

TEST_F(AdminServiceTest, JobsOutliveARestart) {
  SeedStore();
  v1::TrainRequest request;
  request.add_algorithms(v1::ALGORITHM_POPULARITY);
  v1::TrainResponse response;
  ASSERT_TRUE(Call(request, &response).ok());
  ASSERT_EQ(WaitForJob(response.job_id()).state(), v1::JOB_STATE_SUCCEEDED);
  server_->Shutdown();
  server_.reset();
  jobs_.reset();
  StartJobs();
  auto job = jobs_->Get(response.job_id());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->state(), v1::JOB_STATE_SUCCEEDED);
}

TEST_F(AdminServiceTest, BadRequestsNameTheField) {
  const auto expect_invalid = [](const grpc::Status& status, const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(status.error_message(), HasSubstr(field + ":")) << status.error_message();
  };
  v1::TrainResponse trained;
  v1::TrainRequest unspecified;
  unspecified.add_algorithms(v1::ALGORITHM_UNSPECIFIED);
  expect_invalid(Call(unspecified, &trained), "algorithms[0]");
  v1::TrainRequest bad_parameter;
  (*bad_parameter.mutable_hyperparameters())["ease.lambda"] = "-1";
  expect_invalid(Call(bad_parameter, &trained), "hyperparameters[ease.lambda]");

  v1::GetTrainingJobResponse job;
  grpc::ClientContext empty_id;
  expect_invalid(stub_->GetTrainingJob(&empty_id, {}, &job), "job_id");
  v1::GetTrainingJobRequest unknown;
  unknown.set_job_id("train-nope");
  grpc::ClientContext unknown_context;
  EXPECT_EQ(stub_->GetTrainingJob(&unknown_context, unknown, &job).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ReloadModelResponse reloaded;
  v1::ReloadModelRequest no_algorithm;
  no_algorithm.set_version("1");
  grpc::ClientContext c1;
  expect_invalid(stub_->ReloadModel(&c1, no_algorithm, &reloaded), "version");
  v1::ReloadModelRequest bad_version;
  bad_version.set_algorithm(v1::ALGORITHM_EASE);
  bad_version.set_version("latest");
  grpc::ClientContext c2;
  expect_invalid(stub_->ReloadModel(&c2, bad_version, &reloaded), "version");
  v1::ReloadModelRequest hybrid;
  hybrid.set_algorithm(v1::ALGORITHM_HYBRID);
  grpc::ClientContext c3;
  expect_invalid(stub_->ReloadModel(&c3, hybrid, &reloaded), "algorithm");
}

}  // namespace
}  // namespace aigc::recommender
