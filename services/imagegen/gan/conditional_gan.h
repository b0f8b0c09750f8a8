// The class-conditional image generator: a conditional DCGAN (Radford et al.
// 2016; Mirza & Osindero 2014) for 28 x 28 Fashion-MNIST images, which draws
// with an exponential moving average of the generator's weights (Yazici et
// al. 2019) rather than the weights being trained. Chosen over
// a conditional VAE (blurrier samples, lower classifier agreement) and a
// diffusion model (tens to hundreds of network passes per image, too slow to
// serve on CPU): one generator pass per image.
//
// Generator: noise z (kNoiseDim, standard normal) and a class embedding
// (kClasses x 32) -> linear to 128 x 7 x 7 -> BN + ReLU -> transposed conv to
// 64 x 14 x 14 -> BN + ReLU -> transposed conv to 1 x 28 x 28 -> tanh.
// Discriminator: the image and its class as a 28 x 28 embedding plane ->
// conv 64 (stride 2) + LeakyReLU -> conv 128 (stride 2) + BN + LeakyReLU ->
// linear to one logit. LibTorch stays behind this header. A checkpoint holds
// both networks and the average.
#ifndef AIGC_SERVICES_IMAGEGEN_GAN_CONDITIONAL_GAN_H_
#define AIGC_SERVICES_IMAGEGEN_GAN_CONDITIONAL_GAN_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/runtime/manifest.h"
#include "services/imagegen/data/fashion_mnist.h"

namespace aigc::imagegen {

inline constexpr int kNoiseDim = 64;

struct GanProgress {
  int epoch = 0;  // 1-based
  int step = 0;   // within the epoch, 1-based
  int steps_per_epoch = 0;
  double discriminator_loss = 0;
  double generator_loss = 0;
};

struct GanTrainOptions {
  int epochs = 10;
  int batch_size = 64;
  double learning_rate = 2e-4;  // Adam, beta1 = 0.5, for both networks
  // Seeds the shuffling and the noise.
  uint64_t seed = 1;
  // Called after every step; optional.
  std::function<void(const GanProgress&)> on_step;
  // Called after every epoch; optional (e.g. to write a checkpoint or a
  // sample grid). An error stops training and is returned.
  std::function<absl::Status(int epoch)> on_epoch;
};

// Not thread-safe while training; Generate may run concurrently otherwise.
class ConditionalGan {
 public:
  // Fresh weights, the same for the same seed.
  static std::unique_ptr<ConditionalGan> Create(uint64_t seed);
  // Reads a file written by Save: NOT_FOUND when missing, DATA_LOSS when not
  // a readable generator. A checkpoint without an average (written before
  // there was one) starts it from the generator.
  static absl::StatusOr<std::unique_ptr<ConditionalGan>> Load(const std::filesystem::path& path);
  ~ConditionalGan();

  // Writes both networks and the average (written beside `path`, then
  // renamed).
  absl::Status Save(const std::filesystem::path& path) const;

  // Publishes the average (not the trained generator or the discriminator)
  // as the next version of `manifest.name()` under the model repository
  // `root`, servable as generator_model.h describes. Fills in the architecture, format, inputs
  // and outputs; the caller sets name, description, created_by and any
  // config.metrics. Returns the written manifest (its version set).
  absl::StatusOr<runtime::ModelManifest> Publish(const std::filesystem::path& root,
                                                 runtime::ModelManifest manifest) const;

  // Adversarial training on `data` (non-saturating loss). After every step
  // the average moves towards the trained generator (decay 0.999); after
  // every epoch its batch-norm statistics are recomputed, then on_epoch runs.
  // INVALID_ARGUMENT naming the option, or "data" when empty.
  absl::Status Train(const FashionMnist& data, const GanTrainOptions& options);

  // One image (kImagePixels bytes, 0..255) per entry of `labels`, image i
  // from noise drawn with seed + i: the same seed and label give the same
  // image. `truncation` in (0, 4]: noise components beyond it are redrawn
  // (smaller = more typical, less varied images). INVALID_ARGUMENT "labels"
  // (empty, or a label outside [0, 10)) or "truncation".
  absl::StatusOr<std::vector<uint8_t>> Generate(std::span<const int> labels, uint64_t seed,
                                               double truncation = 2.0) const;

 private:
  struct Impl;
  explicit ConditionalGan(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_GAN_CONDITIONAL_GAN_H_
