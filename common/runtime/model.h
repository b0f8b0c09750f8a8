// What the inference runtime serves: a loaded model version behind a
// torch-free interface.
#ifndef AIGC_COMMON_RUNTIME_MODEL_H_
#define AIGC_COMMON_RUNTIME_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/runtime/manifest.h"
#include "common/runtime/tensor.h"

namespace aigc::runtime {

// A model that computes one batch at a time. Implementations wrap a LibTorch
// module (see torch_backend.h); tests may use plain C++.
class Model {
 public:
  virtual ~Model() = default;

  // Computes one batch. `inputs` are the manifest's inputs in order, each with
  // a leading batch dimension, followed by one float32 mask [batch, length]
  // per variable-length input (in input order). Returns the manifest's
  // outputs in order, each with the leading batch dimension. Called by one
  // thread at a time per Model.
  virtual absl::StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) = 0;
};

// One loaded version of a model. Immutable once published by the repository;
// shared by everyone computing on it, so it is retired only when the last
// batch using it has finished.
struct LoadedModel {
  ModelManifest manifest;
  std::unique_ptr<Model> model;
  absl::Time loaded_time;

  const std::string& name() const { return manifest.name(); }
  int64_t version() const { return manifest.version(); }
};

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_MODEL_H_
