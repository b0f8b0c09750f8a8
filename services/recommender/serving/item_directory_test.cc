#include "services/recommender/serving/item_directory.h"

#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace common = aigc::common::v1;
namespace v1 = aigc::recommender::v1;

ItemInfo Dress() {
  ItemDirectory directory;
  common::Product product;
  product.set_id("d1");
  product.set_category(common::CATEGORY_DRESS);
  product.add_tags("Summer");
  product.mutable_price()->set_amount_minor(29900);
  product.mutable_price()->set_currency_code("CNY");
  product.set_stock_quantity(0);
  directory.Put({product});
  return *directory.Find("d1");
}

TEST(ItemDirectoryTest, FindsWhatWasPutAndReplaces) {
  ItemDirectory directory;
  common::Product product;
  product.set_id("x");
  product.set_title("old");
  directory.Put({product});
  const auto old_info = directory.Find("x");
  product.set_title("new");
  directory.Put({product});
  EXPECT_EQ(directory.Find("x")->product.title(), "new");
  EXPECT_EQ(old_info->product.title(), "old");  // holders keep their version
  EXPECT_EQ(directory.Find("y"), nullptr);
  EXPECT_EQ(directory.size(), 1);
}

TEST(ItemDirectoryTest, FiltersFollowTheContract) {
  const ItemInfo dress = Dress();
  struct Case {
    std::string label;
    std::function<void(v1::ItemFilter&)> set;
    bool passes;
  };
  const std::vector<Case> cases = {
      {"no filter", [](v1::ItemFilter&) {}, true},
      {"included category",
       [](v1::ItemFilter& f) { f.add_include_categories(common::CATEGORY_DRESS); }, true},
      {"other category", [](v1::ItemFilter& f) { f.add_include_categories(common::CATEGORY_COAT); },
       false},
      {"excluded category",
       [](v1::ItemFilter& f) { f.add_exclude_categories(common::CATEGORY_DRESS); }, false},
      {"kind product (unset counts)",
       [](v1::ItemFilter& f) { f.add_include_kinds(common::ITEM_KIND_PRODUCT); }, true},
      {"kind movie", [](v1::ItemFilter& f) { f.add_include_kinds(common::ITEM_KIND_MOVIE); },
       false},
      {"out of stock", [](v1::ItemFilter& f) { f.set_in_stock_only(true); }, false},
      {"tag, any case", [](v1::ItemFilter& f) { f.add_include_tags("summer"); }, true},
      {"missing tag", [](v1::ItemFilter& f) { f.add_include_tags("winter"); }, false},
      {"excluded tag", [](v1::ItemFilter& f) { f.add_exclude_tags("SUMMER"); }, false},
      {"price in range",
       [](v1::ItemFilter& f) {
         f.mutable_price_range()->mutable_max_price()->set_amount_minor(29900);
         f.mutable_price_range()->mutable_max_price()->set_currency_code("CNY");
       },
       true},
      {"price above max",
       [](v1::ItemFilter& f) {
         f.mutable_price_range()->mutable_max_price()->set_amount_minor(29899);
         f.mutable_price_range()->mutable_max_price()->set_currency_code("CNY");
       },
       false},
      {"other currency",
       [](v1::ItemFilter& f) {
         f.mutable_price_range()->mutable_min_price()->set_amount_minor(0);
         f.mutable_price_range()->mutable_min_price()->set_currency_code("USD");
       },
       false},
  };
  for (const Case& c : cases) {
    v1::ItemFilter filter;
    c.set(filter);
    EXPECT_EQ(PassesFilter(dress, filter), c.passes) << c.label;
  }
}

}  // namespace
}  // namespace aigc::recommender
