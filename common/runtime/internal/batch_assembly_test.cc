#include "common/runtime/internal/batch_assembly.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::runtime::internal {
namespace {

using ::testing::HasSubstr;

void AddSpec(google::protobuf::RepeatedPtrField<TensorSpec>* specs, const std::string& name,
             DataType dtype, std::vector<int64_t> shape, double pad = 0) {
  TensorSpec* spec = specs->Add();
  spec->set_name(name);
  spec->set_dtype(dtype);
  for (int64_t dim : shape) spec->add_shape(dim);
  spec->set_pad_value(pad);
}

// tokens int64[-1] padded with 9, bias float32[1]; outputs: per-token
// float32[-1,2] and pooled float32[1].
ModelManifest SequenceManifest() {
  ModelManifest manifest;
  manifest.set_name("seq");
  manifest.set_version(1);
  AddSpec(manifest.mutable_inputs(), "tokens", v1::DATA_TYPE_INT64, {-1}, 9);
  AddSpec(manifest.mutable_inputs(), "bias", v1::DATA_TYPE_FLOAT32, {1});
  AddSpec(manifest.mutable_outputs(), "per_token", v1::DATA_TYPE_FLOAT32, {-1, 2});
  AddSpec(manifest.mutable_outputs(), "pooled", v1::DATA_TYPE_FLOAT32, {1});
  return manifest;
}

TEST(BatchAssemblyTest, VariableLengthInputsArePaddedAndMasked) {
  const ModelManifest manifest = SequenceManifest();
  const std::vector<Tensor> a = {Tensor::Int64({3}, {1, 2, 3}), Tensor::Float32({1}, {0.5})};
  const std::vector<Tensor> b = {Tensor::Int64({1}, {4}), Tensor::Float32({1}, {1.5})};
  ASSERT_TRUE(CheckInputs(manifest, a).ok());
  ASSERT_TRUE(CheckInputs(manifest, b).ok());

  const Batch batch = Gather(manifest, {&a, &b});

  ASSERT_EQ(batch.inputs.size(), 3u);  // tokens, bias, tokens_mask
  EXPECT_EQ(batch.inputs[0].shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(batch.inputs[0].int64(), (std::vector<int64_t>{1, 2, 3, 4, 9, 9}));
  EXPECT_EQ(batch.inputs[1].shape(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(batch.inputs[1].float32(), (std::vector<float>{0.5, 1.5}));
  EXPECT_EQ(batch.inputs[2].shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(batch.inputs[2].float32(), (std::vector<float>{1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(batch.lengths, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(batch.padded_length, 3);
}

TEST(BatchAssemblyTest, ScatterGivesEachRequestItsOwnUnpaddedSlice) {
  const ModelManifest manifest = SequenceManifest();
  const std::vector<Tensor> a = {Tensor::Int64({3}, {1, 2, 3}), Tensor::Float32({1}, {0})};
  const std::vector<Tensor> b = {Tensor::Int64({1}, {4}), Tensor::Float32({1}, {0})};
  const Batch batch = Gather(manifest, {&a, &b});
  std::vector<Tensor> outputs = {
      Tensor::Float32({2, 3, 2}, {10, 11, 12, 13, 14, 15, 20, 21, 90, 91, 92, 93}),
      Tensor::Float32({2, 1}, {100, 200})};

  auto per_request = Scatter(manifest, batch, std::move(outputs));

  ASSERT_TRUE(per_request.ok()) << per_request.status();
  ASSERT_EQ(per_request->size(), 2u);
  EXPECT_EQ((*per_request)[0][0].shape(), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ((*per_request)[0][0].float32(), (std::vector<float>{10, 11, 12, 13, 14, 15}));
  EXPECT_EQ((*per_request)[0][1].float32(), (std::vector<float>{100}));
  EXPECT_EQ((*per_request)[1][0].shape(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ((*per_request)[1][0].float32(), (std::vector<float>{20, 21}));
  EXPECT_EQ((*per_request)[1][1].float32(), (std::vector<float>{200}));
}

TEST(BatchAssemblyTest, ScatterRejectsOutputsTheManifestDoesNotPromise) {
  const ModelManifest manifest = SequenceManifest();
  const std::vector<Tensor> a = {Tensor::Int64({2}, {1, 2}), Tensor::Float32({1}, {0})};
  const Batch batch = Gather(manifest, {&a});
  auto wrong = Scatter(manifest, batch,
                       {Tensor::Float32({1, 2, 3}, std::vector<float>(6)),
                        Tensor::Float32({1, 1}, {0})});
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(wrong.status().message(), HasSubstr("per_token"));
  auto missing = Scatter(manifest, batch, {Tensor::Float32({1, 1}, {0})});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInternal);
}

TEST(BatchAssemblyTest, SampleInputsAreTheSmallestValidRequest) {
  const ModelManifest manifest = SequenceManifest();
  const std::vector<Tensor> sample = SampleInputs(manifest);
  ASSERT_TRUE(CheckInputs(manifest, sample).ok());
  EXPECT_EQ(sample[0].int64(), (std::vector<int64_t>{9}));
}

}  // namespace
}  // namespace aigc::runtime::internal
