#include "services/copywriter/generation/generator.h"

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/copywriter/generation/batch_decoder.h"
#include "services/copywriter/generation/scheduler.h"

namespace aigc::copywriter {
namespace {

using ::testing::HasSubstr;

// A tiny model trained to answer "a" with "hello world" and "b" with 你好世界,
// shared by the tests (training takes a few seconds).
class GeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto tokenizer = TrainBpe({"hello world", "你好世界"},
                              {.vocab_size = 262, .special_tokens = CopySpecialTokens()});
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
    auto specials = SpecialIdsOf(*tokenizer);
    ASSERT_TRUE(specials.ok());
    std::vector<copy_lm::TrainingExample> examples;
    for (const auto& [prompt, completion] :
         std::map<std::string, std::string>{{"a", "hello world"}, {"b", "你好世界"}}) {
      auto example = EncodeExample(*tokenizer, *specials, prompt, completion);
      ASSERT_TRUE(example.ok());
      examples.push_back(*example);
    }
    auto lm = copy_lm::LanguageModel::Create(
        {.vocab_size = tokenizer->vocab_size(), .context_length = 40, .d_model = 32,
         .num_layers = 2, .num_heads = 2, .d_ff = 64, .dropout = 0},
        runtime::Device::kCpu, /*init_seed=*/3);
    ASSERT_TRUE(lm.ok());
    copy_lm::TrainOptions options;
    options.steps = 250;
    options.batch_size = 4;
    options.learning_rate = 1e-2f;
    options.warmup_steps = 10;
    options.pad_id = specials->pad;
    options.eval_every = 0;
    ASSERT_TRUE(copy_lm::TrainLanguageModel(**lm, examples, examples, options).ok());
    model_ = new CopyModel(*std::move(lm), *std::move(tokenizer), *specials);
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }

  static GenerationRequest Request(const std::string& prompt) {
    GenerationRequest request;
    request.prompt = *EncodePrompt(model_->tokenizer(), model_->specials(), prompt);
    request.sampling = {.temperature = 0, .top_k = 0, .top_p = 1, .repetition_penalty = 1};
    request.max_tokens = 30;
    return request;
  }

  static CopyModel* model_;
};

CopyModel* GeneratorTest::model_ = nullptr;

TEST_F(GeneratorTest, GreedyDecodingWritesTheLearnedCompletionAndStreamsIt) {
  for (const auto& [prompt, completion] :
       std::map<std::string, std::string>{{"a", "hello world"}, {"b", "你好世界"}}) {
    std::string streamed;
    auto texts = Generate(*model_, Request(prompt),
                          [&](int index, absl::string_view delta, int tokens) {
                            EXPECT_EQ(index, 0);
                            EXPECT_GE(tokens, 1);
                            absl::StrAppend(&streamed, delta);
                          });
    ASSERT_TRUE(texts.ok()) << texts.status();
    ASSERT_EQ(texts->size(), 1u);
    EXPECT_EQ((*texts)[0].text, completion);
    EXPECT_EQ((*texts)[0].finish, FinishReason::kEnd);
    EXPECT_EQ(streamed, completion);
    EXPECT_GT((*texts)[0].token_count, 0);
    EXPECT_LE((*texts)[0].score, 0);
    EXPECT_GT((*texts)[0].score, -0.5);  // a confident model
  }
}

TEST_F(GeneratorTest, CandidatesAreSeededOneAfterAnotherAndReproducible) {
  // Hot sampling over the whole vocabulary makes the candidates differ.
  GenerationRequest request = Request("a");
  request.sampling = {.temperature = 2, .top_k = 0, .top_p = 1, .repetition_penalty = 1};
  request.max_tokens = 8;
  request.seed = 100;
  request.n = 3;
  auto batch = Generate(*model_, request);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), 3u);
  auto again = Generate(*model_, request);
  ASSERT_TRUE(again.ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*batch)[i].index, i);
    EXPECT_EQ((*batch)[i].seed, 100u + i);
    EXPECT_EQ((*again)[i].text, (*batch)[i].text);
  }
  EXPECT_FALSE((*batch)[0].text == (*batch)[1].text && (*batch)[1].text == (*batch)[2].text);

  // Candidate 2 alone, by its seed.
  request.n = 1;
  request.seed = 102;
  auto alone = Generate(*model_, request);
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ((*alone)[0].text, (*batch)[2].text);
}

TEST_F(GeneratorTest, MaxTokensEndsTheTextWithLength) {
  GenerationRequest request = Request("a");
  request.max_tokens = 2;
  auto texts = Generate(*model_, request);
  ASSERT_TRUE(texts.ok());
  EXPECT_EQ((*texts)[0].finish, FinishReason::kLength);
  EXPECT_EQ((*texts)[0].token_count, 2);
  EXPECT_TRUE(std::string("hello world").starts_with((*texts)[0].text)) << (*texts)[0].text;
}

TEST_F(GeneratorTest, AStopSequenceEndsTheTextBeforeIt) {
  GenerationRequest request = Request("a");
  request.stop = {" wor"};
  std::string streamed;
  auto texts = Generate(*model_, request,
                        [&](int, absl::string_view delta, int) { absl::StrAppend(&streamed, delta); });
  ASSERT_TRUE(texts.ok());
  EXPECT_EQ((*texts)[0].text, "hello");
  EXPECT_EQ((*texts)[0].finish, FinishReason::kStopSequence);
  EXPECT_EQ(streamed, "hello");
}

TEST_F(GeneratorTest, ACancelledGenerationKeepsWhatItWrote) {
  // Polled before the prompt's step and before each token's: the fourth poll
  // stops it after two tokens.
  int polls = 0;
  auto texts = Generate(*model_, Request("b"), nullptr, [&] { return ++polls > 3; });
  ASSERT_TRUE(texts.ok());
  EXPECT_EQ((*texts)[0].finish, FinishReason::kCancelled);
  EXPECT_EQ((*texts)[0].token_count, 2);
}

TEST_F(GeneratorTest, RequestsDecodedTogetherWriteWhatEachWritesAlone) {
  BatchDecoder decoder;
  std::map<std::string, std::string> written;
  for (const std::string prompt : {"a", "b"}) {
    GenerationRequest request = Request(prompt);
    request.n = 2;
    ASSERT_TRUE(decoder
                    .Add({.model = model_,
                          .request = request,
                          .on_done =
                              [&written, prompt](absl::StatusOr<std::vector<GeneratedText>> texts) {
                                ASSERT_TRUE(texts.ok()) << texts.status();
                                for (const GeneratedText& text : *texts) {
                                  written[absl::StrCat(prompt, text.index)] = text.text;
                                }
                              }})
                    .ok());
  }
  EXPECT_EQ(decoder.active_candidates(), 4);  // one batched step advances all four
  for (int step = 0; step < 40 && !decoder.empty(); ++step) decoder.Step();
  EXPECT_TRUE(decoder.empty());
  EXPECT_EQ(written, (std::map<std::string, std::string>{
                         {"a0", "hello world"}, {"a1", "hello world"}, {"b0", "你好世界"},
                         {"b1", "你好世界"}}));
}

TEST_F(GeneratorTest, APromptAddedMidDecodingJoinsTheRunningStep) {
  BatchDecoder decoder;
  std::map<std::string, std::string> written;
  const auto add = [&](const std::string& prompt) {
    return decoder.Add(
        {.model = model_, .request = Request(prompt), .on_done = [&written, prompt](auto texts) {
           ASSERT_TRUE(texts.ok()) << texts.status();
           written[prompt] = (*texts)[0].text;
         }});
  };
  ASSERT_TRUE(add("a").ok());
  for (int step = 0; step < 3; ++step) decoder.Step();
  // b's prompt is computed in the same model step as a's fourth token.
  ASSERT_TRUE(add("b").ok());
  for (int step = 0; step < 40 && !decoder.empty(); ++step) decoder.Step();
  EXPECT_TRUE(decoder.empty());
  EXPECT_EQ(written, (std::map<std::string, std::string>{{"a", "hello world"}, {"b", "你好世界"}}));
}

TEST_F(GeneratorTest, TheSchedulerDecodesConcurrentJobsAndRefusesBeyondItsLimit) {
  DecodeScheduler scheduler({.max_jobs = 2});
  absl::Notification release, first_delta, both_done;
  absl::Mutex mu;
  std::map<std::string, std::string> written;
  const auto job = [&](const std::string& prompt, bool hold) {
    return GenerationJob{
        .model = model_,
        .request = Request(prompt),
        // The first job waits (once) until the test has filled the queue.
        .on_delta =
            [&, hold](int, absl::string_view, int) {
              if (hold && !first_delta.HasBeenNotified()) {
                first_delta.Notify();
                release.WaitForNotification();
              }
            },
        .on_done =
            [&, prompt](absl::StatusOr<std::vector<GeneratedText>> texts) {
              absl::MutexLock lock(&mu);
              written[prompt] = texts.ok() ? (*texts)[0].text : texts.status().ToString();
              if (written.size() == 2) both_done.Notify();
            }};
  };
  ASSERT_TRUE(scheduler.Submit(job("a", /*hold=*/true)).ok());
  first_delta.WaitForNotification();
  ASSERT_TRUE(scheduler.Submit(job("b", /*hold=*/false)).ok());
  EXPECT_EQ(scheduler.jobs_in_flight(), 2);
  EXPECT_EQ(scheduler.Submit(job("b", false)).code(), absl::StatusCode::kResourceExhausted);
  release.Notify();
  ASSERT_TRUE(both_done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(written, (std::map<std::string, std::string>{{"a", "hello world"}, {"b", "你好世界"}}));
}

TEST_F(GeneratorTest, TheSchedulerReportsABadRequestThroughItsJob) {
  DecodeScheduler scheduler({});
  absl::Notification done;
  absl::Status status;
  GenerationRequest request = Request("a");
  request.max_tokens = 0;
  ASSERT_TRUE(scheduler
                  .Submit({.model = model_,
                           .request = request,
                           .on_done =
                               [&](absl::StatusOr<std::vector<GeneratedText>> texts) {
                                 status = texts.status();
                                 done.Notify();
                               }})
                  .ok());
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(GeneratorTest, BadRequestsNameTheField) {
  const std::vector<std::pair<std::string, std::function<void(GenerationRequest&)>>> cases = {
      {"n", [](GenerationRequest& r) { r.n = 0; }},
      {"n", [](GenerationRequest& r) { r.n = kMaxCandidates + 1; }},
      {"max_tokens", [](GenerationRequest& r) { r.max_tokens = 0; }},
      {"max_tokens", [](GenerationRequest& r) { r.max_tokens = kMaxGeneratedTokens + 1; }},
      {"sampling.temperature", [](GenerationRequest& r) { r.sampling.temperature = 3; }},
      {"sampling.stop", [](GenerationRequest& r) { r.stop = {""}; }},
      {"prompt", [](GenerationRequest& r) { r.prompt.clear(); }},
  };
  for (const auto& [field, mutate] : cases) {
    GenerationRequest request = Request("a");
    mutate(request);
    const absl::Status status = Generate(*model_, request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(status.message(), HasSubstr(field));
  }
  GenerationRequest too_long = Request("a");
  too_long.prompt.assign(40, too_long.prompt[0]);
  EXPECT_EQ(Generate(*model_, too_long).status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace aigc::copywriter
