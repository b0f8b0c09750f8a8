// aigc-train-lm: trains the copywriter's tokenizer and language model on the
// corpus aigc-copy-corpus writes, and publishes both as a new version of
// "copywriter-lm" in a model repository (scripts/models/copywriter_lm.sh has
// the command that rebuilds the committed model).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/cli/cli.h"
#include "common/runtime/device.h"
#include "services/copywriter/corpus/jsonl.h"
#include "services/copywriter/lm/trainer.h"
#include "services/copywriter/model/copy_model.h"
#include "services/copywriter/tokenizer/tokenizer.h"

ABSL_FLAG(std::string, corpus_dir, "data/copywriter/corpus",
          "Directory with train.jsonl and test.jsonl from aigc-copy-corpus.");
ABSL_FLAG(std::string, model_repository, "models",
          "Model repository to publish to (created when missing); the copywriter's "
          "--model_repository.");
ABSL_FLAG(std::string, checkpoint, "data/copywriter/lm.ckpt",
          "Training checkpoint (model, optimiser, step); its tokenizer is kept beside it as "
          "<checkpoint>.bpe. Empty = no checkpoints.");
ABSL_FLAG(bool, resume, true, "Continue from --checkpoint when it exists.");
ABSL_FLAG(int, checkpoint_every, 200, "Steps between checkpoints.");
ABSL_FLAG(int, vocab_size, 2000, "Tokenizer vocabulary: 256 bytes + 3 special tokens + merges.");
ABSL_FLAG(int, context_length, 256, "Most tokens per sequence (prompt + completion).");
ABSL_FLAG(int, d_model, 128, "Transformer width.");
ABSL_FLAG(int, num_layers, 3, "Transformer blocks.");
ABSL_FLAG(int, num_heads, 4, "Attention heads (d_model must be a multiple).");
ABSL_FLAG(int, d_ff, 512, "Width of each block's MLP.");
ABSL_FLAG(double, dropout, 0.1, "Dropout while training.");
ABSL_FLAG(int, steps, 2000, "Optimiser steps.");
ABSL_FLAG(int, batch_size, 16, "Examples per step.");
ABSL_FLAG(double, learning_rate, 3e-3, "Peak learning rate (after warm-up; cosine decay after).");
ABSL_FLAG(int, warmup_steps, 100, "Linear warm-up steps.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of initialisation, batches and dropout.");
ABSL_FLAG(int, eval_every, 100, "Steps between progress lines with the validation loss.");
ABSL_FLAG(int, validation_examples, 256,
          "Held-out examples (the first of test.jsonl) for the validation loss.");
ABSL_FLAG(int, threads, 2, "LibTorch intra-op threads.");

namespace aigc::copywriter {
namespace {

std::vector<copy_corpus::CorpusExample> ReadExamples(const std::string& path) {
  const std::string text = cli::ValueOrExit(copy_corpus::ReadTextFile(path));
  absl::StatusOr<std::vector<copy_corpus::CorpusExample>> examples =
      copy_corpus::ParseExamplesJsonl(text);
  if (!examples.ok()) cli::ExitWithReason(absl::StrCat(path, ": ", examples.status().message()));
  return *std::move(examples);
}

// The checkpoint's tokenizer when resuming, so the ids keep their meaning;
// else one trained on the training texts.
Tokenizer MakeTokenizer(const std::vector<copy_corpus::CorpusExample>& train,
                        const std::string& saved_path) {
  if (!saved_path.empty() && absl::GetFlag(FLAGS_resume) && std::filesystem::exists(saved_path)) {
    std::printf("tokenizer: resuming with %s\n", saved_path.c_str());
    return cli::ValueOrExit(Tokenizer::Load(saved_path));
  }
  std::vector<std::string> texts;
  texts.reserve(2 * train.size());
  for (const auto& example : train) {
    texts.push_back(example.prompt);
    texts.push_back(example.completion);
  }
  const int wanted = absl::GetFlag(FLAGS_vocab_size);
  Tokenizer tokenizer = cli::ValueOrExit(
      TrainBpe(texts, {.vocab_size = wanted,
                       .special_tokens = CopySpecialTokens(),
                       .progress = [](int done, int total) {
                         if (done % 500 == 0 || done == total) {
                           std::printf("tokenizer: %d/%d merges\n", done, total);
                           std::fflush(stdout);
                         }
                       }}));
  if (!saved_path.empty()) {
    if (absl::Status saved = tokenizer.Save(saved_path); !saved.ok()) {
      cli::ExitWithReason(saved.ToString());
    }
  }
  return tokenizer;
}

// Encodes every example; those longer than the context are left out and
// counted (their completion would be cut).
std::vector<copy_lm::TrainingExample> Encode(const std::vector<copy_corpus::CorpusExample>& examples,
                                             const Tokenizer& tokenizer, const SpecialIds& specials,
                                             int context_length, const char* split) {
  std::vector<copy_lm::TrainingExample> encoded;
  encoded.reserve(examples.size());
  int64_t too_long = 0;
  int64_t tokens = 0;
  for (const auto& example : examples) {
    copy_lm::TrainingExample one = cli::ValueOrExit(
        EncodeExample(tokenizer, specials, example.prompt, example.completion));
    if (static_cast<int>(one.tokens.size()) > context_length + 1) {
      ++too_long;
      continue;
    }
    tokens += one.tokens.size();
    encoded.push_back(std::move(one));
  }
  std::printf("%s: %zu examples, %lld tokens (%.1f per example), %lld longer than %d left out\n",
              split, encoded.size(), static_cast<long long>(tokens),
              encoded.empty() ? 0.0 : static_cast<double>(tokens) / encoded.size(),
              static_cast<long long>(too_long), context_length);
  return encoded;
}

int Main() {
  const std::string corpus_dir = absl::GetFlag(FLAGS_corpus_dir);
  const auto train_examples = ReadExamples(corpus_dir + "/train.jsonl");
  auto test_examples = ReadExamples(corpus_dir + "/test.jsonl");
  const int validation_count = absl::GetFlag(FLAGS_validation_examples);
  if (validation_count < 1) cli::ExitWithReason("--validation_examples: must be >= 1");
  if (static_cast<int>(test_examples.size()) > validation_count) {
    test_examples.resize(validation_count);
  }
  if (absl::Status threads = runtime::ConfigureThreads(absl::GetFlag(FLAGS_threads), 1);
      !threads.ok()) {
    cli::ExitWithReason(threads.ToString());
  }

  const std::string checkpoint = absl::GetFlag(FLAGS_checkpoint);
  const Tokenizer tokenizer =
      MakeTokenizer(train_examples, checkpoint.empty() ? "" : checkpoint + ".bpe");
  const SpecialIds specials = cli::ValueOrExit(SpecialIdsOf(tokenizer));
  const copy_lm::LmConfig config{.vocab_size = tokenizer.vocab_size(),
                                 .context_length = absl::GetFlag(FLAGS_context_length),
                                 .d_model = absl::GetFlag(FLAGS_d_model),
                                 .num_layers = absl::GetFlag(FLAGS_num_layers),
                                 .num_heads = absl::GetFlag(FLAGS_num_heads),
                                 .d_ff = absl::GetFlag(FLAGS_d_ff),
                                 .dropout = static_cast<float>(absl::GetFlag(FLAGS_dropout))};
  const auto train = Encode(train_examples, tokenizer, specials, config.context_length, "train");
  const auto validation =
      Encode(test_examples, tokenizer, specials, config.context_length, "validation");

  auto model = cli::ValueOrExit(
      copy_lm::LanguageModel::Create(config, runtime::Device::kCpu, absl::GetFlag(FLAGS_seed)));
  std::printf("model: vocab %d, context %d, d_model %d, %d layers, %d heads, d_ff %d: %lld "
              "parameters\n",
              config.vocab_size, config.context_length, config.d_model, config.num_layers,
              config.num_heads, config.d_ff, static_cast<long long>(model->parameter_count()));
  const int steps = absl::GetFlag(FLAGS_steps);
  copy_lm::TrainOptions options{
      .steps = steps,
      .batch_size = absl::GetFlag(FLAGS_batch_size),
      .learning_rate = static_cast<float>(absl::GetFlag(FLAGS_learning_rate)),
      .warmup_steps = absl::GetFlag(FLAGS_warmup_steps),
      .min_learning_rate = static_cast<float>(absl::GetFlag(FLAGS_learning_rate) / 10),
      .seed = absl::GetFlag(FLAGS_seed),
      .pad_id = specials.pad,
      .checkpoint_path = checkpoint,
      .checkpoint_every = checkpoint.empty() ? 0 : absl::GetFlag(FLAGS_checkpoint_every),
      .resume = !checkpoint.empty() && absl::GetFlag(FLAGS_resume),
      .eval_every = absl::GetFlag(FLAGS_eval_every),
      .progress = [steps](const copy_lm::TrainProgress& progress) {
        std::printf("step %d/%d  train_loss %.4f  validation_loss %s  %.0f tokens/s  %.0f s\n",
                    progress.step, steps, progress.train_loss,
                    progress.validation_loss.has_value()
                        ? absl::StrFormat("%.4f", *progress.validation_loss).c_str()
                        : "-",
                    progress.tokens_per_second, progress.elapsed_seconds);
        std::fflush(stdout);
      }};
  const copy_lm::TrainResult result =
      cli::ValueOrExit(copy_lm::TrainLanguageModel(*model, train, validation, options));

  CopyModelInfo info{
      .created_by = absl::StrCat(
          "aigc-train-lm --corpus_dir=", corpus_dir, " --vocab_size=", absl::GetFlag(FLAGS_vocab_size),
          " --context_length=", config.context_length, " --d_model=", config.d_model,
          " --num_layers=", config.num_layers, " --num_heads=", config.num_heads,
          " --d_ff=", config.d_ff, " --dropout=", absl::GetFlag(FLAGS_dropout), " --steps=", steps,
          " --batch_size=", options.batch_size, " --learning_rate=",
          absl::GetFlag(FLAGS_learning_rate), " --warmup_steps=", options.warmup_steps,
          " --seed=", options.seed),
      .description = "Copy and live Q&A language model trained on the synthetic demo corpus.",
      .metrics = {{"train_loss", result.last.train_loss},
                  {"steps", static_cast<double>(result.final_step)}}};
  if (result.last.validation_loss.has_value()) {
    info.metrics["validation_loss"] = *result.last.validation_loss;
  }
  const runtime::ModelManifest manifest = cli::ValueOrExit(
      PublishCopyModel(absl::GetFlag(FLAGS_model_repository), *model, tokenizer, info));
  std::printf("published %s version %lld in %s\n", manifest.name().c_str(),
              static_cast<long long>(manifest.version()),
              absl::GetFlag(FLAGS_model_repository).c_str());
  return 0;
}

}  // namespace
}  // namespace aigc::copywriter

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Trains the copywriter's tokenizer and language model on the aigc-copy-corpus corpus and "
      "publishes them to a model repository.\n"
      "Usage: aigc-train-lm [--corpus_dir=data/copywriter/corpus] [--model_repository=models] "
      "[--steps=2000] [--checkpoint=data/copywriter/lm.ckpt]");
  return aigc::copywriter::Main();
}
