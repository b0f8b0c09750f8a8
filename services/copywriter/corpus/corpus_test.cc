#include "services/copywriter/corpus/corpus.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/catalog/generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/copywriter/corpus/prompt.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;
using ::testing::HasSubstr;

struct Fixture {
  std::vector<v1::Product> products;
  std::vector<cv1::ProductKnowledge> knowledge;
};

Fixture MakeFixture(int per_category) {
  Fixture fixture;
  fixture.products = *catalog::GenerateCatalog({.seed = 6, .products_per_category = per_category});
  for (const auto& product : fixture.products) {
    fixture.knowledge.push_back(catalog::MakeKnowledge(product, 6));
  }
  return fixture;
}

TEST(CorpusTest, CountsFollowTheOptions) {
  const Fixture fixture = MakeFixture(2);  // 20 products
  CorpusOptions options;
  options.copies_per_combination = 2;
  options.questions_per_intent = 1;
  options.every_language = true;
  const auto corpus = BuildCorpus(fixture.products, fixture.knowledge, options);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  // Per product: 3 styles × 4 channels × 2 languages × 2 copies + 10 intents × 2 languages.
  EXPECT_EQ(corpus->train.size() + corpus->test.size(), 20u * (48 + 20));

  options.every_language = false;
  const auto halved = BuildCorpus(fixture.products, fixture.knowledge, options);
  ASSERT_TRUE(halved.ok());
  EXPECT_EQ(halved->train.size() + halved->test.size(), 20u * (24 + 10));
}

TEST(CorpusTest, SplitIsByProductAndDeterministic) {
  const Fixture fixture = MakeFixture(20);  // 200 products
  const auto first = BuildCorpus(fixture.products, fixture.knowledge, {});
  const auto second = BuildCorpus(fixture.products, fixture.knowledge, {});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->train, second->train);
  EXPECT_EQ(first->test, second->test);

  std::set<std::string> train_ids, test_ids;
  for (const auto& example : first->train) train_ids.insert(example.product_id);
  for (const auto& example : first->test) test_ids.insert(example.product_id);
  for (const std::string& id : test_ids) {
    EXPECT_FALSE(train_ids.contains(id)) << id;
    EXPECT_TRUE(IsTestProduct(id, 42, 0.1));
  }
  // 10% of 200 products; a seeded hash gives 20 ± noise.
  EXPECT_GE(test_ids.size(), 8u);
  EXPECT_LE(test_ids.size(), 35u);
  EXPECT_EQ(train_ids.size() + test_ids.size(), 200u);
}

TEST(CorpusTest, SplitFractionBoundsAreExact) {
  EXPECT_FALSE(IsTestProduct("sku-0-0001", 1, 0.0));
  EXPECT_TRUE(IsTestProduct("sku-0-0001", 1, 1.0));
  // Another seed moves products between the splits.
  int moved = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string id = absl::StrCat("sku-1-", 1000 + i);
    moved += IsTestProduct(id, 1, 0.5) != IsTestProduct(id, 2, 0.5);
  }
  EXPECT_GT(moved, 10);
}

TEST(CorpusTest, ExamplesCarryTheirLabelsAndPrompts) {
  const Fixture fixture = MakeFixture(3);
  CorpusOptions options;
  options.test_fraction = 0;
  const auto corpus = BuildCorpus(fixture.products, fixture.knowledge, options);
  ASSERT_TRUE(corpus.ok());
  EXPECT_TRUE(corpus->test.empty());
  std::set<cv1::Intent> intents;
  std::set<v1::Language> languages;
  for (const CorpusExample& example : corpus->train) {
    languages.insert(example.language);
    EXPECT_FALSE(example.completion.empty());
    if (example.kind == CorpusExample::kQa) {
      intents.insert(example.intent);
      EXPECT_EQ(example.style, cv1::COPY_STYLE_UNSPECIFIED);
      EXPECT_TRUE(example.prompt.ends_with(example.question)) << example.prompt;
    } else {
      EXPECT_NE(example.style, cv1::COPY_STYLE_UNSPECIFIED);
      EXPECT_NE(example.channel, cv1::CHANNEL_UNSPECIFIED);
      EXPECT_EQ(example.intent, cv1::INTENT_UNSPECIFIED);
      EXPECT_THAT(example.prompt, HasSubstr(StyleName(example.style, example.language)));
    }
  }
  EXPECT_EQ(intents.size(), 10u);
  EXPECT_EQ(languages.size(), 2u);
}

TEST(CorpusTest, RejectsBadInputNamingTheField) {
  const Fixture fixture = MakeFixture(1);
  CorpusOptions bad;
  bad.copies_per_combination = -1;
  EXPECT_THAT(std::string(BuildCorpus(fixture.products, {}, bad).status().message()),
              HasSubstr("copies_per_combination"));
  bad = {};
  bad.test_fraction = 1.5;
  EXPECT_THAT(std::string(BuildCorpus(fixture.products, {}, bad).status().message()),
              HasSubstr("test_fraction"));
  bad = {};
  bad.languages = {v1::LANGUAGE_UNSPECIFIED};
  EXPECT_THAT(std::string(BuildCorpus(fixture.products, {}, bad).status().message()),
              HasSubstr("languages[0]"));

  std::vector<v1::Product> duplicated = fixture.products;
  duplicated.push_back(fixture.products[0]);
  const auto duplicate = BuildCorpus(duplicated, {}, {});
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(duplicate.status().message()), HasSubstr("catalog[10].id"));

  std::vector<cv1::ProductKnowledge> stray = {fixture.knowledge[0]};
  stray[0].mutable_product()->set_id("sku-unknown");
  EXPECT_THAT(std::string(BuildCorpus(fixture.products, stray, {}).status().message()),
              HasSubstr("knowledge[0].product.id"));
}

}  // namespace
}  // namespace aigc::copy_corpus
