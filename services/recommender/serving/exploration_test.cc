#include "services/recommender/serving/exploration.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

v1::Event Act(const std::string& user, const std::string& item, v1::EventType type) {
  v1::Event event;
  event.set_user_id(user);
  event.set_item_id(item);
  event.set_type(type);
  return event;
}

TEST(ExplorationBanditTest, AClickOnAnExploredItemRewardsItOnce) {
  ExplorationBandit bandit;
  bandit.RecordImpression("u1", "a");
  bandit.Observe({Act("u1", "a", v1::EVENT_TYPE_VIEW),        // views are no reward
                  Act("u2", "a", v1::EVENT_TYPE_CLICK),       // another user's click neither
                  Act("u1", "a", v1::EVENT_TYPE_CLICK),       // the reward
                  Act("u1", "a", v1::EVENT_TYPE_PURCHASE)});  // counted once per impression
  EXPECT_EQ(bandit.Arm("a"), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(bandit.Arm("b"), std::make_pair(int64_t{0}, int64_t{0}));
}

TEST(ExplorationBanditTest, OldImpressionsAgeOut) {
  ExplorationBandit bandit(/*max_pending=*/2);
  bandit.RecordImpression("u1", "a");
  bandit.RecordImpression("u2", "a");
  bandit.RecordImpression("u3", "a");  // u1's impression is dropped
  bandit.Observe({Act("u1", "a", v1::EVENT_TYPE_CLICK), Act("u3", "a", v1::EVENT_TYPE_CLICK)});
  EXPECT_EQ(bandit.Arm("a"), std::make_pair(int64_t{3}, int64_t{1}));
}

TEST(ExplorationBanditTest, ThompsonSamplingFavoursTheArmThatPaysOff) {
  ExplorationBandit bandit;
  for (int n = 0; n < 20; ++n) {
    const std::string user = absl::StrCat("u", n);
    bandit.RecordImpression(user, "good");
    bandit.RecordImpression(user, "bad");
    bandit.Observe({Act(user, "good", v1::EVENT_TYPE_ADD_TO_CART)});
  }
  const std::vector<std::string> arms = {"bad", "good", "new"};
  int good = 0, fresh = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const int picked = bandit.Pick(arms, seed);
    ASSERT_GE(picked, 0);
    good += arms[picked] == "good";
    fresh += arms[picked] == "new";
  }
  // Beta(21, 1) beats Beta(1, 21) always and Beta(1, 1) about 95 % of the time.
  EXPECT_GT(good, 170);
  EXPECT_GT(fresh, 0);  // an untried arm still gets a chance
  EXPECT_EQ(bandit.Pick({}, 1), -1);
}

}  // namespace
}  // namespace aigc::recommender
