#include "common/runtime/tensor.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::runtime {
namespace {

using ::testing::HasSubstr;

TensorSpec Spec(DataType dtype, std::vector<int64_t> shape) {
  TensorSpec spec;
  spec.set_name("x");
  spec.set_dtype(dtype);
  for (int64_t dim : shape) spec.add_shape(dim);
  return spec;
}

TEST(TensorTest, FilledHasTheShapeAndValue) {
  const Tensor tensor = Tensor::Filled(v1::DATA_TYPE_INT64, {2, 3}, 7);
  EXPECT_EQ(tensor.NumElements(), 6);
  EXPECT_EQ(tensor.int64(), std::vector<int64_t>(6, 7));
  EXPECT_EQ(tensor.DebugString(), "int64[2,3]");
}

TEST(TensorTest, ValidateNamesTheFieldWhenValuesDoNotFitTheShape) {
  const absl::Status status = Tensor::Float32({2, 2}, {1, 2, 3}).Validate("inputs[1]");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("inputs[1]"));
  EXPECT_THAT(status.message(), HasSubstr("needs 4 values, got 3"));
  EXPECT_EQ(Tensor::Float32({-1}, {}).Validate("x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Tensor::Float32({}, {5}).Validate("scalar").ok());
}

struct SpecCase {
  std::string label;
  Tensor tensor;
  std::vector<int64_t> spec_shape;
  bool ok;
};

TEST(TensorTest, CheckAgainstSpecAcceptsOnlyMatchingTensors) {
  const std::vector<SpecCase> cases = {
      {"exact", Tensor::Filled(v1::DATA_TYPE_FLOAT32, {2, 3}, 0), {2, 3}, true},
      {"wrong dim", Tensor::Filled(v1::DATA_TYPE_FLOAT32, {2, 4}, 0), {2, 3}, false},
      {"wrong rank", Tensor::Filled(v1::DATA_TYPE_FLOAT32, {6}, 0), {2, 3}, false},
      {"variable 5", Tensor::Filled(v1::DATA_TYPE_FLOAT32, {5, 3}, 0), {-1, 3}, true},
      {"variable 0", Tensor::Filled(v1::DATA_TYPE_FLOAT32, {0, 3}, 0), {-1, 3}, false},
      {"variable wrong tail", Tensor::Filled(v1::DATA_TYPE_FLOAT32, {5, 2}, 0), {-1, 3}, false},
  };
  for (const SpecCase& c : cases) {
    const absl::Status status =
        CheckAgainstSpec(c.tensor, Spec(v1::DATA_TYPE_FLOAT32, c.spec_shape), "inputs[0]");
    EXPECT_EQ(status.ok(), c.ok) << c.label << ": " << status;
    if (!c.ok) {
      EXPECT_THAT(status.message(), HasSubstr("inputs[0]")) << c.label;
    }
  }
  EXPECT_THAT(CheckAgainstSpec(Tensor::Filled(v1::DATA_TYPE_INT64, {2, 3}, 0),
                               Spec(v1::DATA_TYPE_FLOAT32, {2, 3}), "inputs[0]")
                  .message(),
              HasSubstr("wrong dtype: expected float32[2,3]"));
}

}  // namespace
}  // namespace aigc::runtime
