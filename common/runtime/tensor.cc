#include "common/runtime/tensor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/status.h"

namespace aigc::runtime {

Tensor::Tensor() : dtype_(v1::DATA_TYPE_FLOAT32), shape_{0} {}

Tensor Tensor::Float32(std::vector<int64_t> shape, std::vector<float> values) {
  Tensor tensor;
  tensor.dtype_ = v1::DATA_TYPE_FLOAT32;
  tensor.shape_ = std::move(shape);
  tensor.float32_ = std::move(values);
  return tensor;
}

Tensor Tensor::Int64(std::vector<int64_t> shape, std::vector<int64_t> values) {
  Tensor tensor;
  tensor.dtype_ = v1::DATA_TYPE_INT64;
  tensor.shape_ = std::move(shape);
  tensor.int64_ = std::move(values);
  return tensor;
}

Tensor Tensor::Filled(DataType dtype, std::vector<int64_t> shape, double value) {
  Tensor tensor;
  tensor.dtype_ = dtype;
  tensor.shape_ = std::move(shape);
  const int64_t count = tensor.NumElements();
  if (dtype == v1::DATA_TYPE_INT64) {
    tensor.int64_.assign(count, static_cast<int64_t>(value));
  } else {
    tensor.float32_.assign(count, static_cast<float>(value));
  }
  return tensor;
}

int64_t Tensor::NumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape_) count *= dim;
  return count;
}

size_t Tensor::ElementBytes() const {
  return dtype_ == v1::DATA_TYPE_INT64 ? sizeof(int64_t) : sizeof(float);
}

const void* Tensor::data() const {
  return dtype_ == v1::DATA_TYPE_INT64 ? static_cast<const void*>(int64_.data())
                                       : static_cast<const void*>(float32_.data());
}

void* Tensor::mutable_data() {
  return dtype_ == v1::DATA_TYPE_INT64 ? static_cast<void*>(int64_.data())
                                       : static_cast<void*>(float32_.data());
}

absl::Status Tensor::Validate(absl::string_view field) const {
  for (int64_t dim : shape_) {
    if (dim < 0) {
      return status::InvalidField(field, absl::StrCat("negative dimension in shape ",
                                                      ShapeString(shape_)));
    }
  }
  if (dtype_ != v1::DATA_TYPE_FLOAT32 && dtype_ != v1::DATA_TYPE_INT64) {
    return status::InvalidField(field, "unsupported dtype");
  }
  const size_t values = dtype_ == v1::DATA_TYPE_INT64 ? int64_.size() : float32_.size();
  if (static_cast<int64_t>(values) != NumElements()) {
    return status::InvalidField(
        field, absl::StrCat("shape ", ShapeString(shape_), " needs ", NumElements(),
                            " values, got ", values));
  }
  return absl::OkStatus();
}

std::string Tensor::DebugString() const {
  return absl::StrCat(DataTypeName(dtype_), ShapeString(shape_));
}

absl::string_view DataTypeName(DataType dtype) {
  switch (dtype) {
    case v1::DATA_TYPE_FLOAT32:
      return "float32";
    case v1::DATA_TYPE_INT64:
      return "int64";
    default:
      return "unspecified";
  }
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ","), "]");
}

bool IsVariableLength(const TensorSpec& spec) {
  return spec.shape_size() > 0 && spec.shape(0) == -1;
}

absl::Status CheckAgainstSpec(const Tensor& tensor, const TensorSpec& spec,
                              absl::string_view field) {
  AIGC_RETURN_IF_ERROR(tensor.Validate(field));
  const std::vector<int64_t> expected(spec.shape().begin(), spec.shape().end());
  auto mismatch = [&](absl::string_view what) {
    return status::InvalidField(
        field, absl::StrCat(what, ": expected ", DataTypeName(spec.dtype()),
                            ShapeString(expected), " (-1 = any length >= 1), got ",
                            tensor.DebugString()));
  };
  if (tensor.dtype() != spec.dtype()) return mismatch("wrong dtype");
  if (tensor.shape().size() != expected.size()) return mismatch("wrong rank");
  for (size_t i = 0; i < expected.size(); ++i) {
    const bool variable = expected[i] == -1;
    if (variable ? tensor.shape()[i] < 1 : tensor.shape()[i] != expected[i]) {
      return mismatch(absl::StrCat("wrong dimension ", i));
    }
  }
  return absl::OkStatus();
}

}  // namespace aigc::runtime
