// Next-token sampling on a logits vector, torch-free.
//
// Pipeline, in this order (the order of Hugging Face's generate()):
//   1. repetition penalty (CTRL, Keskar et al. 2019): for each distinct token
//      already generated, its logit is divided by the penalty when positive
//      and multiplied by it otherwise;
//   2. temperature: 0 means greedy (argmax, ties to the smallest id, no
//      randomness used); otherwise logits are divided by it;
//   3. top-k: keep the k highest (ties to the smaller id);
//   4. top-p: of those, keep the smallest most-probable prefix whose
//      renormalised mass reaches top_p (always at least one token);
//   5. draw from the survivors, renormalised.
// Tokens whose logit is -inf (masked) are never drawn.
#ifndef AIGC_SERVICES_COPYWRITER_SAMPLING_SAMPLER_H_
#define AIGC_SERVICES_COPYWRITER_SAMPLING_SAMPLER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/copywriter/sampling/internal/random.h"

namespace aigc::copywriter {

// Mirrors aigc.copywriter.v1.SamplingParams (defaults are the proto's).
struct SamplingConfig {
  float temperature = 0.8f;         // [0, 2]; 0 = greedy.
  int top_k = 50;                   // [0, 1000]; 0 or >= vocabulary = disabled.
  float top_p = 0.95f;              // (0, 1]; 1 = disabled.
  float repetition_penalty = 1.1f;  // [1, 2]; 1 = disabled.
};

// OK, or INVALID_ARGUMENT "sampling.<field>: must be in <range>, got <value>"
// for the first field out of range (NaN is out of every range).
absl::Status ValidateSamplingConfig(const SamplingConfig& config);

// Applies step 1 to `logits` in place. Each distinct id in previous_tokens is
// penalised once however often it occurs. Precondition: every id indexes
// `logits` (Sampler::Pick checks this).
void ApplyRepetitionPenalty(std::span<float> logits, std::span<const int32_t> previous_tokens,
                            float penalty);

// A token that survived the filters and its renormalised probability.
struct TokenCandidate {
  int32_t id;
  double probability;
};

// Returns the survivors of steps 1-4 in decreasing probability (ties: smaller
// id first), probabilities summing to 1; with temperature 0, the argmax alone
// with probability 1. Fails as Sampler::Pick does on bad input or config.
absl::StatusOr<std::vector<TokenCandidate>> CandidateDistribution(
    std::span<const float> logits, std::span<const int32_t> previous_tokens,
    const SamplingConfig& config);

struct SampledToken {
  int32_t id;
  // log_softmax(logits)[id] of the raw logits given to Pick: no penalty,
  // temperature or filtering (natural log, <= 0). The service reports the mean
  // over a text as its score, comparable across sampling settings.
  double logprob;
};

// Draws tokens for one generated text. Owns its random state: the same config,
// seed and inputs give the same tokens on every platform, whatever else runs
// in the process or batch. Not thread-safe; use one Sampler per text.
class Sampler {
 public:
  // INVALID_ARGUMENT as ValidateSamplingConfig.
  static absl::StatusOr<std::unique_ptr<Sampler>> Create(const SamplingConfig& config,
                                                         uint64_t seed);

  // Picks the next token given the model's logits over the vocabulary and the
  // tokens generated so far (for the repetition penalty). INVALID_ARGUMENT
  // "logits: ..." when empty or all -inf, "logits[i]: ..." for NaN or +inf,
  // "previous_tokens[i]: ..." for an id outside the vocabulary.
  absl::StatusOr<SampledToken> Pick(std::span<const float> logits,
                                    std::span<const int32_t> previous_tokens);

  const SamplingConfig& config() const { return config_; }

 private:
  Sampler(const SamplingConfig& config, uint64_t seed) : config_(config), random_(seed) {}

  SamplingConfig config_;
  internal::Xoshiro256 random_;
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_SAMPLING_SAMPLER_H_
