#include "services/recommender/training/trainer.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "services/recommender/repository/rec_models.h"

namespace aigc::recommender {
namespace {

namespace fs = std::filesystem;
namespace v1 = aigc::recommender::v1;

// Two taste groups of 10 users each; user g/u interacted with 8 of the 10
// items of group g (a different pair missing per user).
TrainingSet TwoGroups() {
  TrainingSet set;
  for (int group = 0; group < 2; ++group) {
    for (int user = 0; user < 10; ++user) {
      for (int item = 0; item < 10; ++item) {
        if (item == user || item == (user + 1) % 10) continue;
        set.interactions.push_back({.user = set.users.Add(absl::StrCat("u", group, "_", user)),
                                    .item = set.items.Add(absl::StrCat("i", group, "_", item)),
                                    .weight = 1,
                                    .time = item});
      }
    }
  }
  set.item_tokens.resize(set.items.size());
  set.item_categories.assign(set.items.size(), 0);
  return set;
}

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::path(::testing::TempDir()) /
        ("trainer_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  TrainRunOptions Options(std::vector<v1::Algorithm> algorithms, bool evaluate) {
    TrainRunOptions options;
    options.algorithms = std::move(algorithms);
    options.evaluate = evaluate;
    options.repository = root_;
    options.created_by = "trainer_test";
    return options;
  }

  fs::path root_;
};

TEST_F(TrainerTest, PublishesANewVersionPerRun) {
  const TrainingSet set = TwoGroups();
  for (int64_t version : {1, 2}) {
    auto result = TrainAndPublish(
        set, Options({v1::ALGORITHM_POPULARITY, v1::ALGORITHM_ITEM_KNN, v1::ALGORITHM_HYBRID},
                     /*evaluate=*/false));
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->published.size(), 2u);  // the hybrid has nothing to publish
    EXPECT_EQ(result->published.at(v1::ALGORITHM_ITEM_KNN).version(), version);
    EXPECT_EQ(result->published.at(v1::ALGORITHM_ITEM_KNN).created_by(), "trainer_test");
    EXPECT_TRUE(result->metrics.empty());
  }
  EXPECT_TRUE(fs::exists(root_ / "rec-popularity" / "2" / "manifest.json"));
}

TEST_F(TrainerTest, EvaluationMetricsGoIntoTheResultAndTheManifest) {
  TrainRunOptions options = Options({v1::ALGORITHM_ITEM_KNN}, /*evaluate=*/true);
  std::vector<double> progress;
  options.context.progress = [&](double fraction, absl::string_view) {
    progress.push_back(fraction);
  };
  auto result = TrainAndPublish(TwoGroups(), options);
  ASSERT_TRUE(result.ok()) << result.status();
  // Every held-out item is of the user's own group, which item kNN ranks
  // first: each user's one or two test items are in the top 10.
  EXPECT_DOUBLE_EQ(result->metrics.at("item_knn/hit_rate@10"), 1.0);
  EXPECT_EQ(ManifestMetrics(result->published.at(v1::ALGORITHM_ITEM_KNN)).at("hit_rate@10"), 1.0);
  ASSERT_FALSE(progress.empty());
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_DOUBLE_EQ(progress.back(), 1.0);
}

TEST_F(TrainerTest, CancellationStopsBeforePublishing) {
  TrainRunOptions options = Options({v1::ALGORITHM_POPULARITY}, /*evaluate=*/true);
  options.context.cancelled = [] { return true; };
  EXPECT_EQ(TrainAndPublish(TwoGroups(), options).status().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(fs::exists(root_ / "rec-popularity" / "1"));
}

TEST_F(TrainerTest, TheHybridAloneIsNothingToTrain) {
  EXPECT_EQ(TrainAndPublish(TwoGroups(), Options({v1::ALGORITHM_HYBRID}, false)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TrainerTest, TrainingSetFromStoreHoldsItemsAndEvents) {
  auto store = Store::Open({.path = root_ / "store"});
  ASSERT_TRUE(store.ok()) << store.status();
  aigc::common::v1::Product dress;
  dress.set_id("p1");
  dress.set_title("连衣裙");
  dress.set_category(aigc::common::v1::CATEGORY_DRESS);
  ASSERT_TRUE((*store)->UpsertItems({dress}, absl::Now()).ok());
  v1::Event event;
  event.set_user_id("u1");
  event.set_item_id("p1");
  event.set_type(v1::EVENT_TYPE_PURCHASE);
  event.mutable_event_time()->set_seconds(1000);
  ASSERT_TRUE((*store)->AppendEvents({event}).ok());

  auto set = TrainingSetFromStore(**store);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->items.ids(), std::vector<std::string>{"p1"});
  EXPECT_EQ(set->users.ids(), std::vector<std::string>{"u1"});
  ASSERT_EQ(set->interactions.size(), 1u);
  EXPECT_EQ(set->interactions[0].weight, ImplicitWeight(v1::EVENT_TYPE_PURCHASE));
  EXPECT_EQ(set->item_tokens[0], std::vector<std::string>{"category:dress"});
  EXPECT_EQ(set->now, 1000);
}

}  // namespace
}  // namespace aigc::recommender
