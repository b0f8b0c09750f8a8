// Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017), as Debian's
// dataset-fashion-mnist ships it: gzip-compressed IDX files under
// /usr/share/datasets/fashion-mnist/. 60,000 training and 10,000 test
// images of 28 x 28 grey levels (0 = background, 255 = full ink), each
// labelled with one of ten product classes; label + 1 is the
// aigc.common.v1.Category (../shared/DESIGN.md).
#ifndef AIGC_SERVICES_IMAGEGEN_DATA_FASHION_MNIST_H_
#define AIGC_SERVICES_IMAGEGEN_DATA_FASHION_MNIST_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "absl/status/statusor.h"

namespace aigc::imagegen {

inline constexpr int kImageSide = 28;
inline constexpr int kImagePixels = kImageSide * kImageSide;
inline constexpr int kClasses = 10;
inline constexpr char kFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";

enum class Split { kTrain, kTest };

// Images and labels of one split.
struct FashionMnist {
  // count() images of kImagePixels bytes each, row-major, one after another.
  std::vector<uint8_t> pixels;
  // count() labels in [0, kClasses).
  std::vector<uint8_t> labels;

  int count() const { return static_cast<int>(labels.size()); }
  // Image i (0 <= i < count()).
  std::span<const uint8_t> Image(int i) const {
    return std::span<const uint8_t>(pixels).subspan(static_cast<size_t>(i) * kImagePixels,
                                                    kImagePixels);
  }
};

// Reads `split` from `dir`: train-images-idx3-ubyte.gz + train-labels-idx1-ubyte.gz
// or t10k-images-idx3-ubyte.gz + t10k-labels-idx1-ubyte.gz. NOT_FOUND naming
// the file when one is missing; DATA_LOSS naming the file when one is not an
// IDX file of the expected kind (magic number, 28 x 28 images), is
// truncated, holds a label outside [0, 10), or when the two files' counts
// differ.
absl::StatusOr<FashionMnist> LoadFashionMnist(const std::filesystem::path& dir, Split split);

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_DATA_FASHION_MNIST_H_
