#include "services/copywriter/corpus/qa_composer.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/catalog/generator.h"
#include "common/catalog/money.h"
#include "common/catalog/vocabulary.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/copywriter/corpus/copy_composer.h"
#include "services/copywriter/corpus/facts.h"
#include "services/copywriter/corpus/internal/test_util.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;
using ::testing::IsEmpty;

std::vector<cv1::ProductKnowledge> Knowledge() {
  auto products = catalog::GenerateCatalog({.seed = 4, .products_per_category = 6});
  EXPECT_TRUE(products.ok());
  std::vector<cv1::ProductKnowledge> knowledge;
  for (const auto& product : *products) knowledge.push_back(catalog::MakeKnowledge(product, 4));
  return knowledge;
}

bool Mentions(const std::string& text, const std::string& fact, v1::Language language) {
  if (language != v1::LANGUAGE_EN) return absl::StrContains(text, fact);
  return absl::StrContains(absl::AsciiStrToLower(text), absl::AsciiStrToLower(fact));
}

TEST(QaComposerTest, AllTenIntentsAreCovered) {
  const std::set<cv1::Intent> intents(AllIntents().begin(), AllIntents().end());
  EXPECT_EQ(intents.size(), 10u);
  EXPECT_FALSE(intents.contains(cv1::INTENT_UNSPECIFIED));
}

TEST(QaComposerTest, RepliesAreShortGroundedAndCompliant) {
  for (const cv1::ProductKnowledge& knowledge : Knowledge()) {
    for (const v1::Language language : {v1::LANGUAGE_ZH, v1::LANGUAGE_EN}) {
      const ProductFacts facts = LocalizedFacts(knowledge.product(), language);
      const auto localized = [language](const std::string& text) {
        return catalog::LocalizedName(text, language);
      };
      catalog::Rng rng(catalog::HashString(knowledge.product().id()));
      for (const cv1::Intent intent : AllIntents()) {
        const QaPair pair = ComposeQa(knowledge, intent, language, rng);
        SCOPED_TRACE(pair.question + " => " + pair.reply);
        EXPECT_EQ(pair.intent, intent);
        EXPECT_FALSE(pair.question.empty());
        EXPECT_FALSE(pair.reply.empty());
        EXPECT_LE(CodePoints(pair.reply), kMaxReplyChars);
        EXPECT_THAT(internal::AbsoluteTermsIn(pair.reply), IsEmpty());
        EXPECT_FALSE(absl::StrContains(pair.question + pair.reply, "{"));
        switch (intent) {
          case cv1::INTENT_PRICE: {
            bool quoted = Mentions(pair.reply, facts.price, language);
            for (const auto& promotion : knowledge.promotions()) {
              if (promotion.has_final_price()) {
                quoted |=
                    Mentions(pair.reply, catalog::FormatPrice(promotion.final_price(), language), language);
              }
            }
            EXPECT_TRUE(quoted);
            break;
          }
          case cv1::INTENT_MATERIAL:
            EXPECT_TRUE(Mentions(pair.reply, facts.material, language));
            break;
          case cv1::INTENT_STOCK:
            if (*facts.stock > 0) {
              EXPECT_TRUE(absl::StrContains(pair.reply, absl::StrCat(*facts.stock)));
            } else {
              const bool sold_out = language == v1::LANGUAGE_EN
                                        ? Mentions(pair.reply, "sold out", language)
                                        : absl::StrContains(pair.reply, "售罄") ||
                                              absl::StrContains(pair.reply, "卖完") ||
                                              absl::StrContains(pair.reply, "没货");
              EXPECT_TRUE(sold_out);
            }
            break;
          case cv1::INTENT_SHIPPING:
            EXPECT_TRUE(Mentions(pair.reply, localized(knowledge.shipping_info()), language));
            break;
          case cv1::INTENT_CARE:
            EXPECT_TRUE(Mentions(pair.reply, localized(knowledge.care_instructions()), language));
            break;
          case cv1::INTENT_SIZE_FIT:
            EXPECT_TRUE(absl::StrContains(pair.reply, absl::StrJoin(facts.sizes, "/")) ||
                        Mentions(pair.reply, localized(knowledge.size_fit_notes()), language));
            break;
          case cv1::INTENT_DISCOUNT:
            if (knowledge.promotions_size() == 0) {
              EXPECT_TRUE(Mentions(pair.reply, facts.price, language));
            } else {
              EXPECT_TRUE(
                  Mentions(pair.reply, localized(knowledge.promotions(0).description()),
                           language) ||
                  Mentions(pair.reply, localized(knowledge.promotions(1).description()), language));
            }
            break;
          default:
            break;
        }
        EXPECT_EQ(pair.hand_off, intent == cv1::INTENT_COMPLAINT || intent == cv1::INTENT_OTHER);
      }
    }
  }
}

TEST(QaComposerTest, MissingFactsAreHandedToTheHost) {
  cv1::ProductKnowledge knowledge;
  knowledge.mutable_product()->set_id("bare");
  catalog::Rng rng(1);
  for (const cv1::Intent intent : {cv1::INTENT_PRICE, cv1::INTENT_MATERIAL, cv1::INTENT_STOCK,
                                   cv1::INTENT_SHIPPING, cv1::INTENT_CARE, cv1::INTENT_DISCOUNT}) {
    const QaPair pair = ComposeQa(knowledge, intent, v1::LANGUAGE_ZH, rng);
    EXPECT_TRUE(pair.hand_off) << pair.reply;
    EXPECT_FALSE(pair.reply.empty());
  }
  EXPECT_FALSE(ComposeQa(knowledge, cv1::INTENT_GREETING, v1::LANGUAGE_ZH, rng).hand_off);
}

TEST(QaComposerTest, KnowledgeAnswersAgreesWithTheComposedHandOff) {
  cv1::ProductKnowledge bare;
  bare.mutable_product()->set_id("bare");
  for (const cv1::ProductKnowledge& knowledge : {bare, Knowledge().front()}) {
    catalog::Rng rng(2);
    for (const cv1::Intent intent : AllIntents()) {
      const QaPair pair = ComposeQa(knowledge, intent, v1::LANGUAGE_ZH, rng);
      EXPECT_EQ(KnowledgeAnswers(knowledge, intent), !pair.hand_off)
          << cv1::Intent_Name(intent) << ": " << pair.reply;
    }
  }
  EXPECT_FALSE(KnowledgeAnswers(Knowledge().front(), cv1::INTENT_COMPLAINT));
  EXPECT_TRUE(KnowledgeAnswers(Knowledge().front(), cv1::INTENT_PRICE));
  EXPECT_FALSE(KnowledgeAnswers(bare, cv1::INTENT_PRICE));
}

TEST(QaComposerTest, HandOffReplyIsInTheRequestedLanguage) {
  EXPECT_EQ(HandOffReply(v1::LANGUAGE_ZH), "这个问题稍等，主播马上为您解答");
  EXPECT_EQ(HandOffReply(v1::LANGUAGE_EN), "Good question, the host will answer shortly.");
}

TEST(QaComposerTest, WrongMaterialGuessIsCorrected) {
  cv1::ProductKnowledge knowledge;
  knowledge.mutable_product()->set_id("p");
  knowledge.mutable_product()->set_material("雪纺");
  int corrected = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    catalog::Rng rng(seed);
    const QaPair pair = ComposeQa(knowledge, cv1::INTENT_MATERIAL, v1::LANGUAGE_ZH, rng);
    EXPECT_TRUE(absl::StrContains(pair.reply, "雪纺")) << pair.reply;
    if (!absl::StrContains(pair.question, "雪纺") &&
        (absl::StrContains(pair.question, "是") && absl::StrContains(pair.question, "吗"))) {
      // "是{guess}的吗" with another material: the reply says no.
      EXPECT_TRUE(absl::StrContains(pair.reply, "不是")) << pair.question << " => " << pair.reply;
      ++corrected;
    }
  }
  EXPECT_GT(corrected, 0);
}

TEST(QaComposerTest, QuestionsVaryAcrossDraws) {
  const cv1::ProductKnowledge knowledge = Knowledge()[0];
  for (const cv1::Intent intent : AllIntents()) {
    catalog::Rng rng(5);
    std::set<std::string> questions;
    for (int i = 0; i < 60; ++i) {
      questions.insert(ComposeQa(knowledge, intent, v1::LANGUAGE_ZH, rng).question);
    }
    EXPECT_GE(questions.size(), 8u) << intent;
  }
}

}  // namespace
}  // namespace aigc::copy_corpus
