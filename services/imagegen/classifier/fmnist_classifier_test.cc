#include "services/imagegen/classifier/fmnist_classifier.h"

#include <filesystem>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::imagegen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// 10 images per class; class k is a bright 6-pixel-high band at row 2k + 4
// with a little per-image noise: easy to learn in a few steps.
FashionMnist Bands() {
  FashionMnist data;
  uint32_t noise = 7;
  for (int k = 0; k < kClasses; ++k) {
    for (int n = 0; n < 10; ++n) {
      for (int y = 0; y < kImageSide; ++y) {
        for (int x = 0; x < kImageSide; ++x) {
          noise = noise * 1103515245 + 12345;
          const bool band = y >= 2 * k && y < 2 * k + 6;
          data.pixels.push_back(static_cast<uint8_t>((band ? 200 : 0) + (noise >> 28)));
        }
      }
      data.labels.push_back(static_cast<uint8_t>(k));
    }
  }
  return data;
}

TEST(FashionClassifierTest, LearnsSeparableClassesAndSavesWhatItLearnt) {
  const FashionMnist data = Bands();
  auto classifier = FashionClassifier::Create(/*seed=*/3);
  int steps = 0;
  ASSERT_TRUE(classifier
                  ->Train(data, {.epochs = 15,
                                 .batch_size = 20,
                                 .learning_rate = 3e-3,
                                 .on_step = [&](const ClassifierProgress&) { ++steps; }})
                  .ok());
  EXPECT_EQ(steps, 15 * 5);
  auto accuracy = classifier->Accuracy(data);
  ASSERT_TRUE(accuracy.ok()) << accuracy.status();
  EXPECT_GE(*accuracy, 0.95);

  const fs::path path = fs::path(::testing::TempDir()) / "fmnist_classifier_test.pt";
  ASSERT_TRUE(classifier->Save(path).ok());
  auto loaded = FashionClassifier::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*(*loaded)->Classify(data.pixels), *classifier->Classify(data.pixels));
  auto features = (*loaded)->Features(data.Image(0));
  ASSERT_TRUE(features.ok());
  EXPECT_EQ(features->size(), static_cast<size_t>(kClassifierFeatures));
  fs::remove(path);
}

// The committed weights (scripts/models/fmnist_classifier.sh) on the real
// test split: the issue asks for at least 90 %.
TEST(FashionClassifierTest, TheCommittedClassifierIsRightOnNinetyPercentOfTheTestSplit) {
  auto classifier = FashionClassifier::Load(AIGC_MODELS_DIR "/fmnist-classifier/classifier.pt");
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  auto test = LoadFashionMnist(kFashionMnistDir, Split::kTest);
  ASSERT_TRUE(test.ok()) << test.status();
  auto accuracy = (*classifier)->Accuracy(*test);
  ASSERT_TRUE(accuracy.ok()) << accuracy.status();
  EXPECT_GE(*accuracy, 0.90);
}

TEST(FashionClassifierTest, BadInputIsRejected) {
  auto classifier = FashionClassifier::Create(1);
  const std::vector<uint8_t> partial(kImagePixels + 1);
  EXPECT_THAT(classifier->Classify(partial).status().message(), HasSubstr("pixels"));
  EXPECT_EQ(classifier->Features({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(classifier->Train(Bands(), {.epochs = 0}).message(), HasSubstr("epochs"));
  EXPECT_THAT(classifier->Train(FashionMnist{}, {}).message(), HasSubstr("data"));
  EXPECT_EQ(FashionClassifier::Load("/nonexistent/classifier.pt").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace aigc::imagegen
