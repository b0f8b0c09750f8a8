// Turning per-request tensors into one batch and the batch's outputs back into
// per-request tensors, following a model's manifest.
#ifndef AIGC_COMMON_RUNTIME_INTERNAL_BATCH_ASSEMBLY_H_
#define AIGC_COMMON_RUNTIME_INTERNAL_BATCH_ASSEMBLY_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/runtime/manifest.h"
#include "common/runtime/tensor.h"

namespace aigc::runtime::internal {

// Checks one request's inputs against the manifest; INVALID_ARGUMENT naming
// "inputs[i]" (or "inputs" for a wrong count).
absl::Status CheckInputs(const ModelManifest& manifest, const std::vector<Tensor>& inputs);

struct Batch {
  // The model's inputs: each manifest input with a leading batch dimension
  // (variable-length ones padded to the longest request), then one float32
  // mask [batch, length] per variable-length input.
  std::vector<Tensor> inputs;
  // Per request, the length of the first variable-length input (0 when none).
  std::vector<int64_t> lengths;
  // Padded length of the first variable-length input (0 when none).
  int64_t padded_length = 0;
};

// Stacks requests whose inputs passed CheckInputs. `requests` is not empty.
Batch Gather(const ModelManifest& manifest,
             const std::vector<const std::vector<Tensor>*>& requests);

// Splits the model's outputs into one vector of outputs per request. Fails
// with INTERNAL when an output's dtype or shape is not what the manifest
// promises for this batch.
absl::StatusOr<std::vector<std::vector<Tensor>>> Scatter(const ModelManifest& manifest,
                                                         const Batch& batch,
                                                         std::vector<Tensor> outputs);

// Inputs of one request of the smallest valid shape (variable length 1),
// filled with each input's pad value: what warm-up computes on.
std::vector<Tensor> SampleInputs(const ModelManifest& manifest);

}  // namespace aigc::runtime::internal

#endif  // AIGC_COMMON_RUNTIME_INTERNAL_BATCH_ASSEMBLY_H_
