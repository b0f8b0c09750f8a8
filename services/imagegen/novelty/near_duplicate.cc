#include "services/imagegen/novelty/near_duplicate.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::imagegen {

NearDuplicateIndex::NearDuplicateIndex(const FashionMnist& train) {
  for (int i = 0; i < train.count(); ++i) {
    const int label = train.labels[i];
    const std::span<const uint8_t> image = train.Image(i);
    pixels_[label].insert(pixels_[label].end(), image.begin(), image.end());
    indices_[label].push_back(i);
  }
}

absl::StatusOr<NearestImage> NearDuplicateIndex::Nearest(std::span<const uint8_t> image,
                                                         int label) const {
  if (image.size() != static_cast<size_t>(kImagePixels)) {
    return status::InvalidField(
        "image", absl::StrCat("must have ", kImagePixels, " pixels, got ", image.size()));
  }
  if (label < 0 || label >= kClasses) {
    return status::InvalidField("label", absl::StrCat("must be in [0, 10), got ", label));
  }
  const std::vector<int>& indices = indices_[label];
  if (indices.empty()) {
    return absl::NotFoundError(absl::StrCat("no training image of class ", label));
  }
  const uint8_t* candidates = pixels_[label].data();
  int64_t best = std::numeric_limits<int64_t>::max();
  size_t best_k = 0;
  for (size_t k = 0; k < indices.size(); ++k) {
    const uint8_t* candidate = candidates + k * kImagePixels;
    int64_t sum = 0;
    for (int p = 0; p < kImagePixels && sum < best; ++p) {
      const int difference = static_cast<int>(image[p]) - candidate[p];
      sum += difference * difference;
    }
    if (sum < best) {
      best = sum;
      best_k = k;
    }
  }
  return NearestImage{.index = indices[best_k],
                      .rms = std::sqrt(static_cast<double>(best) / kImagePixels)};
}

}  // namespace aigc::imagegen
