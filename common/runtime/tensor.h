// A torch-free tensor on the host: what services hand to the inference runtime
// and get back from it. Row-major, one element type, owned values.
#ifndef AIGC_COMMON_RUNTIME_TENSOR_H_
#define AIGC_COMMON_RUNTIME_TENSOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "aigc/runtime/v1/manifest.pb.h"

namespace aigc::runtime {

using DataType = ::aigc::runtime::v1::DataType;
using TensorSpec = ::aigc::runtime::v1::TensorSpec;

class Tensor {
 public:
  // An empty float32 tensor of shape [0].
  Tensor();

  // Tensors of the given shape and values (row-major). The element count is
  // not checked here: Validate() does, at the runtime's boundary.
  static Tensor Float32(std::vector<int64_t> shape, std::vector<float> values);
  static Tensor Int64(std::vector<int64_t> shape, std::vector<int64_t> values);

  // A tensor of `shape` filled with `value` (converted to the dtype).
  static Tensor Filled(DataType dtype, std::vector<int64_t> shape, double value);

  DataType dtype() const { return dtype_; }
  const std::vector<int64_t>& shape() const { return shape_; }
  // Product of the dimensions (1 for a scalar).
  int64_t NumElements() const;
  // Size of one element in bytes.
  size_t ElementBytes() const;

  // The values; only the one matching dtype() is non-empty.
  const std::vector<float>& float32() const { return float32_; }
  const std::vector<int64_t>& int64() const { return int64_; }
  std::vector<float>& mutable_float32() { return float32_; }
  std::vector<int64_t>& mutable_int64() { return int64_; }
  // Raw bytes of the values, whichever the dtype.
  const void* data() const;
  void* mutable_data();

  // OK when every dimension is >= 0 and the number of values equals the
  // product of the shape; else INVALID_ARGUMENT naming `field`.
  absl::Status Validate(absl::string_view field) const;

  // "float32[2,3]".
  std::string DebugString() const;

 private:
  DataType dtype_;
  std::vector<int64_t> shape_;
  std::vector<float> float32_;
  std::vector<int64_t> int64_;
};

// "float32", "int64".
absl::string_view DataTypeName(DataType dtype);

// "[2,-1,3]".
std::string ShapeString(const std::vector<int64_t>& shape);

// Checks one request's tensor against its spec: dtype, rank, every fixed
// dimension, and a variable first dimension of at least 1. Returns
// INVALID_ARGUMENT naming `field` and saying what was expected.
absl::Status CheckAgainstSpec(const Tensor& tensor, const TensorSpec& spec,
                              absl::string_view field);

// True when the spec's first dimension is variable (-1).
bool IsVariableLength(const TensorSpec& spec);

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_TENSOR_H_
