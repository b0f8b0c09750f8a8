#include "services/imagegen/gan/generator_model.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>

#include "ATen/CPUGeneratorImpl.h"
#include "absl/strings/str_cat.h"
#include "common/runtime/torch_module.h"
#include "common/status/status.h"
#include "glog/logging.h"
#include "services/imagegen/gan/internal/generator_network.h"
#include "torch/torch.h"

namespace aigc::imagegen {
namespace internal {

constexpr int64_t kEmbedding = 32;

GeneratorImpl::GeneratorImpl() {
  embedding_ = register_module("embedding", torch::nn::Embedding(kClasses, kEmbedding));
  project_ = register_module("project", torch::nn::Linear(kNoiseDim + kEmbedding, 128 * 7 * 7));
  norm0_ = register_module("norm0", torch::nn::BatchNorm1d(128 * 7 * 7));
  up1_ = register_module("up1",
                         torch::nn::ConvTranspose2d(
                             torch::nn::ConvTranspose2dOptions(128, 64, 4).stride(2).padding(1)));
  norm1_ = register_module("norm1", torch::nn::BatchNorm2d(64));
  up2_ = register_module(
      "up2",
      torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(64, 1, 4).stride(2).padding(1)));
}

torch::Tensor GeneratorImpl::forward(const torch::Tensor& z, const torch::Tensor& labels) {
  torch::Tensor h = project_->forward(torch::cat({z, embedding_->forward(labels)}, 1));
  h = torch::relu(norm0_->forward(h)).view({-1, 128, 7, 7});
  h = torch::relu(norm1_->forward(up1_->forward(h)));
  return torch::tanh(up2_->forward(h));
}

namespace {

// Standard normal noise for one image from its own seeded generator, with
// components beyond `truncation` redrawn.
torch::Tensor Noise(uint64_t seed, double truncation) {
  at::Generator generator = at::detail::createCPUGenerator(seed);
  torch::Tensor z = torch::randn({kNoiseDim}, generator);
  for (torch::Tensor outside = z.abs() > truncation; outside.any().item<bool>();
       outside = z.abs() > truncation) {
    z = torch::where(outside, torch::randn({kNoiseDim}, generator), z);
  }
  return z;
}

}  // namespace

torch::Tensor DrawPixels(Generator& generator, const torch::Tensor& labels,
                         std::span<const uint64_t> seeds, std::span<const double> truncations) {
  std::vector<torch::Tensor> noise;
  noise.reserve(seeds.size());
  for (size_t i = 0; i < seeds.size(); ++i) noise.push_back(Noise(seeds[i], truncations[i]));
  return generator->forward(torch::stack(noise).to(labels.device()), labels)
      .add(1.0)
      .mul(127.5)
      .round()
      .clamp(0, 255)
      .view({-1, kImagePixels});
}

absl::Status CheckDrawArguments(std::span<const int> labels, double truncation) {
  if (labels.empty()) return status::InvalidField("labels", "must not be empty");
  for (const int label : labels) {
    if (label < 0 || label >= kClasses) {
      return status::InvalidField("labels", absl::StrCat("must be in [0, 10), got ", label));
    }
  }
  if (!(truncation > 0 && truncation <= kMaxTruncation)) {
    return status::InvalidField("truncation", "must be in (0, 4]");
  }
  return absl::OkStatus();
}

}  // namespace internal

namespace {

// The servable form: the generator alone, one image per request.
class GeneratorServable : public runtime::ServableModule {
 public:
  explicit GeneratorServable(internal::Generator generator) {
    generator_ = register_module("generator", std::move(generator));
  }

  // label int64 [B, 1], seed int64 [B, 1], truncation float32 [B, 1].
  std::vector<torch::Tensor> Serve(const std::vector<torch::Tensor>& inputs) override {
    const torch::Tensor labels = inputs[0].view({-1});
    TORCH_CHECK((labels >= 0).all().item<bool>() && (labels < kClasses).all().item<bool>(),
                "label must be in [0, 10)");
    const torch::Tensor seeds = inputs[1].view({-1}).cpu().contiguous();
    const torch::Tensor truncations = inputs[2].view({-1}).cpu().to(torch::kFloat64).contiguous();
    const int64_t count = seeds.numel();
    std::vector<uint64_t> seed_values(count);
    const std::span<const double> truncation_values(truncations.data_ptr<double>(), count);
    for (int64_t i = 0; i < count; ++i) {
      seed_values[i] = static_cast<uint64_t>(seeds.data_ptr<int64_t>()[i]);
      TORCH_CHECK(truncation_values[i] > 0 && truncation_values[i] <= kMaxTruncation,
                  "truncation must be in (0, 4]");
    }
    return {internal::DrawPixels(generator_, labels, seed_values, truncation_values)};
  }

 private:
  internal::Generator generator_{nullptr};
};

runtime::TensorSpec Spec(const char* name, runtime::DataType dtype, int64_t size,
                         const char* description) {
  runtime::TensorSpec spec;
  spec.set_name(name);
  spec.set_dtype(dtype);
  spec.add_shape(size);
  spec.set_description(description);
  return spec;
}

}  // namespace

void RegisterGeneratorArchitecture() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    const absl::Status status = runtime::RegisterArchitecture(
        kGeneratorArchitecture,
        [](const google::protobuf::Struct& config)
            -> absl::StatusOr<std::shared_ptr<runtime::ServableModule>> {
          AIGC_ASSIGN_OR_RETURN(const int64_t noise_dim, runtime::ConfigInt(config, "noise_dim"));
          if (noise_dim != kNoiseDim) {
            return status::InvalidField("config.noise_dim",
                                        absl::StrCat("this build draws ", kNoiseDim, "-d noise"));
          }
          return std::make_shared<GeneratorServable>(internal::Generator());
        });
    CHECK(status.ok()) << status;
  });
}

namespace internal {

std::shared_ptr<runtime::ServableModule> ServableGenerator(Generator generator) {
  return std::make_shared<GeneratorServable>(std::move(generator));
}

}  // namespace internal

void DescribeGeneratorVersion(runtime::ModelManifest& manifest) {
  manifest.set_architecture(kGeneratorArchitecture);
  (*manifest.mutable_config()->mutable_fields())["noise_dim"].set_number_value(kNoiseDim);
  manifest.clear_inputs();
  manifest.clear_outputs();
  *manifest.add_inputs() =
      Spec("label", runtime::v1::DATA_TYPE_INT64, 1, "Fashion-MNIST label of the image, 0..9.");
  *manifest.add_inputs() =
      Spec("seed", runtime::v1::DATA_TYPE_INT64, 1, "Noise seed (the uint64 seed's bits).");
  *manifest.add_inputs() = Spec("truncation", runtime::v1::DATA_TYPE_FLOAT32, 1,
                                "Noise components beyond it are redrawn, (0, 4].");
  manifest.mutable_inputs(2)->set_pad_value(1.0);  // the warm-up's value; 0 is refused
  *manifest.add_outputs() = Spec("image", runtime::v1::DATA_TYPE_FLOAT32, kImagePixels,
                                 "28 x 28 grey levels 0..255, row-major.");
}

std::vector<runtime::Tensor> GeneratorInputs(int label, uint64_t seed, float truncation) {
  return {runtime::Tensor::Int64({1}, {label}),
          runtime::Tensor::Int64({1}, {static_cast<int64_t>(seed)}),
          runtime::Tensor::Float32({1}, {truncation})};
}

absl::StatusOr<std::vector<uint8_t>> GeneratorPixels(const runtime::Tensor& image) {
  if (image.dtype() != runtime::v1::DATA_TYPE_FLOAT32 || image.NumElements() != kImagePixels ||
      image.float32().size() != static_cast<size_t>(kImagePixels)) {
    return absl::InternalError(
        absl::StrCat("generator output is ", image.DebugString(), ", not float32[784]"));
  }
  std::vector<uint8_t> pixels(kImagePixels);
  std::transform(image.float32().begin(), image.float32().end(), pixels.begin(),
                 [](float level) { return static_cast<uint8_t>(std::clamp(level, 0.0f, 255.0f)); });
  return pixels;
}

absl::StatusOr<std::vector<uint8_t>> DrawImages(runtime::Model& model, std::span<const int> labels,
                                                uint64_t seed, float truncation, int batch_size) {
  AIGC_RETURN_IF_ERROR(internal::CheckDrawArguments(labels, truncation));
  if (batch_size < 1) return status::InvalidField("batch_size", "must be >= 1");
  std::vector<uint8_t> pixels;
  pixels.reserve(labels.size() * kImagePixels);
  for (size_t first = 0; first < labels.size(); first += batch_size) {
    const int64_t count = std::min<int64_t>(batch_size, labels.size() - first);
    std::vector<int64_t> label_ids(labels.begin() + first, labels.begin() + first + count);
    std::vector<int64_t> seeds(count);
    for (int64_t i = 0; i < count; ++i) seeds[i] = static_cast<int64_t>(seed + first + i);
    AIGC_ASSIGN_OR_RETURN(
        const std::vector<runtime::Tensor> outputs,
        model.Run({runtime::Tensor::Int64({count, 1}, std::move(label_ids)),
                   runtime::Tensor::Int64({count, 1}, std::move(seeds)),
                   runtime::Tensor::Float32({count, 1}, std::vector<float>(count, truncation))}));
    for (const float level : outputs.at(0).float32()) {
      pixels.push_back(static_cast<uint8_t>(std::clamp(level, 0.0f, 255.0f)));
    }
  }
  return pixels;
}

}  // namespace aigc::imagegen
