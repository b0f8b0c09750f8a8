#include "services/copywriter/lm/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <numbers>
#include <random>
#include <span>
#include <string>
#include <utility>

#include "ATen/CPUGeneratorImpl.h"
#include "absl/strings/str_cat.h"
#include "common/random/random.h"
#include "common/runtime/torch_module.h"
#include "common/status/status.h"
#include "services/copywriter/lm/internal/model_access.h"
#include "services/copywriter/lm/internal/serialization.h"
#include "services/copywriter/lm/internal/transformer.h"
#include "torch/torch.h"

namespace aigc::copy_lm {
namespace {

using internal::TransformerImpl;

constexpr const char* kModelKey = "model";
constexpr const char* kOptimizerKey = "optimizer";
constexpr const char* kStepKey = "step";
// Target value the loss skips: prompt positions and padding.
constexpr int64_t kIgnoredTarget = -1;
// Which generator of a step a seed is for.
constexpr uint64_t kBatchStream = 0;
constexpr uint64_t kDropoutStream = 1;

// A seed for one generator of one step (SplitMix64 finaliser over the mix).
uint64_t StepSeed(uint64_t seed, int step, uint64_t stream) {
  return random::Mix64(seed + random::SplitMix64::kIncrement *
                                  (static_cast<uint64_t>(step) * 2 + stream + 1));
}

absl::Status ValidateExamples(const std::vector<TrainingExample>& examples, const LmConfig& config,
                              const char* name) {
  for (size_t i = 0; i < examples.size(); ++i) {
    const TrainingExample& example = examples[i];
    const std::string field = absl::StrCat(name, "[", i, "]");
    const int64_t size = static_cast<int64_t>(example.tokens.size());
    if (size < 2) {
      return status::InvalidField(absl::StrCat(field, ".tokens"),
                                  absl::StrCat("needs at least 2 tokens, got ", size));
    }
    if (size > int64_t{config.context_length} + 1) {
      return status::InvalidField(
          absl::StrCat(field, ".tokens"),
          absl::StrCat("has ", size, " tokens; at most context_length + 1 = ",
                       config.context_length + 1, " fit"));
    }
    if (example.loss_start < 1 || example.loss_start > size - 1) {
      return status::InvalidField(
          absl::StrCat(field, ".loss_start"),
          absl::StrCat("must be in [1, ", size - 1, "], got ", example.loss_start));
    }
    for (int64_t j = 0; j < size; ++j) {
      const int32_t token = example.tokens[j];
      if (token < 0 || token >= config.vocab_size) {
        return status::InvalidField(
            absl::StrCat(field, ".tokens[", j, "]"),
            absl::StrCat("token ", token, " is outside [0, ", config.vocab_size, ")"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePadAndBatch(int32_t pad_id, int batch_size, const LmConfig& config) {
  if (pad_id < 0 || pad_id >= config.vocab_size) {
    return status::InvalidField(
        "pad_id", absl::StrCat("must be in [0, ", config.vocab_size, "), got ", pad_id));
  }
  if (batch_size < 1) {
    return status::InvalidField("batch_size", absl::StrCat("must be >= 1, got ", batch_size));
  }
  return absl::OkStatus();
}

absl::Status ValidateOptions(const TrainOptions& options, const LmConfig& config) {
  AIGC_RETURN_IF_ERROR(ValidatePadAndBatch(options.pad_id, options.batch_size, config));
  if (options.steps < 1) {
    return status::InvalidField("steps", absl::StrCat("must be >= 1, got ", options.steps));
  }
  // Comparisons written so that NaN fails them.
  if (!(options.learning_rate > 0 && std::isfinite(options.learning_rate))) {
    return status::InvalidField("learning_rate",
                                absl::StrCat("must be > 0, got ", options.learning_rate));
  }
  if (!(options.min_learning_rate >= 0 && options.min_learning_rate <= options.learning_rate)) {
    return status::InvalidField(
        "min_learning_rate",
        absl::StrCat("must be in [0, learning_rate], got ", options.min_learning_rate));
  }
  if (options.warmup_steps < 0) {
    return status::InvalidField("warmup_steps",
                                absl::StrCat("must be >= 0, got ", options.warmup_steps));
  }
  if (!(options.weight_decay >= 0)) {
    return status::InvalidField("weight_decay",
                                absl::StrCat("must be >= 0, got ", options.weight_decay));
  }
  if (!(options.grad_clip >= 0)) {
    return status::InvalidField("grad_clip", absl::StrCat("must be >= 0, got ", options.grad_clip));
  }
  if (options.eval_every < 0) {
    return status::InvalidField("eval_every",
                                absl::StrCat("must be >= 0, got ", options.eval_every));
  }
  if (options.checkpoint_every < 0) {
    return status::InvalidField("checkpoint_every",
                                absl::StrCat("must be >= 0, got ", options.checkpoint_every));
  }
  if ((options.checkpoint_every > 0 || options.resume) && options.checkpoint_path.empty()) {
    return status::InvalidField("checkpoint_path", "is needed by checkpoint_every and resume");
  }
  return absl::OkStatus();
}

// A padded batch: inputs [B, L] and targets [B, L] (kIgnoredTarget where no
// loss is counted), L = the longest example's length - 1.
struct Batch {
  torch::Tensor inputs;
  torch::Tensor targets;
  int64_t target_count = 0;
  int64_t input_tokens = 0;
};

Batch MakeBatch(std::span<const TrainingExample* const> examples, int32_t pad_id,
                const torch::Device& device) {
  const int64_t rows = static_cast<int64_t>(examples.size());
  int64_t width = 0;
  for (const TrainingExample* example : examples) {
    width = std::max<int64_t>(width, static_cast<int64_t>(example->tokens.size()) - 1);
  }
  std::vector<int64_t> inputs(rows * width, pad_id);
  std::vector<int64_t> targets(rows * width, kIgnoredTarget);
  Batch batch;
  for (int64_t b = 0; b < rows; ++b) {
    const std::vector<int32_t>& tokens = examples[b]->tokens;
    const int64_t length = static_cast<int64_t>(tokens.size()) - 1;
    for (int64_t p = 0; p < length; ++p) {
      inputs[b * width + p] = tokens[p];
      // Position p predicts token p + 1.
      if (p + 1 >= examples[b]->loss_start) {
        targets[b * width + p] = tokens[p + 1];
        ++batch.target_count;
      }
    }
    batch.input_tokens += length;
  }
  batch.inputs = torch::tensor(inputs).view({rows, width}).to(device);
  batch.targets = torch::tensor(targets).view({rows, width}).to(device);
  return batch;
}

// Sum of the cross-entropy over the batch's counted targets.
torch::Tensor SummedLoss(TransformerImpl& model, const Batch& batch,
                         internal::DropoutSource* dropout) {
  const torch::Tensor logits = model.Forward(batch.inputs, dropout);
  return torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}),
                                              batch.targets.reshape({-1}),
                                              torch::nn::functional::CrossEntropyFuncOptions()
                                                  .ignore_index(kIgnoredTarget)
                                                  .reduction(torch::kSum));
}

// EvaluateLoss on valid arguments.
float MeanLoss(TransformerImpl& model, const torch::Device& device,
               const std::vector<TrainingExample>& examples, int32_t pad_id, int batch_size) {
  c10::InferenceMode inference;
  double total = 0;
  int64_t count = 0;
  std::vector<const TrainingExample*> chunk;
  for (size_t start = 0; start < examples.size(); start += batch_size) {
    chunk.clear();
    for (size_t i = start; i < std::min(examples.size(), start + batch_size); ++i) {
      chunk.push_back(&examples[i]);
    }
    const Batch batch = MakeBatch(chunk, pad_id, device);
    total += SummedLoss(model, batch, /*dropout=*/nullptr).item<double>();
    count += batch.target_count;
  }
  return static_cast<float>(total / count);
}

double LearningRate(const TrainOptions& options, int step) {
  if (step < options.warmup_steps) {
    return options.learning_rate * (step + 1.0) / options.warmup_steps;
  }
  const int decay_steps = std::max(1, options.steps - options.warmup_steps - 1);
  const double progress = std::min(1.0, double(step - options.warmup_steps) / decay_steps);
  return options.min_learning_rate + 0.5 * (options.learning_rate - options.min_learning_rate) *
                                         (1.0 + std::cos(std::numbers::pi * progress));
}

bool SameShape(const LmConfig& a, const LmConfig& b) {
  return a.vocab_size == b.vocab_size && a.context_length == b.context_length &&
         a.d_model == b.d_model && a.num_layers == b.num_layers && a.num_heads == b.num_heads &&
         a.d_ff == b.d_ff;
}

absl::Status WriteCheckpoint(const std::string& path, TransformerImpl& model,
                             torch::optim::AdamW& optimizer, int step) {
  try {
    torch::serialize::OutputArchive root;
    torch::serialize::OutputArchive model_archive;
    internal::WriteModel(model, model_archive);
    root.write(kModelKey, model_archive);
    torch::serialize::OutputArchive optimizer_archive;
    optimizer.save(optimizer_archive);
    root.write(kOptimizerKey, optimizer_archive);
    root.write(kStepKey, torch::tensor(int64_t{step}));
    return runtime::SaveArchive(root, path);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("cannot serialise checkpoint at step ", step, ": ",
                                            runtime::TorchErrorMessage(e)));
  }
}

// Loads a checkpoint into `model` and `optimizer`; returns its step.
absl::StatusOr<int> RestoreCheckpoint(const std::string& path, TransformerImpl& model,
                                      torch::optim::AdamW& optimizer, const torch::Device& device,
                                      int total_steps) {
  torch::serialize::InputArchive root;
  AIGC_RETURN_IF_ERROR(runtime::OpenArchive(path, device, root));
  try {
    torch::serialize::InputArchive model_archive;
    torch::serialize::InputArchive optimizer_archive;
    torch::Tensor step;
    if (!root.try_read(kModelKey, model_archive) ||
        !root.try_read(kOptimizerKey, optimizer_archive) || !root.try_read(kStepKey, step)) {
      return absl::InvalidArgumentError(absl::StrCat(path, " is not a training checkpoint"));
    }
    AIGC_ASSIGN_OR_RETURN(const LmConfig config, internal::ReadConfig(model_archive));
    if (!SameShape(config, model.config())) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " holds a model of another shape than the one being trained"));
    }
    const int64_t done = step.item<int64_t>();
    if (done < 0 || done > total_steps) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is at step ", done, ", outside the run's [0, steps = ", total_steps, "]"));
    }
    AIGC_RETURN_IF_ERROR(internal::ReadParameters(model_archive, model));
    optimizer.load(optimizer_archive);
    return static_cast<int>(done);
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat("damaged checkpoint ", path, ": ", runtime::TorchErrorMessage(e)));
  }
}

// Training after validation.
absl::StatusOr<TrainResult> Train(TransformerImpl& model, const torch::Device& device,
                                  const std::vector<TrainingExample>& train,
                                  const std::vector<TrainingExample>& validation,
                                  const TrainOptions& options) {
  std::vector<torch::Tensor> decayed;
  std::vector<torch::Tensor> not_decayed;
  for (const torch::Tensor& parameter : model.parameters()) {
    (parameter.dim() >= 2 ? decayed : not_decayed).push_back(parameter);
  }
  const auto adamw = [&](double weight_decay) {
    return torch::optim::AdamWOptions(options.learning_rate)
        .betas({0.9, 0.95})
        .weight_decay(weight_decay);
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decayed,
                      std::make_unique<torch::optim::AdamWOptions>(adamw(options.weight_decay)));
  groups.emplace_back(not_decayed, std::make_unique<torch::optim::AdamWOptions>(adamw(0.0)));
  torch::optim::AdamW optimizer(std::move(groups), adamw(0.0));

  TrainResult result;
  if (options.resume && std::filesystem::exists(options.checkpoint_path)) {
    AIGC_ASSIGN_OR_RETURN(result.start_step, RestoreCheckpoint(options.checkpoint_path, model,
                                                               optimizer, device, options.steps));
  }
  const auto started = std::chrono::steady_clock::now();
  double loss_sum = 0;
  int loss_steps = 0;
  int64_t tokens = 0;
  const auto report = [&](int step) {
    TrainProgress& progress = result.last;
    progress.step = step;
    progress.train_loss = loss_steps > 0 ? static_cast<float>(loss_sum / loss_steps)
                                         : std::numeric_limits<float>::quiet_NaN();
    if (!validation.empty()) {
      progress.validation_loss =
          MeanLoss(model, device, validation, options.pad_id, options.batch_size);
    }
    progress.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress.tokens_per_second =
        progress.elapsed_seconds > 0 ? tokens / progress.elapsed_seconds : 0.0;
    loss_sum = 0;
    loss_steps = 0;
    if (options.progress) options.progress(progress);
  };
  const bool checkpoints = !options.checkpoint_path.empty();

  std::vector<const TrainingExample*> chosen(options.batch_size);
  for (int step = result.start_step; step < options.steps; ++step) {
    if (options.should_stop && options.should_stop()) {
      if (checkpoints) {
        AIGC_RETURN_IF_ERROR(WriteCheckpoint(options.checkpoint_path, model, optimizer, step));
      }
      return absl::CancelledError(absl::StrCat("training stopped after step ", step));
    }
    std::mt19937_64 rng(StepSeed(options.seed, step, kBatchStream));
    std::uniform_int_distribution<size_t> pick(0, train.size() - 1);
    for (const TrainingExample*& example : chosen) example = &train[pick(rng)];
    const Batch batch = MakeBatch(chosen, options.pad_id, device);
    internal::DropoutSource dropout{
        at::detail::createCPUGenerator(StepSeed(options.seed, step, kDropoutStream)),
        model.config().dropout};

    const double learning_rate = LearningRate(options, step);
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate);
    }
    optimizer.zero_grad();
    const torch::Tensor loss =
        SummedLoss(model, batch, &dropout) / static_cast<double>(batch.target_count);
    const float value = loss.item<float>();
    if (!std::isfinite(value)) {
      return absl::InternalError(
          absl::StrCat("training loss became ", value, " at step ", step + 1));
    }
    loss.backward();
    if (options.grad_clip > 0) {
      torch::nn::utils::clip_grad_norm_(model.parameters(), options.grad_clip);
    }
    optimizer.step();
    loss_sum += value;
    ++loss_steps;
    tokens += batch.input_tokens;

    const int done = step + 1;
    if (done == options.steps) break;
    if (checkpoints && options.checkpoint_every > 0 && done % options.checkpoint_every == 0) {
      AIGC_RETURN_IF_ERROR(WriteCheckpoint(options.checkpoint_path, model, optimizer, done));
    }
    if (options.eval_every > 0 && done % options.eval_every == 0) report(done);
  }
  result.final_step = options.steps;
  report(options.steps);
  if (checkpoints) {
    AIGC_RETURN_IF_ERROR(WriteCheckpoint(options.checkpoint_path, model, optimizer, options.steps));
  }
  return result;
}

}  // namespace

absl::StatusOr<TrainResult> TrainLanguageModel(LanguageModel& model,
                                               const std::vector<TrainingExample>& train,
                                               const std::vector<TrainingExample>& validation,
                                               const TrainOptions& options) {
  const LmConfig& config = model.config();
  AIGC_RETURN_IF_ERROR(ValidateOptions(options, config));
  if (train.empty()) return status::InvalidField("train", "must not be empty");
  AIGC_RETURN_IF_ERROR(ValidateExamples(train, config, "train"));
  AIGC_RETURN_IF_ERROR(ValidateExamples(validation, config, "validation"));
  try {
    return Train(internal::LanguageModelAccess::Module(model),
                 internal::LanguageModelAccess::Device(model), train, validation, options);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("training failed: ", runtime::TorchErrorMessage(e)));
  }
}

absl::StatusOr<float> EvaluateLoss(const LanguageModel& model,
                                   const std::vector<TrainingExample>& examples, int32_t pad_id,
                                   int batch_size) {
  const LmConfig& config = model.config();
  AIGC_RETURN_IF_ERROR(ValidatePadAndBatch(pad_id, batch_size, config));
  if (examples.empty()) return status::InvalidField("examples", "must not be empty");
  AIGC_RETURN_IF_ERROR(ValidateExamples(examples, config, "examples"));
  try {
    return MeanLoss(internal::LanguageModelAccess::Module(model),
                    internal::LanguageModelAccess::Device(model), examples, pad_id, batch_size);
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("loss evaluation failed: ", runtime::TorchErrorMessage(e)));
  }
}

}  // namespace aigc::copy_lm
