#include "services/imagegen/image/upscale.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::imagegen {
namespace {

// Keys' cubic convolution kernel with a = -0.5.
double Cubic(double x) {
  x = std::abs(x);
  if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

// The 4 source indices and weights for output coordinate `out` of a 1-D
// axis of `size` source pixels scaled by `factor`.
struct Taps {
  std::array<int, 4> index;
  std::array<double, 4> weight;
};

Taps TapsFor(int out, int factor, int size) {
  // Centre of the output pixel in source coordinates.
  const double source = (out + 0.5) / factor - 0.5;
  const int base = static_cast<int>(std::floor(source));
  Taps taps;
  for (int k = 0; k < 4; ++k) {
    const int i = base - 1 + k;
    taps.index[k] = std::clamp(i, 0, size - 1);
    taps.weight[k] = Cubic(source - i);
  }
  return taps;
}

}  // namespace

absl::StatusOr<PixelImage> Upscale(const PixelImage& image, int factor) {
  if (factor < 1 || factor > 8) {
    return status::InvalidField("factor", absl::StrCat("must be in [1, 8], got ", factor));
  }
  const size_t expected = static_cast<size_t>(image.width) * image.height * image.channels;
  if (image.width < 1 || image.height < 1 || image.channels < 1 ||
      image.pixels.size() != expected) {
    return status::InvalidField("image.pixels", "do not match width x height x channels");
  }
  if (factor == 1) return image;
  PixelImage out{image.width * factor, image.height * factor, image.channels, {}};
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * out.channels);
  for (int y = 0; y < out.height; ++y) {
    const Taps rows = TapsFor(y, factor, image.height);
    for (int x = 0; x < out.width; ++x) {
      const Taps columns = TapsFor(x, factor, image.width);
      for (int c = 0; c < image.channels; ++c) {
        double value = 0;
        for (int j = 0; j < 4; ++j) {
          for (int i = 0; i < 4; ++i) {
            const size_t source =
                (static_cast<size_t>(rows.index[j]) * image.width + columns.index[i]) *
                    image.channels + c;
            value += rows.weight[j] * columns.weight[i] * image.pixels[source];
          }
        }
        out.pixels[(static_cast<size_t>(y) * out.width + x) * out.channels + c] =
            static_cast<uint8_t>(std::clamp(std::lround(value), 0L, 255L));
      }
    }
  }
  return out;
}

}  // namespace aigc::imagegen
