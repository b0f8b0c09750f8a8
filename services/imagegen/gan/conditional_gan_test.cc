#include "services/imagegen/gan/conditional_gan.h"

#include <cmath>
#include <filesystem>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/imagegen/classifier/fmnist_classifier.h"

namespace aigc::imagegen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// 4 images per class: class k is a bright band at row 2k.
FashionMnist Bands() {
  FashionMnist data;
  for (int k = 0; k < kClasses; ++k) {
    for (int n = 0; n < 4; ++n) {
      for (int p = 0; p < kImagePixels; ++p) {
        const int y = p / kImageSide;
        data.pixels.push_back(y >= 2 * k && y < 2 * k + 6 ? 220 : 10 + n);
      }
      data.labels.push_back(static_cast<uint8_t>(k));
    }
  }
  return data;
}

TEST(ConditionalGanTest, TrainsReportingFiniteLossesAndCallsBackEachEpoch) {
  auto gan = ConditionalGan::Create(/*seed=*/5);
  int steps = 0, epochs = 0;
  bool finite = true;
  const absl::Status trained = gan->Train(
      Bands(), {.epochs = 2,
                .batch_size = 8,
                .on_step =
                    [&](const GanProgress& p) {
                      ++steps;
                      finite = finite && std::isfinite(p.discriminator_loss) &&
                               std::isfinite(p.generator_loss);
                    },
                .on_epoch = [&](int) {
                  ++epochs;
                  return absl::OkStatus();
                }});
  ASSERT_TRUE(trained.ok()) << trained;
  EXPECT_EQ(steps, 2 * 5);  // 40 images in whole batches of 8
  EXPECT_EQ(epochs, 2);
  EXPECT_TRUE(finite);
}

TEST(ConditionalGanTest, TheSameSeedGivesTheSameImagesAndSavingKeepsThem) {
  auto gan = ConditionalGan::Create(/*seed=*/5);
  const std::vector<int> labels = {0, 3, 9};
  auto first = gan->Generate(labels, /*seed=*/42);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->size(), 3u * kImagePixels);
  EXPECT_EQ(*gan->Generate(labels, 42), *first);
  EXPECT_NE(*gan->Generate(labels, 43), *first);
  // Image i depends on seed + i only, not on the batch it is generated in.
  const std::vector<int> third = {9};
  const std::vector<uint8_t> alone = *gan->Generate(third, 44);
  EXPECT_TRUE(std::equal(alone.begin(), alone.end(), first->begin() + 2 * kImagePixels));

  const fs::path path = fs::path(::testing::TempDir()) / "conditional_gan_test.pt";
  ASSERT_TRUE(gan->Save(path).ok());
  auto loaded = ConditionalGan::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*(*loaded)->Generate(labels, 42), *first);
  fs::remove(path);
}

// Images come from the moving average of the generator's weights, which a
// checkpoint keeps: without it a loaded GAN would draw with the trained
// generator's weights instead.
TEST(ConditionalGanTest, ACheckpointKeepsTheAveragedGeneratorThatDraws) {
  auto gan = ConditionalGan::Create(/*seed=*/6);
  const std::vector<int> labels = {1, 4, 7};
  const std::vector<uint8_t> untrained = *gan->Generate(labels, /*seed=*/9);
  ASSERT_TRUE(gan->Train(Bands(), {.epochs = 1, .batch_size = 8}).ok());
  const std::vector<uint8_t> trained = *gan->Generate(labels, 9);
  EXPECT_NE(trained, untrained);

  const fs::path path = fs::path(::testing::TempDir()) / "conditional_gan_average_test.pt";
  ASSERT_TRUE(gan->Save(path).ok());
  auto loaded = ConditionalGan::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*(*loaded)->Generate(labels, 9), trained);
  fs::remove(path);
}

// The committed weights (scripts/models/imagegen.sh): the evaluation
// classifier must see the requested category in at least 90 % of 1,000
// images, the class-consistency target.
TEST(ConditionalGanTest, TheCommittedGeneratorDrawsTheRequestedCategory) {
  auto gan = ConditionalGan::Load(AIGC_MODELS_DIR "/imagegen/generator.pt");
  ASSERT_TRUE(gan.ok()) << gan.status();
  auto classifier = FashionClassifier::Load(AIGC_MODELS_DIR "/fmnist-classifier/classifier.pt");
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  std::vector<int> labels;
  for (int label = 0; label < kClasses; ++label) labels.insert(labels.end(), 100, label);
  auto images = (*gan)->Generate(labels, /*seed=*/777);
  ASSERT_TRUE(images.ok()) << images.status();
  auto predicted = (*classifier)->Classify(*images);
  ASSERT_TRUE(predicted.ok()) << predicted.status();
  int agree = 0;
  for (size_t i = 0; i < labels.size(); ++i) agree += (*predicted)[i] == labels[i];
  EXPECT_GE(agree, 900);
}

TEST(ConditionalGanTest, BadArgumentsNameTheField) {
  auto gan = ConditionalGan::Create(1);
  EXPECT_THAT(gan->Generate({}, 1).status().message(), HasSubstr("labels"));
  const std::vector<int> bad = {10};
  EXPECT_THAT(gan->Generate(bad, 1).status().message(), HasSubstr("labels"));
  const std::vector<int> ok = {1};
  EXPECT_THAT(gan->Generate(ok, 1, 0).status().message(), HasSubstr("truncation"));
  EXPECT_THAT(gan->Train(Bands(), {.epochs = 0}).message(), HasSubstr("epochs"));
  EXPECT_EQ(ConditionalGan::Load("/nonexistent/generator.pt").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace aigc::imagegen
