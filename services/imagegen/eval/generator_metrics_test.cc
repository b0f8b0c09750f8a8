#include "services/imagegen/eval/generator_metrics.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::imagegen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ClassMajorLabelsTest, GivesEachClassItsRunInTurn) {
  const std::vector<int> labels = ClassMajorLabels(2);
  ASSERT_EQ(labels.size(), 2u * kClasses);
  for (int i = 0; i < 2 * kClasses; ++i) EXPECT_EQ(labels[i], i / 2);
  EXPECT_TRUE(ClassMajorLabels(0).empty());
}

TEST(ClassConsistencyTest, OnTheTestSetItIsTheClassifiersAccuracy) {
  auto test = LoadFashionMnist(kFashionMnistDir, Split::kTest);
  ASSERT_TRUE(test.ok()) << test.status();
  auto classifier = FashionClassifier::Load(AIGC_MODELS_DIR "/fmnist-classifier/classifier.pt");
  ASSERT_TRUE(classifier.ok()) << classifier.status();
  const std::vector<int> labels(test->labels.begin(), test->labels.end());
  auto consistency = ClassConsistency(**classifier, test->pixels, labels);
  ASSERT_TRUE(consistency.ok()) << consistency.status();
  // 91.56% is the committed classifier's measured test accuracy.
  EXPECT_NEAR(consistency->overall, 0.9156, 5e-5);
  double mean = 0;
  for (int c = 0; c < kClasses; ++c) {
    EXPECT_EQ(consistency->count[c], 1000);
    EXPECT_GT(consistency->per_class[c], 0.5) << "class " << c;
    mean += consistency->per_class[c] / kClasses;
  }
  // Equal class sizes: the overall share is the mean of the per-class ones.
  EXPECT_NEAR(mean, consistency->overall, 1e-12);
}

TEST(ClassConsistencyTest, RejectsLabelsThatDoNotMatchTheImages) {
  auto classifier = FashionClassifier::Create(/*seed=*/1);
  const std::vector<uint8_t> pixels(2 * kImagePixels);
  const std::vector<int> one = {0};
  EXPECT_THAT(ClassConsistency(*classifier, pixels, one).status().message(), HasSubstr("labels:"));
  const std::vector<int> outside = {0, 10};
  EXPECT_THAT(ClassConsistency(*classifier, pixels, outside).status().message(),
              HasSubstr("labels: [1] must be in [0, 10)"));
  EXPECT_THAT(ClassConsistency(*classifier, {}, {}).status().message(), HasSubstr("pixels:"));
}

TEST(MeanPairwiseDistanceTest, IsZeroForIdenticalFeaturesAndTheMeanPairDistanceOtherwise) {
  // Class 0: three identical rows. Class 2: (0, 0), (3, 4), (0, 4): pair
  // distances 5, 3 and 4. Class 5: a single row. Others: none.
  const std::vector<float> features = {1, 2, 1, 2, 0, 0, 3, 4, 1, 2, 0, 4, 7, 7};
  const std::vector<int> labels = {0, 0, 2, 2, 0, 2, 5};
  auto distance = MeanPairwiseDistance(features, labels, 2);
  ASSERT_TRUE(distance.ok()) << distance.status();
  EXPECT_EQ((*distance)[0], 0);
  EXPECT_NEAR((*distance)[2], 4.0, 1e-12);
  EXPECT_TRUE(std::isnan((*distance)[5]));
  EXPECT_TRUE(std::isnan((*distance)[9]));
}

TEST(MeanPairwiseDistanceTest, RejectsMismatchedShapes) {
  const std::vector<float> features = {1, 2, 3};
  const std::vector<int> labels = {0, 1};
  EXPECT_THAT(MeanPairwiseDistance(features, labels, 2).status().message(), HasSubstr("features:"));
  EXPECT_THAT(MeanPairwiseDistance(features, labels, 0).status().message(), HasSubstr("dim:"));
  const std::vector<int> outside = {0, -1, 3};
  EXPECT_THAT(MeanPairwiseDistance(features, outside, 1).status().message(), HasSubstr("labels:"));
}

// A training set of one blank image per class.
FashionMnist BlankTrainingSet() {
  FashionMnist train;
  train.pixels.assign(static_cast<size_t>(kClasses) * kImagePixels, 0);
  for (int c = 0; c < kClasses; ++c) train.labels.push_back(static_cast<uint8_t>(c));
  return train;
}

TEST(MeasureNoveltyTest, CountsImagesCloserThanTheThresholdAndTheMedianDistance) {
  const NearDuplicateIndex index(BlankTrainingSet());
  // Uniform grey levels g are at rms g from a blank image: 0 and 10 are
  // copies, 20 and 40 are not.
  const std::vector<uint8_t> levels = {0, 20, 10, 40};
  const std::vector<int> labels = {3, 3, 7, 7};
  std::vector<uint8_t> pixels;
  for (uint8_t level : levels) pixels.insert(pixels.end(), kImagePixels, level);
  std::vector<int> progress;
  auto report = MeasureNovelty(index, pixels, labels, /*threads=*/2,
                               [&](int done) { progress.push_back(done); });
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->near_duplicates.overall, 0.5);
  EXPECT_EQ(report->near_duplicates.per_class[3], 0.5);
  EXPECT_EQ(report->near_duplicates.per_class[7], 0.5);
  EXPECT_EQ(report->near_duplicates.count[0], 0);
  EXPECT_NEAR(report->median_rms, 15.0, 1e-12);
  EXPECT_NEAR(report->median_rms_per_class[3], 10.0, 1e-12);
  EXPECT_NEAR(report->median_rms_per_class[7], 25.0, 1e-12);
  EXPECT_THAT(progress, ElementsAre(1, 2, 3, 4));
}

TEST(MeasureNoveltyTest, RejectsBadArguments) {
  const NearDuplicateIndex index(BlankTrainingSet());
  const std::vector<uint8_t> pixels(kImagePixels);
  const std::vector<int> labels = {0};
  EXPECT_THAT(MeasureNovelty(index, pixels, labels, 0).status().message(), HasSubstr("threads:"));
  EXPECT_THAT(MeasureNovelty(index, {}, {}, 1).status().message(), HasSubstr("pixels:"));
  const std::vector<int> two = {0, 1};
  EXPECT_THAT(MeasureNovelty(index, pixels, two, 1).status().message(), HasSubstr("labels:"));
}

}  // namespace
}  // namespace aigc::imagegen
