#include "services/copywriter/grounding/fact_checker.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_grounding {
namespace {

using common::v1::Product;
using copywriter::v1::GroundingReport;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

FactLexicon TestLexicon() {
  return FactLexicon::FromTerms({"纯棉|cotton|棉", "真丝|silk", "雪纺|chiffon", "牛皮|leather"},
                                {"米白|off-white", "黑色|black|黑", "红色|red"},
                                {{common::v1::SEASON_SUMMER, "夏季|summer"},
                                 {common::v1::SEASON_WINTER, "冬季|winter"},
                                 {common::v1::SEASON_ALL_YEAR, "四季|all season"}},
                                {{common::v1::CATEGORY_DRESS, "连衣裙|dress"},
                                 {common::v1::CATEGORY_COAT, "外套|coat"},
                                 {common::v1::CATEGORY_BAG, "包|bag"}},
                                {"Zara", "优衣库"}, {"包邮"});
}

std::unique_ptr<FactChecker> TestChecker() {
  absl::StatusOr<std::unique_ptr<FactChecker>> checker = FactChecker::Create(TestLexicon());
  EXPECT_TRUE(checker.ok()) << checker.status();
  return std::move(checker).value();
}

// A chiffon dress: 199.00 CNY, 米白/黑色, S..XL, summer, 23 in stock, 优衣库.
Product TestProduct() {
  Product p;
  p.set_title("法式雪纺连衣裙");
  p.set_category(common::v1::CATEGORY_DRESS);
  p.set_brand("优衣库");
  p.mutable_price()->set_amount_minor(19900);
  p.mutable_price()->set_currency_code("CNY");
  p.set_material("雪纺");
  p.add_colors("米白");
  p.add_colors("黑色");
  for (const char* size : {"S", "M", "L", "XL"}) p.add_sizes(size);
  p.add_seasons(common::v1::SEASON_SUMMER);
  p.set_stock_quantity(23);
  return p;
}

// "attribute:claimed>expected@start-end:S|R|C|U" per finding.
std::vector<std::string> Describe(const GroundingReport& report) {
  std::vector<std::string> out;
  for (const auto& f : report.findings()) {
    const char* status = f.status() == copywriter::v1::GROUNDING_STATUS_SUPPORTED      ? "S"
                         : f.status() == copywriter::v1::GROUNDING_STATUS_REPAIRED     ? "R"
                         : f.status() == copywriter::v1::GROUNDING_STATUS_CONTRADICTED ? "C"
                                                                                       : "U";
    out.push_back(absl::StrCat(f.attribute(), ":", f.claimed(), ">", f.expected(), "@",
                               f.start_offset(), "-", f.end_offset(), ":", status));
  }
  return out;
}

struct CheckCase {
  std::string name;
  std::string text;
  bool repair = true;
  std::string expected_text;
  std::vector<std::string> expected_findings;
  bool grounded = true;
};

class FactCheckerCaseTest : public ::testing::TestWithParam<CheckCase> {};

TEST_P(FactCheckerCaseTest, ChecksEachClaimAgainstTheProduct) {
  const CheckCase& c = GetParam();
  const CheckedText checked =
      TestChecker()->Check(c.text, Facts::FromProduct(TestProduct()), c.repair);
  EXPECT_EQ(checked.text, c.expected_text);
  EXPECT_EQ(Describe(checked.report), c.expected_findings);
  EXPECT_EQ(checked.report.grounded(), c.grounded);
  EXPECT_EQ(checked.report.facts_checked(), static_cast<int>(c.expected_findings.size()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FactCheckerCaseTest,
    ::testing::Values(
        CheckCase{
            "CorrectChineseFactsAllSupported",
            "这款米白色雪纺连衣裙只要199元，夏季必备，S码到XL码都有，现货速发。",
            true,
            "这款米白色雪纺连衣裙只要199元，夏季必备，S码到XL码都有，现货速发。",
            {"color:米白>米白@2-4:S", "material:雪纺>雪纺@5-7:S", "category:连衣裙>连衣裙@7-10:S",
             "price:199元>199元@12-16:S", "season:夏季>夏季@17-19:S", "size:S>S@22-23:S",
             "size:XL>XL@25-27:S", "stock:现货>现货@31-33:S"}},
        CheckCase{"PriceInAnotherFormatSupported",
                  "Only ¥199.00, in stock!",
                  true,
                  "Only ¥199.00, in stock!",
                  {"price:¥199.00>¥199.00@5-12:S", "stock:in stock>in stock@14-22:S"}},
        CheckCase{"WrongPriceRepaired",
                  "优雅连衣裙，仅售99元。",
                  true,
                  "优雅连衣裙，仅售199元。",
                  {"category:连衣裙>连衣裙@2-5:S", "price:99元>199元@8-11:R"}},
        CheckCase{"AbsurdlyLongPriceRepaired",
                  "只要39999989999元",
                  true,
                  "只要199元",
                  {"price:39999989999元>199元@2-14:R"}},
        CheckCase{"BareNumberAfterAPriceWordIsAPrice",
                  "售价：99，原价199",
                  true,
                  "售价：199，原价199",
                  {"price:99>199@3-5:R", "price:199>199@8-11:S"}},
        CheckCase{"WrongColoursTakeTheProductsColoursThenGo",
                  "In red, red and red.",
                  true,
                  "In off-white, black.",
                  {"color:red>off-white@3-6:R", "color:red>black@8-11:R",
                   "color:red>米白@16-19:R"}},
        CheckCase{"WrongPriceLeftWithoutRepair",
                  "优雅连衣裙，仅售99元。",
                  false,
                  "优雅连衣裙，仅售99元。",
                  {"category:连衣裙>连衣裙@2-5:S", "price:99元>199元@8-11:C"},
                  false},
        CheckCase{"WrongPriceKeepsItsFormat",
                  "￥99.00抢购",
                  true,
                  "￥199.00抢购",
                  {"price:￥99.00>￥199.00@0-6:R"}},
        CheckCase{
            "WrongColourAndMaterialRepaired",
            "红色真丝连衣裙",
            true,
            "米白雪纺连衣裙",
            {"color:红色>米白@0-2:R", "material:真丝>雪纺@2-4:R", "category:连衣裙>连衣裙@4-7:S"}},
        CheckCase{
            "WrongColourAndMaterialLeftWithoutRepair",
            "红色真丝连衣裙",
            false,
            "红色真丝连衣裙",
            {"color:红色>米白@0-2:C", "material:真丝>雪纺@2-4:C", "category:连衣裙>连衣裙@4-7:S"},
            false},
        CheckCase{"EnglishClaimsRepairedInEnglish",
                  "A black silk dress for $19.99.",
                  true,
                  "A black chiffon dress for ¥199.",
                  {"color:black>black@2-7:S", "material:silk>chiffon@8-12:R",
                   "category:dress>dress@13-18:S", "price:$19.99>¥199@23-29:R"}},
        CheckCase{"TwoRepairsKeepLaterOffsets",
                  "红色款仅售99元，真丝面料",
                  true,
                  "米白款仅售199元，雪纺面料",
                  {"color:红色>米白@0-2:R", "price:99元>199元@5-8:R", "material:真丝>雪纺@9-11:R"}},
        CheckCase{"StockCountRepaired",
                  "库存紧张，仅剩3件！",
                  true,
                  "库存紧张，仅剩23件！",
                  {"stock:仅剩3件>仅剩23件@5-9:R"}},
        CheckCase{"MissingSizeRepairedToTheNearest",
                  "XXL码也有",
                  true,
                  "XL码也有",
                  {"size:XXL>XL@0-3:R"}},
        CheckCase{"WrongSeasonRepaired", "冬季保暖", true, "夏季保暖", {"season:冬季>夏季@0-2:R"}},
        CheckCase{
            "OtherBrandRepaired", "Zara同款", true, "优衣库同款", {"brand:Zara>优衣库@0-4:R"}},
        CheckCase{"WrongCategoryRepaired",
                  "这件外套很百搭",
                  true,
                  "这件连衣裙很百搭",
                  {"category:外套>连衣裙@2-4:R"}},
        CheckCase{"IgnoredPhraseHidesATerm", "全国包邮", true, "全国包邮", {}},
        CheckCase{"NoClaims", "好看又舒服", true, "好看又舒服", {}},
        CheckCase{"InventedDiscountRemoved",
                  "雪纺连衣裙，满299减30元。",
                  true,
                  "雪纺连衣裙，",
                  {"material:雪纺>雪纺@0-2:S", "category:连衣裙>连衣裙@2-5:S",
                   "discount:30元>@11-14:U"}}),
    [](const auto& info) { return info.param.name; });

TEST(FactCheckerTest, UnsupportedMaterialRemovesItsClause) {
  Product product = TestProduct();
  product.clear_material();
  const auto checker = TestChecker();
  const CheckedText repaired =
      checker->Check("版型修身，采用真丝面料，上身显瘦。", Facts::FromProduct(product), true);
  EXPECT_EQ(repaired.text, "版型修身，上身显瘦。");
  EXPECT_THAT(Describe(repaired.report), ElementsAre("material:真丝>@7-9:U"));
  EXPECT_TRUE(repaired.report.grounded());
  EXPECT_EQ(repaired.report.facts_unsupported(), 1);

  const CheckedText left =
      checker->Check("版型修身，采用真丝面料，上身显瘦。", Facts::FromProduct(product), false);
  EXPECT_EQ(left.text, "版型修身，采用真丝面料，上身显瘦。");
  EXPECT_FALSE(left.report.grounded());
}

TEST(FactCheckerTest, UnsupportedLastClauseTakesTheDelimiterBeforeIt) {
  Product product = TestProduct();
  product.clear_price();
  const CheckedText checked =
      TestChecker()->Check("轻薄透气，仅售99元", Facts::FromProduct(product), true);
  EXPECT_EQ(checked.text, "轻薄透气");
  EXPECT_THAT(Describe(checked.report), ElementsAre("price:99元>@7-10:U"));
}

TEST(FactCheckerTest, StockClaimsFollowTheStockQuantity) {
  Product product = TestProduct();
  const auto checker = TestChecker();
  product.set_stock_quantity(0);
  CheckedText checked = checker->Check("仅剩3件，现货", Facts::FromProduct(product), true);
  EXPECT_EQ(checked.text, "售罄，售罄");
  EXPECT_THAT(Describe(checked.report),
              ElementsAre("stock:仅剩3件>售罄@0-4:R", "stock:现货>售罄@5-7:R"));

  product.set_stock_quantity(3);
  checked = checker->Check("Only 3 left, not sold out", Facts::FromProduct(product), true);
  EXPECT_EQ(checked.text, "Only 3 left, not in stock");
  EXPECT_THAT(Describe(checked.report), ElementsAre("stock:Only 3 left>Only 3 left@0-11:S",
                                                    "stock:sold out>in stock@17-25:R"));

  product.clear_stock_quantity();  // untracked: counts are unsupported
  checked = checker->Check("现货。仅剩3件", Facts::FromProduct(product), true);
  EXPECT_EQ(checked.text, "现货");
  EXPECT_THAT(Describe(checked.report),
              ElementsAre("stock:现货>现货@0-2:S", "stock:仅剩3件>@3-7:U"));
}

TEST(FactCheckerTest, PromotionFinalPriceIsSupportedAsPromotion) {
  copywriter::v1::ProductKnowledge knowledge;
  *knowledge.mutable_product() = TestProduct();
  copywriter::v1::Promotion* promotion = knowledge.add_promotions();
  promotion->set_description("满199减40");
  promotion->mutable_final_price()->set_amount_minor(15900);
  promotion->mutable_final_price()->set_currency_code("CNY");
  copywriter::v1::Promotion* expired = knowledge.add_promotions();
  expired->set_description("限时秒杀");
  expired->mutable_final_price()->set_amount_minor(9900);
  expired->mutable_final_price()->set_currency_code("CNY");
  expired->mutable_end_time()->set_seconds(1000);
  const Facts facts = Facts::FromKnowledge(knowledge, absl::FromUnixSeconds(2000));

  const auto checker = TestChecker();
  CheckedText checked = checker->Check("到手价159元，原价199元", facts, true);
  EXPECT_EQ(checked.text, "到手价159元，原价199元");
  EXPECT_THAT(Describe(checked.report),
              ElementsAre("promotion:159元>159元@3-7:S", "price:199元>199元@10-14:S"));

  checked = checker->Check("券后99元", facts, true);  // the expired promotion's price
  EXPECT_EQ(checked.text, "券后159元");
  EXPECT_THAT(Describe(checked.report), ElementsAre("promotion:99元>159元@2-5:R"));
}

TEST(FactCheckerTest, AdjacentDroppedListItemsLeaveACleanList) {
  Product one_colour = TestProduct();
  one_colour.clear_colors();
  one_colour.add_colors("米白");
  const auto checker = TestChecker();
  EXPECT_EQ(checker->Check("In red, red and red.", Facts::FromProduct(one_colour), true).text,
            "In off-white.");
  EXPECT_EQ(checker->Check("有红色、黑色和米白", Facts::FromProduct(one_colour), true).text,
            "有米白");
}

TEST(FactCheckerTest, DiscountsMustBeTheRoomsPromotions) {
  copywriter::v1::ProductKnowledge knowledge;
  *knowledge.mutable_product() = TestProduct();
  knowledge.add_promotions()->set_description("满299减30");
  const Facts facts = Facts::FromKnowledge(knowledge, absl::FromUnixSeconds(2000));
  EXPECT_THAT(facts.discount_amounts, ElementsAre(29900, 3000));

  const auto checker = TestChecker();
  CheckedText checked = checker->Check("现在满299减30元，领券立减10元，原价199元", facts, true);
  EXPECT_EQ(checked.text, "现在满299减30元，原价199元");
  EXPECT_THAT(Describe(checked.report), ElementsAre("discount:30元>30元@7-10:S",
                                                    "discount:10元>@15-18:U",
                                                    "price:199元>199元@21-25:S"));
  EXPECT_TRUE(checked.report.grounded());
  checked = checker->Check("Save $5 off today", facts, false);
  EXPECT_THAT(Describe(checked.report), ElementsAre("discount:$5 off>@5-11:U"));
  EXPECT_FALSE(checked.report.grounded());
}

TEST(FactCheckerTest, HighlightsSupportTheirClaims) {
  const Facts facts = Facts::FromProduct(TestProduct(), {"赠品：真丝发圈"});
  const CheckedText checked = TestChecker()->Check("下单送真丝发圈", facts, true);
  EXPECT_EQ(checked.text, "下单送真丝发圈");
  EXPECT_THAT(Describe(checked.report), ElementsAre("material:真丝>真丝@3-5:S"));
  EXPECT_TRUE(checked.report.grounded());
}

TEST(FactCheckerTest, CountsEveryOutcome) {
  Product product = TestProduct();
  product.clear_brand();
  const CheckedText checked =
      TestChecker()->Check("黑色，真丝，Zara，99元", Facts::FromProduct(product), false);
  EXPECT_EQ(checked.report.facts_checked(), 4);
  EXPECT_EQ(checked.report.facts_supported(), 1);
  EXPECT_EQ(checked.report.facts_contradicted(), 2);
  EXPECT_EQ(checked.report.facts_unsupported(), 1);
  EXPECT_EQ(checked.report.facts_repaired(), 0);
  EXPECT_FALSE(checked.report.grounded());
}

TEST(FactCheckerTest, CreateRejectsBadLexicons) {
  FactLexicon duplicate = TestLexicon();
  duplicate.colors.push_back(FactTerm{{"Red"}});
  absl::StatusOr<std::unique_ptr<FactChecker>> checker = FactChecker::Create(duplicate);
  EXPECT_EQ(checker.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(checker.status().message(),
              HasSubstr("colors[3].forms[0]: \"Red\" is already listed as colors[2].forms[1]"));

  FactLexicon empty = TestLexicon();
  empty.materials.push_back(FactTerm{{"麻", ""}});
  checker = FactChecker::Create(empty);
  EXPECT_THAT(checker.status().message(), HasSubstr("materials[4].forms[1]: empty"));
}

}  // namespace
}  // namespace aigc::copy_grounding
