// Loading models with LibTorch, torch-free: the repository's default loader.
#ifndef AIGC_COMMON_RUNTIME_TORCH_BACKEND_H_
#define AIGC_COMMON_RUNTIME_TORCH_BACKEND_H_

#include <filesystem>
#include <memory>

#include "absl/status/statusor.h"
#include "common/runtime/device.h"
#include "common/runtime/manifest.h"
#include "common/runtime/model.h"

namespace aigc::runtime {

// Verifies the weights' checksum (DATA_LOSS) and loads them:
// MODEL_FORMAT_TORCH_MODULE builds the registered architecture (NOT_FOUND for
// an unknown name, INVALID_ARGUMENT for a bad config) and reads its saved
// parameters (FAILED_PRECONDITION when the file does not fit the
// architecture); MODEL_FORMAT_TORCHSCRIPT loads with torch::jit::load. The
// model is moved to `device`, set to eval mode and computes under
// c10::InferenceMode.
absl::StatusOr<std::unique_ptr<Model>> LoadTorchModel(const std::filesystem::path& version_dir,
                                                      const ModelManifest& manifest,
                                                      Device device);

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_TORCH_BACKEND_H_
