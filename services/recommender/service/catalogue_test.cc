#include "services/recommender/service/catalogue.h"

#include <memory>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/recommender/service/internal/temp_store.h"

namespace aigc::recommender {
namespace {

using internal::TempStore;
using internal::TestItem;
using Items = google::protobuf::RepeatedPtrField<common::v1::Product>;

Items MakeItems(std::vector<common::v1::Product> items) {
  return Items(items.begin(), items.end());
}

TEST(CatalogueTest, LoadFindsTheItemsAlreadyStored) {
  TempStore temp;
  ItemDirectory items;
  ASSERT_NE(temp.store(), nullptr);
  ASSERT_TRUE(temp.store()->UpsertItems({TestItem("m1"), TestItem("m2")}, absl::Now()).ok());

  const absl::StatusOr<std::unique_ptr<Catalogue>> catalogue =
      Catalogue::Load(temp.store(), &items);
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  EXPECT_EQ((*catalogue)->size(), 2);
  EXPECT_TRUE((*catalogue)->Contains("m1"));
  EXPECT_TRUE((*catalogue)->Contains("m2"));
  EXPECT_FALSE((*catalogue)->Contains("m3"));
}

TEST(CatalogueTest, UpsertStoresValidItemsReportsInvalidOnesAndLearnsNewIds) {
  TempStore temp;
  ItemDirectory items;
  ASSERT_NE(temp.store(), nullptr);
  ASSERT_TRUE(temp.store()->UpsertItems({TestItem("old")}, absl::Now()).ok());
  auto catalogue = Catalogue::Load(temp.store(), &items);
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();

  common::v1::Product untitled = TestItem("bad");
  untitled.clear_title();
  // 0: new, 1: invalid, 2: replaces a stored item, 3: repeats 0 (the last wins).
  common::v1::Product renamed = TestItem("new");
  renamed.set_title("Renamed");
  const absl::StatusOr<UpsertSummary> summary =
      (*catalogue)
          ->Upsert(MakeItems({TestItem("new"), untitled, TestItem("old"), renamed}), absl::Now(),
                   absl::InfiniteFuture());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->created_count, 1);
  EXPECT_EQ(summary->updated_count, 2);
  EXPECT_EQ(summary->rejected_count, 1);
  ASSERT_EQ(summary->errors.size(), 1u);
  EXPECT_EQ(summary->errors[0].index(), 1);
  EXPECT_EQ(summary->errors[0].id(), "bad");
  EXPECT_EQ(summary->errors[0].field(), "items[1].title");
  EXPECT_EQ(summary->errors[0].status().code(), 3);

  EXPECT_TRUE((*catalogue)->Contains("new"));
  EXPECT_FALSE((*catalogue)->Contains("bad"));
  EXPECT_EQ((*catalogue)->size(), 2);
  EXPECT_EQ(temp.store()->item_count(), 2);
  const auto stored = temp.store()->GetItem("new");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->title(), "Renamed");
}

TEST(CatalogueTest, AllInvalidBatchWritesNothingAndIsStillAnAnswer) {
  TempStore temp;
  ItemDirectory items;
  ASSERT_NE(temp.store(), nullptr);
  auto catalogue = Catalogue::Load(temp.store(), &items);
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  const absl::StatusOr<UpsertSummary> summary =
      (*catalogue)
          ->Upsert(MakeItems({TestItem("bad id"), TestItem("")}), absl::Now(),
                   absl::InfiniteFuture());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->rejected_count, 2);
  EXPECT_EQ(summary->created_count + summary->updated_count, 0);
  ASSERT_EQ(summary->errors.size(), 2u);
  EXPECT_EQ(summary->errors[0].field(), "items[0].id");
  EXPECT_EQ(summary->errors[1].field(), "items[1].id");
  EXPECT_EQ(temp.store()->item_count(), 0);
}

TEST(CatalogueTest, ExpiredDeadlineStoresNothing) {
  TempStore temp;
  ItemDirectory items;
  ASSERT_NE(temp.store(), nullptr);
  auto catalogue = Catalogue::Load(temp.store(), &items);
  ASSERT_TRUE(catalogue.ok()) << catalogue.status();
  const absl::StatusOr<UpsertSummary> summary =
      (*catalogue)
          ->Upsert(MakeItems({TestItem("m1")}), absl::Now(), absl::Now() - absl::Seconds(1));
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE((*catalogue)->Contains("m1"));
  EXPECT_EQ(temp.store()->item_count(), 0);
}

}  // namespace
}  // namespace aigc::recommender
