#include "services/copywriter/sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::copywriter {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();
constexpr int kMaxTopK = 1000;

absl::Status ValidateInputs(std::span<const float> logits,
                            std::span<const int32_t> previous_tokens) {
  if (logits.empty()) return status::InvalidField("logits", "must not be empty");
  bool any_finite = false;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (std::isnan(logits[i]) || logits[i] == kInfinity) {
      return status::InvalidField(absl::StrCat("logits[", i, "]"),
                                  absl::StrCat("must be finite or -inf, got ", logits[i]));
    }
    any_finite = any_finite || logits[i] != -kInfinity;
  }
  if (!any_finite) return status::InvalidField("logits", "every logit is -inf");
  for (size_t i = 0; i < previous_tokens.size(); ++i) {
    const int32_t id = previous_tokens[i];
    if (id < 0 || static_cast<size_t>(id) >= logits.size()) {
      return status::InvalidField(
          absl::StrCat("previous_tokens[", i, "]"),
          absl::StrCat("token id ", id, " outside the vocabulary [0, ", logits.size(), ")"));
    }
  }
  return absl::OkStatus();
}

// The ids of the `top_k` highest finite scores (all finite ones when top_k is
// 0), highest first, ties to the smaller id.
std::vector<int32_t> MostLikely(const std::vector<float>& scores, int top_k) {
  using Entry = std::pair<float, int32_t>;  // (score, id)
  const auto more_likely = [](const Entry& a, const Entry& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  const size_t limit = top_k > 0 ? static_cast<size_t>(top_k) : scores.size();
  // A heap of the best `limit` so far whose top is the least likely of them.
  // Ids come in increasing order, so a later id enters only with a strictly
  // higher score; that comparison is cheap and almost always false.
  std::vector<Entry> best;
  best.reserve(std::min(limit, scores.size()));
  for (size_t id = 0; id < scores.size(); ++id) {
    const float score = scores[id];
    if (score == -kInfinity) continue;
    if (best.size() < limit) {
      best.emplace_back(score, static_cast<int32_t>(id));
      std::push_heap(best.begin(), best.end(), more_likely);
    } else if (score > best.front().first) {
      std::pop_heap(best.begin(), best.end(), more_likely);
      best.back() = {score, static_cast<int32_t>(id)};
      std::push_heap(best.begin(), best.end(), more_likely);
    }
  }
  std::sort(best.begin(), best.end(), more_likely);
  std::vector<int32_t> order;
  order.reserve(best.size());
  for (const Entry& entry : best) order.push_back(entry.second);
  return order;
}

// Steps 1-4 of the pipeline on validated input.
std::vector<TokenCandidate> Candidates(std::span<const float> logits,
                                  std::span<const int32_t> previous_tokens,
                                  const SamplingConfig& config) {
  std::vector<float> scores(logits.begin(), logits.end());
  if (config.repetition_penalty != 1.0f) {
    ApplyRepetitionPenalty(scores, previous_tokens, config.repetition_penalty);
  }
  if (config.temperature == 0.0f) {
    // max_element returns the first maximum: ties go to the smallest id.
    const auto best = std::max_element(scores.begin(), scores.end());
    return {{static_cast<int32_t>(best - scores.begin()), 1.0}};
  }

  const std::vector<int32_t> order = MostLikely(scores, config.top_k);
  // Softmax of scores / temperature over the survivors, shifted by the
  // maximum so that exp cannot overflow.
  const double max_score = scores[order.front()];
  const double inverse_temperature = 1.0 / config.temperature;
  std::vector<TokenCandidate> candidates;
  candidates.reserve(order.size());
  double total = 0.0;
  for (const int32_t id : order) {
    const double weight = std::exp((scores[id] - max_score) * inverse_temperature);
    candidates.push_back({id, weight});
    total += weight;
  }
  if (config.top_p < 1.0f) {
    double mass = 0.0;
    size_t kept = 0;
    while (kept < candidates.size() && mass < config.top_p) {
      mass += candidates[kept++].probability / total;
    }
    candidates.resize(kept);
    total = 0.0;
    for (const TokenCandidate& candidate : candidates) total += candidate.probability;
  }
  for (TokenCandidate& candidate : candidates) candidate.probability /= total;
  return candidates;
}

// log_softmax(logits)[id]. The exponentials are float (every term is <= 1,
// so float loses nothing a reported score needs) and summed in double.
double LogSoftmaxAt(std::span<const float> logits, int32_t id) {
  const float max_logit = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (const float logit : logits) sum += std::exp(logit - max_logit);
  return static_cast<double>(logits[id] - max_logit) - std::log(sum);
}

}  // namespace

absl::Status ValidateSamplingConfig(const SamplingConfig& config) {
  // Written as !(in range) so that NaN fails.
  if (!(config.temperature >= 0.0f && config.temperature <= 2.0f)) {
    return status::InvalidField("sampling.temperature",
                                absl::StrCat("must be in [0, 2], got ", config.temperature));
  }
  if (config.top_k < 0 || config.top_k > kMaxTopK) {
    return status::InvalidField("sampling.top_k",
                                absl::StrCat("must be in [0, ", kMaxTopK, "], got ", config.top_k));
  }
  if (!(config.top_p > 0.0f && config.top_p <= 1.0f)) {
    return status::InvalidField("sampling.top_p",
                                absl::StrCat("must be in (0, 1], got ", config.top_p));
  }
  if (!(config.repetition_penalty >= 1.0f && config.repetition_penalty <= 2.0f)) {
    return status::InvalidField("sampling.repetition_penalty",
                                absl::StrCat("must be in [1, 2], got ", config.repetition_penalty));
  }
  return absl::OkStatus();
}

void ApplyRepetitionPenalty(std::span<float> logits, std::span<const int32_t> previous_tokens,
                            float penalty) {
  std::vector<int32_t> distinct(previous_tokens.begin(), previous_tokens.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (const int32_t id : distinct) {
    float& logit = logits[id];
    logit = logit > 0.0f ? logit / penalty : logit * penalty;
  }
}

absl::StatusOr<std::vector<TokenCandidate>> CandidateDistribution(
    std::span<const float> logits, std::span<const int32_t> previous_tokens,
    const SamplingConfig& config) {
  AIGC_RETURN_IF_ERROR(ValidateSamplingConfig(config));
  AIGC_RETURN_IF_ERROR(ValidateInputs(logits, previous_tokens));
  return Candidates(logits, previous_tokens, config);
}

absl::StatusOr<std::unique_ptr<Sampler>> Sampler::Create(const SamplingConfig& config,
                                                         uint64_t seed) {
  AIGC_RETURN_IF_ERROR(ValidateSamplingConfig(config));
  return std::unique_ptr<Sampler>(new Sampler(config, seed));
}

absl::StatusOr<SampledToken> Sampler::Pick(std::span<const float> logits,
                                           std::span<const int32_t> previous_tokens) {
  AIGC_RETURN_IF_ERROR(ValidateInputs(logits, previous_tokens));
  const std::vector<TokenCandidate> candidates = Candidates(logits, previous_tokens, config_);
  // The last candidate also absorbs rounding when the probabilities sum to
  // slightly less than 1. A single candidate consumes no randomness.
  int32_t id = candidates.back().id;
  if (candidates.size() > 1) {
    const double draw = random_.NextDouble();
    double mass = 0.0;
    for (const TokenCandidate& candidate : candidates) {
      mass += candidate.probability;
      if (draw < mass) {
        id = candidate.id;
        break;
      }
    }
  }
  return SampledToken{id, LogSoftmaxAt(logits, id)};
}

}  // namespace aigc::copywriter
