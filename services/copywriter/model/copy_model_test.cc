#include "services/copywriter/model/copy_model.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace aigc::copywriter {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Tokenizer TinyTokenizer(int vocab_size = 280) {
  auto tokenizer = TrainBpe({"连衣裙 雪纺 199元", "dress chiffon 199", "连衣裙 夏季"},
                            {.vocab_size = vocab_size, .special_tokens = CopySpecialTokens()});
  EXPECT_TRUE(tokenizer.ok()) << tokenizer.status();
  return *std::move(tokenizer);
}

std::unique_ptr<copy_lm::LanguageModel> TinyModel(int vocab_size) {
  auto model = copy_lm::LanguageModel::Create(
      {.vocab_size = vocab_size, .context_length = 32, .d_model = 16, .num_layers = 1,
       .num_heads = 2, .d_ff = 32},
      runtime::Device::kCpu, /*init_seed=*/7);
  EXPECT_TRUE(model.ok()) << model.status();
  return *std::move(model);
}

class CopyModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("copy_model_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<runtime::ModelRepository> MakeRepository() {
    auto repository = runtime::ModelRepository::Create({.root = root_}, &metrics_, LoadCopyModel);
    EXPECT_TRUE(repository.ok()) << repository.status();
    return *std::move(repository);
  }

  fs::path root_;
  prometheus::Registry registry_;
  runtime::InferenceMetrics metrics_{registry_};
};

TEST(CopyExampleTest, APromptEndsWithTheSeparatorAndACompletionWithTheEnd) {
  const Tokenizer tokenizer = TinyTokenizer();
  auto specials = SpecialIdsOf(tokenizer);
  ASSERT_TRUE(specials.ok()) << specials.status();
  EXPECT_THAT((std::vector<int32_t>{specials->pad, specials->separator, specials->end}),
              ElementsAre(256, 257, 258));
  auto example = EncodeExample(tokenizer, *specials, "ab", "c");
  ASSERT_TRUE(example.ok()) << example.status();
  // "ab" is one chunk of two bytes that no merge joins; "c" one byte.
  EXPECT_THAT(example->tokens, ElementsAre('a', 'b', 257, 'c', 258));
  EXPECT_EQ(example->loss_start, 3);  // the completion's first token
  auto prompt = EncodePrompt(tokenizer, *specials, "ab");
  ASSERT_TRUE(prompt.ok());
  EXPECT_THAT(*prompt, ElementsAre('a', 'b', 257));
  EXPECT_EQ(EncodePrompt(tokenizer, *specials, "\xff").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CopyExampleTest, ATokenizerWithoutTheSpecialTokensIsRefused) {
  auto plain = TrainBpe({"abc"}, {.vocab_size = 260, .special_tokens = {"<|eos|>"}});
  ASSERT_TRUE(plain.ok());
  EXPECT_THAT(SpecialIdsOf(*plain).status().message(), HasSubstr("<|pad|>"));
}

TEST_F(CopyModelTest, APublishedModelServesThroughTheRepository) {
  const Tokenizer tokenizer = TinyTokenizer();
  const auto model = TinyModel(tokenizer.vocab_size());
  auto manifest = PublishCopyModel(root_, *model, tokenizer,
                                   {.created_by = "test", .metrics = {{"validation_loss", 1.5}}});
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->name(), kCopyModelName);
  EXPECT_EQ(manifest->version(), 1);
  EXPECT_TRUE(fs::exists(root_ / kCopyModelName / "1" / "tokenizer.bpe"));

  const auto repository = MakeRepository();
  ASSERT_TRUE(repository->AddModel(kCopyModelName).ok());
  const auto loaded = repository->Get(kCopyModelName);
  ASSERT_NE(loaded, nullptr);
  const CopyModel* copy = AsCopyModel(*loaded);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->tokenizer().Serialize(), tokenizer.Serialize());
  EXPECT_EQ(copy->specials().end, 258);

  // The loaded weights compute what the published ones did.
  const std::vector<int32_t> tokens = {'a', 'b', 257};
  auto expected = model->Logits(tokens);
  auto actual = copy->lm().Logits(tokens);
  ASSERT_TRUE(expected.ok() && actual.ok());
  for (int v = 0; v < tokenizer.vocab_size(); ++v) {
    EXPECT_FLOAT_EQ(actual->back()[v], expected->back()[v]) << v;
  }
}

TEST_F(CopyModelTest, ATokenizerThatDoesNotFitTheModelIsRefused) {
  const Tokenizer tokenizer = TinyTokenizer();
  const auto model = TinyModel(tokenizer.vocab_size() + 1);
  EXPECT_THAT(PublishCopyModel(root_, *model, tokenizer, {}).status().message(),
              HasSubstr("tokenizer"));
  EXPECT_FALSE(fs::exists(root_ / kCopyModelName / "1"));
}

TEST_F(CopyModelTest, ADamagedTokenizerFileFailsTheLoad) {
  const Tokenizer tokenizer = TinyTokenizer();
  ASSERT_TRUE(PublishCopyModel(root_, *TinyModel(tokenizer.vocab_size()), tokenizer, {}).ok());
  std::ofstream(root_ / kCopyModelName / "1" / "tokenizer.bpe", std::ios::trunc) << "garbage\n";
  const auto repository = MakeRepository();
  const absl::Status status = repository->AddModel(kCopyModelName);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_EQ(repository->Get(kCopyModelName), nullptr);
}

}  // namespace
}  // namespace aigc::copywriter
