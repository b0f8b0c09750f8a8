#include "services/copywriter/corpus/prompt.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/copywriter/corpus/facts.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;
using ::testing::HasSubstr;
using ::testing::Not;

v1::Product Dress() {
  v1::Product product;
  product.set_id("sku-3-0001");
  product.set_title("织屿 法式碎花雪纺连衣裙");
  product.set_category(v1::CATEGORY_DRESS);
  product.set_brand("织屿");
  product.set_material("雪纺");
  product.add_colors("米白");
  product.add_colors("黑色");
  // Assign (not add_sizes("S")): g++ 12 warns -Wrestrict on one-letter literals.
  const std::vector<std::string> sizes = {"S", "M", "L"};
  product.mutable_sizes()->Assign(sizes.begin(), sizes.end());
  product.add_seasons(v1::SEASON_SUMMER);
  product.mutable_price()->set_amount_minor(19900);
  product.mutable_price()->set_currency_code("CNY");
  product.set_stock_quantity(23);
  product.add_tags("法式");
  (*product.mutable_attributes())["pattern"] = "碎花";
  (*product.mutable_attributes())["collar"] = "V领";
  (*product.mutable_attributes())["care"] = "建议手洗或干洗，不可漂白";
  return product;
}

TEST(PromptTest, CopyPromptStatesFactsInTheDocumentedFormat) {
  const std::vector<std::string> highlights = {"垂坠感"};
  EXPECT_EQ(RenderCopyPrompt(Dress(), cv1::COPY_STYLE_LIVELY, cv1::CHANNEL_SOCIAL_POST,
                             v1::LANGUAGE_ZH, highlights),
            "任务:文案 风格:活泼 渠道:社交媒体\n"
            "品类:连衣裙 品牌:织屿 材质:雪纺 颜色:米白/黑色 尺码:S/M/L 季节:夏季 价格:199元\n"
            "特点:V领/碎花 标签:法式\n"
            "卖点:垂坠感");
}

TEST(PromptTest, EnglishPromptTranslatesVocabularyAndKeepsSizes) {
  EXPECT_EQ(
      RenderCopyPrompt(Dress(), cv1::COPY_STYLE_PREMIUM, cv1::CHANNEL_EMAIL, v1::LANGUAGE_EN, {}),
      "task:copy style:premium channel:email\n"
      "category:Dress brand:Zhiyu material:chiffon colors:ivory/black sizes:S/M/L "
      "season:summer price:¥199\n"
      "features:V-neck/floral tags:French style");
}

TEST(PromptTest, UnstatedFactsAreOmittedWithTheirKeys) {
  v1::Product product;
  product.set_title("无名商品");
  product.add_sizes("均码");
  const std::string prompt =
      RenderCopyPrompt(product, cv1::COPY_STYLE_UNSPECIFIED, cv1::CHANNEL_UNSPECIFIED,
                       v1::LANGUAGE_UNSPECIFIED, std::vector<std::string>{""});
  EXPECT_EQ(prompt, "任务:文案 风格:简洁 渠道:详情页\n尺码:均码");
  for (const char* key : {"材质:", "品牌:", "颜色:", "价格:", "季节:", "卖点:", "特点:"}) {
    EXPECT_THAT(prompt, Not(HasSubstr(key)));
  }
}

TEST(PromptTest, RenderingIsDeterministic) {
  // attributes is a protobuf map: equal products built in another insertion
  // order must render the same text.
  v1::Product reordered = Dress();
  reordered.mutable_attributes()->clear();
  (*reordered.mutable_attributes())["care"] = "建议手洗或干洗，不可漂白";
  (*reordered.mutable_attributes())["collar"] = "V领";
  (*reordered.mutable_attributes())["pattern"] = "碎花";
  EXPECT_EQ(RenderCopyPrompt(Dress(), cv1::COPY_STYLE_CONCISE, cv1::CHANNEL_SEO_TITLE,
                             v1::LANGUAGE_ZH, {}),
            RenderCopyPrompt(reordered, cv1::COPY_STYLE_CONCISE, cv1::CHANNEL_SEO_TITLE,
                             v1::LANGUAGE_ZH, {}));
}

TEST(PromptTest, QaPromptCarriesKnowledgeAndEndsWithTheQuestion) {
  cv1::ProductKnowledge knowledge;
  *knowledge.mutable_product() = Dress();
  knowledge.set_size_fit_notes("版型偏小，建议拍大一码");
  knowledge.set_shipping_info("24小时内发货，顺丰包邮");
  knowledge.set_care_instructions("建议手洗或干洗，不可漂白");
  auto* promotion = knowledge.add_promotions();
  promotion->set_description("直降20元");
  promotion->mutable_final_price()->set_amount_minor(17900);
  promotion->mutable_final_price()->set_currency_code("CNY");
  knowledge.add_promotions()->set_description("第二件半价");
  EXPECT_EQ(RenderQaPrompt(knowledge, "多少钱呀", v1::LANGUAGE_ZH),
            "任务:问答\n"
            "品类:连衣裙 价格:199元 材质:雪纺 颜色:米白/黑色 尺码:S/M/L 库存:23\n"
            "优惠:直降20元(到手价179元);第二件半价\n"
            "尺码建议:版型偏小，建议拍大一码\n"
            "发货:24小时内发货，顺丰包邮\n"
            "洗护:建议手洗或干洗，不可漂白\n"
            "问:多少钱呀");
  EXPECT_EQ(RenderQaPrompt(knowledge, "how much?", v1::LANGUAGE_EN),
            "task:qa\n"
            "category:Dress price:¥199 material:chiffon colors:ivory/black sizes:S/M/L stock:23\n"
            "deals:a 20 yuan price cut(final ¥179);second item at half price\n"
            "fit:runs small, take one size up\n"
            "shipping:ships within 24 hours, free SF Express delivery\n"
            "care:hand wash or dry clean, do not bleach\n"
            "Q:how much?");
}

TEST(PromptTest, QaPromptOfASoldOutProductWithoutKnowledgeStatesStockZero) {
  cv1::ProductKnowledge knowledge;
  knowledge.mutable_product()->set_id("x");
  knowledge.mutable_product()->set_stock_quantity(0);
  EXPECT_EQ(RenderQaPrompt(knowledge, "还有吗", v1::LANGUAGE_ZH), "任务:问答\n库存:0\n问:还有吗");
}

}  // namespace
}  // namespace aigc::copy_corpus
