// Upscaling generated 28 x 28 images to the sizes the API offers (56, 112):
// bicubic interpolation (Keys' kernel, a = -0.5, the "Catmull-Rom" cubic),
// sampling the source at pixel centres with clamped edges, rounded and
// clamped to 0..255. Smoother than repeating pixels, without the ringing of
// sharper kernels on the images' flat backgrounds.
#ifndef AIGC_SERVICES_IMAGEGEN_IMAGE_UPSCALE_H_
#define AIGC_SERVICES_IMAGEGEN_IMAGE_UPSCALE_H_

#include "absl/status/statusor.h"
#include "services/imagegen/png/png_codec.h"

namespace aigc::imagegen {

// `image` scaled by an integer `factor` in [1, 8] in both directions (factor
// 1 returns it unchanged). INVALID_ARGUMENT "factor" outside that range, and
// "image.pixels" when the pixels do not match the size.
absl::StatusOr<PixelImage> Upscale(const PixelImage& image, int factor);

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_IMAGE_UPSCALE_H_
