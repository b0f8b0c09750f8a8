// PNG encoding and decoding with libpng, in memory: 8-bit grey or RGB
// images with tEXt metadata (the AI-generated-content label travels in it).
#ifndef AIGC_SERVICES_IMAGEGEN_PNG_PNG_CODEC_H_
#define AIGC_SERVICES_IMAGEGEN_PNG_PNG_CODEC_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace aigc::imagegen {

// An 8-bit image: height rows of width pixels of `channels` bytes each
// (1 = grey, 3 = RGB), row-major.
struct PixelImage {
  int width = 0;
  int height = 0;
  int channels = 1;
  std::vector<uint8_t> pixels;
};

// One tEXt chunk. The PNG specification restricts the keyword to 1..79
// printable Latin-1 characters without leading, trailing or double spaces,
// and the text to Latin-1; we allow printable ASCII only.
struct PngText {
  std::string keyword;
  std::string text;

  friend bool operator==(const PngText&, const PngText&) = default;
};

// The PNG file of `image` with `texts` as tEXt chunks before the image data.
// INVALID_ARGUMENT naming the field: "image.width"/"image.height" (1..4096),
// "image.channels" (1 or 3), "image.pixels" (size not width x height x
// channels), "texts[i].keyword" / "texts[i].text" (see PngText).
absl::StatusOr<std::string> EncodePng(const PixelImage& image, std::span<const PngText> texts);

struct DecodedPng {
  PixelImage image;
  std::vector<PngText> texts;
};

// Reads a PNG file of 8-bit grey or RGB pixels (what EncodePng writes), with
// its tEXt chunks. INVALID_ARGUMENT when `bytes` is not such a PNG (the
// message says why).
absl::StatusOr<DecodedPng> DecodePng(std::string_view bytes);

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_PNG_PNG_CODEC_H_
