// A small CNN that classifies Fashion-MNIST images, used only to evaluate
// the image generator: class consistency (does it see the requested
// category?) and FID on its penultimate-layer features.
//
// Architecture: 3x3 conv (32) + ReLU + 2x2 max-pool, 3x3 conv (64) + ReLU +
// 2x2 max-pool, a 128-unit fully connected layer + ReLU (the features), a
// 10-way linear head. Pixels are scaled to [0, 1]. LibTorch stays behind
// this header.
#ifndef AIGC_SERVICES_IMAGEGEN_CLASSIFIER_FMNIST_CLASSIFIER_H_
#define AIGC_SERVICES_IMAGEGEN_CLASSIFIER_FMNIST_CLASSIFIER_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/imagegen/data/fashion_mnist.h"

namespace aigc::imagegen {

inline constexpr int kClassifierFeatures = 128;

struct ClassifierProgress {
  int epoch = 0;  // 1-based
  int step = 0;   // within the epoch, 1-based
  int steps_per_epoch = 0;
  double loss = 0;  // mean cross-entropy of the step's batch
};

struct ClassifierTrainOptions {
  int epochs = 2;
  int batch_size = 128;
  double learning_rate = 1e-3;  // Adam
  // Seeds the shuffling (the weights are seeded at Create).
  uint64_t seed = 1;
  // Called after every step; optional.
  std::function<void(const ClassifierProgress&)> on_step;
};

// Not thread-safe while training; the const methods may run concurrently.
class FashionClassifier {
 public:
  // Fresh weights, the same for the same seed.
  static std::unique_ptr<FashionClassifier> Create(uint64_t seed);
  // Reads a file written by Save. NOT_FOUND when missing, DATA_LOSS when not
  // a readable classifier.
  static absl::StatusOr<std::unique_ptr<FashionClassifier>> Load(const std::filesystem::path& path);
  ~FashionClassifier();

  // Writes the weights to `path` (written beside it, then renamed).
  absl::Status Save(const std::filesystem::path& path) const;

  // Trains on `data` (Adam, cross-entropy, shuffled each epoch).
  // INVALID_ARGUMENT naming the option ("epochs", "batch_size",
  // "learning_rate") or "data" when empty.
  absl::Status Train(const FashionMnist& data, const ClassifierTrainOptions& options);

  // The most probable class of each image in `pixels` (count images of
  // kImagePixels bytes). INVALID_ARGUMENT "pixels" when its size is not a
  // positive multiple of kImagePixels.
  absl::StatusOr<std::vector<int>> Classify(std::span<const uint8_t> pixels) const;

  // The kClassifierFeatures penultimate activations of each image, row after
  // row. Errors as Classify.
  absl::StatusOr<std::vector<float>> Features(std::span<const uint8_t> pixels) const;

  // Share of `data`'s images classified as labelled.
  absl::StatusOr<double> Accuracy(const FashionMnist& data) const;

 private:
  struct Impl;
  explicit FashionClassifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_CLASSIFIER_FMNIST_CLASSIFIER_H_
