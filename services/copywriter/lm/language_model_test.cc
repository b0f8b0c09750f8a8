#include "services/copywriter/lm/language_model.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_lm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr float kTolerance = 1e-4f;

LmConfig Tiny() {
  return LmConfig{.vocab_size = 20,
                  .context_length = 12,
                  .d_model = 32,
                  .num_layers = 2,
                  .num_heads = 4,
                  .d_ff = 64,
                  .dropout = 0.1f};
}

std::unique_ptr<LanguageModel> MakeModel(uint64_t seed = 7) {
  auto model = LanguageModel::Create(Tiny(), runtime::Device::kCpu, seed);
  EXPECT_TRUE(model.ok()) << model.status();
  return std::move(model).value();
}

void ExpectNear(const std::vector<float>& actual, const std::vector<float>& expected,
                const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_NEAR(actual[i], expected[i], kTolerance) << what << ", logit " << i;
  }
}

std::vector<float> Row(const absl::StatusOr<LogitsBatch>& batch, size_t row) {
  EXPECT_TRUE(batch.ok()) << batch.status();
  if (!batch.ok() || row >= batch->size()) return {};
  return (*batch)[row];
}

fs::path TempPath(const std::string& name) {
  return fs::path(::testing::TempDir()) / absl::StrCat("copy_lm_test_", name);
}

TEST(LanguageModelTest, LogitsHaveOneVocabularyRowPerPosition) {
  auto model = MakeModel();
  const std::vector<int32_t> tokens = {3, 7, 1};
  auto logits = model->Logits(tokens);
  ASSERT_TRUE(logits.ok()) << logits.status();
  ASSERT_EQ(logits->size(), 3u);
  for (const auto& row : *logits) EXPECT_EQ(row.size(), 20u);
}

TEST(LanguageModelTest, PrefillThenStepsMatchTheFullSequence) {
  auto model = MakeModel();
  const std::vector<int32_t> tokens = {3, 7, 1, 9, 4, 12, 5};
  auto full = model->Logits(tokens);
  ASSERT_TRUE(full.ok()) << full.status();

  auto state = model->NewDecodeState();
  DecodeState* states[] = {state.get()};
  ExpectNear(Row(model->Prefill(states, {{3, 7, 1}}), 0), (*full)[2], "after prefill");
  for (size_t p = 3; p < tokens.size(); ++p) {
    const int32_t token[] = {tokens[p]};
    ExpectNear(Row(model->Step(states, token), 0), (*full)[p], absl::StrCat("step ", p));
  }
  EXPECT_EQ(state->length(), 7);
}

TEST(LanguageModelTest, ExtendAppendsToWhatTheStateHolds) {
  auto model = MakeModel();
  auto full = model->Logits(std::vector<int32_t>{3, 7, 1, 9, 4});
  ASSERT_TRUE(full.ok()) << full.status();
  auto state = model->NewDecodeState();
  DecodeState* states[] = {state.get()};
  ASSERT_TRUE(model->Prefill(states, {{3, 7}}).ok());
  ExpectNear(Row(model->Extend(states, {{1, 9, 4}}), 0), (*full)[4], "after extend");
  EXPECT_EQ(state->length(), 5);
}

TEST(LanguageModelTest, ACopiedPrefixContinuesLikeTheFullSequence) {
  auto model = MakeModel();
  auto full = model->Logits(std::vector<int32_t>{3, 7, 1, 9, 4});
  ASSERT_TRUE(full.ok()) << full.status();
  auto source = model->NewDecodeState();
  DecodeState* sources[] = {source.get()};
  ASSERT_TRUE(model->Prefill(sources, {{3, 7, 1, 15, 15}}).ok());
  // The copy keeps {3, 7, 1} and continues differently from the source.
  auto copy = model->NewDecodeState();
  ASSERT_TRUE(model->CopyState(*source, 3, *copy).ok());
  EXPECT_EQ(copy->length(), 3);
  DecodeState* copies[] = {copy.get()};
  ExpectNear(Row(model->Extend(copies, {{9, 4}}), 0), (*full)[4], "after the copied prefix");
  EXPECT_EQ(source->length(), 5);
  // A used state can be overwritten.
  ASSERT_TRUE(model->CopyState(*source, 2, *copy).ok());
  ExpectNear(Row(model->Extend(copies, {{1, 9, 4}}), 0), (*full)[4], "after a shorter copy");

  EXPECT_EQ(model->CopyState(*source, 6, *copy).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(model->CopyState(*source, 1, *source).code(), absl::StatusCode::kInvalidArgument);
  auto other = MakeModel(8);
  auto foreign = other->NewDecodeState();
  EXPECT_EQ(model->CopyState(*source, 1, *foreign).code(), absl::StatusCode::kInvalidArgument);
}

TEST(LanguageModelTest, BatchedStepOverDifferentLengthsEqualsSteppingEachAlone) {
  auto model = MakeModel();
  const std::vector<std::vector<int32_t>> prompts = {{4}, {3, 7, 1, 9}, {11, 2, 6, 6, 8, 1}};
  const std::vector<std::vector<int32_t>> steps = {{2, 8, 11}, {5, 0, 19}};

  std::vector<std::unique_ptr<DecodeState>> owned;
  std::vector<DecodeState*> batch;
  for (const auto& prompt : prompts) {
    owned.push_back(model->NewDecodeState());
    batch.push_back(owned.back().get());
    DecodeState* one[] = {batch.back()};
    ASSERT_TRUE(model->Prefill(one, {prompt}).ok());
  }
  std::vector<std::vector<int32_t>> sequences = prompts;
  for (const auto& step : steps) {
    std::vector<LogitsBatch> full;
    for (size_t i = 0; i < prompts.size(); ++i) {
      sequences[i].push_back(step[i]);
      auto logits = model->Logits(sequences[i]);
      ASSERT_TRUE(logits.ok()) << logits.status();
      full.push_back(*std::move(logits));
    }
    auto batched = model->Step(batch, step);
    ASSERT_TRUE(batched.ok()) << batched.status();
    ASSERT_EQ(batched->size(), 3u);
    for (size_t i = 0; i < prompts.size(); ++i) {
      auto alone = model->NewDecodeState();
      DecodeState* one[] = {alone.get()};
      ASSERT_TRUE(model->Prefill(one, {prompts[i]}).ok());
      absl::StatusOr<LogitsBatch> expected;
      for (const auto& earlier : steps) {
        const int32_t token[] = {earlier[i]};
        expected = model->Step(one, token);
        if (&earlier == &step) break;
      }
      ExpectNear((*batched)[i], Row(expected, 0), absl::StrCat("state ", i));
      ExpectNear((*batched)[i], full[i].back(), absl::StrCat("state ", i, " without cache"));
    }
  }
  EXPECT_EQ(batch[0]->length(), 3);
  EXPECT_EQ(batch[2]->length(), 8);
}

TEST(LanguageModelTest, BatchedPrefillOfDifferentLengthsEqualsPrefillingEachAlone) {
  auto model = MakeModel();
  const std::vector<std::vector<int32_t>> prompts = {{3, 7, 1, 9, 4}, {12}, {6, 6, 2}};
  std::vector<std::unique_ptr<DecodeState>> owned;
  std::vector<DecodeState*> batch;
  for (size_t i = 0; i < prompts.size(); ++i) {
    owned.push_back(model->NewDecodeState());
    batch.push_back(owned.back().get());
  }
  auto batched = model->Prefill(batch, prompts);
  ASSERT_TRUE(batched.ok()) << batched.status();
  for (size_t i = 0; i < prompts.size(); ++i) {
    auto full = model->Logits(prompts[i]);
    ASSERT_TRUE(full.ok()) << full.status();
    ExpectNear((*batched)[i], full->back(), absl::StrCat("prompt ", i));
    EXPECT_EQ(batch[i]->length(), static_cast<int>(prompts[i].size()));
  }
  // The padded batch left no trace: stepping continues each sequence exactly.
  const int32_t next[] = {2, 2, 2};
  auto stepped = model->Step(batch, next);
  ASSERT_TRUE(stepped.ok()) << stepped.status();
  for (size_t i = 0; i < prompts.size(); ++i) {
    std::vector<int32_t> longer = prompts[i];
    longer.push_back(2);
    ExpectNear((*stepped)[i], Row(model->Logits(longer), longer.size() - 1),
               absl::StrCat("step after prompt ", i));
  }
}

TEST(LanguageModelTest, PrefillRestartsAUsedState) {
  auto model = MakeModel();
  auto state = model->NewDecodeState();
  DecodeState* states[] = {state.get()};
  ASSERT_TRUE(model->Prefill(states, {{1, 2, 3, 4, 5}}).ok());
  auto again = model->Prefill(states, {{9, 8}});
  EXPECT_EQ(state->length(), 2);
  ExpectNear(Row(again, 0), Row(model->Logits(std::vector<int32_t>{9, 8}), 1), "restarted");
  state->Reset();
  EXPECT_EQ(state->length(), 0);
}

TEST(LanguageModelTest, GrowingPastTheContextIsOutOfRange) {
  auto model = MakeModel();  // context_length 12
  auto state = model->NewDecodeState();
  DecodeState* states[] = {state.get()};
  const std::vector<int32_t> full(12, 3);
  ASSERT_TRUE(model->Prefill(states, {full}).ok());
  const int32_t token[] = {4};
  const absl::Status step = model->Step(states, token).status();
  EXPECT_EQ(step.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(step.message(), HasSubstr("context_length 12"));
  EXPECT_EQ(state->length(), 12);

  const std::vector<int32_t> too_long(13, 3);
  EXPECT_EQ(model->Prefill(states, {too_long}).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(model->Logits(too_long).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(LanguageModelTest, TokenOutsideTheVocabularyIsInvalidArgumentAndChangesNothing) {
  auto model = MakeModel();  // vocab_size 20
  auto a = model->NewDecodeState();
  auto b = model->NewDecodeState();
  DecodeState* states[] = {a.get(), b.get()};
  ASSERT_TRUE(model->Prefill(states, {{1, 2}, {3}}).ok());

  const int32_t tokens[] = {5, 20};
  const absl::Status step = model->Step(states, tokens).status();
  EXPECT_EQ(step.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(step.message(), HasSubstr("tokens[1]"));

  const absl::Status prefill = model->Prefill(states, {{1}, {4, 5, -1}}).status();
  EXPECT_EQ(prefill.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(prefill.message(), HasSubstr("prompts[1][2]"));
  EXPECT_EQ(a->length(), 2);
  EXPECT_EQ(b->length(), 1);

  EXPECT_THAT(model->Logits(std::vector<int32_t>{1, 25}).status().message(),
              HasSubstr("tokens[1]"));
}

TEST(LanguageModelTest, MalformedBatchesAreInvalidArgument) {
  auto model = MakeModel();
  auto other_model = MakeModel();
  auto state = model->NewDecodeState();
  auto foreign = other_model->NewDecodeState();
  const std::vector<std::vector<int32_t>> one_prompt = {{1}};
  const std::vector<std::vector<int32_t>> two_prompts = {{1}, {2}};

  DecodeState* empty_batch[1] = {};
  DecodeState* null_state[] = {nullptr};
  DecodeState* twice[] = {state.get(), state.get()};
  DecodeState* from_other[] = {foreign.get()};
  DecodeState* single[] = {state.get()};
  const struct {
    std::string name;
    absl::Status status;
    std::string field;
  } cases[] = {
      {"empty batch", model->Prefill(std::span(empty_batch, 0), {}).status(), "states"},
      {"null state", model->Prefill(null_state, one_prompt).status(), "states[0]"},
      {"repeated state", model->Prefill(twice, two_prompts).status(), "states[1]"},
      {"foreign state", model->Prefill(from_other, one_prompt).status(), "states[0]"},
      {"size mismatch", model->Prefill(single, two_prompts).status(), "prompts"},
      {"empty prompt", model->Prefill(single, {{}}).status(), "prompts[0]"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_TRUE(absl::StartsWith(c.status.message(), c.field + ":")) << c.name << ": " << c.status;
  }
}

TEST(LanguageModelTest, SameSeedGivesSameWeightsAndAnotherSeedOthers) {
  const std::vector<int32_t> tokens = {3, 7, 1};
  auto first = MakeModel(5)->Logits(tokens);
  auto second = MakeModel(5)->Logits(tokens);
  auto other = MakeModel(6)->Logits(tokens);
  ASSERT_TRUE(first.ok() && second.ok() && other.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_NE(*first, *other);
}

TEST(LanguageModelTest, CreateRejectsAnInvalidConfig) {
  LmConfig config = Tiny();
  config.num_heads = 5;
  const absl::Status status = LanguageModel::Create(config, runtime::Device::kCpu, 1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("d_model"));
}

TEST(LanguageModelTest, SavedModelLoadsWithIdenticalLogits) {
  auto model = MakeModel(11);
  const fs::path path = TempPath("roundtrip.pt");
  ASSERT_TRUE(model->Save(path).ok());
  auto loaded = LanguageModel::Load(path, runtime::Device::kCpu);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->config().d_model, 32);
  EXPECT_EQ((*loaded)->config().context_length, 12);
  EXPECT_FLOAT_EQ((*loaded)->config().dropout, 0.1f);
  const std::vector<int32_t> tokens = {3, 7, 1, 9};
  EXPECT_EQ(*(*loaded)->Logits(tokens), *model->Logits(tokens));
}

TEST(LanguageModelTest, LoadingAMissingFileIsNotFound) {
  const absl::Status status =
      LanguageModel::Load(TempPath("does_not_exist.pt"), runtime::Device::kCpu).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("does_not_exist.pt"));
}

TEST(LanguageModelTest, LoadingATruncatedOrGarbageFileIsDataLoss) {
  const fs::path saved = TempPath("whole.pt");
  ASSERT_TRUE(MakeModel()->Save(saved).ok());
  std::ifstream in(saved, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_GT(bytes.size(), 1000u);

  const fs::path truncated = TempPath("truncated.pt");
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const absl::Status cut = LanguageModel::Load(truncated, runtime::Device::kCpu).status();
  EXPECT_EQ(cut.code(), absl::StatusCode::kDataLoss) << cut;

  const fs::path garbage = TempPath("garbage.pt");
  std::ofstream(garbage, std::ios::binary) << "这不是模型文件 / not a model file";
  const absl::Status junk = LanguageModel::Load(garbage, runtime::Device::kCpu).status();
  EXPECT_EQ(junk.code(), absl::StatusCode::kDataLoss) << junk;
}

}  // namespace
}  // namespace aigc::copy_lm
