#include "services/copywriter/grounding/catalog_lexicon.h"

#include "common/catalog/generator.h"
#include "common/catalog/vocabulary.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_grounding {
namespace {

namespace v1 = aigc::common::v1;

TEST(CatalogLexiconTest, KnowsEveryMaterialAndColourOfTheCatalogue) {
  const FactLexicon lexicon = CatalogFactLexicon();
  EXPECT_EQ(lexicon.materials.size(), catalog::Materials().size());
  EXPECT_EQ(lexicon.colors.size(), catalog::Colors().size());
  EXPECT_EQ(lexicon.seasons.size(), 5u);
  // No form is listed twice: the checker accepts the lexicon.
  auto checker = FactChecker::Create(lexicon);
  ASSERT_TRUE(checker.ok()) << checker.status();
}

TEST(CatalogLexiconTest, RepairsAWrongColourAndMaterialOfACatalogueProduct) {
  auto products = catalog::GenerateCatalog({.seed = 42, .products_per_category = 2});
  ASSERT_TRUE(products.ok()) << products.status();
  const v1::Product& product = (*products)[0];
  ASSERT_GT(product.colors_size(), 0);
  // A colour and a material of the vocabulary that the product does not have.
  std::string wrong_color;
  for (const catalog::Term& color : catalog::Colors()) {
    if (std::find(product.colors().begin(), product.colors().end(), color.zh) ==
        product.colors().end()) {
      wrong_color = color.zh;
      break;
    }
  }
  std::string wrong_material;
  for (const catalog::Term& material : catalog::Materials()) {
    if (material.zh != product.material() &&
        product.material().find(material.zh) == std::string::npos &&
        material.zh.find(product.material()) == std::string::npos) {
      wrong_material = material.zh;
      break;
    }
  }
  ASSERT_FALSE(wrong_color.empty());
  ASSERT_FALSE(wrong_material.empty());
  auto checker = FactChecker::Create(CatalogFactLexicon());
  ASSERT_TRUE(checker.ok());
  const CheckedText checked = (*checker)->Check(
      "这款采用" + wrong_material + "面料，" + wrong_color + "很百搭。", Facts::FromProduct(product),
      /*repair=*/true);
  EXPECT_EQ(checked.report.facts_repaired(), 2) << checked.text;
  EXPECT_THAT(checked.text, ::testing::HasSubstr(product.material()));
  EXPECT_THAT(checked.text, ::testing::Not(::testing::HasSubstr(wrong_color)));
  EXPECT_TRUE(checked.report.grounded());
}

TEST(CatalogLexiconTest, AWrongColourBecomesOneTheTextDoesNotNameYet) {
  common::v1::Product product;
  product.set_title("T恤");
  product.add_colors("藏青");
  product.add_colors("奶咖");
  auto checker = FactChecker::Create(CatalogFactLexicon());
  ASSERT_TRUE(checker.ok());
  const CheckedText checked =
      (*checker)->Check("颜色：白色、藏青。", Facts::FromProduct(product), /*repair=*/true);
  EXPECT_EQ(checked.text, "颜色：奶咖、藏青。");
}

TEST(CatalogLexiconTest, AWrongListItemIsDroppedWhenEveryTrueValueIsNamed) {
  common::v1::Product product;
  product.set_title("dress");
  product.add_colors("米白");
  product.add_seasons(common::v1::SEASON_AUTUMN);
  auto checker = FactChecker::Create(CatalogFactLexicon());
  ASSERT_TRUE(checker.ok());
  const Facts facts = Facts::FromProduct(product);
  EXPECT_EQ((*checker)->Check("颜色：米白、黑色。", facts, true).text, "颜色：米白。");
  EXPECT_EQ((*checker)->Check("For spring, autumn and winter.", facts, true).text,
            "For autumn.");
}

TEST(CatalogLexiconTest, AWrongBrandIsRepairedInTheTextsLanguage) {
  common::v1::Product product;
  product.set_title("dress");
  product.set_brand(catalog::Brands()[0].zh);
  auto checker = FactChecker::Create(CatalogFactLexicon());
  ASSERT_TRUE(checker.ok());
  const std::string other_en = catalog::Brands()[1].en;
  const CheckedText checked =
      (*checker)->Check("From " + other_en + ": the dress.", Facts::FromProduct(product), true);
  EXPECT_EQ(checked.text, "From " + catalog::Brands()[0].en + ": the dress.");
}

}  // namespace
}  // namespace aigc::copy_grounding
