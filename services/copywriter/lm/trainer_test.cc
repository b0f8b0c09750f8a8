#include "services/copywriter/lm/trainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/copywriter/lm/language_model.h"

namespace aigc::copy_lm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr int32_t kPad = 0;
constexpr int32_t kSep = 1;
constexpr int32_t kEos = 2;

LmConfig Tiny(float dropout) {
  return LmConfig{.vocab_size = 20,
                  .context_length = 16,
                  .d_model = 32,
                  .num_layers = 2,
                  .num_heads = 4,
                  .d_ff = 64,
                  .dropout = dropout};
}

std::unique_ptr<LanguageModel> MakeModel(float dropout, uint64_t seed = 3) {
  auto model = LanguageModel::Create(Tiny(dropout), runtime::Device::kCpu, seed);
  EXPECT_TRUE(model.ok()) << model.status();
  return std::move(model).value();
}

struct Mapping {
  std::vector<int32_t> prompt;
  std::vector<int32_t> completion;  // without kEos
};

// Prompts with fixed completions; two share a prefix and differ in the last
// prompt token.
const std::vector<Mapping>& Mappings() {
  static const auto* mappings = new std::vector<Mapping>{
      {{3, 4, 5}, {10, 11, 12}},
      {{3, 4, 6}, {13, 14}},
      {{7, 8}, {15, 16, 17, 18}},
      {{9, 5, 4}, {19, 10}},
  };
  return *mappings;
}

// prompt kSep completion kEos, loss on the completion and kEos.
std::vector<TrainingExample> Corpus() {
  std::vector<TrainingExample> examples;
  for (const Mapping& mapping : Mappings()) {
    TrainingExample example;
    example.tokens = mapping.prompt;
    example.tokens.push_back(kSep);
    example.loss_start = static_cast<int32_t>(example.tokens.size());
    example.tokens.insert(example.tokens.end(), mapping.completion.begin(),
                          mapping.completion.end());
    example.tokens.push_back(kEos);
    examples.push_back(example);
  }
  return examples;
}

TrainOptions SmallRun(int steps) {
  TrainOptions options;
  options.steps = steps;
  options.batch_size = 4;
  options.learning_rate = 5e-3f;
  options.warmup_steps = 10;
  options.min_learning_rate = 5e-4f;
  options.weight_decay = 0.0f;
  options.seed = 11;
  options.pad_id = kPad;
  options.eval_every = 0;
  return options;
}

// Greedy decoding after prompt kSep, until kEos (included) or 8 tokens.
std::vector<int32_t> Greedy(const LanguageModel& model, std::vector<int32_t> prompt) {
  prompt.push_back(kSep);
  auto state = model.NewDecodeState();
  DecodeState* states[] = {state.get()};
  absl::StatusOr<LogitsBatch> logits = model.Prefill(states, {prompt});
  std::vector<int32_t> generated;
  for (int i = 0; i < 8 && logits.ok(); ++i) {
    const std::vector<float>& row = (*logits)[0];
    const int32_t next =
        static_cast<int32_t>(std::max_element(row.begin(), row.end()) - row.begin());
    generated.push_back(next);
    if (next == kEos) break;
    const int32_t token[] = {next};
    logits = model.Step(states, token);
  }
  EXPECT_TRUE(logits.ok()) << logits.status();
  return generated;
}

float NegativeLogLikelihood(const std::vector<float>& logits, int32_t target) {
  double sum = 0;
  const float peak = *std::max_element(logits.begin(), logits.end());
  for (float logit : logits) sum += std::exp(logit - peak);
  return static_cast<float>(std::log(sum) + peak - logits[target]);
}

TEST(TrainerTest, LossCountsOnlyCompletionTokensAndIgnoresPadding) {
  auto model = MakeModel(0.1f);
  // a: prompt {3, 7, 1}, completion {9}: only position 2 predicting 9 counts.
  const TrainingExample a{{3, 7, 1, 9}, 3};
  // b: everything after token 0 counts: positions 0 and 1 predicting 6 and 2.
  const TrainingExample b{{5, 6, 2}, 1};
  auto logits_a = model->Logits(std::vector<int32_t>{3, 7, 1});
  auto logits_b = model->Logits(std::vector<int32_t>{5, 6});
  ASSERT_TRUE(logits_a.ok() && logits_b.ok());
  const float nll_a = NegativeLogLikelihood((*logits_a)[2], 9);
  const float nll_b0 = NegativeLogLikelihood((*logits_b)[0], 6);
  const float nll_b1 = NegativeLogLikelihood((*logits_b)[1], 2);

  auto loss_a = EvaluateLoss(*model, {a}, kPad);
  ASSERT_TRUE(loss_a.ok()) << loss_a.status();
  EXPECT_NEAR(*loss_a, nll_a, 1e-4);
  // One padded batch of both: the mean over the three counted targets.
  auto loss_ab = EvaluateLoss(*model, {a, b}, kPad, /*batch_size=*/2);
  ASSERT_TRUE(loss_ab.ok()) << loss_ab.status();
  EXPECT_NEAR(*loss_ab, (nll_a + nll_b0 + nll_b1) / 3, 1e-4);
  // Counting the prompt too would give another value.
  auto with_prompt = EvaluateLoss(*model, {TrainingExample{a.tokens, 1}}, kPad);
  ASSERT_TRUE(with_prompt.ok());
  EXPECT_GT(std::abs(*with_prompt - nll_a), 1e-3);
}

TEST(TrainerTest, TinyModelLearnsFixedCompletions) {
  auto model = MakeModel(0.0f);
  TrainOptions options = SmallRun(300);
  options.batch_size = 8;
  options.eval_every = 100;
  std::vector<TrainProgress> reports;
  options.progress = [&](const TrainProgress& progress) { reports.push_back(progress); };
  const std::vector<TrainingExample> corpus = Corpus();
  auto result = TrainLanguageModel(*model, corpus, corpus, options);
  ASSERT_TRUE(result.ok()) << result.status();

  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0].step, 100);
  EXPECT_EQ(reports[2].step, 300);
  ASSERT_TRUE(reports[2].validation_loss.has_value());
  EXPECT_LT(*reports[2].validation_loss, 0.05f);
  EXPECT_LT(reports[2].validation_loss, reports[0].validation_loss);
  EXPECT_GT(reports[2].tokens_per_second, 0);
  EXPECT_EQ(result->final_step, 300);

  for (const Mapping& mapping : Mappings()) {
    std::vector<int32_t> expected = mapping.completion;
    expected.push_back(kEos);
    EXPECT_EQ(Greedy(*model, mapping.prompt), expected) << "prompt starting " << mapping.prompt[0];
  }
}

TEST(TrainerTest, SameSeedTrainsIdenticallyAndAnotherSeedDoesNot) {
  const std::vector<int32_t> probe = {3, 4, 5, kSep, 10};
  const auto train = [&](uint64_t seed) {
    auto model = MakeModel(0.1f);
    TrainOptions options = SmallRun(20);
    options.seed = seed;
    auto result = TrainLanguageModel(*model, Corpus(), {}, options);
    EXPECT_TRUE(result.ok()) << result.status();
    auto logits = model->Logits(probe);
    EXPECT_TRUE(logits.ok());
    return std::make_pair(result.ok() ? result->last.train_loss : -1.0f,
                          logits.value_or(LogitsBatch{}));
  };
  const auto first = train(11);
  const auto second = train(11);
  const auto other = train(12);
  EXPECT_EQ(first.first, second.first);
  EXPECT_EQ(first.second, second.second);
  EXPECT_NE(first.second, other.second);
}

TEST(TrainerTest, StoppedAndResumedRunEqualsAnUninterruptedOne) {
  const fs::path checkpoint = fs::path(::testing::TempDir()) / "copy_lm_trainer_checkpoint.pt";
  fs::remove(checkpoint);
  const std::vector<TrainingExample> corpus = Corpus();

  auto uninterrupted = MakeModel(0.1f);
  ASSERT_TRUE(TrainLanguageModel(*uninterrupted, corpus, {}, SmallRun(30)).ok());

  TrainOptions first_half = SmallRun(30);
  first_half.checkpoint_path = checkpoint.string();
  first_half.checkpoint_every = 15;
  int polls = 0;
  first_half.should_stop = [&polls] { return ++polls > 15; };
  auto interrupted = MakeModel(0.1f);
  const absl::Status stopped = TrainLanguageModel(*interrupted, corpus, {}, first_half).status();
  EXPECT_EQ(stopped.code(), absl::StatusCode::kCancelled) << stopped;
  EXPECT_THAT(stopped.message(), HasSubstr("after step 15"));

  // A differently initialised model: the checkpoint must bring everything.
  TrainOptions second_half = SmallRun(30);
  second_half.checkpoint_path = checkpoint.string();
  second_half.resume = true;
  auto resumed = MakeModel(0.1f, /*seed=*/99);
  auto result = TrainLanguageModel(*resumed, corpus, {}, second_half);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->start_step, 15);
  EXPECT_EQ(result->final_step, 30);

  const std::vector<int32_t> probe = {7, 8, kSep, 15, 16};
  auto expected = uninterrupted->Logits(probe);
  auto actual = resumed->Logits(probe);
  ASSERT_TRUE(expected.ok() && actual.ok());
  for (size_t p = 0; p < probe.size(); ++p) {
    for (size_t v = 0; v < (*expected)[p].size(); ++v) {
      ASSERT_NEAR((*actual)[p][v], (*expected)[p][v], 1e-5) << "position " << p << " token " << v;
    }
  }
  EXPECT_NEAR(*EvaluateLoss(*resumed, corpus, kPad), *EvaluateLoss(*uninterrupted, corpus, kPad),
              1e-5);

  // A checkpoint is not a model file.
  const absl::Status as_model = LanguageModel::Load(checkpoint, runtime::Device::kCpu).status();
  EXPECT_EQ(as_model.code(), absl::StatusCode::kInvalidArgument) << as_model;
}

TEST(TrainerTest, CheckpointOfAnotherShapeIsRefused) {
  const fs::path checkpoint = fs::path(::testing::TempDir()) / "copy_lm_trainer_other_shape.pt";
  fs::remove(checkpoint);
  TrainOptions options = SmallRun(2);
  options.checkpoint_path = checkpoint.string();
  ASSERT_TRUE(TrainLanguageModel(*MakeModel(0.1f), Corpus(), {}, options).ok());

  LmConfig wider = Tiny(0.1f);
  wider.d_model = 48;
  auto model = LanguageModel::Create(wider, runtime::Device::kCpu, 1);
  ASSERT_TRUE(model.ok());
  options.resume = true;
  options.steps = 4;
  EXPECT_EQ(TrainLanguageModel(**model, Corpus(), {}, options).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(TrainerTest, DivergingLossIsInternalNamingTheStep) {
  auto model = MakeModel(0.0f);
  TrainOptions options = SmallRun(5);
  options.warmup_steps = 0;
  options.learning_rate = 1e30f;
  options.min_learning_rate = 1e30f;
  options.grad_clip = 0;
  const absl::Status status = TrainLanguageModel(*model, Corpus(), {}, options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_THAT(status.message(), HasSubstr("at step"));
}

TEST(TrainerTest, InvalidExamplesAndOptionsAreNamed) {
  auto model = MakeModel(0.1f);  // context_length 16, vocab_size 20
  const std::vector<TrainingExample> good = Corpus();
  const auto message = [&](const std::vector<TrainingExample>& train,
                           const std::vector<TrainingExample>& validation,
                           const TrainOptions& options) {
    const absl::Status status = TrainLanguageModel(*model, train, validation, options).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    return std::string(status.message());
  };
  std::vector<TrainingExample> too_long = good;
  too_long[1].tokens.assign(18, 3);  // context_length + 2
  EXPECT_THAT(message(too_long, {}, SmallRun(1)), HasSubstr("train[1].tokens"));
  std::vector<TrainingExample> no_prompt_context = good;
  no_prompt_context[0].loss_start = 0;
  EXPECT_THAT(message(no_prompt_context, {}, SmallRun(1)), HasSubstr("train[0].loss_start"));
  EXPECT_THAT(message(good, {TrainingExample{{1, 20}, 1}}, SmallRun(1)),
              HasSubstr("validation[0].tokens[1]"));
  EXPECT_THAT(message({}, {}, SmallRun(1)), HasSubstr("train"));
  TrainOptions bad_pad = SmallRun(1);
  bad_pad.pad_id = 20;
  EXPECT_THAT(message(good, {}, bad_pad), HasSubstr("pad_id"));
  TrainOptions resume_nowhere = SmallRun(1);
  resume_nowhere.resume = true;
  EXPECT_THAT(message(good, {}, resume_nowhere), HasSubstr("checkpoint_path"));
  // The longest acceptable example: context_length + 1 tokens.
  std::vector<TrainingExample> longest = good;
  longest[0].tokens.assign(17, 3);
  EXPECT_TRUE(TrainLanguageModel(*model, longest, {}, SmallRun(1)).ok());
}

}  // namespace
}  // namespace aigc::copy_lm
