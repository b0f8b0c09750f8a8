// Text generation with the copy model: n candidates from one prompt, decoded
// together (one batched LanguageModel::Step per token for all unfinished
// candidates), each with its own sampler, stop-sequence matcher and UTF-8
// streaming decoder.
//
// Candidate i samples with seed + i (mod 2^64), so a candidate is reproduced
// by its seed with n = 1. Batching is exact up to float rounding (see
// LanguageModel), which in rare cases of near-equal probabilities can pick
// another token; on the same machine the same request gives the same text.
#ifndef AIGC_SERVICES_COPYWRITER_GENERATION_GENERATOR_H_
#define AIGC_SERVICES_COPYWRITER_GENERATION_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/copywriter/model/copy_model.h"
#include "services/copywriter/sampling/sampler.h"

namespace aigc::copywriter {

inline constexpr int kMaxCandidates = 8;
inline constexpr int kMaxGeneratedTokens = 512;

struct GenerationRequest {
  // The prompt's tokens ending with <|sep|> (EncodePrompt).
  std::vector<int32_t> prompt;
  SamplingConfig sampling;
  // Tokens per candidate, 1..kMaxGeneratedTokens; generation also ends at the
  // model's context length (FinishReason::kLength either way).
  int max_tokens = 128;
  // Up to StopMatcher::kMaxStopSequences sequences; text ends before them.
  std::vector<std::string> stop;
  uint64_t seed = 0;
  // Candidates, 1..kMaxCandidates.
  int n = 1;
};

enum class FinishReason {
  kEnd,           // the model wrote <|eos|>
  kLength,        // max_tokens or the context length reached
  kStopSequence,  // a stop sequence appeared
  kCancelled,     // the caller's should_stop said so
};

struct GeneratedText {
  int index = 0;      // 0-based candidate number
  uint64_t seed = 0;  // the seed its sampler used
  std::string text;   // final text, without the stop sequence
  FinishReason finish = FinishReason::kLength;
  // Tokens sampled for the text (<|eos|> not counted).
  int token_count = 0;
  // Mean log-probability of the sampled tokens (<|eos|> included) under the
  // model's raw distribution: the candidate's score, <= 0.
  double score = 0;
};

// Receives each candidate's text as it becomes safe to show (complete UTF-8
// characters, never part of a stop sequence) and the number of tokens sampled
// since its previous delta (>= 1, except a final flush may cover 0); the
// deltas of candidate i join to its final text. Called on the generating
// thread.
using DeltaCallback = std::function<void(int index, absl::string_view delta, int tokens)>;

// Generates request.n candidates. INVALID_ARGUMENT naming the field
// ("sampling.temperature", "sampling.stop", "max_tokens", "n", "prompt") for a
// bad request; OUT_OF_RANGE when the prompt leaves no room in the context.
// `should_stop`, polled before every step, ends the unfinished candidates
// with kCancelled (e.g. a cancelled RPC or a passed deadline).
absl::StatusOr<std::vector<GeneratedText>> Generate(const CopyModel& model,
                                                    const GenerationRequest& request,
                                                    const DeltaCallback& on_delta = nullptr,
                                                    const std::function<bool()>& should_stop = nullptr);

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_GENERATION_GENERATOR_H_
