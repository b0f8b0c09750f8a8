#include "services/imagegen/image/upscale.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::imagegen {
namespace {

using ::testing::Each;
using ::testing::HasSubstr;

PixelImage Filled(int side, uint8_t value) {
  return PixelImage{side, side, 1, std::vector<uint8_t>(side * side, value)};
}

TEST(UpscaleTest, SizesAreMultipliedAndFlatAreasStayFlat) {
  for (const int factor : {2, 4}) {
    auto out = Upscale(Filled(28, 173), factor);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->width, 28 * factor);
    EXPECT_EQ(out->height, 28 * factor);
    EXPECT_THAT(out->pixels, Each(173));
  }
}

TEST(UpscaleTest, FactorOneIsTheIdentityAndRgbKeepsItsChannels) {
  PixelImage rgb{2, 1, 3, {10, 20, 30, 40, 50, 60}};
  EXPECT_EQ(Upscale(rgb, 1)->pixels, rgb.pixels);
  auto doubled = Upscale(rgb, 2);
  ASSERT_TRUE(doubled.ok());
  EXPECT_EQ(doubled->channels, 3);
  EXPECT_EQ(doubled->pixels.size(), 4u * 2 * 3);
}

TEST(UpscaleTest, ARampStaysMonotonicAndAnEdgeIsSmoothed) {
  PixelImage ramp{8, 1, 1, {0, 32, 64, 96, 128, 160, 192, 224}};
  auto out = Upscale(ramp, 4);
  ASSERT_TRUE(out.ok());
  for (int x = 1; x < out->width; ++x) {
    EXPECT_LE(out->pixels[x - 1], out->pixels[x]) << x;  // first row
  }
  // A hard black/white edge gets intermediate values instead of a copy of
  // its pixels (which nearest-neighbour would give).
  PixelImage edge{4, 1, 1, {0, 0, 255, 255}};
  auto smooth = Upscale(edge, 4);
  ASSERT_TRUE(smooth.ok());
  bool intermediate = false;
  for (const uint8_t v : smooth->pixels) intermediate = intermediate || (v > 20 && v < 235);
  EXPECT_TRUE(intermediate);
}

TEST(UpscaleTest, BadArgumentsNameTheField) {
  EXPECT_THAT(Upscale(Filled(2, 0), 0).status().message(), HasSubstr("factor"));
  EXPECT_THAT(Upscale(Filled(2, 0), 9).status().message(), HasSubstr("factor"));
  PixelImage broken{2, 2, 1, {1, 2, 3}};
  EXPECT_THAT(Upscale(broken, 2).status().message(), HasSubstr("image.pixels"));
}

}  // namespace
}  // namespace aigc::imagegen
