#include "services/copywriter/compliance/term_matcher.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_compliance {

using text::DecodeUtf8;
namespace {

using ::testing::ElementsAre;

// "start-end:id" for each match, easy to compare by hand.
std::vector<std::string> Matches(const TermMatcher& matcher, std::string_view text) {
  std::vector<std::string> out;
  for (const TermMatcher::Match& m : matcher.FindAll(DecodeUtf8(text))) {
    out.push_back(absl::StrCat(m.start, "-", m.end, ":", m.id));
  }
  return out;
}

TEST(TermMatcherTest, TakesTheLongestTermAtTheLeftmostPosition) {
  TermMatcher matcher;
  matcher.Add(U"最", 0);
  matcher.Add(U"最好", 1);
  matcher.Add(U"最好的", 2);
  EXPECT_THAT(Matches(matcher, "这是最好的，最好，最"), ElementsAre("2-5:2", "6-8:1", "9-10:0"));
}

TEST(TermMatcherTest, EnglishMatchesIgnoreCaseAndWidthAtWordBoundaries) {
  TermMatcher matcher;
  matcher.Add(U"best", 0);
  matcher.Add(U"NO.1", 1);
  EXPECT_THAT(Matches(matcher, "The BEST bestseller, not best!"), ElementsAre("4-8:0", "25-29:0"));
  EXPECT_THAT(Matches(matcher, "销量ＮＯ．１款 NO.12"), ElementsAre("2-6:1"));
  EXPECT_THAT(Matches(matcher, "最best"), ElementsAre("1-5:0"));
}

TEST(TermMatcherTest, ReportsTheFirstIdOfADuplicateAfterFolding) {
  TermMatcher matcher;
  EXPECT_EQ(matcher.Add(U"Best", 3), std::nullopt);
  EXPECT_EQ(matcher.Add(U"bEST", 4), 3);
}

TEST(TermMatcherTest, CouldExtendIsTrueWhileMoreTextCanChangeTheMatch) {
  TermMatcher matcher;
  matcher.Add(U"最好的", 0);
  matcher.Add(U"best", 1);
  EXPECT_TRUE(matcher.CouldExtend(U"很最", 1));
  EXPECT_FALSE(matcher.CouldExtend(U"最好的", 0));  // complete, nothing longer
  EXPECT_FALSE(matcher.CouldExtend(U"最差", 0));
  EXPECT_TRUE(matcher.CouldExtend(U"so best", 3));  // "bestseller" would not match
  EXPECT_FALSE(matcher.CouldExtend(U"abest", 1));   // cannot start inside a word
}

}  // namespace
}  // namespace aigc::copy_compliance
