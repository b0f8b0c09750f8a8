#include "services/imagegen/png/png_codec.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::imagegen {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

PixelImage Gradient(int width, int height, int channels) {
  PixelImage image{width, height, channels, {}};
  for (int i = 0; i < width * height * channels; ++i) {
    image.pixels.push_back(static_cast<uint8_t>(i * 7));
  }
  return image;
}

TEST(PngCodecTest, GreyAndRgbImagesRoundTripWithTheirTextChunks) {
  const std::vector<PngText> texts = {{"AIGC", "AI-generated"}, {"Seed", "42"}};
  for (const int channels : {1, 3}) {
    const PixelImage image = Gradient(56, 28, channels);
    auto png = EncodePng(image, texts);
    ASSERT_TRUE(png.ok()) << png.status();
    EXPECT_EQ(png->substr(1, 3), "PNG");
    auto decoded = DecodePng(*png);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->image.width, 56);
    EXPECT_EQ(decoded->image.height, 28);
    EXPECT_EQ(decoded->image.channels, channels);
    EXPECT_EQ(decoded->image.pixels, image.pixels);
    EXPECT_THAT(decoded->texts, ElementsAre(PngText{"AIGC", "AI-generated"}, PngText{"Seed", "42"}));
  }
}

TEST(PngCodecTest, BadImagesAndTextsNameTheField) {
  const std::vector<std::pair<std::string, PixelImage>> images = {
      {"image.width", {0, 28, 1, {}}},
      {"image.height", {28, 5000, 1, {}}},
      {"image.channels", {1, 1, 2, {0, 0}}},
      {"image.pixels", {2, 2, 1, {0, 0, 0}}},
  };
  for (const auto& [field, image] : images) {
    auto png = EncodePng(image, {});
    EXPECT_EQ(png.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(png.status().message(), HasSubstr(field));
  }
  const PixelImage ok = Gradient(2, 2, 1);
  const std::vector<std::pair<std::string, PngText>> texts = {
      {"texts[0].keyword", {"", "x"}},
      {"texts[0].keyword", {std::string(80, 'k'), "x"}},
      {"texts[0].keyword", {" lead", "x"}},
      {"texts[0].text", {"Key", "AI生成"}},
  };
  for (const auto& [field, text] : texts) {
    const std::vector<PngText> one = {text};
    auto png = EncodePng(ok, one);
    EXPECT_EQ(png.status().code(), absl::StatusCode::kInvalidArgument) << text.keyword;
    EXPECT_THAT(png.status().message(), HasSubstr(field));
  }
}

TEST(PngCodecTest, DecodingRejectsWhatIsNotAPng) {
  EXPECT_EQ(DecodePng("hello").status().code(), absl::StatusCode::kInvalidArgument);
  auto png = EncodePng(Gradient(28, 28, 1), {});
  ASSERT_TRUE(png.ok());
  auto truncated = DecodePng(std::string_view(*png).substr(0, png->size() / 2));
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(truncated.status().message(), HasSubstr("not a readable PNG"));
}

}  // namespace
}  // namespace aigc::imagegen
