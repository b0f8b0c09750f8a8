#include "services/recommender/serving/user_histories.h"

#include <cmath>
#include <filesystem>

#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

v1::Event Event(const std::string& user, const std::string& item, int64_t time) {
  v1::Event event;
  event.set_user_id(user);
  event.set_item_id(item);
  event.set_type(v1::EVENT_TYPE_CLICK);
  event.mutable_event_time()->set_seconds(time);
  return event;
}

TEST(UserHistoriesTest, KeepsTheNewestEventsPerUser) {
  UserHistories histories(2);
  histories.Append(
      {Event("u", "a", 1), Event("u", "b", 2), Event("v", "x", 3), Event("u", "c", 4)});
  const auto u = histories.Get("u");
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].item_id, "b");
  EXPECT_EQ(u[1].item_id, "c");
  EXPECT_EQ(u[1].type, v1::EVENT_TYPE_CLICK);
  EXPECT_TRUE(std::isnan(u[1].rating));
  EXPECT_TRUE(histories.Get("nobody").empty());
  EXPECT_EQ(histories.users(), 2);
}

TEST(UserHistoriesTest, LoadsEveryStoredEvent) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "user_histories_store";
  std::filesystem::remove_all(path);
  {
    auto store = Store::Open({.path = path});
    ASSERT_TRUE(store.ok()) << store.status();
    v1::Event rating = Event("u", "a", 1);
    rating.set_type(v1::EVENT_TYPE_RATING);
    rating.set_rating(4.5f);
    ASSERT_TRUE((*store)->AppendEvents({rating, Event("u", "b", 2)}).ok());
    UserHistories histories(10);
    ASSERT_TRUE(histories.Load(**store).ok());
    const auto u = histories.Get("u");
    ASSERT_EQ(u.size(), 2u);
    EXPECT_EQ(u[0].rating, 4.5f);
    EXPECT_EQ(u[1].item_id, "b");
  }
  std::filesystem::remove_all(path);
}

}  // namespace
}  // namespace aigc::recommender
