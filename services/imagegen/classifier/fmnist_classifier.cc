#include "services/imagegen/classifier/fmnist_classifier.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/runtime/torch_module.h"
#include "common/status/status.h"
#include "torch/torch.h"

namespace aigc::imagegen {
namespace {

// Images scored per forward pass outside training.
constexpr int64_t kInferenceBatch = 512;

class NetImpl : public torch::nn::Module {
 public:
  NetImpl() {
    conv1_ = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3).padding(1)));
    conv2_ = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)));
    features_ = register_module("features", torch::nn::Linear(64 * 7 * 7, kClassifierFeatures));
    head_ = register_module("head", torch::nn::Linear(kClassifierFeatures, kClasses));
  }

  // x: float [B, 1, 28, 28] in [0, 1] -> [B, 128].
  torch::Tensor Features(const torch::Tensor& x) {
    torch::Tensor h = torch::max_pool2d(torch::relu(conv1_->forward(x)), 2);
    h = torch::max_pool2d(torch::relu(conv2_->forward(h)), 2);
    return torch::relu(features_->forward(h.flatten(1)));
  }

  torch::Tensor Logits(const torch::Tensor& x) { return head_->forward(Features(x)); }

 private:
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::Linear features_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(Net);

// pixels[first .. first + count) images as a float batch in [0, 1].
torch::Tensor Batch(std::span<const uint8_t> pixels, int64_t first, int64_t count) {
  return torch::from_blob(const_cast<uint8_t*>(pixels.data() + first * kImagePixels),
                          {count, 1, kImageSide, kImageSide}, torch::kUInt8)
             .to(torch::kFloat32)
             .div(255.0);
}

absl::Status CheckPixels(std::span<const uint8_t> pixels) {
  if (pixels.empty() || pixels.size() % kImagePixels != 0) {
    return status::InvalidField(
        "pixels", absl::StrCat("must hold a positive number of ", kImagePixels,
                               "-byte images, got ", pixels.size(), " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

struct FashionClassifier::Impl {
  Net net;
};

FashionClassifier::FashionClassifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FashionClassifier::~FashionClassifier() = default;

std::unique_ptr<FashionClassifier> FashionClassifier::Create(uint64_t seed) {
  torch::manual_seed(seed);
  return std::unique_ptr<FashionClassifier>(new FashionClassifier(std::make_unique<Impl>()));
}

absl::StatusOr<std::unique_ptr<FashionClassifier>> FashionClassifier::Load(
    const std::filesystem::path& path) {
  torch::serialize::InputArchive archive;
  AIGC_RETURN_IF_ERROR(runtime::OpenArchive(path, torch::kCPU, archive));
  auto impl = std::make_unique<Impl>();
  try {
    impl->net->load(archive);
  } catch (const std::exception& e) {
    return absl::DataLossError(absl::StrCat(path.string(), ": not a readable classifier: ",
                                            runtime::TorchErrorMessage(e)));
  }
  return std::unique_ptr<FashionClassifier>(new FashionClassifier(std::move(impl)));
}

absl::Status FashionClassifier::Save(const std::filesystem::path& path) const {
  torch::serialize::OutputArchive archive;
  impl_->net->save(archive);
  return runtime::SaveArchive(archive, path);
}

absl::Status FashionClassifier::Train(const FashionMnist& data,
                                      const ClassifierTrainOptions& options) {
  if (options.epochs < 1) return status::InvalidField("epochs", "must be >= 1");
  if (options.batch_size < 1) return status::InvalidField("batch_size", "must be >= 1");
  if (!(options.learning_rate > 0)) return status::InvalidField("learning_rate", "must be > 0");
  if (data.count() == 0) return status::InvalidField("data", "must not be empty");
  Net& net = impl_->net;
  net->train();
  torch::optim::Adam optimizer(net->parameters(),
                               torch::optim::AdamOptions(options.learning_rate));
  std::mt19937_64 shuffle(options.seed);
  std::vector<int64_t> order(data.count());
  const int steps = (data.count() + options.batch_size - 1) / options.batch_size;
  const torch::Tensor all_labels =
      torch::from_blob(const_cast<uint8_t*>(data.labels.data()), {data.count()}, torch::kUInt8)
          .to(torch::kInt64);
  const torch::Tensor all_images =
      torch::from_blob(const_cast<uint8_t*>(data.pixels.data()),
                       {data.count(), 1, kImageSide, kImageSide}, torch::kUInt8);
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), shuffle);
    for (int step = 0; step < steps; ++step) {
      const int64_t first = static_cast<int64_t>(step) * options.batch_size;
      const int64_t size = std::min<int64_t>(options.batch_size, data.count() - first);
      const torch::Tensor index =
          torch::from_blob(order.data() + first, {size}, torch::kInt64).clone();
      const torch::Tensor images =
          all_images.index_select(0, index).to(torch::kFloat32).div(255.0);
      const torch::Tensor loss =
          torch::cross_entropy_loss(net->Logits(images), all_labels.index_select(0, index));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      if (options.on_step) {
        options.on_step({epoch, step + 1, steps, loss.item<double>()});
      }
    }
  }
  net->eval();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int>> FashionClassifier::Classify(std::span<const uint8_t> pixels) const {
  if (absl::Status valid = CheckPixels(pixels); !valid.ok()) return valid;
  const int64_t count = static_cast<int64_t>(pixels.size() / kImagePixels);
  std::vector<int> classes;
  classes.reserve(count);
  torch::NoGradGuard no_grad;
  for (int64_t first = 0; first < count; first += kInferenceBatch) {
    const int64_t size = std::min(kInferenceBatch, count - first);
    const torch::Tensor best = impl_->net->Logits(Batch(pixels, first, size)).argmax(1);
    for (int64_t i = 0; i < size; ++i) classes.push_back(static_cast<int>(best[i].item<int64_t>()));
  }
  return classes;
}

absl::StatusOr<std::vector<float>> FashionClassifier::Features(
    std::span<const uint8_t> pixels) const {
  if (absl::Status valid = CheckPixels(pixels); !valid.ok()) return valid;
  const int64_t count = static_cast<int64_t>(pixels.size() / kImagePixels);
  std::vector<float> features;
  features.reserve(count * kClassifierFeatures);
  torch::NoGradGuard no_grad;
  for (int64_t first = 0; first < count; first += kInferenceBatch) {
    const int64_t size = std::min(kInferenceBatch, count - first);
    const torch::Tensor batch = impl_->net->Features(Batch(pixels, first, size)).contiguous();
    features.insert(features.end(), batch.data_ptr<float>(),
                    batch.data_ptr<float>() + batch.numel());
  }
  return features;
}

absl::StatusOr<double> FashionClassifier::Accuracy(const FashionMnist& data) const {
  absl::StatusOr<std::vector<int>> classes = Classify(data.pixels);
  if (!classes.ok()) return classes.status();
  int correct = 0;
  for (int i = 0; i < data.count(); ++i) correct += (*classes)[i] == data.labels[i];
  return static_cast<double>(correct) / data.count();
}

}  // namespace aigc::imagegen
