#include "common/validation/fields.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/validation/testing/field_checks.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::validation {
namespace {

using common::v1::Product;

using testing::Chars;
using testing::ExpectInvalidField;

TEST(IdTest, ARoomIdMayHaveItsOwnLimit) {
  EXPECT_TRUE(ValidateId("room_id", Chars(64), 64).ok());
  ExpectInvalidField(ValidateId("room_id", Chars(65), 64), "room_id");
}

TEST(MoneyTest, NegativeAmountsAndBadCurrencyCodesNameTheSubfield) {
  common::v1::Money money;
  money.set_amount_minor(-1);
  money.set_currency_code("CNY");
  ExpectInvalidField(ValidateMoney("price", money), "price.amount_minor");
  money.set_amount_minor(0);
  money.set_currency_code("cny");
  ExpectInvalidField(ValidateMoney("price", money), "price.currency_code");
  money.set_currency_code("CNY");
  EXPECT_TRUE(ValidateMoney("price", money).ok());
}

// --- Products -------------------------------------------------------------------

Product ValidProduct() {
  Product product;
  product.set_id("sku-000123");
  product.set_title("法式碎花雪纺连衣裙");
  return product;
}

struct ProductCase {
  std::string name;
  std::function<void(Product&)> change;
  std::string field;
};

void SetPrice(Product& p, int64_t amount, const std::string& currency) {
  p.mutable_price()->set_amount_minor(amount);
  p.mutable_price()->set_currency_code(currency);
}

TEST(ProductValidationTest, EachRejectedProductNamesItsField) {
  using common::v1::Season;
  const std::vector<ProductCase> cases = {
      {"id empty", [](Product& p) { p.clear_id(); }, "items[2].id"},
      {"id disallowed", [](Product& p) { p.set_id("sku 1"); }, "items[2].id"},
      {"id over 128", [](Product& p) { p.set_id(Chars(129)); }, "items[2].id"},
      {"title empty", [](Product& p) { p.clear_title(); }, "items[2].title"},
      {"title over 200", [](Product& p) { p.set_title(Chars(201, "裙")); }, "items[2].title"},
      {"category unknown",
       [](Product& p) { p.set_category(static_cast<common::v1::Category>(11)); },
       "items[2].category"},
      {"brand over 100", [](Product& p) { p.set_brand(Chars(101)); }, "items[2].brand"},
      {"price negative", [](Product& p) { SetPrice(p, -1, "CNY"); }, "items[2].price.amount_minor"},
      {"price currency lower case", [](Product& p) { SetPrice(p, 100, "cny"); },
       "items[2].price.currency_code"},
      {"price currency empty", [](Product& p) { SetPrice(p, 100, ""); },
       "items[2].price.currency_code"},
      {"price currency of 4 letters", [](Product& p) { SetPrice(p, 100, "CNYX"); },
       "items[2].price.currency_code"},
      {"price currency with a digit", [](Product& p) { SetPrice(p, 100, "US1"); },
       "items[2].price.currency_code"},
      {"material over 100", [](Product& p) { p.set_material(Chars(101, "棉")); },
       "items[2].material"},
      {"33 colors",
       [](Product& p) {
         for (int i = 0; i < 33; ++i) p.add_colors("red");
       },
       "items[2].colors"},
      {"empty color",
       [](Product& p) {
         p.add_colors("米白");
         p.add_colors("");
       },
       "items[2].colors[1]"},
      {"color over 32", [](Product& p) { p.add_colors(Chars(33)); }, "items[2].colors[0]"},
      {"33 sizes",
       [](Product& p) {
         for (int i = 0; i < 33; ++i) p.add_sizes("XL");
       },
       "items[2].sizes"},
      {"size over 16", [](Product& p) { p.add_sizes(Chars(17)); }, "items[2].sizes[0]"},
      {"season unspecified", [](Product& p) { p.add_seasons(common::v1::SEASON_UNSPECIFIED); },
       "items[2].seasons[0]"},
      {"season unknown", [](Product& p) { p.add_seasons(static_cast<Season>(9)); },
       "items[2].seasons[0]"},
      {"season repeated",
       [](Product& p) {
         p.add_seasons(common::v1::SEASON_SUMMER);
         p.add_seasons(common::v1::SEASON_SUMMER);
       },
       "items[2].seasons[1]"},
      {"all year with summer",
       [](Product& p) {
         p.add_seasons(common::v1::SEASON_SUMMER);
         p.add_seasons(common::v1::SEASON_ALL_YEAR);
       },
       "items[2].seasons"},
      {"5 seasons",
       [](Product& p) {
         for (int s = 1; s <= 5; ++s) p.add_seasons(static_cast<Season>(s));
       },
       "items[2].seasons"},
      {"stock negative", [](Product& p) { p.set_stock_quantity(-1); }, "items[2].stock_quantity"},
      {"51 tags",
       [](Product& p) {
         for (int i = 0; i < 51; ++i) p.add_tags(absl::StrCat("t", i));
       },
       "items[2].tags"},
      {"tag over 64", [](Product& p) { p.add_tags(Chars(65)); }, "items[2].tags[0]"},
      {"empty tag",
       [](Product& p) {
         p.add_tags("Comedy");
         p.add_tags("Drama");
         p.add_tags("");
       },
       "items[2].tags[2]"},
      {"created_time negative nanos", [](Product& p) { p.mutable_created_time()->set_nanos(-1); },
       "items[2].created_time"},
      {"created_time after 9999",
       [](Product& p) { p.mutable_created_time()->set_seconds(253'402'300'800); },
       "items[2].created_time"},
      {"51 attributes",
       [](Product& p) {
         for (int i = 0; i < 51; ++i) (*p.mutable_attributes())[absl::StrCat("k", i)] = "value";
       },
       "items[2].attributes"},
      {"attribute key with upper case and hyphen",
       [](Product& p) { (*p.mutable_attributes())["Bad-Key"] = std::string("v"); },
       "items[2].attributes[Bad-Key]"},
      {"attribute key empty",
       [](Product& p) { (*p.mutable_attributes())[""] = std::string("v"); },
       "items[2].attributes[]"},
      {"attribute key over 64",
       [](Product& p) { (*p.mutable_attributes())[Chars(65)] = std::string("v"); },
       absl::StrCat("items[2].attributes[", Chars(65), "]")},
      {"attribute value over 256",
       [](Product& p) {
         (*p.mutable_attributes())["care"] = "手洗";
         (*p.mutable_attributes())["note"] = Chars(257, "字");
       },
       "items[2].attributes[note]"},
      {"description over 5000", [](Product& p) { p.set_description(Chars(5001, "描")); },
       "items[2].description"},
      {"kind unknown", [](Product& p) { p.set_kind(static_cast<common::v1::ItemKind>(4)); },
       "items[2].kind"},
  };
  for (const ProductCase& c : cases) {
    SCOPED_TRACE(c.name);
    Product product = ValidProduct();
    c.change(product);
    ExpectInvalidField(ValidateProduct(product, "items[2]"), c.field);
  }
}

TEST(ProductValidationTest, ExactBoundsAreAccepted) {
  Product product;
  product.set_id(Chars(128, "s"));
  product.set_title(Chars(200, "裙"));
  product.set_category(common::v1::CATEGORY_ANKLE_BOOT);
  product.set_brand(Chars(100, "牌"));
  SetPrice(product, 0, "CNY");  // A free item.
  product.set_material(Chars(100));
  for (int i = 0; i < 32; ++i) product.add_colors(Chars(32, "色"));
  for (int i = 0; i < 32; ++i) product.add_sizes(Chars(16, "码"));
  for (int s = 1; s <= 4; ++s) product.add_seasons(static_cast<common::v1::Season>(s));
  product.set_stock_quantity(0);
  for (int i = 0; i < 50; ++i) product.add_tags(Chars(64, "标"));
  product.mutable_created_time()->set_seconds(0);
  for (int i = 0; i < 49; ++i) (*product.mutable_attributes())[absl::StrCat("k.", i)] = "";
  (*product.mutable_attributes())[absl::StrCat(Chars(62, "z"), "_9")] = Chars(256, "值");
  product.set_description(Chars(5000, "描"));
  product.set_kind(common::v1::ITEM_KIND_OTHER);
  absl::Status status = ValidateProduct(product, "items[0]");
  EXPECT_TRUE(status.ok()) << status;

  Product movie;
  movie.set_id("ml-movie-296");
  movie.set_title("Pulp Fiction (1994)");
  movie.set_kind(common::v1::ITEM_KIND_MOVIE);
  movie.add_seasons(common::v1::SEASON_ALL_YEAR);
  status = ValidateProduct(movie, "items[0]");
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_TRUE(ValidateProduct(ValidProduct(), "items[0]").ok());
}

}  // namespace
}  // namespace aigc::validation
