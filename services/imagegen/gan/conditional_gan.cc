#include "services/imagegen/gan/conditional_gan.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <utility>

#include "ATen/CPUGeneratorImpl.h"
#include "absl/strings/str_cat.h"
#include "common/runtime/torch_module.h"
#include "common/status/status.h"
#include "services/imagegen/gan/generator_model.h"
#include "services/imagegen/gan/internal/generator_network.h"
#include "torch/torch.h"

namespace aigc::imagegen {
namespace {

constexpr double kRealTarget = 0.9;  // one-sided label smoothing
constexpr double kAverageDecay = 0.999;
constexpr int kRecalibrationBatches = 100;

using internal::Generator;

class DiscriminatorImpl : public torch::nn::Module {
 public:
  DiscriminatorImpl() {
    embedding_ = register_module("embedding", torch::nn::Embedding(kClasses, kImagePixels));
    conv1_ = register_module(
        "conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 64, 4).stride(2).padding(1)));
    conv2_ = register_module(
        "conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(64, 128, 4).stride(2).padding(1)));
    norm2_ = register_module("norm2", torch::nn::BatchNorm2d(128));
    head_ = register_module("head", torch::nn::Linear(128 * 7 * 7, 1));
  }

  // images [B, 1, 28, 28] in [-1, 1], labels int64 [B] -> logits [B].
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) {
    const torch::Tensor plane = embedding_->forward(labels).view({-1, 1, kImageSide, kImageSide});
    torch::Tensor h = torch::leaky_relu(conv1_->forward(torch::cat({images, plane}, 1)), 0.2);
    h = torch::leaky_relu(norm2_->forward(conv2_->forward(h)), 0.2);
    return head_->forward(h.flatten(1)).squeeze(1);
  }

 private:
  torch::nn::Embedding embedding_{nullptr};
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::BatchNorm2d norm2_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(Discriminator);

// Overwrites `to`'s parameters and buffers with `from`'s (same architecture).
void CopyWeights(const Generator& from, Generator& to) {
  torch::NoGradGuard no_grad;
  const auto from_parameters = from->named_parameters();
  for (auto& parameter : to->named_parameters()) {
    parameter.value().copy_(from_parameters[parameter.key()]);
  }
  const auto from_buffers = from->named_buffers();
  for (auto& buffer : to->named_buffers()) buffer.value().copy_(from_buffers[buffer.key()]);
}

// ema = decay * ema + (1 - decay) * online, parameters only (the batch-norm
// statistics of the averaged weights come from RecalibrateBatchNorm).
void UpdateAverage(const Generator& online, Generator& average, double decay) {
  torch::NoGradGuard no_grad;
  const auto online_parameters = online->named_parameters();
  for (auto& parameter : average->named_parameters()) {
    parameter.value().mul_(decay).add_(online_parameters[parameter.key()], 1.0 - decay);
  }
}

// Recomputes the batch-norm statistics of `generator` as exact averages over
// kRecalibrationBatches batches of random classes and noise: averaged weights
// need statistics of their own, not those of the weights being trained. Its
// own noise, so that training draws the same noise with or without it.
void RecalibrateBatchNorm(Generator& generator, int batch_size, uint64_t seed) {
  at::Generator noise = at::detail::createCPUGenerator(seed);
  // Momentum unset = a cumulative average. The average is in training mode
  // only here, so the setting never needs to be put back.
  const auto reset = [](auto* norm) {
    norm->reset_running_stats();
    norm->options.momentum(c10::nullopt);
  };
  for (const auto& module : generator->modules(/*include_self=*/false)) {
    if (auto* norm = module->as<torch::nn::BatchNorm1d>()) reset(norm);
    if (auto* norm = module->as<torch::nn::BatchNorm2d>()) reset(norm);
  }
  torch::NoGradGuard no_grad;
  generator->train();
  for (int i = 0; i < kRecalibrationBatches; ++i) {
    generator->forward(torch::randn({batch_size, kNoiseDim}, noise),
                       torch::randint(kClasses, {batch_size}, noise, torch::kInt64));
  }
  generator->eval();
}

}  // namespace

// `generator` and `discriminator` are trained; `average` (an exponential
// moving average of the generator's weights) is what draws images.
struct ConditionalGan::Impl {
  Generator generator;
  Generator average;
  Discriminator discriminator;
};

ConditionalGan::ConditionalGan(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->generator->eval();
  impl_->average->eval();
  impl_->discriminator->eval();
}
ConditionalGan::~ConditionalGan() = default;

std::unique_ptr<ConditionalGan> ConditionalGan::Create(uint64_t seed) {
  torch::manual_seed(seed);
  auto impl = std::make_unique<Impl>();
  CopyWeights(impl->generator, impl->average);
  return std::unique_ptr<ConditionalGan>(new ConditionalGan(std::move(impl)));
}

absl::StatusOr<std::unique_ptr<ConditionalGan>> ConditionalGan::Load(
    const std::filesystem::path& path) {
  torch::serialize::InputArchive archive;
  AIGC_RETURN_IF_ERROR(runtime::OpenArchive(path, torch::kCPU, archive));
  auto impl = std::make_unique<Impl>();
  try {
    torch::serialize::InputArchive generator, average, discriminator;
    archive.read("generator", generator);
    archive.read("discriminator", discriminator);
    impl->generator->load(generator);
    impl->discriminator->load(discriminator);
    // Checkpoints written before the average existed start it from the
    // generator.
    if (archive.try_read("average", average)) {
      impl->average->load(average);
    } else {
      CopyWeights(impl->generator, impl->average);
    }
  } catch (const std::exception& e) {
    return absl::DataLossError(absl::StrCat(path.string(), ": not a readable generator: ",
                                            runtime::TorchErrorMessage(e)));
  }
  return std::unique_ptr<ConditionalGan>(new ConditionalGan(std::move(impl)));
}

absl::Status ConditionalGan::Save(const std::filesystem::path& path) const {
  torch::serialize::OutputArchive archive, generator, average, discriminator;
  impl_->generator->save(generator);
  impl_->average->save(average);
  impl_->discriminator->save(discriminator);
  archive.write("generator", generator);
  archive.write("average", average);
  archive.write("discriminator", discriminator);
  return runtime::SaveArchive(archive, path);
}

absl::Status ConditionalGan::Train(const FashionMnist& data, const GanTrainOptions& options) {
  if (options.epochs < 1) return status::InvalidField("epochs", "must be >= 1");
  if (options.batch_size < 2) return status::InvalidField("batch_size", "must be >= 2");
  if (!(options.learning_rate > 0)) return status::InvalidField("learning_rate", "must be > 0");
  if (data.count() == 0) return status::InvalidField("data", "must not be empty");
  Generator& generator = impl_->generator;
  Discriminator& discriminator = impl_->discriminator;
  generator->train();
  discriminator->train();
  const auto adam = [&](torch::nn::Module& module) {
    return torch::optim::Adam(module.parameters(), torch::optim::AdamOptions(options.learning_rate)
                                                       .betas({0.5, 0.999}));
  };
  torch::optim::Adam generator_optimizer = adam(*generator);
  torch::optim::Adam discriminator_optimizer = adam(*discriminator);
  at::Generator noise = at::detail::createCPUGenerator(options.seed);
  std::mt19937_64 shuffle(options.seed);
  std::vector<int64_t> order(data.count());
  const int steps = data.count() / options.batch_size;  // whole batches only (BatchNorm)
  const torch::Tensor all_images = torch::from_blob(const_cast<uint8_t*>(data.pixels.data()),
                                                    {data.count(), 1, kImageSide, kImageSide},
                                                    torch::kUInt8);
  const torch::Tensor all_labels =
      torch::from_blob(const_cast<uint8_t*>(data.labels.data()), {data.count()}, torch::kUInt8)
          .to(torch::kInt64);
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), shuffle);
    for (int step = 0; step < steps; ++step) {
      const torch::Tensor index =
          torch::from_blob(order.data() + static_cast<int64_t>(step) * options.batch_size,
                           {options.batch_size}, torch::kInt64)
              .clone();
      const torch::Tensor real =
          all_images.index_select(0, index).to(torch::kFloat32).div(127.5).sub(1.0);
      const torch::Tensor labels = all_labels.index_select(0, index);
      const torch::Tensor fake =
          generator->forward(torch::randn({options.batch_size, kNoiseDim}, noise), labels);

      const torch::Tensor real_logits = discriminator->forward(real, labels);
      const torch::Tensor fake_logits = discriminator->forward(fake.detach(), labels);
      const torch::Tensor discriminator_loss =
          torch::binary_cross_entropy_with_logits(real_logits,
                                                  torch::full_like(real_logits, kRealTarget)) +
          torch::binary_cross_entropy_with_logits(fake_logits, torch::zeros_like(fake_logits));
      discriminator_optimizer.zero_grad();
      discriminator_loss.backward();
      discriminator_optimizer.step();

      const torch::Tensor fooled = discriminator->forward(fake, labels);
      const torch::Tensor generator_loss =
          torch::binary_cross_entropy_with_logits(fooled, torch::ones_like(fooled));
      generator_optimizer.zero_grad();
      generator_loss.backward();
      generator_optimizer.step();
      UpdateAverage(generator, impl_->average, kAverageDecay);

      if (options.on_step) {
        options.on_step({epoch, step + 1, steps, discriminator_loss.item<double>(),
                         generator_loss.item<double>()});
      }
    }
    RecalibrateBatchNorm(impl_->average, options.batch_size, options.seed);
    if (options.on_epoch) {
      const absl::Status done = options.on_epoch(epoch);
      if (!done.ok()) return done;
    }
  }
  generator->eval();
  discriminator->eval();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> ConditionalGan::Generate(std::span<const int> labels,
                                                              uint64_t seed,
                                                              double truncation) const {
  AIGC_RETURN_IF_ERROR(internal::CheckDrawArguments(labels, truncation));
  torch::NoGradGuard no_grad;
  const std::vector<int64_t> label_ids(labels.begin(), labels.end());
  std::vector<uint64_t> seeds(labels.size());
  std::iota(seeds.begin(), seeds.end(), seed);
  const std::vector<double> truncations(labels.size(), truncation);
  const torch::Tensor images =
      internal::DrawPixels(impl_->average, torch::tensor(label_ids, torch::kInt64), seeds,
                           truncations)
          .to(torch::kUInt8)
          .contiguous();
  return std::vector<uint8_t>(images.data_ptr<uint8_t>(), images.data_ptr<uint8_t>() + images.numel());
}

absl::StatusOr<runtime::ModelManifest> ConditionalGan::Publish(const std::filesystem::path& root,
                                                               runtime::ModelManifest manifest) const {
  RegisterGeneratorArchitecture();
  DescribeGeneratorVersion(manifest);
  const std::shared_ptr<runtime::ServableModule> servable =
      internal::ServableGenerator(impl_->average);
  return runtime::PublishTorchModule(root, std::move(manifest), *servable);
}

}  // namespace aigc::imagegen
