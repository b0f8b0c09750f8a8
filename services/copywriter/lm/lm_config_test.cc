#include "services/copywriter/lm/lm_config.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/copywriter/lm/language_model.h"

namespace aigc::copy_lm {
namespace {

LmConfig Tiny() {
  return LmConfig{.vocab_size = 20,
                  .context_length = 16,
                  .d_model = 8,
                  .num_layers = 1,
                  .num_heads = 2,
                  .d_ff = 16,
                  .dropout = 0.1f};
}

TEST(LmConfigTest, DefaultsWithAVocabularyAreValid) {
  EXPECT_TRUE(ValidateLmConfig(LmConfig{.vocab_size = 3000}).ok());
}

struct BadConfigCase {
  std::string name;
  void (*mutate)(LmConfig&);
  std::string field;
};

TEST(LmConfigTest, EachBadFieldIsNamed) {
  const BadConfigCase cases[] = {
      {"no vocabulary", [](LmConfig& c) { c.vocab_size = 0; }, "vocab_size"},
      {"no context", [](LmConfig& c) { c.context_length = 0; }, "context_length"},
      {"no layers", [](LmConfig& c) { c.num_layers = 0; }, "num_layers"},
      {"no heads", [](LmConfig& c) { c.num_heads = 0; }, "num_heads"},
      {"no mlp", [](LmConfig& c) { c.d_ff = 0; }, "d_ff"},
      {"heads do not divide width", [](LmConfig& c) { c.num_heads = 3; }, "d_model"},
      {"dropout of one", [](LmConfig& c) { c.dropout = 1.0f; }, "dropout"},
      {"negative dropout", [](LmConfig& c) { c.dropout = -0.1f; }, "dropout"},
  };
  for (const BadConfigCase& c : cases) {
    LmConfig config = Tiny();
    c.mutate(config);
    const absl::Status status = ValidateLmConfig(config);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_TRUE(absl::StartsWith(status.message(), c.field + ":")) << c.name << ": " << status;
  }
}

TEST(LmConfigTest, ParameterCountIsComputedByHand) {
  // Embeddings 20*8 + 16*8 = 288. One block: two LayerNorms 2*16 = 32,
  // qkv 8*24+24 = 216, attention out 8*8+8 = 72, MLP 8*16+16 = 144 and
  // 16*8+8 = 136, so 600. Final LayerNorm 16. The head is tied: 0.
  EXPECT_EQ(ParameterCount(Tiny()), 904);
}

TEST(LmConfigTest, ModelHasTheCountedParameters) {
  auto model = LanguageModel::Create(Tiny(), runtime::Device::kCpu, 1);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->parameter_count(), 904);
}

}  // namespace
}  // namespace aigc::copy_lm
