// For model code only (it includes LibTorch; keep it out of service headers):
// how a C++ torch::nn module becomes servable by the runtime.
//
// An architecture is a ServableModule subclass registered under a name; a
// manifest with format MODEL_FORMAT_TORCH_MODULE names it and carries its
// constructor config. Training tools build the module, train it and publish
// it with PublishTorchModule; the runtime rebuilds it from the config and
// loads the saved parameters.
#ifndef AIGC_COMMON_RUNTIME_TORCH_MODULE_H_
#define AIGC_COMMON_RUNTIME_TORCH_MODULE_H_

#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/runtime/device.h"
#include "common/runtime/manifest.h"
#include "common/runtime/tensor.h"
#include "google/protobuf/struct.pb.h"
#include "torch/torch.h"

namespace aigc::runtime {

// A torch::nn module the runtime can serve.
class ServableModule : public torch::nn::Module {
 public:
  // Computes one batch: the manifest's inputs in order, each with a leading
  // batch dimension, then a float32 mask [batch, length] per variable-length
  // input. Returns the manifest's outputs in order. Called under
  // c10::InferenceMode.
  virtual std::vector<torch::Tensor> Serve(const std::vector<torch::Tensor>& inputs) = 0;
};

// Builds an untrained module from a manifest's config; INVALID_ARGUMENT
// naming "config.<key>" for a bad config.
using ArchitectureFactory =
    std::function<absl::StatusOr<std::shared_ptr<ServableModule>>(const google::protobuf::Struct&)>;

// Makes an architecture loadable by name; ALREADY_EXISTS for a taken name.
// Built in: "mlp", "conv_classifier", "sequence_pooler" (architectures.cc
// documents their configs). Thread-safe.
absl::Status RegisterArchitecture(const std::string& name, ArchitectureFactory factory);

// Builds a registered architecture; NOT_FOUND for an unknown name.
absl::StatusOr<std::shared_ptr<ServableModule>> BuildArchitecture(
    absl::string_view name, const google::protobuf::Struct& config);

// Publishes `module`'s parameters and buffers as a new version of
// manifest.name() under `root` (see PublishModelVersion). Sets format to
// MODEL_FORMAT_TORCH_MODULE and weights_file to "model.pt" when unset.
absl::StatusOr<ModelManifest> PublishTorchModule(const std::filesystem::path& root,
                                                 ModelManifest manifest,
                                                 torch::nn::Module& module);

// The message of a LibTorch exception without the C++ backtrace c10 errors
// carry in what().
std::string TorchErrorMessage(const std::exception& e);

// Saves `archive` to `path` atomically (a temporary file beside it, then a
// rename). INTERNAL on failure.
absl::Status SaveArchive(torch::serialize::OutputArchive& archive,
                         const std::filesystem::path& path);

// Reads the archive at `path`, tensors onto `device`, into `archive`.
// NOT_FOUND for a missing file, DATA_LOSS for an unreadable one.
absl::Status OpenArchive(const std::filesystem::path& path, const torch::Device& device,
                         torch::serialize::InputArchive& archive);

// Conversions between host tensors and LibTorch tensors. On the CPU, ToTorch
// borrows `tensor`'s memory (valid while it lives, not to be written);
// FromTorch always copies.
torch::Device ToTorchDevice(Device device);
torch::Tensor ToTorch(const Tensor& tensor, const torch::Device& device);
// INTERNAL for element types other than float32 and int64.
absl::StatusOr<Tensor> FromTorch(const torch::Tensor& tensor);

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_TORCH_MODULE_H_
