#include "services/imagegen/service/image_encoding.h"

#include <map>
#include <string>

#include "gtest/gtest.h"
#include "services/imagegen/data/fashion_mnist.h"
#include "services/imagegen/png/png_codec.h"

namespace aigc::imagegen {
namespace {

DrawnImage Drawn() {
  DrawnImage image;
  image.index = 2;
  image.seed = 18446744073709551615ull;
  image.pixels.resize(kImagePixels);
  for (int p = 0; p < kImagePixels; ++p) image.pixels[p] = static_cast<uint8_t>(p % 251);
  image.regenerated_count = 1;
  return image;
}

common::v1::ModelRef Model() {
  common::v1::ModelRef model;
  model.set_name("imagegen-generator");
  model.set_version("3");
  return model;
}

TEST(ImageEncodingTest, ThePngDecodesToTheRequestedSizeAndCarriesTheLabel) {
  for (const auto& [size, side] :
       std::map<v1::Size, int>{{v1::SIZE_28, 28}, {v1::SIZE_56, 56}, {v1::SIZE_112, 112}}) {
    ImageSpec spec;
    spec.category = common::v1::CATEGORY_BAG;
    spec.label = 8;
    spec.size = size;
    spec.side = side;
    spec.truncation = 1.5f;
    auto message = EncodeImage(Drawn(), spec, Model());
    ASSERT_TRUE(message.ok()) << message.status();
    EXPECT_EQ(message->width(), side);
    EXPECT_EQ(message->height(), side);
    EXPECT_EQ(message->format(), v1::IMAGE_FORMAT_PNG);
    auto decoded = DecodePng(message->data());
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->image.width, side);
    EXPECT_EQ(decoded->image.height, side);
    EXPECT_EQ(decoded->image.channels, 1);
    if (side == 28) {
      EXPECT_EQ(decoded->image.pixels, Drawn().pixels);
    }

    std::map<std::string, std::string> texts;
    for (const PngText& text : decoded->texts) texts[text.keyword] = text.text;
    EXPECT_EQ(texts[kPngLabelKeyword], "AI-generated");
    EXPECT_EQ(texts[kPngGeneratorKeyword], "aigc.imagegen.v1.ImageGenService");
    EXPECT_EQ(texts[kPngModelKeyword], "imagegen-generator/3");
    EXPECT_EQ(texts[kPngSeedKeyword], "18446744073709551615");
    EXPECT_EQ(texts[kPngCategoryKeyword], "CATEGORY_BAG");
    EXPECT_EQ(texts[kPngTruncationKeyword], "1.5");
    EXPECT_EQ(texts[kPngContentIdKeyword], message->aigc_label().content_id());
    EXPECT_EQ(texts[kPngCreationTimeKeyword].size(), std::string("2026-11-30T20:00:00Z").size());

    EXPECT_TRUE(message->aigc_label().ai_generated());
    EXPECT_TRUE(message->aigc_label().embedded_in_content());
    EXPECT_EQ(message->aigc_label().model().version(), "3");
    EXPECT_EQ(message->seed(), Drawn().seed);
    EXPECT_EQ(message->index(), 2);
    EXPECT_EQ(message->regenerated_count(), 1);
    EXPECT_EQ(message->truncation(), 1.5f);
    EXPECT_EQ(message->category(), common::v1::CATEGORY_BAG);
  }
}

}  // namespace
}  // namespace aigc::imagegen
