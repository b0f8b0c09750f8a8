// The trained generator as the inference runtime serves it: a model-repository
// version (architecture "conditional_dcgan", format TORCH_MODULE) computing
// one image per request, so the runtime's dynamic batcher can put images of
// many requests into one generator pass.
//
// Per request (no batch dimension):
//   inputs   label       int64[1]    Fashion-MNIST label, 0..9
//            seed        int64[1]    the uint64 seed, bit for bit
//            truncation  float32[1]  noise components beyond it are redrawn, (0, 4]
//   output   image       float32[784] grey levels 0..255 (whole numbers), row-major 28 x 28
//
// The noise is drawn from the seed inside the model, row by row, so an image
// depends only on (label, seed, truncation) and not on what else shares its
// batch (up to float rounding of the batched multiplications; see
// docs/imagegen.md). LibTorch stays behind this header.
#ifndef AIGC_SERVICES_IMAGEGEN_GAN_GENERATOR_MODEL_H_
#define AIGC_SERVICES_IMAGEGEN_GAN_GENERATOR_MODEL_H_

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/runtime/manifest.h"
#include "common/runtime/model.h"
#include "common/runtime/tensor.h"

namespace aigc::imagegen {

inline constexpr char kGeneratorArchitecture[] = "conditional_dcgan";
// The repository name the service and the tools use by default.
inline constexpr char kGeneratorModelName[] = "imagegen-generator";
// Largest truncation the model accepts.
inline constexpr double kMaxTruncation = 4.0;

// Makes "conditional_dcgan" loadable by the runtime's LibTorch loader. Call
// before loading a generator version; later calls do nothing. Thread-safe.
void RegisterGeneratorArchitecture();

// Sets the architecture, config, inputs and outputs of a generator version's
// manifest (what ConditionalGan::Publish writes).
void DescribeGeneratorVersion(runtime::ModelManifest& manifest);

// The model's inputs for one image. Does not check the values (the service
// validates requests; the model answers INVALID_ARGUMENT for bad ones).
std::vector<runtime::Tensor> GeneratorInputs(int label, uint64_t seed, float truncation);

// The 784 grey levels of one request's `image` output. INTERNAL when the
// tensor is not float32[784].
absl::StatusOr<std::vector<uint8_t>> GeneratorPixels(const runtime::Tensor& image);

// Draws labels.size() images on `model` directly (no batcher), image i from
// seed + i, in batches of at most `batch_size`: kImagePixels bytes per image,
// back to back. For tools that evaluate a served version; the service goes
// through the batcher. INVALID_ARGUMENT "labels" / "truncation" /
// "batch_size" for bad arguments.
absl::StatusOr<std::vector<uint8_t>> DrawImages(runtime::Model& model, std::span<const int> labels,
                                                uint64_t seed, float truncation,
                                                int batch_size = 256);

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_GAN_GENERATOR_MODEL_H_
