#include "services/recommender/serving/reasons.h"

#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace common = aigc::common::v1;
namespace v1 = aigc::recommender::v1;

TEST(ReasonsTest, LocaleSelectsTheLanguage) {
  EXPECT_EQ(LanguageOfLocale("en-US"), ReasonLanguage::kEnglish);
  EXPECT_EQ(LanguageOfLocale("EN"), ReasonLanguage::kEnglish);
  EXPECT_EQ(LanguageOfLocale("zh-CN"), ReasonLanguage::kChinese);
  EXPECT_EQ(LanguageOfLocale(""), ReasonLanguage::kChinese);
  EXPECT_EQ(LanguageOfLocale("fr-FR"), ReasonLanguage::kChinese);  // the contract's fallback
}

TEST(ReasonsTest, EveryKindReadsNaturally) {
  struct Case {
    ReasonFacts facts;
    std::string zh;
    std::string en;
  };
  const std::vector<Case> cases = {
      {{.type = v1::REASON_TYPE_SIMILAR_TO_HISTORY, .cited_title = "Toy Story (1995)"},
       "因为你看过「Toy Story (1995)」",
       "because you viewed Toy Story (1995)"},
      {{.type = v1::REASON_TYPE_POPULAR_IN_CATEGORY, .category = common::CATEGORY_DRESS},
       "连衣裙热销",
       "popular in dresses"},
      {{.type = v1::REASON_TYPE_POPULAR}, "热门推荐", "popular right now"},
      {{.type = v1::REASON_TYPE_SIMILAR_USERS},
       "和你口味相似的人也喜欢",
       "liked by people with similar taste"},
      {{.type = v1::REASON_TYPE_ATTRIBUTE_MATCH, .token = "material:雪纺"},
       "你常看的「雪纺」",
       "matches your interest in 雪纺"},
      {{.type = v1::REASON_TYPE_SIMILAR_TO_ITEM, .cited_title = "羊毛大衣"},
       "与「羊毛大衣」相似",
       "similar to 羊毛大衣"},
      {{.type = v1::REASON_TYPE_EXPLORATION}, "发现新鲜好物", "something new to discover"},
      {{.type = v1::REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY, .category = common::CATEGORY_DRESS},
       "你喜欢的「连衣裙」上新了",
       "new in dresses, a category you like"},
      {{.type = v1::REASON_TYPE_NEW_IN_FAVOURITE_CATEGORY}, "根据你的兴趣推荐",
       "picked for your taste"},
      // Nothing to cite: the generic reason rather than an empty one.
      {{.type = v1::REASON_TYPE_SIMILAR_TO_HISTORY}, "根据你的兴趣推荐", "picked for your taste"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ReasonText(c.facts, ReasonLanguage::kChinese), c.zh);
    EXPECT_EQ(ReasonText(c.facts, ReasonLanguage::kEnglish), c.en);
  }
}

TEST(ReasonsTest, LongTitlesAreCutAtACharacterBoundary) {
  std::string title;
  for (int i = 0; i < 100; ++i) title += "裙";  // 300 bytes
  const std::string reason = ReasonText(
      {.type = v1::REASON_TYPE_SIMILAR_TO_ITEM, .cited_title = title}, ReasonLanguage::kChinese);
  EXPECT_LT(reason.size(), 200u);
  EXPECT_NE(reason.find("裙…"), std::string::npos);
}

}  // namespace
}  // namespace aigc::recommender
