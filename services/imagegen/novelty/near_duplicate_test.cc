#include "services/imagegen/novelty/near_duplicate.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::imagegen {
namespace {

using ::testing::HasSubstr;

const FashionMnist& Train() {
  static const FashionMnist* train = [] {
    auto data = LoadFashionMnist(kFashionMnistDir, Split::kTrain);
    EXPECT_TRUE(data.ok()) << data.status();
    return new FashionMnist(data.ok() ? *std::move(data) : FashionMnist{});
  }();
  return *train;
}

TEST(NearDuplicateIndexTest, APlantedCopyIsFoundAtDistanceZeroAndANoisyOneNearby) {
  const FashionMnist& train = Train();
  ASSERT_EQ(train.count(), 60000);
  const NearDuplicateIndex index(train);
  const int planted = 12345;
  const int label = train.labels[planted];
  std::vector<uint8_t> copy(train.Image(planted).begin(), train.Image(planted).end());
  auto exact = index.Nearest(copy, label);
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ(exact->index, planted);
  EXPECT_EQ(exact->rms, 0);

  uint32_t noise = 1;
  for (uint8_t& pixel : copy) {
    noise = noise * 1103515245 + 12345;
    pixel = static_cast<uint8_t>(std::clamp(pixel + static_cast<int>(noise >> 29) - 4, 0, 255));
  }
  auto noisy = index.Nearest(copy, label);
  ASSERT_TRUE(noisy.ok());
  EXPECT_EQ(noisy->index, planted);
  EXPECT_LT(noisy->rms, 5);
}

TEST(NearDuplicateIndexTest, TestImagesAreFarFromTheirNearestTrainingImage) {
  // The distance of real, unseen images: what a generator that does not copy
  // should look like (the threshold of the future check is set below it).
  const NearDuplicateIndex index(Train());
  auto test = LoadFashionMnist(kFashionMnistDir, Split::kTest);
  ASSERT_TRUE(test.ok()) << test.status();
  std::vector<double> distances;
  for (int i = 0; i < 200; ++i) {
    auto nearest = index.Nearest(test->Image(i), test->labels[i]);
    ASSERT_TRUE(nearest.ok());
    distances.push_back(nearest->rms);
  }
  std::sort(distances.begin(), distances.end());
  std::printf("nearest training image of 200 test images, RMS grey levels: min %.1f, median %.1f\n",
              distances.front(), distances[100]);
  EXPECT_GT(distances[100], 10);
}

TEST(NearDuplicateIndexTest, BadQueriesNameTheField) {
  FashionMnist tiny;
  tiny.pixels.assign(kImagePixels, 0);
  tiny.labels = {3};
  const NearDuplicateIndex index(tiny);
  EXPECT_THAT(index.Nearest(std::vector<uint8_t>(5), 3).status().message(), HasSubstr("image"));
  const std::vector<uint8_t> image(kImagePixels);
  EXPECT_THAT(index.Nearest(image, 10).status().message(), HasSubstr("label"));
  EXPECT_EQ(index.Nearest(image, 4).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace aigc::imagegen
