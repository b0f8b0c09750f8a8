#include "services/recommender/repository/rec_models.h"

#include <filesystem>
#include <fstream>

#include "common/runtime/model_repository.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace fs = std::filesystem;
namespace v1 = aigc::recommender::v1;
using runtime::ModelRepository;
using testing::FourUsers;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::Train;

class RecModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("rec_models_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<ModelRepository> MakeRepository() {
    runtime::ModelRepositoryOptions options;
    options.root = root_;
    auto repository = ModelRepository::Create(options, &metrics_, LoadRecModel);
    EXPECT_TRUE(repository.ok()) << repository.status();
    return *std::move(repository);
  }

  fs::path root_;
  prometheus::Registry registry_;
  runtime::InferenceMetrics metrics_{registry_};
};

TEST_F(RecModelsTest, APublishedModelServesThroughTheRepository) {
  auto model = Train(v1::ALGORITHM_ITEM_KNN, FourUsers());
  ASSERT_TRUE(model.ok()) << model.status();
  auto manifest =
      PublishRecModel(root_, **model, {.created_by = "test", .metrics = {{"ndcg@10", 0.25}}});
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->name(), "rec-item-knn");
  EXPECT_EQ(manifest->version(), 1);
  EXPECT_EQ(ManifestMetrics(*manifest), (std::map<std::string, double>{{"ndcg@10", 0.25}}));

  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("rec-item-knn").ok());
  auto loaded = repository->Get("rec-item-knn");
  ASSERT_NE(loaded, nullptr);
  const RecModel* served = AsRecModel(*loaded);
  ASSERT_NE(served, nullptr);
  EXPECT_EQ(served->algorithm(), v1::ALGORITHM_ITEM_KNN);
  EXPECT_EQ(ScoresOf(*served, ProfileOf(*served, {"a"})),
            ScoresOf(**model, ProfileOf(**model, {"a"})));
  EXPECT_EQ(ManifestMetrics(loaded->manifest).at("ndcg@10"), 0.25);
}

TEST_F(RecModelsTest, ANewVersionReplacesTheOldOnReload) {
  auto first = Train(v1::ALGORITHM_POPULARITY, FourUsers());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(PublishRecModel(root_, **first, {}).ok());
  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("rec-popularity").ok());
  auto old_version = repository->Get("rec-popularity");

  TrainingSet more = FourUsers();
  more.interactions.push_back({.user = 3, .item = more.items.Find("d"), .weight = 10});
  auto second = Train(v1::ALGORITHM_POPULARITY, more);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(PublishRecModel(root_, **second, {}).ok());
  ASSERT_TRUE(repository->Reload("rec-popularity").ok());
  auto new_version = repository->Get("rec-popularity");
  EXPECT_EQ(new_version->version(), 2);
  EXPECT_EQ(ScoresOf(*AsRecModel(*new_version), {}).at("d"), 11.0f);
  // The old version stays valid for whoever still holds it.
  EXPECT_EQ(ScoresOf(*AsRecModel(*old_version), {}).at("d"), 1.0f);
}

TEST_F(RecModelsTest, ACorruptVersionKeepsTheOldOneServing) {
  auto model = Train(v1::ALGORITHM_POPULARITY, FourUsers());
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE(PublishRecModel(root_, **model, {}).ok());
  auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel("rec-popularity").ok());
  auto manifest = PublishRecModel(root_, **model, {});
  ASSERT_TRUE(manifest.ok());
  std::ofstream(root_ / "rec-popularity" / "2" / "model.rec", std::ios::app) << "tampered";
  const absl::Status reload = repository->Reload("rec-popularity");
  EXPECT_EQ(reload.code(), absl::StatusCode::kDataLoss) << reload;
  EXPECT_EQ(repository->Get("rec-popularity")->version(), 1);
}

TEST_F(RecModelsTest, TheLoaderRefusesOtherFormats) {
  runtime::ModelManifest manifest;
  manifest.set_format(runtime::v1::MODEL_FORMAT_TORCH_MODULE);
  manifest.set_architecture("mlp");
  EXPECT_EQ(LoadRecModel(root_, manifest, runtime::Device::kCpu).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RepositoryModelNameTest, UsesDashes) {
  EXPECT_EQ(RepositoryModelName(v1::ALGORITHM_USER_KNN), "rec-user-knn");
  EXPECT_EQ(RepositoryModelName(v1::ALGORITHM_EASE), "rec-ease");
}

}  // namespace
}  // namespace aigc::recommender
