#include "services/imagegen/service/image_pipeline.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/runtime/model.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/imagegen/gan/generator_model.h"

namespace aigc::imagegen {
namespace {

// Ten "training images", one per class: noise that no other image is near.
FashionMnist TrainingSet() {
  FashionMnist data;
  uint64_t state = 12345;
  for (int label = 0; label < kClasses; ++label) {
    for (int p = 0; p < kImagePixels; ++p) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      data.pixels.push_back(static_cast<uint8_t>(state >> 56));
    }
    data.labels.push_back(static_cast<uint8_t>(label));
  }
  return data;
}

// Draws noise from the seed, except that planted seeds (or every seed, when
// copy_everything) give the training image of the requested class.
class FakeGenerator : public runtime::Model {
 public:
  FakeGenerator(const FashionMnist* train, std::set<uint64_t> planted, bool copy_everything)
      : train_(train), planted_(std::move(planted)), copy_everything_(copy_everything) {}

  absl::StatusOr<std::vector<runtime::Tensor>> Run(
      const std::vector<runtime::Tensor>& inputs) override {
    const int64_t batch = inputs[0].shape()[0];
    std::vector<float> images;
    for (int64_t row = 0; row < batch; ++row) {
      const int label = static_cast<int>(inputs[0].int64()[row]);
      const auto seed = static_cast<uint64_t>(inputs[1].int64()[row]);
      if (copy_everything_ || planted_.count(seed) > 0) {
        for (const uint8_t level : train_->Image(label)) images.push_back(level);
        continue;
      }
      uint64_t state = seed;
      for (int p = 0; p < kImagePixels; ++p) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        images.push_back(static_cast<float>(state >> 56));
      }
    }
    return std::vector<runtime::Tensor>{
        runtime::Tensor::Float32({batch, kImagePixels}, std::move(images))};
  }

 private:
  const FashionMnist* const train_;
  const std::set<uint64_t> planted_;
  const bool copy_everything_;
};

struct Outcome {
  absl::Mutex mu;
  std::vector<DrawnImage> images;
  absl::Status status;
  absl::Notification done;
};

class ImagePipelineTest : public ::testing::Test {
 protected:
  void Serve(std::set<uint64_t> planted, bool copy_everything = false,
             runtime::BatcherOptions batcher = {}) {
    auto model = std::make_shared<runtime::LoadedModel>();
    model->manifest.set_name(kGeneratorModelName);
    model->manifest.set_version(7);
    DescribeGeneratorVersion(model->manifest);
    model->model = std::make_unique<FakeGenerator>(&train_, std::move(planted), copy_everything);
    std::shared_ptr<const runtime::LoadedModel> served = std::move(model);
    auto pipeline = ImagePipeline::Create(kGeneratorModelName, [served] { return served; }, batcher,
                                          &metrics_, &index_, {});
    ASSERT_TRUE(pipeline.ok()) << pipeline.status();
    pipeline_ = *std::move(pipeline);
  }

  // Runs one request to the end.
  std::unique_ptr<Outcome> Draw(const ImageSpec& spec) {
    auto outcome = std::make_unique<Outcome>();
    Outcome* out = outcome.get();
    pipeline_->Start(spec, absl::InfiniteFuture(),
                     {.on_image =
                          [out](DrawnImage image) {
                            absl::MutexLock lock(&out->mu);
                            EXPECT_FALSE(out->done.HasBeenNotified());
                            out->images.push_back(std::move(image));
                          },
                      .on_done =
                          [out](absl::Status status) {
                            out->status = std::move(status);
                            out->done.Notify();
                          }});
    EXPECT_TRUE(out->done.WaitForNotificationWithTimeout(absl::Seconds(30)));
    absl::MutexLock lock(&out->mu);
    std::sort(out->images.begin(), out->images.end(),
              [](const DrawnImage& a, const DrawnImage& b) { return a.index < b.index; });
    return outcome;
  }

  static ImageSpec Spec(int count, uint64_t seed) {
    ImageSpec spec;
    spec.category = common::v1::CATEGORY_SANDAL;
    spec.label = 5;
    spec.count = count;
    spec.seed = seed;
    return spec;
  }

  const FashionMnist train_ = TrainingSet();
  const NearDuplicateIndex index_{train_};
  prometheus::Registry registry_;
  runtime::InferenceMetrics metrics_{registry_};
  std::unique_ptr<ImagePipeline> pipeline_;
};

TEST_F(ImagePipelineTest, DrawsImageIFromSeedPlusI) {
  Serve({});
  const auto outcome = Draw(Spec(5, 100));
  ASSERT_TRUE(outcome->status.ok()) << outcome->status;
  ASSERT_EQ(outcome->images.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    const DrawnImage& image = outcome->images[i];
    EXPECT_EQ(image.index, i);
    EXPECT_EQ(image.seed, 100u + i);
    EXPECT_EQ(image.pixels.size(), static_cast<size_t>(kImagePixels));
    EXPECT_FALSE(image.near_duplicate);
    EXPECT_EQ(image.regenerated_count, 0);
    EXPECT_EQ(image.model_version, 7);
  }
  // The same request draws the same pixels.
  const auto again = Draw(Spec(5, 100));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(again->images[i].pixels, outcome->images[i].pixels);
}

TEST_F(ImagePipelineTest, APlantedCopyOfATrainingImageIsRedrawn) {
  Serve({101});  // image 1 of seed 100 copies the training sandal
  const auto outcome = Draw(Spec(3, 100));
  ASSERT_TRUE(outcome->status.ok()) << outcome->status;
  ASSERT_EQ(outcome->images.size(), 3u);
  const DrawnImage& redrawn = outcome->images[1];
  EXPECT_EQ(redrawn.regenerated_count, 1);
  EXPECT_EQ(redrawn.seed, RegenerationSeed(101, 1));
  EXPECT_FALSE(redrawn.near_duplicate);
  const auto sandal = train_.Image(5);
  EXPECT_FALSE(std::equal(sandal.begin(), sandal.end(), redrawn.pixels.begin()));
  EXPECT_EQ(outcome->images[0].regenerated_count, 0);
  EXPECT_EQ(outcome->images[2].regenerated_count, 0);
}

TEST_F(ImagePipelineTest, AnImageThatStaysACopyIsFlaggedAfterTheLastRedraw) {
  Serve({}, /*copy_everything=*/true);
  const auto outcome = Draw(Spec(2, 9));
  ASSERT_TRUE(outcome->status.ok()) << outcome->status;
  for (const DrawnImage& image : outcome->images) {
    EXPECT_TRUE(image.near_duplicate);
    EXPECT_EQ(image.regenerated_count, PipelineOptions{}.max_regenerations);
    EXPECT_EQ(image.seed, RegenerationSeed(9 + image.index, 3));
  }
}

TEST_F(ImagePipelineTest, NoModelMeansUnavailableAndNoImages) {
  auto pipeline = ImagePipeline::Create(kGeneratorModelName, [] { return nullptr; }, {}, &metrics_,
                                        &index_, {});
  ASSERT_TRUE(pipeline.ok());
  pipeline_ = *std::move(pipeline);
  const auto outcome = Draw(Spec(4, 1));
  EXPECT_EQ(outcome->status.code(), absl::StatusCode::kUnavailable) << outcome->status;
  EXPECT_TRUE(outcome->images.empty());
}

TEST_F(ImagePipelineTest, AFullQueueFailsTheRequestOnceWithResourceExhausted) {
  // One queued image at most: a request for 16 cannot all be queued.
  Serve({}, false, {.max_batch_size = 1, .max_queue_size = 1});
  const auto outcome = Draw(Spec(16, 1));
  EXPECT_EQ(outcome->status.code(), absl::StatusCode::kResourceExhausted) << outcome->status;
  EXPECT_LT(outcome->images.size(), 16u);
}

TEST(ImagePipelineOptionsTest, BadOptionsAreNamed) {
  EXPECT_FALSE(ValidatePipelineOptions({.max_regenerations = -1}).ok());
  EXPECT_FALSE(ValidatePipelineOptions({.near_duplicate_rms = 0}).ok());
  EXPECT_FALSE(ValidatePipelineOptions({.threads = 0}).ok());
  EXPECT_TRUE(ValidatePipelineOptions({}).ok());
}

}  // namespace
}  // namespace aigc::imagegen
