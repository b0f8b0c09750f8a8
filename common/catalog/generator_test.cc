#include "common/catalog/generator.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/catalog/vocabulary.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"

namespace aigc::catalog {
namespace {

namespace v1 = ::aigc::common::v1;

std::vector<v1::Product> Generate(uint64_t seed, int per_category) {
  auto products = GenerateCatalog({.seed = seed, .products_per_category = per_category});
  EXPECT_TRUE(products.ok()) << products.status();
  return products.ok() ? *products : std::vector<v1::Product>{};
}

// Deterministic serialisation (map entries in key order): the default one
// may order the attributes map differently for equal messages.
std::string Bytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  EXPECT_TRUE(message.SerializeToCodedStream(&coded));
  coded.Trim();
  return bytes;
}

std::string Serialize(const std::vector<v1::Product>& products) {
  std::string bytes;
  for (const v1::Product& product : products) bytes += Bytes(product);
  return bytes;
}

// Number of Unicode code points of UTF-8 `text`.
size_t CodePoints(const std::string& text) {
  size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

TEST(GeneratorTest, SameSeedGivesByteIdenticalProducts) {
  EXPECT_EQ(Serialize(Generate(7, 20)), Serialize(Generate(7, 20)));
}

TEST(GeneratorTest, DifferentSeedGivesDifferentProducts) {
  EXPECT_NE(Serialize(Generate(7, 20)), Serialize(Generate(8, 20)));
}

TEST(GeneratorTest, AProductDoesNotDependOnCatalogueSize) {
  const std::vector<v1::Product> small = Generate(3, 2);
  const std::vector<v1::Product> large = Generate(3, 5);
  // Product 2 of category label 1 is small[3] and large[6].
  ASSERT_EQ(small[3].id(), "sku-1-0002");
  ASSERT_EQ(large[6].id(), "sku-1-0002");
  EXPECT_EQ(Bytes(small[3]), Bytes(large[6]));
}

TEST(GeneratorTest, RejectsOutOfRangeProductCount) {
  for (const int count : {0, -1, 10000}) {
    const auto products = GenerateCatalog({.products_per_category = count});
    EXPECT_EQ(products.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(products.status().message(), ::testing::HasSubstr("products_per_category"));
  }
}

TEST(GeneratorTest, EveryProductIsValidAndDrawnFromItsCategoryVocabulary) {
  const CatalogOptions options{.seed = 11, .products_per_category = 60};
  const auto products = GenerateCatalog(options);
  ASSERT_TRUE(products.ok());
  ASSERT_EQ(products->size(), 600u);
  std::set<std::string> ids;
  std::set<int> categories;
  int sold_out = 0;
  for (const v1::Product& p : *products) {
    SCOPED_TRACE(p.id());
    const CategoryInfo& info = Info(p.category());
    categories.insert(p.category());
    EXPECT_TRUE(ids.insert(p.id()).second) << "duplicate id";
    EXPECT_EQ(p.id().substr(0, 6), absl::StrCat("sku-", p.category() - 1, "-"));
    EXPECT_EQ(p.id().size(), 10u);
    EXPECT_EQ(p.kind(), v1::ITEM_KIND_PRODUCT);
    EXPECT_GE(CodePoints(p.title()), 1u);
    EXPECT_LE(CodePoints(p.title()), 200u);
    EXPECT_TRUE(absl::StartsWith(p.title(), p.brand() + " "));
    EXPECT_TRUE(absl::EndsWith(p.title(), p.material() + info.noun.zh));
    EXPECT_NE(FindTerm(Brands(), p.brand()), nullptr);
    EXPECT_NE(FindTerm(info.materials, p.material()), nullptr);

    EXPECT_EQ(p.price().currency_code(), "CNY");
    const int64_t yuan = p.price().amount_minor() / 100;
    EXPECT_EQ(p.price().amount_minor() % 100, 0);
    EXPECT_GE(yuan, info.min_price_yuan);
    EXPECT_LE(yuan, info.max_price_yuan);
    EXPECT_TRUE(yuan % 10 == 9 || (yuan >= 1000 && yuan % 100 == 0)) << yuan;

    EXPECT_GE(p.colors_size(), 1);
    EXPECT_LE(p.colors_size(), 4);
    std::set<std::string> colors(p.colors().begin(), p.colors().end());
    EXPECT_EQ(colors.size(), static_cast<size_t>(p.colors_size()));
    for (const std::string& color : p.colors()) EXPECT_NE(FindTerm(Colors(), color), nullptr);

    ASSERT_GE(p.sizes_size(), 1);
    for (const std::string& size : p.sizes()) {
      EXPECT_TRUE(Contains(info.sizes, size)) << size;
      EXPECT_GE(size.size(), 1u);
      EXPECT_LE(CodePoints(size), 16u);
    }

    ASSERT_GE(p.seasons_size(), 1);
    EXPECT_LE(p.seasons_size(), 4);
    for (int i = 0; i < p.seasons_size(); ++i) {
      const auto season = static_cast<v1::Season>(p.seasons(i));
      EXPECT_NE(std::find(info.seasons.begin(), info.seasons.end(), season), info.seasons.end());
      if (season == v1::SEASON_ALL_YEAR) {
        EXPECT_EQ(p.seasons_size(), 1);
      }
      if (i > 0) {
        EXPECT_LT(p.seasons(i - 1), p.seasons(i));
      }
    }

    ASSERT_TRUE(p.has_stock_quantity());
    EXPECT_GE(p.stock_quantity(), 0);
    EXPECT_LE(p.stock_quantity(), 500);
    sold_out += p.stock_quantity() == 0;

    EXPECT_GE(p.tags_size(), 1);
    EXPECT_LE(p.tags_size(), 3);
    for (const std::string& tag : p.tags()) EXPECT_NE(FindTerm(info.styles, tag), nullptr);

    for (const Attribute& attribute : info.attributes) {
      ASSERT_TRUE(p.attributes().contains(attribute.key)) << attribute.key;
      EXPECT_NE(FindTerm(attribute.values, p.attributes().at(attribute.key)), nullptr);
    }
    EXPECT_EQ(p.attributes().at("care"), CareFor(p.material())->zh);

    const int64_t now = absl::ToUnixSeconds(options.now);
    EXPECT_LE(p.created_time().seconds(), now);
    EXPECT_GT(p.created_time().seconds(), now - 180 * 24 * 3600);
    EXPECT_THAT(p.description(), ::testing::HasSubstr(p.material()));
  }
  EXPECT_EQ(categories.size(), 10u);
  // About one in ten is sold out; 600 draws make 20..100 a safe band.
  EXPECT_GT(sold_out, 20);
  EXPECT_LT(sold_out, 100);
}

TEST(GeneratorTest, IdsAreNumberedPerCategory) {
  const std::vector<v1::Product> products = Generate(1, 3);
  ASSERT_EQ(products.size(), 30u);
  EXPECT_EQ(products[0].id(), "sku-0-0001");
  EXPECT_EQ(products[2].id(), "sku-0-0003");
  EXPECT_EQ(products[29].id(), "sku-9-0003");
  EXPECT_EQ(products[29].category(), v1::CATEGORY_ANKLE_BOOT);
}

TEST(KnowledgeTest, KnowledgeStatesOnlyTheProductsFactsAndIsDeterministic) {
  for (const v1::Product& product : Generate(5, 30)) {
    SCOPED_TRACE(product.id());
    const auto knowledge = MakeKnowledge(product, 9);
    EXPECT_EQ(Bytes(knowledge), Bytes(MakeKnowledge(product, 9)));
    EXPECT_EQ(Bytes(knowledge.product()), Bytes(product));
    EXPECT_NE(FindTerm(Info(product.category()).fit_notes, knowledge.size_fit_notes()), nullptr);
    EXPECT_NE(FindTerm(ShippingTerms(), knowledge.shipping_info()), nullptr);
    EXPECT_EQ(knowledge.care_instructions(), CareFor(product.material())->zh);
    EXPECT_LE(knowledge.promotions_size(), 2);
    const int64_t price = product.price().amount_minor();
    for (const auto& promotion : knowledge.promotions()) {
      EXPECT_FALSE(promotion.description().empty());
      if (promotion.has_final_price()) {
        EXPECT_LT(promotion.final_price().amount_minor(), price);
        EXPECT_GT(promotion.final_price().amount_minor(), 0);
        EXPECT_EQ(promotion.final_price().currency_code(), "CNY");
      }
    }
    EXPECT_GE(knowledge.faqs_size(), 1);
    EXPECT_LE(knowledge.faqs_size(), 3);
  }
}

TEST(KnowledgeTest, FullReductionIsSubtractedFromThePrice) {
  v1::Product product;
  product.set_id("sku-x");
  product.set_material("雪纺");
  product.mutable_price()->set_amount_minor(39900);
  product.mutable_price()->set_currency_code("CNY");
  // Over many seeds both the 满299减30 rule (399 − 30) and the 9折 rule
  // (399 × 0.9 = 359.1, rounded down) must show up with these final prices.
  bool seen_minus = false;
  bool seen_percent = false;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const auto knowledge = MakeKnowledge(product, seed);
    for (const auto& promotion : knowledge.promotions()) {
      if (promotion.description() == "满299减30") {
        EXPECT_EQ(promotion.final_price().amount_minor(), 36900);
        seen_minus = true;
      }
      if (promotion.description() == "限时9折") {
        EXPECT_EQ(promotion.final_price().amount_minor(), 35900);
        seen_percent = true;
      }
      if (promotion.description() == "第二件半价") {
        EXPECT_FALSE(promotion.has_final_price());
      }
    }
  }
  EXPECT_TRUE(seen_minus);
  EXPECT_TRUE(seen_percent);
}

TEST(KnowledgeTest, ProductOutsideTheCatalogueGetsNoFitNotes) {
  v1::Product product;
  product.set_id("ml-movie-1");
  product.set_title("Toy Story (1995)");
  const auto knowledge = MakeKnowledge(product, 1);
  EXPECT_TRUE(knowledge.size_fit_notes().empty());
  EXPECT_TRUE(knowledge.care_instructions().empty());
  EXPECT_EQ(knowledge.promotions_size(), 0);
  EXPECT_EQ(knowledge.faqs_size(), 0);
  EXPECT_FALSE(knowledge.shipping_info().empty());
}

}  // namespace
}  // namespace aigc::catalog
