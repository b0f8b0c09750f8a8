#include "services/copywriter/sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copywriter {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::FieldsAre;
using ::testing::StartsWith;

constexpr float kInf = std::numeric_limits<float>::infinity();

// Sampling with nothing but the given filters.
SamplingConfig Plain(float temperature, int top_k, float top_p) {
  return {.temperature = temperature, .top_k = top_k, .top_p = top_p, .repetition_penalty = 1.0f};
}

std::vector<int32_t> Ids(const std::vector<TokenCandidate>& candidates) {
  std::vector<int32_t> ids;
  for (const TokenCandidate& candidate : candidates) ids.push_back(candidate.id);
  return ids;
}

// softmax({2, 1, 0, -1}) = {0.64391, 0.23688, 0.08714, 0.03206}; cumulative
// {0.64391, 0.88080, 0.96794, 1}.
const std::vector<float> kLogits = {2.0f, 1.0f, 0.0f, -1.0f};

struct FilterCase {
  std::string name;
  SamplingConfig config;
  std::vector<int32_t> survivors;
};

TEST(CandidateDistributionTest, KeepsTheHandComputedTopKAndTopPSets) {
  const FilterCase cases[] = {
      {"no filter", Plain(1, 0, 1), {0, 1, 2, 3}},
      {"top_p 0.6: 0.644 already reaches it", Plain(1, 0, 0.6f), {0}},
      {"top_p 0.7: needs 0.644 + 0.237", Plain(1, 0, 0.7f), {0, 1}},
      {"top_p 0.9: needs three", Plain(1, 0, 0.9f), {0, 1, 2}},
      {"top_k 2", Plain(1, 2, 1), {0, 1}},
      {"top_k above the vocabulary is disabled", Plain(1, 5, 1), {0, 1, 2, 3}},
      // After top-k the two survivors renormalise to {0.731, 0.269}.
      {"top_k 2 then top_p 0.7", Plain(1, 2, 0.7f), {0}},
      {"greedy", Plain(0, 0, 1), {0}},
  };
  for (const FilterCase& c : cases) {
    absl::StatusOr<std::vector<TokenCandidate>> candidates =
        CandidateDistribution(kLogits, {}, c.config);
    ASSERT_TRUE(candidates.ok()) << c.name << ": " << candidates.status();
    EXPECT_THAT(Ids(*candidates), ElementsAreArray(c.survivors)) << c.name;
  }
}

TEST(CandidateDistributionTest, RenormalisesTheSurvivors) {
  // e^2 / (e^2 + e^1) = e / (e + 1).
  EXPECT_THAT(*CandidateDistribution(kLogits, {}, Plain(1, 0, 0.7f)),
              ElementsAre(FieldsAre(0, DoubleNear(0.731059, 1e-6)),
                          FieldsAre(1, DoubleNear(0.268941, 1e-6))));
}

TEST(CandidateDistributionTest, TemperatureSharpensTheDistribution) {
  // Temperature 0.5 doubles the logits: softmax({4, 2, 0, -2}).
  EXPECT_THAT(*CandidateDistribution(kLogits, {}, Plain(0.5f, 0, 1)),
              ElementsAre(FieldsAre(0, DoubleNear(0.864955, 1e-6)),
                          FieldsAre(1, DoubleNear(0.117059, 1e-6)),
                          FieldsAre(2, DoubleNear(0.015842, 1e-6)),
                          FieldsAre(3, DoubleNear(0.002144, 1e-6))));
}

TEST(CandidateDistributionTest, TopKBreaksTiesBySmallerId) {
  const std::vector<float> logits = {1, 0, 1, 1};
  EXPECT_THAT(Ids(*CandidateDistribution(logits, {}, Plain(1, 2, 1))), ElementsAre(0, 2));
}

TEST(CandidateDistributionTest, TopKOfALargeVocabularyIsTheHeadOfAFullSort) {
  // 3000 logits on a coarse grid (many ties) with every 7th masked.
  std::vector<float> logits(3000);
  uint32_t state = 12345;
  for (size_t i = 0; i < logits.size(); ++i) {
    state = state * 1664525u + 1013904223u;
    logits[i] = i % 7 == 0 ? -kInf : static_cast<float>(state >> 24) / 16.0f;
  }
  std::vector<int32_t> sorted;
  for (int32_t id = 0; id < static_cast<int32_t>(logits.size()); ++id) {
    if (logits[id] != -kInf) sorted.push_back(id);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](int32_t a, int32_t b) { return logits[a] > logits[b]; });
  for (const int top_k : {1, 50, 1000, 0}) {
    const size_t kept = top_k == 0 ? sorted.size() : static_cast<size_t>(top_k);
    EXPECT_THAT(Ids(*CandidateDistribution(logits, {}, Plain(1, top_k, 1))),
                ElementsAreArray(sorted.begin(), sorted.begin() + kept))
        << "top_k " << top_k;
  }
}

TEST(CandidateDistributionTest, MaskedTokensAreNeverCandidates) {
  const std::vector<float> logits = {-kInf, 0, -kInf, -1};
  EXPECT_THAT(Ids(*CandidateDistribution(logits, {}, Plain(1, 0, 1))), ElementsAre(1, 3));
}

TEST(RepetitionPenaltyTest, DividesPositiveAndMultipliesNegativeLogitsOncePerToken) {
  std::vector<float> logits = {2.0f, -1.0f, 0.5f, 1.0f};
  const std::vector<int32_t> previous = {0, 1, 1};
  ApplyRepetitionPenalty(logits, previous, 2.0f);
  EXPECT_THAT(logits, ElementsAre(1.0f, -2.0f, 0.5f, 1.0f));
}

TEST(SamplerTest, TemperatureZeroPicksTheArgmaxWithTiesToTheSmallestId) {
  auto sampler = *Sampler::Create(Plain(0, 50, 0.95f), /*seed=*/7);
  const std::vector<float> logits = {0, 3, 3, 1};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sampler->Pick(logits, {})->id, 1);
}

TEST(SamplerTest, RepetitionPenaltyCanChangeTheGreedyChoice) {
  // Token 0 was generated: 2 / 1.5 = 1.333 < 1.5.
  SamplingConfig config = Plain(0, 0, 1);
  config.repetition_penalty = 1.5f;
  auto sampler = *Sampler::Create(config, 1);
  const std::vector<float> logits = {2.0f, 1.5f, 0.0f, -1.0f};
  const std::vector<int32_t> previous = {0};
  const SampledToken picked = *sampler->Pick(logits, previous);
  EXPECT_EQ(picked.id, 1);
  // The reported log-probability ignores the penalty:
  // 1.5 - log(e^2 + e^1.5 + e^0 + e^-1) = -1.0831387.
  EXPECT_NEAR(picked.logprob, -1.0831387, 1e-6);
}

TEST(SamplerTest, LogprobIsTheLogSoftmaxOfTheRawLogits) {
  // log(e^2 + e + 1 + e^-1) = 2.4401897.
  auto greedy = *Sampler::Create(Plain(0, 0, 1), 1);
  EXPECT_NEAR(greedy->Pick(kLogits, {})->logprob, 2.0 - 2.4401897, 1e-6);

  // Whatever a tempered, filtered sampler picks, the log-prob is untempered.
  auto sampler = *Sampler::Create({.temperature = 1.7f, .top_k = 3, .top_p = 0.9f}, 3);
  for (int i = 0; i < 20; ++i) {
    const SampledToken picked = *sampler->Pick(kLogits, {});
    EXPECT_NEAR(picked.logprob, kLogits[picked.id] - 2.4401897, 1e-6);
  }
}

std::vector<int32_t> Draws(uint64_t seed, int count) {
  auto sampler = *Sampler::Create(Plain(1, 0, 1), seed);
  std::vector<int32_t> ids;
  for (int i = 0; i < count; ++i) ids.push_back(sampler->Pick(kLogits, {})->id);
  return ids;
}

TEST(SamplerTest, SameSeedGivesTheSameSequence) { EXPECT_EQ(Draws(42, 100), Draws(42, 100)); }

TEST(SamplerTest, DifferentSeedsGiveDifferentSequences) {
  // Two independent 100-draw sequences agree with probability < 0.49^100.
  EXPECT_NE(Draws(42, 100), Draws(43, 100));
}

TEST(SamplerTest, DrawFrequenciesMatchTheProbabilities) {
  const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
  auto sampler = *Sampler::Create(Plain(1, 0, 1), 2024);
  constexpr int kDraws = 20000;
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < kDraws; ++i) ++counts[sampler->Pick(logits, {})->id];
  // One standard deviation is at most 0.0036; the tolerance is over 5 of them.
  EXPECT_NEAR(counts[0] / double{kDraws}, 0.5, 0.02);
  EXPECT_NEAR(counts[1] / double{kDraws}, 0.3, 0.02);
  EXPECT_NEAR(counts[2] / double{kDraws}, 0.2, 0.02);
}

TEST(SamplerTest, NeverDrawsAFilteredToken) {
  auto sampler = *Sampler::Create(Plain(1, 0, 0.7f), 9);
  for (int i = 0; i < 200; ++i) EXPECT_LE(sampler->Pick(kLogits, {})->id, 1);
}

struct BadInputCase {
  std::string name;
  std::vector<float> logits;
  std::vector<int32_t> previous;
  std::string message;
};

TEST(SamplerTest, RejectsBadInputNamingTheField) {
  const BadInputCase cases[] = {
      {"empty", {}, {}, "logits: must not be empty"},
      {"NaN", {0, std::nanf("")}, {}, "logits[1]: must be finite or -inf"},
      {"+inf", {kInf, 0}, {}, "logits[0]: must be finite or -inf"},
      {"all masked", {-kInf, -kInf}, {}, "logits: every logit is -inf"},
      {"previous id too big", {0, 1}, {1, 2}, "previous_tokens[1]: token id 2 outside"},
      {"previous id negative", {0, 1}, {-1}, "previous_tokens[0]: token id -1 outside"},
  };
  auto sampler = *Sampler::Create(SamplingConfig{}, 1);
  for (const BadInputCase& c : cases) {
    absl::StatusOr<SampledToken> picked = sampler->Pick(c.logits, c.previous);
    EXPECT_EQ(picked.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(std::string(picked.status().message()), StartsWith(c.message)) << c.name;
  }
}

struct BadConfigCase {
  SamplingConfig config;
  std::string field;
};

TEST(ValidateSamplingConfigTest, NamesTheFieldOutOfRange) {
  const BadConfigCase cases[] = {
      {{.temperature = -0.1f}, "sampling.temperature: must be in [0, 2]"},
      {{.temperature = 2.5f}, "sampling.temperature"},
      {{.temperature = std::nanf("")}, "sampling.temperature"},
      {{.top_k = -1}, "sampling.top_k: must be in [0, 1000]"},
      {{.top_k = 1001}, "sampling.top_k"},
      {{.top_p = 0.0f}, "sampling.top_p: must be in (0, 1]"},
      {{.top_p = 1.01f}, "sampling.top_p"},
      {{.repetition_penalty = 0.9f}, "sampling.repetition_penalty: must be in [1, 2]"},
      {{.repetition_penalty = 2.1f}, "sampling.repetition_penalty"},
  };
  for (const BadConfigCase& c : cases) {
    const absl::Status status = ValidateSamplingConfig(c.config);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), StartsWith(c.field));
    EXPECT_EQ(Sampler::Create(c.config, 1).status(), status);
  }
  EXPECT_TRUE(ValidateSamplingConfig(SamplingConfig{}).ok());
  EXPECT_TRUE(
      ValidateSamplingConfig({.temperature = 0, .top_k = 0, .top_p = 1, .repetition_penalty = 1})
          .ok());
  EXPECT_TRUE(ValidateSamplingConfig(
                  {.temperature = 2, .top_k = 1000, .top_p = 0.01f, .repetition_penalty = 2})
                  .ok());
}

}  // namespace
}  // namespace aigc::copywriter
