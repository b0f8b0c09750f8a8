// For gan/ only (includes LibTorch): the generator network, shared by the
// trainer (conditional_gan.cc) and the servable model (generator_model.cc).
#ifndef AIGC_SERVICES_IMAGEGEN_GAN_INTERNAL_GENERATOR_NETWORK_H_
#define AIGC_SERVICES_IMAGEGEN_GAN_INTERNAL_GENERATOR_NETWORK_H_

#include <cstdint>
#include <memory>
#include <span>

#include "absl/status/status.h"
#include "common/runtime/manifest.h"
#include "common/runtime/torch_module.h"
#include "services/imagegen/gan/conditional_gan.h"
#include "torch/torch.h"

namespace aigc::imagegen::internal {

// Noise and class embedding -> linear to 128 x 7 x 7 -> BN + ReLU ->
// transposed conv to 64 x 14 x 14 -> BN + ReLU -> transposed conv to
// 1 x 28 x 28 -> tanh.
class GeneratorImpl : public torch::nn::Module {
 public:
  GeneratorImpl();

  // z [B, kNoiseDim], labels int64 [B] -> images [B, 1, 28, 28] in [-1, 1].
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels);

 private:
  torch::nn::Embedding embedding_{nullptr};
  torch::nn::Linear project_{nullptr};
  torch::nn::BatchNorm1d norm0_{nullptr};
  torch::nn::ConvTranspose2d up1_{nullptr};
  torch::nn::BatchNorm2d norm1_{nullptr};
  torch::nn::ConvTranspose2d up2_{nullptr};
};
TORCH_MODULE(Generator);

// Images of `labels` (int64 [B], on the generator's device), row i drawn
// from noise seeded by seeds[i] with components beyond truncations[i]
// redrawn: float32 [B, kImagePixels] grey levels, whole numbers in 0..255.
// The noise is drawn on the CPU so a seed gives the same image on every
// device kind's noise path.
torch::Tensor DrawPixels(Generator& generator, const torch::Tensor& labels,
                         std::span<const uint64_t> seeds, std::span<const double> truncations);

// INVALID_ARGUMENT "labels" (empty, or one outside [0, kClasses)) or
// "truncation" (outside (0, kMaxTruncation]).
absl::Status CheckDrawArguments(std::span<const int> labels, double truncation);

// The servable module (generator_model.h) around `generator`.
std::shared_ptr<runtime::ServableModule> ServableGenerator(Generator generator);

}  // namespace aigc::imagegen::internal

#endif  // AIGC_SERVICES_IMAGEGEN_GAN_INTERNAL_GENERATOR_NETWORK_H_
