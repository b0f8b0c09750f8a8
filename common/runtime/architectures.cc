// The built-in architectures. Each takes its constructor parameters from the
// manifest's `config`:
//
//   mlp              {"input_dim": D, "hidden_dims": [H1, ...], "output_dim": O}
//                    input  float32[D]  → output float32[O]; Linear layers with
//                    ReLU between them (no hidden layer = one Linear).
//   conv_classifier  {"channels": C, "height": H, "width": W,
//                     "conv_channels": [K1, ...], "num_classes": N}
//                    input  float32[C,H,W] → output float32[N] (logits); each
//                    K is a 3×3 convolution + ReLU + 2×2 max-pool.
//   sequence_pooler  {"vocab_size": V, "embedding_dim": E, "output_dim": O}
//                    input  int64[-1] (token ids, padded with pad_value) →
//                    outputs float32[O] (masked mean of the token embeddings,
//                    projected) and float32[-1,O] (each token projected).
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/runtime/internal/builtin_architectures.h"
#include "common/status/status.h"

namespace aigc::runtime::internal {
namespace {

absl::Status CheckPositive(const std::vector<int64_t>& values, absl::string_view field) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 1) {
      return status::InvalidField(field, absl::StrCat("entry ", i, " must be >= 1, got ", values[i]));
    }
  }
  return absl::OkStatus();
}

class Mlp : public ServableModule {
 public:
  explicit Mlp(const std::vector<int64_t>& widths) {
    for (size_t i = 0; i + 1 < widths.size(); ++i) {
      layers_.push_back(
          register_module(absl::StrCat("linear", i), torch::nn::Linear(widths[i], widths[i + 1])));
    }
  }

  std::vector<torch::Tensor> Serve(const std::vector<torch::Tensor>& inputs) override {
    torch::Tensor x = inputs[0];
    for (size_t i = 0; i < layers_.size(); ++i) {
      x = layers_[i]->forward(x);
      if (i + 1 < layers_.size()) x = torch::relu(x);
    }
    return {x};
  }

 private:
  std::vector<torch::nn::Linear> layers_;
};

absl::StatusOr<std::shared_ptr<ServableModule>> MakeMlp(const google::protobuf::Struct& config) {
  AIGC_ASSIGN_OR_RETURN(const int64_t input_dim, ConfigInt(config, "input_dim"));
  AIGC_ASSIGN_OR_RETURN(const std::vector<int64_t> hidden, ConfigIntList(config, "hidden_dims"));
  AIGC_ASSIGN_OR_RETURN(const int64_t output_dim, ConfigInt(config, "output_dim"));
  std::vector<int64_t> widths{input_dim};
  widths.insert(widths.end(), hidden.begin(), hidden.end());
  widths.push_back(output_dim);
  AIGC_RETURN_IF_ERROR(CheckPositive(widths, "config"));
  return std::make_shared<Mlp>(widths);
}

class ConvClassifier : public ServableModule {
 public:
  ConvClassifier(int64_t channels, int64_t height, int64_t width,
                 const std::vector<int64_t>& conv_channels, int64_t num_classes) {
    int64_t in = channels;
    for (size_t i = 0; i < conv_channels.size(); ++i) {
      convs_.push_back(register_module(
          absl::StrCat("conv", i),
          torch::nn::Conv2d(torch::nn::Conv2dOptions(in, conv_channels[i], 3).padding(1))));
      in = conv_channels[i];
      height /= 2;
      width /= 2;
    }
    head_ = register_module("head", torch::nn::Linear(in * height * width, num_classes));
  }

  std::vector<torch::Tensor> Serve(const std::vector<torch::Tensor>& inputs) override {
    torch::Tensor x = inputs[0];
    for (auto& conv : convs_) x = torch::max_pool2d(torch::relu(conv->forward(x)), 2);
    return {head_->forward(x.flatten(1))};
  }

 private:
  std::vector<torch::nn::Conv2d> convs_;
  torch::nn::Linear head_{nullptr};
};

absl::StatusOr<std::shared_ptr<ServableModule>> MakeConvClassifier(
    const google::protobuf::Struct& config) {
  AIGC_ASSIGN_OR_RETURN(const int64_t channels, ConfigInt(config, "channels"));
  AIGC_ASSIGN_OR_RETURN(const int64_t height, ConfigInt(config, "height"));
  AIGC_ASSIGN_OR_RETURN(const int64_t width, ConfigInt(config, "width"));
  AIGC_ASSIGN_OR_RETURN(const std::vector<int64_t> conv, ConfigIntList(config, "conv_channels"));
  AIGC_ASSIGN_OR_RETURN(const int64_t classes, ConfigInt(config, "num_classes"));
  AIGC_RETURN_IF_ERROR(CheckPositive({channels, height, width, classes}, "config"));
  AIGC_RETURN_IF_ERROR(CheckPositive(conv, "config.conv_channels"));
  if ((height >> conv.size()) < 1 || (width >> conv.size()) < 1) {
    return status::InvalidField("config.conv_channels",
                                "too many pooling layers for the image size");
  }
  return std::make_shared<ConvClassifier>(channels, height, width, conv, classes);
}

class SequencePooler : public ServableModule {
 public:
  SequencePooler(int64_t vocab_size, int64_t embedding_dim, int64_t output_dim)
      : embedding_(register_module("embedding", torch::nn::Embedding(vocab_size, embedding_dim))),
        projection_(register_module("projection", torch::nn::Linear(embedding_dim, output_dim))) {}

  std::vector<torch::Tensor> Serve(const std::vector<torch::Tensor>& inputs) override {
    const torch::Tensor& tokens = inputs[0];  // [B, L]
    const torch::Tensor mask = inputs[1].unsqueeze(-1);  // [B, L, 1]
    const torch::Tensor embedded = embedding_->forward(tokens) * mask;
    const torch::Tensor pooled = embedded.sum(1) / mask.sum(1).clamp_min(1.0);
    return {projection_->forward(pooled), projection_->forward(embedded)};
  }

 private:
  torch::nn::Embedding embedding_;
  torch::nn::Linear projection_;
};

absl::StatusOr<std::shared_ptr<ServableModule>> MakeSequencePooler(
    const google::protobuf::Struct& config) {
  AIGC_ASSIGN_OR_RETURN(const int64_t vocab, ConfigInt(config, "vocab_size"));
  AIGC_ASSIGN_OR_RETURN(const int64_t dim, ConfigInt(config, "embedding_dim"));
  AIGC_ASSIGN_OR_RETURN(const int64_t output, ConfigInt(config, "output_dim"));
  AIGC_RETURN_IF_ERROR(CheckPositive({vocab, dim, output}, "config"));
  return std::make_shared<SequencePooler>(vocab, dim, output);
}

}  // namespace

std::vector<std::pair<std::string, ArchitectureFactory>> BuiltinArchitectures() {
  return {{"mlp", MakeMlp}, {"conv_classifier", MakeConvClassifier},
          {"sequence_pooler", MakeSequencePooler}};
}

}  // namespace aigc::runtime::internal
