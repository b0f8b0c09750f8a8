#include "services/imagegen/gan/generator_model.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "common/runtime/inference_metrics.h"
#include "common/runtime/model_repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/imagegen/gan/conditional_gan.h"

namespace aigc::imagegen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A fresh generator published into a temporary repository and served from it.
class GeneratorModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) / "generator_model_test";
    fs::remove_all(root_);
    fs::create_directories(root_);
    gan_ = ConditionalGan::Create(/*seed=*/3);
    runtime::ModelManifest manifest;
    manifest.set_name(kGeneratorModelName);
    manifest.set_description("untrained test generator");
    auto published = gan_->Publish(root_, manifest);
    ASSERT_TRUE(published.ok()) << published.status();
    EXPECT_EQ(published->version(), 1);
    auto repository = runtime::ModelRepository::Create({.root = root_}, &metrics_);
    ASSERT_TRUE(repository.ok()) << repository.status();
    repository_ = std::move(*repository);
    ASSERT_TRUE(repository_->AddModel(kGeneratorModelName).ok());
    served_ = repository_->Get(kGeneratorModelName);
    ASSERT_NE(served_, nullptr);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  prometheus::Registry registry_;
  runtime::InferenceMetrics metrics_{registry_};
  std::unique_ptr<ConditionalGan> gan_;
  std::unique_ptr<runtime::ModelRepository> repository_;
  std::shared_ptr<const runtime::LoadedModel> served_;
};

TEST_F(GeneratorModelTest, TheServedVersionDrawsWhatTheTrainedGeneratorDraws) {
  EXPECT_EQ(served_->manifest.architecture(), kGeneratorArchitecture);
  const std::vector<int> labels = {0, 4, 9, 4};
  for (const float truncation : {2.0f, 0.5f}) {
    auto served = DrawImages(*served_->model, labels, /*seed=*/77, truncation);
    ASSERT_TRUE(served.ok()) << served.status();
    EXPECT_EQ(*served, *gan_->Generate(labels, 77, truncation));
  }
}

TEST_F(GeneratorModelTest, AnImageDependsOnItsOwnInputsNotOnItsBatch) {
  const std::vector<int> labels = {1, 2, 3, 5, 8, 1, 7};
  auto together = DrawImages(*served_->model, labels, /*seed=*/1000, 1.5f);
  auto in_twos = DrawImages(*served_->model, labels, /*seed=*/1000, 1.5f, /*batch_size=*/2);
  ASSERT_TRUE(together.ok() && in_twos.ok());
  EXPECT_EQ(*together, *in_twos);
  // One request's inputs through the runtime's per-request form.
  auto alone = served_->model->Run({runtime::Tensor::Int64({1, 1}, {8}),
                                    runtime::Tensor::Int64({1, 1}, {1004}),
                                    runtime::Tensor::Float32({1, 1}, {1.5f})});
  ASSERT_TRUE(alone.ok()) << alone.status();
  runtime::Tensor first = alone->at(0);
  first.mutable_float32().resize(kImagePixels);
  auto pixels = GeneratorPixels(runtime::Tensor::Float32({kImagePixels}, first.float32()));
  ASSERT_TRUE(pixels.ok()) << pixels.status();
  EXPECT_TRUE(std::equal(pixels->begin(), pixels->end(), together->begin() + 4 * kImagePixels));
}

TEST_F(GeneratorModelTest, GeneratorInputsMatchTheManifest) {
  const std::vector<runtime::Tensor> inputs = GeneratorInputs(7, ~uint64_t{0}, 2.0f);
  ASSERT_EQ(inputs.size(), static_cast<size_t>(served_->manifest.inputs_size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_TRUE(runtime::CheckAgainstSpec(inputs[i], served_->manifest.inputs(i), "inputs").ok())
        << i;
  }
  EXPECT_EQ(inputs[1].int64()[0], -1);  // the seed's bits
}

TEST_F(GeneratorModelTest, BadArgumentsAreRejected) {
  const std::vector<int> bad_label = {10};
  EXPECT_THAT(DrawImages(*served_->model, bad_label, 1, 1.0f).status().message(),
              HasSubstr("labels"));
  const std::vector<int> label = {1};
  EXPECT_THAT(DrawImages(*served_->model, label, 1, 0.0f).status().message(),
              HasSubstr("truncation"));
  EXPECT_THAT(DrawImages(*served_->model, label, 1, 4.5f).status().message(),
              HasSubstr("truncation"));
  // The model itself refuses what the service should have caught.
  auto refused = served_->model->Run({runtime::Tensor::Int64({1, 1}, {12}),
                                      runtime::Tensor::Int64({1, 1}, {1}),
                                      runtime::Tensor::Float32({1, 1}, {1.0f})});
  EXPECT_THAT(refused.status().message(), HasSubstr("label must be in [0, 10)"));
  EXPECT_EQ(GeneratorPixels(runtime::Tensor::Float32({3}, {1, 2, 3})).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace aigc::imagegen
