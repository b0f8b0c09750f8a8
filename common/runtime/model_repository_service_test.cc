#include "common/runtime/model_repository_service.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/runtime/torch_module.h"
#include "common/server/server.h"
#include "common/server/serving_options.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

AIGC_DEFINE_PORT_FLAGS(0, 0);

namespace aigc::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

void PublishIdentity(const fs::path& root, int64_t version) {
  google::protobuf::Struct config;
  (*config.mutable_fields())["input_dim"].set_number_value(2);
  (*config.mutable_fields())["hidden_dims"].mutable_list_value();
  (*config.mutable_fields())["output_dim"].set_number_value(2);
  auto module = BuildArchitecture("mlp", config);
  ASSERT_TRUE(module.ok());
  ModelManifest manifest;
  manifest.set_name("identity");
  manifest.set_version(version);
  manifest.set_architecture("mlp");
  *manifest.mutable_config() = config;
  for (auto* specs : {manifest.mutable_inputs(), manifest.mutable_outputs()}) {
    TensorSpec* spec = specs->Add();
    spec->set_name("v");
    spec->set_dtype(v1::DATA_TYPE_FLOAT32);
    spec->add_shape(2);
  }
  ASSERT_TRUE(PublishTorchModule(root, manifest, **module).ok());
}

class ModelRepositoryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) / "repository_service_test";
    fs::remove_all(root_);
    fs::create_directories(root_);
    PublishIdentity(root_, 1);
    ModelRepositoryOptions options;
    options.root = root_;
    auto repository = ModelRepository::Create(options, &metrics_);
    ASSERT_TRUE(repository.ok());
    repository_ = *std::move(repository);
    const absl::Status added = repository_->AddModel("identity");
    ASSERT_TRUE(added.ok()) << added;
    service_ = std::make_unique<ModelRepositoryService>(repository_.get());

    auto server = server::Server::Create("repository-service-test", server::ServingOptions());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    server_->AddService(service_.get(), ModelRepositoryService::kServiceName);
    ASSERT_TRUE(server_->Start().ok());
    stub_ = v1::ModelRepositoryService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  grpc::Status Reload(const std::string& name, int64_t version,
                      v1::ReloadModelResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ReloadModelRequest request;
    request.set_name(name);
    request.set_version(version);
    return stub_->ReloadModel(&context, request, response);
  }

  v1::ListModelsResponse List() {
    grpc::ClientContext context;
    v1::ListModelsResponse response;
    EXPECT_TRUE(stub_->ListModels(&context, v1::ListModelsRequest(), &response).ok());
    return response;
  }

  fs::path root_;
  prometheus::Registry registry_;
  InferenceMetrics metrics_{registry_};
  std::unique_ptr<ModelRepository> repository_;
  std::unique_ptr<ModelRepositoryService> service_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<v1::ModelRepositoryService::Stub> stub_;
};

TEST_F(ModelRepositoryServiceTest, ListsTheServingVersion) {
  const v1::ListModelsResponse response = List();
  ASSERT_EQ(response.models_size(), 1);
  EXPECT_EQ(response.models(0).name(), "identity");
  EXPECT_EQ(response.models(0).state(), v1::MODEL_STATE_READY);
  EXPECT_EQ(response.models(0).serving_version(), 1);
  EXPECT_TRUE(response.models(0).has_loaded_time());
}

TEST_F(ModelRepositoryServiceTest, ReloadSwapsInANewVersion) {
  PublishIdentity(root_, 2);
  v1::ReloadModelResponse response;
  ASSERT_TRUE(Reload("identity", 0, &response).ok());
  EXPECT_EQ(response.model().serving_version(), 2);
  EXPECT_THAT(response.model().available_versions(), ::testing::ElementsAre(1, 2));
  ASSERT_TRUE(Reload("identity", 1, &response).ok());
  EXPECT_EQ(response.model().serving_version(), 1);
  EXPECT_EQ(response.model().pinned_version(), 1);
}

TEST_F(ModelRepositoryServiceTest, FailedReloadReportsTheErrorAndKeepsServing) {
  PublishIdentity(root_, 2);
  std::ofstream(root_ / "identity" / "2" / "model.pt", std::ios::app) << "tampered";
  v1::ReloadModelResponse response;
  const grpc::Status status = Reload("identity", 0, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(status.error_message(), HasSubstr("sha256 mismatch"));

  const v1::ListModelsResponse listed = List();
  EXPECT_EQ(listed.models(0).state(), v1::MODEL_STATE_FAILED);
  EXPECT_EQ(listed.models(0).serving_version(), 1);
  EXPECT_EQ(listed.models(0).failed_version(), 2);
  EXPECT_THAT(listed.models(0).last_error(), HasSubstr("sha256 mismatch"));
}

TEST_F(ModelRepositoryServiceTest, BadRequestsGetTheRightCodes) {
  v1::ReloadModelResponse response;
  grpc::Status status = Reload("", 0, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("name"));
  status = Reload("identity", -1, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("version"));
  EXPECT_EQ(Reload("unknown", 0, &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Reload("identity", 9, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace aigc::runtime
