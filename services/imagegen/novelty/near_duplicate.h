// Whether a generated image copies a training image: its distance to the
// nearest Fashion-MNIST training image of the same class, as the
// root-mean-square difference of grey levels (0..255). Same class only: a
// generator asked for a dress that reproduces a training dress is the risk;
// it also keeps a query at 6,000 comparisons instead of 60,000.
#ifndef AIGC_SERVICES_IMAGEGEN_NOVELTY_NEAR_DUPLICATE_H_
#define AIGC_SERVICES_IMAGEGEN_NOVELTY_NEAR_DUPLICATE_H_

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "services/imagegen/data/fashion_mnist.h"

namespace aigc::imagegen {

// A generated image whose Nearest rms is below this copies a training image.
// Measured on Fashion-MNIST: planted copies of training images give 0,
// lightly noised copies stay below 5, while no unseen test image comes
// closer than 12.1 to its nearest training image (median 31.9).
inline constexpr double kNearDuplicateRms = 12.0;

struct NearestImage {
  int index = -1;   // into the training set given to the index
  double rms = 0;   // root-mean-square grey-level difference, 0..255
};

// Immutable once built; Nearest is thread-safe.
class NearDuplicateIndex {
 public:
  explicit NearDuplicateIndex(const FashionMnist& train);

  // The training image of class `label` nearest to `image` (kImagePixels
  // bytes). INVALID_ARGUMENT "image" for another size, "label" outside
  // [0, 10); NOT_FOUND when the training set has no image of that class.
  absl::StatusOr<NearestImage> Nearest(std::span<const uint8_t> image, int label) const;

 private:
  // Per class: the images' pixels back to back, their sums over 4 x 4-pixel
  // blocks (49 per image, back to back; they bound the distance from below,
  // so most candidates are ruled out without reading their pixels), and
  // their training indices.
  std::array<std::vector<uint8_t>, kClasses> pixels_;
  std::array<std::vector<int32_t>, kClasses> block_sums_;
  std::array<std::vector<int>, kClasses> indices_;
};

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_NOVELTY_NEAR_DUPLICATE_H_
