#include "services/copywriter/eval/metric_tokens.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_eval {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(MetricTokensTest, SplitsMixedChineseEnglishPunctuationAndEmoji) {
  EXPECT_THAT(MetricTokens("新款T恤，iPhone15 Pro!  😀\t100%纯棉。"),
              ElementsAre("新", "款", "t", "恤", "，", "iphone15", "pro", "!", "😀", "100", "%",
                          "纯", "棉", "。"));
}

TEST(MetricTokensTest, EveryAsciiPunctuationCharacterIsItsOwnToken) {
  EXPECT_THAT(MetricTokens("Don't--stop"), ElementsAre("don", "'", "t", "-", "-", "stop"));
}

TEST(MetricTokensTest, UnicodeSpacesSeparateAndAreDropped) {
  // U+3000 ideographic space, U+00A0 no-break space, U+2003 em space.
  EXPECT_THAT(MetricTokens("包\u3000包\u00A0ab\u2003cd\n"), ElementsAre("包", "包", "ab", "cd"));
}

TEST(MetricTokensTest, FullWidthLettersAreNotFolded) {
  EXPECT_THAT(MetricTokens("ＮＯ１"), ElementsAre("Ｎ", "Ｏ", "１"));
}

TEST(MetricTokensTest, EmptyAndBlankTextsHaveNoTokens) {
  EXPECT_THAT(MetricTokens(""), IsEmpty());
  EXPECT_THAT(MetricTokens(" \t\r\n\u3000"), IsEmpty());
}

TEST(MetricTokensTest, InvalidBytesBecomeReplacementCharacterTokens) {
  EXPECT_THAT(MetricTokens("a\xFF"
                           "b"),
              ElementsAre("a", "\uFFFD", "b"));
}

}  // namespace
}  // namespace aigc::copy_eval
