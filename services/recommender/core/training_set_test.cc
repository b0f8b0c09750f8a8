#include "services/recommender/core/training_set.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace common = aigc::common::v1;
namespace v1 = aigc::recommender::v1;
using ::testing::ElementsAre;

constexpr float kNoRating = std::numeric_limits<float>::quiet_NaN();

TrainingSet Sample() {
  TrainingSet set;
  set.users = IdIndex({"u0", "u1"});
  set.items = IdIndex({"a", "b"});
  set.interactions = {
      {.user = 0, .item = 0, .weight = 1, .rating = kNoRating, .time = 5},
      {.user = 0, .item = 0, .weight = 3, .rating = 4.0f, .time = 9},
      {.user = 0, .item = 0, .weight = 2, .rating = 2.0f, .time = 7},
      {.user = 1, .item = 1, .weight = 4, .rating = kNoRating, .time = 1},
  };
  return set;
}

TEST(TrainingSetTest, ImplicitMatrixSumsWeights) {
  const SparseMatrix m = ImplicitMatrix(Sample());
  EXPECT_EQ(m.rows(), 2);
  EXPECT_EQ(m.cols(), 2);
  EXPECT_EQ(m.coeff(0, 0), 6.0f);
  EXPECT_EQ(m.coeff(1, 1), 4.0f);
  EXPECT_EQ(m.nonZeros(), 2);
}

TEST(TrainingSetTest, BinaryMatrixMarksPairsOnce) {
  const SparseMatrix m = BinaryMatrix(Sample());
  EXPECT_EQ(m.coeff(0, 0), 1.0f);
  EXPECT_EQ(m.coeff(1, 1), 1.0f);
  EXPECT_EQ(m.coeff(0, 1), 0.0f);
}

TEST(TrainingSetTest, RatingMatrixKeepsTheNewestRating) {
  const SparseMatrix m = RatingMatrix(Sample());
  EXPECT_EQ(m.coeff(0, 0), 4.0f);  // time 9 beats time 7
  EXPECT_EQ(m.nonZeros(), 1);
}

TEST(TrainingSetTest, EventWeightsGrowWithCommitment) {
  EXPECT_LT(ImplicitWeight(v1::EVENT_TYPE_VIEW), ImplicitWeight(v1::EVENT_TYPE_CLICK));
  EXPECT_LT(ImplicitWeight(v1::EVENT_TYPE_CLICK), ImplicitWeight(v1::EVENT_TYPE_ADD_TO_CART));
  EXPECT_LT(ImplicitWeight(v1::EVENT_TYPE_ADD_TO_CART), ImplicitWeight(v1::EVENT_TYPE_PURCHASE));
  EXPECT_EQ(ImplicitWeight(v1::EVENT_TYPE_UNSPECIFIED), 0.0f);
}

TEST(TrainingSetTest, ItemTokensCoverEveryAttributeKind) {
  common::Product item;
  item.set_category(common::CATEGORY_DRESS);
  item.set_kind(common::ITEM_KIND_PRODUCT);
  item.add_tags(" Summer Sale ");
  item.set_brand("Acme");
  item.set_material("雪纺");
  item.add_colors("Red");
  item.add_seasons(common::SEASON_SUMMER);
  item.mutable_price()->set_amount_minor(19900);  // 199.00: band floor(log2 199) = 7
  item.mutable_price()->set_currency_code("CNY");
  (*item.mutable_attributes())["year"] = "1995";
  EXPECT_THAT(ItemTokens(item), ElementsAre("brand:acme", "category:dress", "color:red",
                                            "decade:1990s", "kind:product", "material:雪纺",
                                            "price:cny:7", "season:summer", "tag:summer sale"));
}

TEST(TrainingSetTest, TokenJaccardIsSharedOverUnited) {
  EXPECT_DOUBLE_EQ(TokenJaccard({"a", "b", "c"}, {"b", "c", "d"}), 0.5);
  EXPECT_DOUBLE_EQ(TokenJaccard({"a"}, {"a"}), 1.0);
  EXPECT_DOUBLE_EQ(TokenJaccard({}, {}), 0.0);
  EXPECT_DOUBLE_EQ(TokenJaccard({"a"}, {"b"}), 0.0);
}

TEST(TrainingSetTest, ItemTokensOfABareItemAreEmpty) {
  EXPECT_TRUE(ItemTokens(common::Product()).empty());
}

}  // namespace
}  // namespace aigc::recommender
