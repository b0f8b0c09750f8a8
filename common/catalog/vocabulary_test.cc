#include "common/catalog/vocabulary.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::catalog {
namespace {

namespace v1 = ::aigc::common::v1;

// Names of the terms of `list` whose text (zh or en, as chosen) contains
// another term's text of the same list.
std::vector<std::string> NestedTerms(const std::vector<Term>& list, bool english) {
  std::vector<std::string> nested;
  for (const Term& outer : list) {
    for (const Term& inner : list) {
      const std::string& a = english ? outer.en : outer.zh;
      const std::string& b = english ? inner.en : inner.zh;
      if (&outer != &inner && a.find(b) != std::string::npos) nested.push_back(a + " ⊃ " + b);
    }
  }
  return nested;
}

TEST(VocabularyTest, NoFactTermContainsAnotherOfItsList) {
  for (const auto* list : {&Materials(), &Colors(), &StyleTags(), &Brands()}) {
    EXPECT_THAT(NestedTerms(*list, false), ::testing::IsEmpty());
    EXPECT_THAT(NestedTerms(*list, true), ::testing::IsEmpty());
  }
}

TEST(VocabularyTest, CategoriesFollowFashionMnistLabelOrder) {
  ASSERT_EQ(Categories().size(), 10u);
  for (size_t label = 0; label < Categories().size(); ++label) {
    EXPECT_EQ(static_cast<size_t>(Categories()[label].category), label + 1);
  }
  EXPECT_EQ(Info(v1::CATEGORY_DRESS).name.zh, "连衣裙");
  EXPECT_EQ(Info(v1::CATEGORY_ANKLE_BOOT).name.en, "Ankle boot");
  EXPECT_EQ(Info(v1::CATEGORY_TSHIRT_TOP).name.zh, "T恤/上衣");
}

TEST(VocabularyTest, EveryCategoryDrawsFromGlobalListsAndHasCare) {
  for (const CategoryInfo& info : Categories()) {
    SCOPED_TRACE(info.name.en);
    EXPECT_FALSE(info.sizes.empty());
    EXPECT_FALSE(info.seasons.empty());
    EXPECT_FALSE(info.fit_notes.empty());
    EXPECT_LE(info.min_price_yuan, info.max_price_yuan);
    for (const Term& material : info.materials) {
      EXPECT_NE(FindTerm(Materials(), material.zh), nullptr) << material.zh;
      EXPECT_NE(CareFor(material.zh), nullptr) << material.zh;
    }
    for (const Term& style : info.styles) EXPECT_NE(FindTerm(StyleTags(), style.en), nullptr);
  }
}

TEST(VocabularyTest, LocalizedNameTranslatesKnownWordsAndPassesOthersThrough) {
  EXPECT_EQ(LocalizedName("雪纺", v1::LANGUAGE_EN), "chiffon");
  EXPECT_EQ(LocalizedName("chiffon", v1::LANGUAGE_ZH), "雪纺");
  EXPECT_EQ(LocalizedName("米白", v1::LANGUAGE_EN), "ivory");
  EXPECT_EQ(LocalizedName("通勤", v1::LANGUAGE_EN), "commute");
  EXPECT_EQ(LocalizedName("V领", v1::LANGUAGE_EN), "V-neck");
  EXPECT_EQ(LocalizedName("满299减30", v1::LANGUAGE_EN), "30 yuan off orders of 299 yuan or more");
  EXPECT_EQ(LocalizedName("夏季", v1::LANGUAGE_EN), "summer");
  EXPECT_EQ(LocalizedName("100%棉", v1::LANGUAGE_EN), "100%棉");
  EXPECT_EQ(LocalizedName(v1::CATEGORY_BAG, v1::LANGUAGE_ZH), "包");
  EXPECT_EQ(LocalizedName(v1::CATEGORY_SNEAKER, v1::LANGUAGE_EN), "Sneaker");
}

TEST(VocabularyTest, CareAndSeasonLookups) {
  ASSERT_NE(CareFor("羊绒"), nullptr);
  EXPECT_EQ(CareFor("羊绒")->zh, "建议干洗，平铺晾干");
  EXPECT_EQ(CareFor("cashmere"), CareFor("羊绒"));
  EXPECT_EQ(CareFor("unobtainium"), nullptr);
  EXPECT_EQ(SeasonName(v1::SEASON_ALL_YEAR).zh, "四季通用");
  EXPECT_EQ(SeasonName(v1::SEASON_AUTUMN).en, "autumn");
  EXPECT_EQ(SeasonName(v1::SEASON_UNSPECIFIED).zh, "");
  EXPECT_EQ(SeasonName(static_cast<v1::Season>(42)).en, "");
}

}  // namespace
}  // namespace aigc::catalog
