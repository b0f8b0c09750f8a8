#include "services/imagegen/novelty/near_duplicate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::imagegen {
namespace {

constexpr int kBlockSide = 4;
constexpr int kBlockPixels = kBlockSide * kBlockSide;
constexpr int kBlocksPerSide = kImageSide / kBlockSide;
constexpr int kBlocks = kBlocksPerSide * kBlocksPerSide;
// Rows compared between checks against the best distance so far.
constexpr int kRowsPerCheck = 4;

void AppendBlockSums(std::span<const uint8_t> image, std::vector<int32_t>& sums) {
  const size_t first = sums.size();
  sums.resize(first + kBlocks, 0);
  for (int y = 0; y < kImageSide; ++y) {
    for (int x = 0; x < kImageSide; ++x) {
      sums[first + (y / kBlockSide) * kBlocksPerSide + x / kBlockSide] += image[y * kImageSide + x];
    }
  }
}

// By Cauchy-Schwarz, a block's squared pixel differences sum to at least
// (difference of the block sums)^2 / kBlockPixels; this returns kBlockPixels
// times the resulting bound on the squared distance, to stay in integers (at
// most kBlocks * (kBlockPixels * 255)^2, well within int32).
int32_t ScaledLowerBound(const int32_t* a, const int32_t* b) {
  int32_t bound = 0;
  for (int j = 0; j < kBlocks; ++j) {
    const int32_t difference = a[j] - b[j];
    bound += difference * difference;
  }
  return bound;
}

// The squared distance, or some value >= `limit` once it reaches `limit`.
int64_t SquaredDistance(const uint8_t* a, const uint8_t* b, int64_t limit) {
  int64_t sum = 0;
  for (int row = 0; row < kImageSide && sum < limit; row += kRowsPerCheck) {
    int32_t part = 0;  // vectorised: no branch inside
    for (int p = row * kImageSide; p < (row + kRowsPerCheck) * kImageSide; ++p) {
      const int32_t difference = static_cast<int32_t>(a[p]) - b[p];
      part += difference * difference;
    }
    sum += part;
  }
  return sum;
}

}  // namespace

NearDuplicateIndex::NearDuplicateIndex(const FashionMnist& train) {
  for (int i = 0; i < train.count(); ++i) {
    const int label = train.labels[i];
    const std::span<const uint8_t> image = train.Image(i);
    pixels_[label].insert(pixels_[label].end(), image.begin(), image.end());
    AppendBlockSums(image, block_sums_[label]);
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
  std::vector<int32_t> query_sums;
  AppendBlockSums(image, query_sums);
  const int32_t* sums = block_sums_[label].data();
  std::vector<int32_t> bounds(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    bounds[k] = ScaledLowerBound(query_sums.data(), sums + k * kBlocks);
  }
  // Start from the candidate with the smallest bound, usually the nearest or
  // close to it, then look only at candidates whose bound could beat it.
  const uint8_t* candidates = pixels_[label].data();
  size_t best_k = std::min_element(bounds.begin(), bounds.end()) - bounds.begin();
  int64_t best = SquaredDistance(image.data(), candidates + best_k * kImagePixels,
                                 std::numeric_limits<int64_t>::max());
  for (size_t k = 0; k < indices.size(); ++k) {
    if (k == best_k || bounds[k] >= best * kBlockPixels) continue;
    const int64_t distance = SquaredDistance(image.data(), candidates + k * kImagePixels, best);
    if (distance < best) {
      best = distance;
      best_k = k;
    }
  }
  return NearestImage{.index = indices[best_k],
                      .rms = std::sqrt(static_cast<double>(best) / kImagePixels)};
}

}  // namespace aigc::imagegen
