#include "common/runtime/model_repository.h"

#include <atomic>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/runtime/batcher.h"
#include "common/runtime/torch_backend.h"
#include "common/runtime/torch_module.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "tests/testing/prometheus_text.h"

namespace aigc::runtime {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int kDim = 4;

google::protobuf::Struct MlpConfig(int64_t dim) {
  google::protobuf::Struct config;
  (*config.mutable_fields())["input_dim"].set_number_value(dim);
  (*config.mutable_fields())["hidden_dims"].mutable_list_value();
  (*config.mutable_fields())["output_dim"].set_number_value(dim);
  return config;
}

void AddSpec(google::protobuf::RepeatedPtrField<TensorSpec>* specs, const std::string& name,
             DataType dtype, std::vector<int64_t> shape) {
  TensorSpec* spec = specs->Add();
  spec->set_name(name);
  spec->set_dtype(dtype);
  for (int64_t dim : shape) spec->add_shape(dim);
}

// A manifest for "scaler": one Linear layer (the mlp architecture with no
// hidden layer), float32[4] → float32[4].
ModelManifest ScalerManifest() {
  ModelManifest manifest;
  manifest.set_name("scaler");
  manifest.set_architecture("mlp");
  *manifest.mutable_config() = MlpConfig(kDim);
  AddSpec(manifest.mutable_inputs(), "x", v1::DATA_TYPE_FLOAT32, {kDim});
  AddSpec(manifest.mutable_outputs(), "y", v1::DATA_TYPE_FLOAT32, {kDim});
  manifest.set_created_by("model_repository_test");
  return manifest;
}

// Publishes version `version` of "scaler" computing y = scale · x.
ModelManifest PublishScaler(const fs::path& root, int64_t version, float scale) {
  auto module = BuildArchitecture("mlp", MlpConfig(kDim));
  EXPECT_TRUE(module.ok()) << module.status();
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : (*module)->named_parameters()) {
      if (parameter.key().ends_with("weight")) {
        parameter.value().copy_(torch::eye(kDim) * scale);
      } else {
        parameter.value().zero_();
      }
    }
  }
  ModelManifest manifest = ScalerManifest();
  manifest.set_version(version);
  auto published = PublishTorchModule(root, manifest, **module);
  EXPECT_TRUE(published.ok()) << published.status();
  return *published;
}

void RewriteManifest(const fs::path& version_dir, const ModelManifest& manifest) {
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(manifest, &json).ok());
  std::ofstream(version_dir / "manifest.json", std::ios::trunc) << json;
}

class ModelRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ConfigureThreads(2, 1).ok());
    root_ = fs::path(::testing::TempDir()) /
            absl::StrCat("repo_", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }

  std::unique_ptr<ModelRepository> MakeRepository(absl::Duration poll = absl::ZeroDuration()) {
    ModelRepositoryOptions options;
    options.root = root_;
    options.poll_interval = poll;
    auto repository = ModelRepository::Create(options, &metrics_);
    EXPECT_TRUE(repository.ok()) << repository.status();
    return *std::move(repository);
  }

  std::optional<double> Metric(const std::string& name,
                               const std::map<std::string, std::string>& labels) {
    const std::string text = prometheus::TextSerializer().Serialize(registry_.Collect());
    auto samples = testing::ParsePrometheusText(text);
    EXPECT_TRUE(samples.ok()) << samples.status();
    return testing::FindSample(*samples, name, labels);
  }

  // A batcher computing on whatever version `repository` serves as `name`;
  // null (and a test failure) when it cannot be created.
  std::unique_ptr<DynamicBatcher> BatcherFor(ModelRepository& repository, const std::string& name,
                                             const BatcherOptions& options = BatcherOptions()) {
    auto batcher = DynamicBatcher::Create(
        name, [&repository, name] { return repository.Get(name); }, options, &metrics_);
    EXPECT_TRUE(batcher.ok()) << batcher.status();
    return batcher.ok() ? *std::move(batcher) : nullptr;
  }

  static InferRequest Request(float value) {
    InferRequest request;
    request.inputs.push_back(Tensor::Float32({kDim}, std::vector<float>(kDim, value)));
    return request;
  }

  fs::path root_;
  prometheus::Registry registry_;
  InferenceMetrics metrics_{registry_};
};

TEST_F(ModelRepositoryTest, ServesTheHighestVersionOrThePinnedOne) {
  PublishScaler(root_, 1, 1.0f);
  PublishScaler(root_, 2, 2.0f);
  auto repository = MakeRepository();

  ASSERT_TRUE(repository->AddModel("scaler").ok());
  ASSERT_NE(repository->Get("scaler"), nullptr);
  EXPECT_EQ(repository->Get("scaler")->version(), 2);
  EXPECT_EQ(Metric("aigc_model_loaded", {{"model", "scaler"}, {"version", "2"}}), 1);

  ASSERT_TRUE(repository->Reload("scaler", 1).ok());
  EXPECT_EQ(repository->Get("scaler")->version(), 1);
  EXPECT_EQ(Metric("aigc_model_loaded", {{"model", "scaler"}, {"version", "2"}}), std::nullopt);
  EXPECT_EQ(repository->Status()[0].pinned_version, 1);
  EXPECT_EQ(repository->Reload("scaler", 7).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repository->Reload("absent").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repository->Get("absent"), nullptr);
}

TEST_F(ModelRepositoryTest, RealModelScattersEachCallersResultUnderConcurrency) {
  PublishScaler(root_, 1, 3.0f);
  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("scaler").ok());
  BatcherOptions options;
  options.max_batch_size = 16;
  options.max_queue_delay = absl::Milliseconds(2);
  auto batcher = BatcherFor(*repository, "scaler", options);
  ASSERT_NE(batcher, nullptr);

  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const float value = static_cast<float>(t * 100 + i);
        auto response = batcher->Infer(Request(value));
        if (!response.ok() ||
            response->outputs[0].float32() != std::vector<float>(kDim, 3.0f * value)) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(ModelRepositoryTest, ReloadUnderContinuousLoadFailsNoRequest) {
  PublishScaler(root_, 1, 1.0f);
  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("scaler").ok());
  BatcherOptions options;
  options.max_batch_size = 8;
  options.max_queue_delay = absl::Microseconds(500);
  auto batcher = BatcherFor(*repository, "scaler", options);
  ASSERT_NE(batcher, nullptr);

  constexpr int kThreads = 8;
  std::atomic<int> failed{0};
  std::atomic<int> inconsistent{0};
  std::atomic<int> went_back{0};
  std::atomic<int> answered_by_v2{0};
  std::atomic<int> answered_by_v1{0};
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int64_t last_version = 0;
      int v2_answers = 0;
      // Bounded: until this thread has 50 answers from version 2, at most 20000 requests or 60 s.
      for (int i = 0; i < 20000 && v2_answers < 50 && absl::Now() < give_up; ++i) {
        const float value = static_cast<float>(t * 100000 + i);
        auto response = batcher->Infer(Request(value));
        if (!response.ok()) {
          ++failed;
          continue;
        }
        const int64_t version = response->model_version;
        const float scale = version == 1 ? 1.0f : 2.0f;
        if (response->outputs[0].float32() != std::vector<float>(kDim, scale * value)) {
          ++inconsistent;
        }
        if (version < last_version) ++went_back;
        last_version = version;
        if (version == 2) {
          ++v2_answers;
          ++answered_by_v2;
        } else {
          ++answered_by_v1;
        }
      }
    });
  }
  // Let the load run on version 1, then publish version 2 and swap it in.
  while (answered_by_v1.load() < 200 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  PublishScaler(root_, 2, 2.0f);
  ASSERT_TRUE(repository->Reload("scaler").ok());
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_EQ(went_back.load(), 0);
  EXPECT_GE(answered_by_v1.load(), 200);
  EXPECT_EQ(answered_by_v2.load(), kThreads * 50);
  EXPECT_EQ(Metric("aigc_model_loaded", {{"model", "scaler"}, {"version", "2"}}), 1);
  EXPECT_EQ(Metric("aigc_model_loaded", {{"model", "scaler"}, {"version", "1"}}), std::nullopt);
  EXPECT_EQ(Metric("aigc_inference_requests_total",
                   {{"model", "scaler"}, {"version", "1"}, {"outcome", "ok"}}),
            answered_by_v1.load());
  EXPECT_EQ(Metric("aigc_inference_requests_total",
                   {{"model", "scaler"}, {"version", "2"}, {"outcome", "ok"}}),
            answered_by_v2.load());
}

TEST_F(ModelRepositoryTest, PollingPicksUpANewVersion) {
  PublishScaler(root_, 1, 1.0f);
  auto repository = MakeRepository(absl::Milliseconds(20));
  ASSERT_TRUE(repository->AddModel("scaler").ok());
  PublishScaler(root_, 2, 2.0f);
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (repository->Get("scaler")->version() != 2 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(repository->Get("scaler")->version(), 2);
}

// Each case breaks version 2 after version 1 serves.
struct BrokenVersionCase {
  std::string label;
  std::function<void(const fs::path& version_dir, const ModelManifest& published)> break_it;
  absl::StatusCode code;
  std::string message;
};

TEST_F(ModelRepositoryTest, BrokenVersionIsRefusedAndTheOldOneKeepsServing) {
  const std::vector<BrokenVersionCase> cases = {
      {"corrupt weights",
       [](const fs::path& dir, const ModelManifest&) {
         std::fstream file(dir / "model.pt", std::ios::in | std::ios::out | std::ios::binary);
         file.seekp(100);
         file.write("garbage!", 8);
       },
       absl::StatusCode::kDataLoss, "sha256 mismatch"},
      {"missing manifest",
       [](const fs::path& dir, const ModelManifest&) { fs::remove(dir / "manifest.json"); },
       absl::StatusCode::kNotFound, "missing"},
      {"wrong checksum",
       [](const fs::path& dir, const ModelManifest& published) {
         ModelManifest manifest = published;
         manifest.set_sha256(std::string(64, 'f'));
         RewriteManifest(dir, manifest);
       },
       absl::StatusCode::kDataLoss, "sha256 mismatch"},
      {"manifest not json",
       [](const fs::path& dir, const ModelManifest&) {
         std::ofstream(dir / "manifest.json", std::ios::trunc) << "{\"name\": ";
       },
       absl::StatusCode::kInvalidArgument, "not a valid manifest"},
      {"missing weights",
       [](const fs::path& dir, const ModelManifest&) { fs::remove(dir / "model.pt"); },
       absl::StatusCode::kNotFound, "model.pt"},
      {"garbage weights with a matching checksum",
       [](const fs::path& dir, const ModelManifest& published) {
         std::ofstream(dir / "model.pt", std::ios::trunc) << "not a torch archive";
         ModelManifest manifest = published;
         manifest.set_sha256(*Sha256OfFile(dir / "model.pt"));
         RewriteManifest(dir, manifest);
       },
       absl::StatusCode::kFailedPrecondition, "cannot load"},
      {"weights of another shape",
       [](const fs::path& dir, const ModelManifest& published) {
         ModelManifest manifest = published;
         *manifest.mutable_config() = MlpConfig(kDim + 1);
         RewriteManifest(dir, manifest);
       },
       absl::StatusCode::kFailedPrecondition, "has shape"},
      {"outputs unlike the manifest",
       [](const fs::path& dir, const ModelManifest& published) {
         ModelManifest manifest = published;
         manifest.mutable_outputs(0)->set_shape(0, kDim + 3);
         RewriteManifest(dir, manifest);
       },
       absl::StatusCode::kFailedPrecondition, "warm-up"},
      {"unknown architecture",
       [](const fs::path& dir, const ModelManifest& published) {
         ModelManifest manifest = published;
         manifest.set_architecture("no_such_architecture");
         RewriteManifest(dir, manifest);
       },
       absl::StatusCode::kNotFound, "no_such_architecture"},
  };
  for (const BrokenVersionCase& c : cases) {
    SCOPED_TRACE(c.label);
    fs::remove_all(root_);
    PublishScaler(root_, 1, 1.0f);
    prometheus::Registry registry;
    InferenceMetrics metrics(registry);
    ModelRepositoryOptions options;
    options.root = root_;
    auto repository = ModelRepository::Create(options, &metrics);
    ASSERT_TRUE(repository.ok());
    ASSERT_TRUE((*repository)->AddModel("scaler").ok());

    const ModelManifest published = PublishScaler(root_, 2, 2.0f);
    c.break_it(root_ / "scaler" / "2", published);
    const absl::Status reloaded = (*repository)->Reload("scaler");

    EXPECT_EQ(reloaded.code(), c.code) << reloaded;
    EXPECT_THAT(reloaded.message(), HasSubstr(c.message));
    EXPECT_THAT(reloaded.message(), HasSubstr("version 2"));
    ASSERT_NE((*repository)->Get("scaler"), nullptr);
    EXPECT_EQ((*repository)->Get("scaler")->version(), 1);
    const ModelStatus status = (*repository)->Status()[0];
    EXPECT_EQ(status.serving_version, 1);
    EXPECT_EQ(status.failed_version, 2);
    EXPECT_EQ(status.last_error, reloaded.message());
    const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
    EXPECT_THAT(text, HasSubstr("aigc_model_load_failures_total{model=\"scaler\"} 1"));
    EXPECT_THAT(text, HasSubstr("aigc_model_loaded{model=\"scaler\",version=\"1\"} 1"));
  }
}

TEST_F(ModelRepositoryTest, AFixedVersionLoadsAfterAFailedOne) {
  PublishScaler(root_, 1, 1.0f);
  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("scaler").ok());
  PublishScaler(root_, 2, 2.0f);
  fs::remove(root_ / "scaler" / "2" / "model.pt");
  EXPECT_FALSE(repository->Reload("scaler").ok());
  PublishScaler(root_, 3, 3.0f);
  EXPECT_TRUE(repository->Reload("scaler").ok());
  EXPECT_EQ(repository->Get("scaler")->version(), 3);
  EXPECT_TRUE(repository->Status()[0].last_error.empty());
}

TEST_F(ModelRepositoryTest, ModelWithoutVersionsIsServedOnceOneAppears) {
  auto repository = MakeRepository();
  EXPECT_EQ(repository->AddModel("scaler").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repository->Get("scaler"), nullptr);
  EXPECT_EQ(repository->AddModel("scaler").code(), absl::StatusCode::kAlreadyExists);
  PublishScaler(root_, 1, 1.0f);
  ASSERT_TRUE(repository->Reload("scaler").ok());
  EXPECT_EQ(repository->Get("scaler")->version(), 1);
}

TEST_F(ModelRepositoryTest, VariableLengthRequestsBatchedTogetherMatchTheirSoloResults) {
  google::protobuf::Struct config;
  (*config.mutable_fields())["vocab_size"].set_number_value(50);
  (*config.mutable_fields())["embedding_dim"].set_number_value(8);
  (*config.mutable_fields())["output_dim"].set_number_value(3);
  torch::manual_seed(7);
  auto module = BuildArchitecture("sequence_pooler", config);
  ASSERT_TRUE(module.ok()) << module.status();
  ModelManifest manifest;
  manifest.set_name("pooler");
  manifest.set_architecture("sequence_pooler");
  *manifest.mutable_config() = config;
  AddSpec(manifest.mutable_inputs(), "tokens", v1::DATA_TYPE_INT64, {-1});
  AddSpec(manifest.mutable_outputs(), "pooled", v1::DATA_TYPE_FLOAT32, {3});
  AddSpec(manifest.mutable_outputs(), "per_token", v1::DATA_TYPE_FLOAT32, {-1, 3});
  ASSERT_TRUE(PublishTorchModule(root_, manifest, **module).ok());
  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("pooler").ok());

  const std::vector<std::vector<int64_t>> sequences = {
      {1, 2, 3, 4, 5, 6, 7}, {8}, {9, 10, 11}, {12, 13}, {49, 0, 1, 2, 3}};
  auto run = [&](const BatcherOptions& options) {
    auto batcher = BatcherFor(*repository, "pooler", options);
    EXPECT_NE(batcher, nullptr);
    std::vector<absl::StatusOr<InferResponse>> results(sequences.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < sequences.size(); ++i) {
      threads.emplace_back([&, i] {
        InferRequest request;
        request.inputs.push_back(Tensor::Int64({static_cast<int64_t>(sequences[i].size())},
                                               sequences[i]));
        results[i] = batcher->Infer(std::move(request));
      });
    }
    for (auto& thread : threads) thread.join();
    return results;
  };
  BatcherOptions batched;
  batched.max_batch_size = 5;
  batched.max_queue_delay = absl::Seconds(5);  // computes once all five are queued
  batched.max_queue_size = 8;
  BatcherOptions solo;
  solo.max_batch_size = 1;
  const auto together = run(batched);
  const auto alone = run(solo);

  for (size_t i = 0; i < sequences.size(); ++i) {
    ASSERT_TRUE(together[i].ok()) << together[i].status();
    ASSERT_TRUE(alone[i].ok()) << alone[i].status();
    EXPECT_EQ(alone[i]->batch_size, 1);
    const int64_t length = static_cast<int64_t>(sequences[i].size());
    EXPECT_EQ(together[i]->outputs[1].shape(), (std::vector<int64_t>{length, 3}));
    for (int j = 0; j < 2; ++j) {
      const auto& a = together[i]->outputs[j].float32();
      const auto& b = alone[i]->outputs[j].float32();
      ASSERT_EQ(a.size(), b.size());
      for (size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-5) << i << "/" << j;
    }
  }
  EXPECT_GT(together[0]->batch_size, 1);
}

TEST_F(ModelRepositoryTest, TorchScriptModelsLoadToo) {
  torch::jit::Module script("Doubler");
  script.register_parameter("scale", torch::full({1}, 2.0), /*is_buffer=*/false);
  script.define(R"(
def forward(self, x):
    return x * self.scale
)");
  ModelManifest manifest = ScalerManifest();
  manifest.set_format(v1::MODEL_FORMAT_TORCHSCRIPT);
  manifest.clear_architecture();
  manifest.clear_config();
  manifest.set_weights_file("model.ts");
  ASSERT_TRUE(PublishModelVersion(root_, manifest, [&](const fs::path& path) {
                script.save(path.string());
                return absl::OkStatus();
              }).ok());
  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("scaler").ok());
  auto batcher = BatcherFor(*repository, "scaler");
  ASSERT_NE(batcher, nullptr);
  auto response = batcher->Infer(Request(1.5f));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->outputs[0].float32(), std::vector<float>(kDim, 3.0f));
}

TEST_F(ModelRepositoryTest, TheTorchLoaderRefusesNativeFormats) {
  ModelManifest manifest = ScalerManifest();
  manifest.set_format(v1::MODEL_FORMAT_NATIVE);
  manifest.set_architecture("rec_archive");
  manifest.clear_config();
  manifest.set_weights_file("model.bin");
  ASSERT_TRUE(PublishModelVersion(root_, manifest, [](const fs::path& path) {
                std::ofstream(path) << "not for LibTorch";
                return absl::OkStatus();
              }).ok());
  auto repository = MakeRepository();
  const absl::Status status = repository->AddModel("scaler");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr("own loader"));
  EXPECT_EQ(repository->Get("scaler"), nullptr);
}

TEST_F(ModelRepositoryTest, ConvClassifierLoadsAndClassifiesImages) {
  google::protobuf::Struct config;
  (*config.mutable_fields())["channels"].set_number_value(1);
  (*config.mutable_fields())["height"].set_number_value(28);
  (*config.mutable_fields())["width"].set_number_value(28);
  auto* conv = (*config.mutable_fields())["conv_channels"].mutable_list_value();
  conv->add_values()->set_number_value(4);
  conv->add_values()->set_number_value(8);
  (*config.mutable_fields())["num_classes"].set_number_value(10);
  auto module = BuildArchitecture("conv_classifier", config);
  ASSERT_TRUE(module.ok()) << module.status();
  ModelManifest manifest;
  manifest.set_name("classifier");
  manifest.set_architecture("conv_classifier");
  *manifest.mutable_config() = config;
  AddSpec(manifest.mutable_inputs(), "image", v1::DATA_TYPE_FLOAT32, {1, 28, 28});
  AddSpec(manifest.mutable_outputs(), "logits", v1::DATA_TYPE_FLOAT32, {10});
  ASSERT_TRUE(PublishTorchModule(root_, manifest, **module).ok());
  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("classifier").ok());
  auto batcher = BatcherFor(*repository, "classifier");
  ASSERT_NE(batcher, nullptr);
  InferRequest request;
  request.inputs.push_back(Tensor::Filled(v1::DATA_TYPE_FLOAT32, {1, 28, 28}, 0.5));
  auto response = batcher->Infer(std::move(request));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->outputs[0].shape(), (std::vector<int64_t>{10}));
}

TEST(ArchitectureTest, BadConfigsNameTheKeyAndUnknownNamesAreNotFound) {
  google::protobuf::Struct config = MlpConfig(4);
  (*config.mutable_fields())["output_dim"].set_number_value(0);
  auto bad = BuildArchitecture("mlp", config);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("config"));
  config.mutable_fields()->erase("input_dim");
  EXPECT_THAT(BuildArchitecture("mlp", config).status().message(),
              HasSubstr("config.input_dim: missing"));
  EXPECT_EQ(BuildArchitecture("nope", config).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(RegisterArchitecture("mlp", nullptr).code(), absl::StatusCode::kAlreadyExists);
}

TEST(DeviceTest, ChoicesParseAndCudaIsRefusedWithoutAGpu) {
  EXPECT_EQ(*ParseDeviceChoice("cpu"), DeviceChoice::kCpu);
  EXPECT_EQ(ParseDeviceChoice("gpu").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*ResolveDevice(DeviceChoice::kCpu), Device::kCpu);
  if (CudaAvailable()) {
    EXPECT_EQ(*ResolveDevice(DeviceChoice::kAuto), Device::kCuda);
  } else {
    EXPECT_EQ(*ResolveDevice(DeviceChoice::kAuto), Device::kCpu);
    EXPECT_EQ(ResolveDevice(DeviceChoice::kCuda).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

TEST(DeviceTest, ThreadsAreSetOncePerProcess) {
  ASSERT_TRUE(ConfigureThreads(2, 1).ok());
  EXPECT_TRUE(ConfigureThreads(2, 1).ok());
  EXPECT_EQ(ConfigureThreads(3, 1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(IntraOpThreads(), 2);
  if (BlasThreads() != 0) {
    EXPECT_EQ(BlasThreads(), 2);  // OpenBLAS follows
  }
}

TEST(DeviceTest, BlasLibraryIsFound) {
  const std::string blas = BlasLibraryPath();
  EXPECT_THAT(blas, HasSubstr("libblas.so"));
  EXPECT_TRUE(IsReferenceBlas("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"));
  EXPECT_FALSE(IsReferenceBlas("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"));
}

}  // namespace
}  // namespace aigc::runtime
