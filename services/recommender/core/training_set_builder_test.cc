#include "services/recommender/core/training_set_builder.h"

#include <cmath>

#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace common = aigc::common::v1;
namespace v1 = aigc::recommender::v1;

v1::Event MakeEvent(const std::string& user, const std::string& item, v1::EventType type,
                    int64_t seconds) {
  v1::Event event;
  event.set_user_id(user);
  event.set_item_id(item);
  event.set_type(type);
  event.mutable_event_time()->set_seconds(seconds);
  return event;
}

TEST(TrainingSetBuilderTest, IndexesUsersItemsAndAttributes) {
  TrainingSetBuilder builder;
  common::Product dress;
  dress.set_id("p1");
  dress.set_category(common::CATEGORY_DRESS);
  builder.AddItem(dress);
  builder.AddEvent(MakeEvent("u9", "p2", v1::EVENT_TYPE_PURCHASE, 100));
  v1::Event rating = MakeEvent("u8", "p1", v1::EVENT_TYPE_RATING, 50);
  rating.set_rating(4.5f);
  builder.AddEvent(rating);
  builder.AddEvent(MakeEvent("u8", "p1", v1::EVENT_TYPE_UNSPECIFIED, 500));  // ignored

  const TrainingSet set = builder.Build();
  EXPECT_EQ(set.items.ids(), (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(set.users.ids(), (std::vector<std::string>{"u9", "u8"}));
  EXPECT_EQ(set.item_categories, (std::vector<int32_t>{common::CATEGORY_DRESS, 0}));
  EXPECT_EQ(set.item_tokens[0], (std::vector<std::string>{"category:dress"}));
  EXPECT_TRUE(set.item_tokens[1].empty());
  ASSERT_EQ(set.interactions.size(), 2u);
  EXPECT_EQ(set.interactions[0].weight, ImplicitWeight(v1::EVENT_TYPE_PURCHASE));
  EXPECT_TRUE(std::isnan(set.interactions[0].rating));
  EXPECT_EQ(set.interactions[1].rating, 4.5f);
  EXPECT_EQ(set.interactions[1].user, 1);
  EXPECT_EQ(set.now, 100);
}

TEST(TrainingSetBuilderTest, BuildLeavesTheBuilderEmpty) {
  TrainingSetBuilder builder;
  builder.AddEvent(MakeEvent("u", "i", v1::EVENT_TYPE_VIEW, 1));
  EXPECT_EQ(builder.Build().interactions.size(), 1u);
  EXPECT_TRUE(builder.Build().interactions.empty());
}

}  // namespace
}  // namespace aigc::recommender
