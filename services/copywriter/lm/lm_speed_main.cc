// Measures the language model's speed on this machine for the default
// config (d_model 192, 4 layers, 6 heads, vocab 3000, context 256): ms per
// decoding Step at batch 1 and 8, batched Prefill, and training tokens/s.
// A measurement tool, not a test.
//
// Usage: copy_lm_speed [cpu|cuda] [intra_op_threads]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/runtime/device.h"
#include "services/copywriter/lm/language_model.h"
#include "services/copywriter/lm/trainer.h"

namespace aigc::copy_lm {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<int32_t> RandomTokens(std::mt19937& rng, int count, int vocab) {
  std::uniform_int_distribution<int32_t> pick(0, vocab - 1);
  std::vector<int32_t> tokens(count);
  for (int32_t& token : tokens) token = pick(rng);
  return tokens;
}

// Prefills `batch` states with prompts of 32 + 4 * i tokens, then times
// `steps` batched Steps. Returns false on an error (printed).
bool MeasureDecoding(const LanguageModel& model, int batch, int steps, std::mt19937& rng) {
  const int vocab = model.config().vocab_size;
  std::vector<std::unique_ptr<DecodeState>> owned;
  std::vector<DecodeState*> states;
  std::vector<std::vector<int32_t>> prompts;
  for (int i = 0; i < batch; ++i) {
    owned.push_back(model.NewDecodeState());
    states.push_back(owned.back().get());
    prompts.push_back(RandomTokens(rng, 32 + 4 * i, vocab));
  }
  const auto prefill_start = Clock::now();
  auto logits = model.Prefill(states, prompts);
  const double prefill_ms = MillisecondsSince(prefill_start);
  if (!logits.ok()) {
    std::fprintf(stderr, "prefill: %s\n", std::string(logits.status().message()).c_str());
    return false;
  }
  std::vector<double> step_ms;
  for (int s = 0; s < steps; ++s) {
    const std::vector<int32_t> tokens = RandomTokens(rng, batch, vocab);
    const auto start = Clock::now();
    logits = model.Step(states, tokens);
    step_ms.push_back(MillisecondsSince(start));
    if (!logits.ok()) {
      std::fprintf(stderr, "step: %s\n", std::string(logits.status().message()).c_str());
      return false;
    }
  }
  const auto mean = [&](size_t from, size_t to) {
    double sum = 0;
    for (size_t i = from; i < to; ++i) sum += step_ms[i];
    return sum / (to - from);
  };
  const size_t quarter = step_ms.size() / 4;
  std::printf(
      "batch %d: prefill %.1f ms (prompts 32..%d tokens); step %.2f ms mean over %d steps "
      "(%.2f ms near 40 tokens, %.2f ms near %d tokens) = %.0f tokens/s\n",
      batch, prefill_ms, 32 + 4 * (batch - 1), mean(0, step_ms.size()), steps, mean(0, quarter),
      mean(step_ms.size() - quarter, step_ms.size()), states.back()->length(),
      1000.0 * batch / mean(0, step_ms.size()));
  return true;
}

int Run(int argc, char** argv) {
  const runtime::Device device =
      argc > 1 && std::string(argv[1]) == "cuda" ? runtime::Device::kCuda : runtime::Device::kCpu;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  if (absl::Status configured = runtime::ConfigureThreads(threads, 1); !configured.ok()) {
    std::fprintf(stderr, "%s\n", std::string(configured.message()).c_str());
    return 1;
  }
  std::printf("device %s, intra-op threads %d, BLAS %s\n",
              std::string(runtime::DeviceName(device)).c_str(), runtime::IntraOpThreads(),
              runtime::BlasLibraryPath().c_str());
  const LmConfig config{.vocab_size = 3000};
  auto model = LanguageModel::Create(config, device, 1);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", std::string(model.status().message()).c_str());
    return 1;
  }
  std::printf(
      "config: d_model %d, layers %d, heads %d, d_ff %d, vocab %d, context %d: "
      "%lld parameters\n",
      config.d_model, config.num_layers, config.num_heads, config.d_ff, config.vocab_size,
      config.context_length, static_cast<long long>((*model)->parameter_count()));
  std::mt19937 rng(7);
  if (!MeasureDecoding(**model, 1, 192, rng) || !MeasureDecoding(**model, 8, 192, rng)) return 1;

  // Training: 128-token examples, loss on the last 96.
  std::vector<TrainingExample> examples;
  for (int i = 0; i < 64; ++i) {
    examples.push_back(TrainingExample{RandomTokens(rng, 128, config.vocab_size), 32});
  }
  for (const int batch_size : {8, 16}) {
    TrainOptions options;
    options.steps = 6;
    options.batch_size = batch_size;
    options.warmup_steps = 1;
    options.eval_every = 0;
    auto result = TrainLanguageModel(**model, examples, {}, options);
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n", std::string(result.status().message()).c_str());
      return 1;
    }
    std::printf("training, batch %d x 127 tokens: %.0f tokens/s (%.0f ms per step)\n", batch_size,
                result->last.tokens_per_second,
                1000.0 * result->last.elapsed_seconds / options.steps);
  }
  return 0;
}

}  // namespace
}  // namespace aigc::copy_lm

int main(int argc, char** argv) { return aigc::copy_lm::Run(argc, argv); }
