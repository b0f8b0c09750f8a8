#include "services/copywriter/generation/prefix_cache.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace aigc::copywriter {
namespace {

std::unique_ptr<copy_lm::LanguageModel> Model(uint64_t seed) {
  auto model = copy_lm::LanguageModel::Create({.vocab_size = 50,
                                               .context_length = 32,
                                               .d_model = 16,
                                               .num_layers = 1,
                                               .num_heads = 2,
                                               .d_ff = 32},
                                              runtime::Device::kCpu, seed);
  EXPECT_TRUE(model.ok()) << model.status();
  return *std::move(model);
}

// A state holding `prompt`.
std::unique_ptr<copy_lm::DecodeState> Prefilled(const copy_lm::LanguageModel& model,
                                                const std::vector<int32_t>& prompt) {
  auto state = model.NewDecodeState();
  copy_lm::DecodeState* const states[] = {state.get()};
  EXPECT_TRUE(model.Prefill(states, {prompt}).ok());
  return state;
}

TEST(PrefixCacheTest, FindsTheLongestSharedPrefixButNeverTheWholePrompt) {
  auto model = Model(1);
  PrefixCache cache(/*capacity=*/4, /*min_shared_tokens=*/3);
  const std::vector<int32_t> room = {1, 2, 3, 4, 5, 6, 7};
  ASSERT_TRUE(cache.Insert(*model, nullptr, room, *Prefilled(*model, room)).ok());
  const std::vector<int32_t> shorter = {1, 2, 3, 4, 9};
  ASSERT_TRUE(cache.Insert(*model, nullptr, shorter, *Prefilled(*model, shorter)).ok());

  const std::vector<int32_t> next_question = {1, 2, 3, 4, 5, 6, 8, 8};
  auto hit = cache.Find(*model, next_question);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->length, 6);
  EXPECT_EQ(hit->state->length(), 7);
  // The same prompt again: all but its last token.
  hit = cache.Find(*model, room);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->length, 6);
  // Too little in common, or another model.
  const std::vector<int32_t> unrelated = {1, 2, 40, 41};
  EXPECT_FALSE(cache.Find(*model, unrelated).has_value());
  auto other = Model(2);
  EXPECT_FALSE(cache.Find(*other, next_question).has_value());
}

TEST(PrefixCacheTest, EvictsTheLeastRecentlyUsedAndOtherModelVersions) {
  auto model = Model(1);
  PrefixCache cache(/*capacity=*/2, /*min_shared_tokens=*/2);
  const std::vector<int32_t> a = {1, 1, 1, 1}, b = {2, 2, 2, 2}, c = {3, 3, 3, 3};
  ASSERT_TRUE(cache.Insert(*model, nullptr, a, *Prefilled(*model, a)).ok());
  ASSERT_TRUE(cache.Insert(*model, nullptr, b, *Prefilled(*model, b)).ok());
  ASSERT_TRUE(cache.Find(*model, a).has_value());  // a is now the most recent
  ASSERT_TRUE(cache.Insert(*model, nullptr, c, *Prefilled(*model, c)).ok());
  EXPECT_EQ(cache.size(), 2);
  EXPECT_TRUE(cache.Find(*model, a).has_value());
  EXPECT_FALSE(cache.Find(*model, b).has_value());
  // Inserting the same prompt again replaces its entry.
  ASSERT_TRUE(cache.Insert(*model, nullptr, c, *Prefilled(*model, c)).ok());
  EXPECT_EQ(cache.size(), 2);

  auto reloaded = Model(3);
  ASSERT_TRUE(cache.Insert(*reloaded, nullptr, a, *Prefilled(*reloaded, a)).ok());
  EXPECT_EQ(cache.size(), 1);
  EXPECT_FALSE(cache.Find(*model, a).has_value());
  EXPECT_TRUE(cache.Find(*reloaded, a).has_value());
}

TEST(PrefixCacheTest, ZeroCapacityCachesNothing) {
  auto model = Model(1);
  PrefixCache cache(/*capacity=*/0, /*min_shared_tokens=*/1);
  const std::vector<int32_t> a = {1, 2, 3};
  ASSERT_TRUE(cache.Insert(*model, nullptr, a, *Prefilled(*model, a)).ok());
  EXPECT_EQ(cache.size(), 0);
  EXPECT_FALSE(cache.Find(*model, a).has_value());
}

}  // namespace
}  // namespace aigc::copywriter
