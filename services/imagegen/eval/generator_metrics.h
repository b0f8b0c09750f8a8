// Measures of a set of generated Fashion-MNIST images, each image asked for
// with a label: does the evaluation classifier see the requested class
// (class consistency), how varied are the images of a class (mean pairwise
// distance of classifier features, next to the same for real images), and
// how many copy a training image (near-duplicate rate). The Fréchet distance
// is in frechet_distance.h; aigc-imagegen-eval reports all of them.
//
// Images are kImagePixels bytes each, back to back; labels are one per image
// in [0, kClasses). All functions are thread-safe.
#ifndef AIGC_SERVICES_IMAGEGEN_EVAL_GENERATOR_METRICS_H_
#define AIGC_SERVICES_IMAGEGEN_EVAL_GENERATOR_METRICS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "services/imagegen/classifier/fmnist_classifier.h"
#include "services/imagegen/data/fashion_mnist.h"
#include "services/imagegen/novelty/near_duplicate.h"

namespace aigc::imagegen {

// A share overall and per class. A class without images has share 0 and
// count 0.
struct ClassShares {
  double overall = 0;
  std::array<double, kClasses> per_class{};
  std::array<int, kClasses> count{};  // images asked for per class
};

// `per_class` labels of each class in turn: 0, 0, ..., 1, 1, ..., 9.
std::vector<int> ClassMajorLabels(int per_class);

// The share of images that `classifier` assigns to their label. INVALID_ARGUMENT
// "pixels" (as FashionClassifier::Classify) or "labels" (not one per image,
// or one outside [0, kClasses)).
absl::StatusOr<ClassShares> ClassConsistency(const FashionClassifier& classifier,
                                             std::span<const uint8_t> pixels,
                                             std::span<const int> labels);

// Per class, the mean Euclidean distance between the feature vectors (rows of
// `dim` floats, one per label) of every pair of its images; NaN for a class
// with fewer than two images. Identical images give 0, so a collapsed class
// shows as ~0. INVALID_ARGUMENT "dim" (< 1), "features" (size not
// labels.size() x dim) or "labels" (one outside [0, kClasses)).
absl::StatusOr<std::array<double, kClasses>> MeanPairwiseDistance(std::span<const float> features,
                                                                  std::span<const int> labels,
                                                                  int dim);

// What the near-duplicate search found for a set of images.
struct NoveltyReport {
  // Images whose nearest training image of their label is closer than
  // kNearDuplicateRms.
  ClassShares near_duplicates;
  // Median distance to that nearest training image; 0 for a class without
  // images.
  double median_rms = 0;
  std::array<double, kClasses> median_rms_per_class{};
};

// Looks up every image in `index` (the training set) under its label, on
// `threads` threads. `on_progress`, when set, is called after every image
// with the number of images done so far, from those threads but one call at
// a time and with the count rising. INVALID_ARGUMENT "pixels" (not a
// positive multiple of kImagePixels), "labels" (as ClassConsistency) or
// "threads" (< 1); the index's errors otherwise.
absl::StatusOr<NoveltyReport> MeasureNovelty(const NearDuplicateIndex& index,
                                             std::span<const uint8_t> pixels,
                                             std::span<const int> labels, int threads,
                                             const std::function<void(int done)>& on_progress = {});

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_EVAL_GENERATOR_METRICS_H_
