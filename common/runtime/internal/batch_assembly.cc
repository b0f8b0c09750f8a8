#include "common/runtime/internal/batch_assembly.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::runtime::internal {
namespace {

// Bytes of one row of `shape` after its first `skip` dimensions.
int64_t TrailingElements(const std::vector<int64_t>& shape, size_t skip) {
  int64_t count = 1;
  for (size_t i = skip; i < shape.size(); ++i) count *= shape[i];
  return count;
}

}  // namespace

absl::Status CheckInputs(const ModelManifest& manifest, const std::vector<Tensor>& inputs) {
  if (static_cast<int>(inputs.size()) != manifest.inputs_size()) {
    return status::InvalidField(
        "inputs", absl::StrCat("model \"", manifest.name(), "\" takes ", manifest.inputs_size(),
                               " inputs, got ", inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    AIGC_RETURN_IF_ERROR(CheckAgainstSpec(inputs[i], manifest.inputs(static_cast<int>(i)),
                                          absl::StrCat("inputs[", i, "]")));
  }
  return absl::OkStatus();
}

Batch Gather(const ModelManifest& manifest,
             const std::vector<const std::vector<Tensor>*>& requests) {
  Batch batch;
  const int64_t batch_size = static_cast<int64_t>(requests.size());
  std::vector<Tensor> masks;
  bool first_variable = true;
  for (int i = 0; i < manifest.inputs_size(); ++i) {
    const TensorSpec& spec = manifest.inputs(i);
    const std::vector<int64_t>& sample_shape = (*requests[0])[i].shape();
    const bool variable = IsVariableLength(spec);
    int64_t length = variable ? 0 : -1;
    if (variable) {
      for (const auto* request : requests) length = std::max(length, (*request)[i].shape()[0]);
    }
    std::vector<int64_t> shape{batch_size};
    shape.insert(shape.end(), sample_shape.begin(), sample_shape.end());
    if (variable) shape[1] = length;
    Tensor stacked = Tensor::Filled(spec.dtype(), shape, variable ? spec.pad_value() : 0.0);
    const size_t element = stacked.ElementBytes();
    // A row is one request's slot: the padded length times the trailing dims.
    const int64_t row = TrailingElements(shape, 1);
    auto* out = static_cast<char*>(stacked.mutable_data());
    Tensor mask;
    if (variable) mask = Tensor::Filled(v1::DATA_TYPE_FLOAT32, {batch_size, length}, 0.0);
    for (int64_t r = 0; r < batch_size; ++r) {
      const Tensor& source = (*requests[r])[i];
      std::memcpy(out + r * row * element, source.data(), source.NumElements() * element);
      if (variable) {
        const int64_t own = source.shape()[0];
        std::fill_n(mask.mutable_float32().begin() + r * length, own, 1.0f);
        if (first_variable) batch.lengths.push_back(own);
      }
    }
    if (variable) {
      if (first_variable) batch.padded_length = length;
      first_variable = false;
      masks.push_back(std::move(mask));
    }
    batch.inputs.push_back(std::move(stacked));
  }
  if (batch.lengths.empty()) batch.lengths.assign(batch_size, 0);
  for (Tensor& mask : masks) batch.inputs.push_back(std::move(mask));
  return batch;
}

absl::StatusOr<std::vector<std::vector<Tensor>>> Scatter(const ModelManifest& manifest,
                                                         const Batch& batch,
                                                         std::vector<Tensor> outputs) {
  const int64_t batch_size = static_cast<int64_t>(batch.lengths.size());
  if (static_cast<int>(outputs.size()) != manifest.outputs_size()) {
    return absl::InternalError(absl::StrCat("model \"", manifest.name(), "\" version ",
                                            manifest.version(), " returned ", outputs.size(),
                                            " outputs, its manifest lists ",
                                            manifest.outputs_size()));
  }
  std::vector<std::vector<Tensor>> per_request(batch_size);
  for (int j = 0; j < manifest.outputs_size(); ++j) {
    const TensorSpec& spec = manifest.outputs(j);
    const Tensor& output = outputs[j];
    std::vector<int64_t> expected{batch_size};
    expected.insert(expected.end(), spec.shape().begin(), spec.shape().end());
    const bool variable = IsVariableLength(spec);
    if (variable) expected[1] = batch.padded_length;
    if (output.dtype() != spec.dtype() || output.shape() != expected ||
        !output.Validate("output").ok()) {
      return absl::InternalError(absl::StrCat(
          "model \"", manifest.name(), "\" version ", manifest.version(), " returned output \"",
          spec.name(), "\" as ", output.DebugString(), ", expected ", DataTypeName(spec.dtype()),
          ShapeString(expected)));
    }
    const size_t element = output.ElementBytes();
    const int64_t row = TrailingElements(expected, 1);
    const int64_t step = variable ? TrailingElements(expected, 2) : 0;
    const auto* in = static_cast<const char*>(output.data());
    for (int64_t r = 0; r < batch_size; ++r) {
      std::vector<int64_t> shape(expected.begin() + 1, expected.end());
      if (variable) shape[0] = batch.lengths[r];
      Tensor slice = Tensor::Filled(spec.dtype(), shape, 0.0);
      const int64_t count = variable ? batch.lengths[r] * step : row;
      std::memcpy(slice.mutable_data(), in + r * row * element, count * element);
      per_request[r].push_back(std::move(slice));
    }
  }
  return per_request;
}

std::vector<Tensor> SampleInputs(const ModelManifest& manifest) {
  std::vector<Tensor> inputs;
  for (const TensorSpec& spec : manifest.inputs()) {
    std::vector<int64_t> shape(spec.shape().begin(), spec.shape().end());
    if (IsVariableLength(spec)) shape[0] = 1;
    inputs.push_back(Tensor::Filled(spec.dtype(), shape, spec.pad_value()));
  }
  return inputs;
}

}  // namespace aigc::runtime::internal
