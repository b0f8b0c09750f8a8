#include "services/recommender/store/store.h"

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/recommender/store/internal/test_events.h"
#include "tests/testing/subprocess.h"

namespace aigc::recommender {
namespace {

namespace fs = std::filesystem;
using common::v1::Product;
using google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Event MakeEvent(const std::string& user, const std::string& item, const std::string& event_id,
                    v1::EventType type = v1::EVENT_TYPE_VIEW) {
  v1::Event event;
  event.set_event_id(event_id);
  event.set_user_id(user);
  event.set_item_id(item);
  event.set_type(type);
  event.mutable_event_time()->set_seconds(1'600'000'000);
  return event;
}

Product MakeItem(const std::string& id, const std::string& title,
                 common::v1::Category category = common::v1::CATEGORY_UNSPECIFIED,
                 common::v1::ItemKind kind = common::v1::ITEM_KIND_UNSPECIFIED) {
  Product item;
  item.set_id(id);
  item.set_title(title);
  item.set_category(category);
  item.set_kind(kind);
  return item;
}

std::vector<std::string> Ids(const std::vector<Product>& items) {
  std::vector<std::string> ids;
  for (const Product& item : items) ids.push_back(item.id());
  return ids;
}

std::vector<uint64_t> Sequences(const std::vector<StoredEvent>& events) {
  std::vector<uint64_t> sequences;
  for (const StoredEvent& event : events) sequences.push_back(event.sequence);
  return sequences;
}

std::vector<StoredEvent> AllEvents(const Store& store, uint64_t after = 0) {
  std::vector<StoredEvent> events;
  const absl::Status status = store.ForEachEvent(after, [&](uint64_t seq, const v1::Event& e) {
    events.push_back({seq, e});
    return true;
  });
  EXPECT_TRUE(status.ok()) << status;
  return events;
}

google::protobuf::Timestamp TimestampAt(int64_t seconds) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  return timestamp;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(::testing::TempDir()) / "rec_store_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // A missing parent directory is created too.
    path_ = dir_ / "state" / "db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Store> OpenStore(bool sync = true) {
    auto store = Store::Open({.path = path_, .sync = sync});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  fs::path dir_;
  fs::path path_;
};

TEST_F(StoreTest, AppendedEventsReadBackInSequenceOrder) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->last_sequence(), 0u);
  v1::Event rating = MakeEvent("alice", "movie-1", "e3", v1::EVENT_TYPE_RATING);
  rating.set_rating(4.5f);
  const std::vector<v1::Event> events = {MakeEvent("alice", "sku-1", "e1"),
                                         MakeEvent("bob", "sku-2", ""), rating};

  auto result = store->AppendEvents(events);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stored_count, 3);
  EXPECT_EQ(result->duplicate_count, 0);
  ASSERT_EQ(result->outcomes.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(result->outcomes[i].stored);
    EXPECT_EQ(result->outcomes[i].sequence, static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ(store->last_sequence(), 3u);
  EXPECT_EQ(store->event_count(), 3u);

  const std::vector<StoredEvent> stored = AllEvents(*store);
  ASSERT_EQ(stored.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(stored[i].sequence, static_cast<uint64_t>(i + 1));
    EXPECT_TRUE(MessageDifferencer::Equals(stored[i].event, events[i]))
        << stored[i].event.DebugString();
  }
  EXPECT_THAT(Sequences(AllEvents(*store, 2)), ElementsAre(3u));
  EXPECT_TRUE(AllEvents(*store, 3).empty());
}

TEST_F(StoreTest, ForEachEventStopsWhenTheCallbackReturnsFalse) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->AppendEvents(
                      {MakeEvent("u", "a", ""), MakeEvent("u", "b", ""), MakeEvent("u", "c", "")})
                  .ok());
  std::vector<uint64_t> seen;
  ASSERT_TRUE(store
                  ->ForEachEvent(0,
                                 [&](uint64_t seq, const v1::Event&) {
                                   seen.push_back(seq);
                                   return seq < 2;
                                 })
                  .ok());
  EXPECT_THAT(seen, ElementsAre(1u, 2u));
}

TEST_F(StoreTest, AnEventWithoutUserIdFailsTheCallAndStoresNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto result = store->AppendEvents({MakeEvent("u", "a", "x"), MakeEvent("", "b", "")});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("events[1].user_id"));
  EXPECT_EQ(store->last_sequence(), 0u);
  EXPECT_TRUE(AllEvents(*store).empty());
}

TEST_F(StoreTest, SequenceNumbersContinueAfterReopen) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->AppendEvents({MakeEvent("u", "a", ""), MakeEvent("u", "b", "")}).ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->last_sequence(), 2u);
  auto result = store->AppendEvents({MakeEvent("u", "c", "")});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->outcomes[0].sequence, 3u);
  EXPECT_THAT(Sequences(AllEvents(*store)), ElementsAre(1u, 2u, 3u));
}

TEST_F(StoreTest, ItemsEventsAndMetaPersistAcrossReopen) {
  const Product item = MakeItem("sku-1", "法式碎花连衣裙", common::v1::CATEGORY_DRESS);
  const v1::Event event = MakeEvent("alice", "sku-1", "e1", v1::EVENT_TYPE_PURCHASE);
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->UpsertItems({item}, absl::FromUnixSeconds(100)).ok());
    ASSERT_TRUE(store->AppendEvents({event}).ok());
    ASSERT_TRUE(store->PutMeta("model/als", "v3").ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->item_count(), 1);
  auto got = store->GetItem("sku-1");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->title(), "法式碎花连衣裙");
  EXPECT_EQ((*got)->category(), common::v1::CATEGORY_DRESS);
  EXPECT_EQ((*got)->update_time().seconds(), 100);

  const std::vector<StoredEvent> events = AllEvents(*store);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(MessageDifferencer::Equals(events[0].event, event));

  auto meta = store->GetMeta("model/als");
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(*meta, "v3");
}

TEST_F(StoreTest, DuplicateEventIdsWithinOneCallAreSkippedAndTheFirstWins) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto result = store->AppendEvents({MakeEvent("first", "a", "x"), MakeEvent("u", "b", ""),
                                     MakeEvent("second", "c", "x"), MakeEvent("u", "d", "")});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stored_count, 3);
  EXPECT_EQ(result->duplicate_count, 1);
  // Stored 1, stored 2, duplicate of 1, stored 3: empty ids never de-duplicate.
  const std::vector<std::pair<bool, uint64_t>> expected = {
      {true, 1}, {true, 2}, {false, 1}, {true, 3}};
  ASSERT_EQ(result->outcomes.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(result->outcomes[i].stored, expected[i].first) << i;
    EXPECT_EQ(result->outcomes[i].sequence, expected[i].second) << i;
  }
  const std::vector<StoredEvent> events = AllEvents(*store);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.user_id(), "first");
}

TEST_F(StoreTest, DuplicateEventIdsAcrossCallsAndAcrossReopenAreSkipped) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->AppendEvents({MakeEvent("u", "a", "x"), MakeEvent("u", "b", "y")}).ok());
    auto again = store->AppendEvents({MakeEvent("u", "b", "y"), MakeEvent("u", "c", "z")});
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->duplicate_count, 1);
    EXPECT_FALSE(again->outcomes[0].stored);
    EXPECT_EQ(again->outcomes[0].sequence, 2u);
    EXPECT_TRUE(again->outcomes[1].stored);
    EXPECT_EQ(again->outcomes[1].sequence, 3u);
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto result = store->AppendEvents({MakeEvent("u", "a", "x"), MakeEvent("u", "c", "z")});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stored_count, 0);
  EXPECT_EQ(result->duplicate_count, 2);
  EXPECT_EQ(result->outcomes[0].sequence, 1u);
  EXPECT_EQ(result->outcomes[1].sequence, 3u);
  EXPECT_EQ(store->last_sequence(), 3u);
}

TEST_F(StoreTest, UserEventsAreNewestFirstLimitedAndOnlyTheUsersOwn) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  // "a" is a prefix of "ab": the index must not mix their histories.
  ASSERT_TRUE(store
                  ->AppendEvents({MakeEvent("a", "i1", ""), MakeEvent("ab", "i2", ""),
                                  MakeEvent("a", "i3", ""), MakeEvent("b", "i4", ""),
                                  MakeEvent("a", "i5", "")})
                  .ok());

  auto all = store->UserEvents("a", 10);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Sequences(*all), ElementsAre(5u, 3u, 1u));
  EXPECT_EQ((*all)[0].event.item_id(), "i5");
  EXPECT_EQ((*all)[2].event.item_id(), "i1");

  auto newest_two = store->UserEvents("a", 2);
  ASSERT_TRUE(newest_two.ok()) << newest_two.status();
  EXPECT_THAT(Sequences(*newest_two), ElementsAre(5u, 3u));

  auto other = store->UserEvents("ab", 10);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_THAT(Sequences(*other), ElementsAre(2u));

  auto unknown = store->UserEvents("nobody", 10);
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_TRUE(unknown->empty());
  auto none = store->UserEvents("a", 0);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreTest, ListItemsPagesInIdOrder) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  // Inserted out of order: pages follow the ids.
  ASSERT_TRUE(store
                  ->UpsertItems({MakeItem("c1", "C1"), MakeItem("a1", "A1"), MakeItem("b1", "B1"),
                                 MakeItem("a2", "A2"), MakeItem("c2", "C2")},
                                absl::FromUnixSeconds(1))
                  .ok());
  EXPECT_EQ(store->item_count(), 5);

  ItemQuery query;
  query.limit = 2;
  auto first = store->ListItems(query);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Ids(first->items), ElementsAre("a1", "a2"));
  EXPECT_EQ(first->last_id, "a2");
  EXPECT_TRUE(first->has_more);

  query.start_after = first->last_id;
  auto second = store->ListItems(query);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(Ids(second->items), ElementsAre("b1", "c1"));
  EXPECT_TRUE(second->has_more);

  query.start_after = second->last_id;
  auto third = store->ListItems(query);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_THAT(Ids(third->items), ElementsAre("c2"));
  EXPECT_EQ(third->last_id, "c2");
  EXPECT_FALSE(third->has_more);

  // A cursor that is not a stored id starts at the next id.
  query.start_after = "b";
  query.limit = 1;
  auto from_b = store->ListItems(query);
  ASSERT_TRUE(from_b.ok()) << from_b.status();
  EXPECT_THAT(Ids(from_b->items), ElementsAre("b1"));

  query.limit = 0;
  EXPECT_EQ(store->ListItems(query).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, ListItemsFiltersByCategoryAndKind) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  using common::v1::CATEGORY_BAG;
  using common::v1::CATEGORY_DRESS;
  using common::v1::ITEM_KIND_MOVIE;
  using common::v1::ITEM_KIND_PRODUCT;
  using common::v1::ITEM_KIND_UNSPECIFIED;
  ASSERT_TRUE(store
                  ->UpsertItems(
                      {MakeItem("d1", "dress", CATEGORY_DRESS, ITEM_KIND_PRODUCT),
                       MakeItem("d2", "dress", CATEGORY_DRESS, ITEM_KIND_UNSPECIFIED),
                       MakeItem("g1", "bag", CATEGORY_BAG, ITEM_KIND_PRODUCT),
                       MakeItem("m1", "movie", common::v1::CATEGORY_UNSPECIFIED, ITEM_KIND_MOVIE),
                       MakeItem("m2", "movie", common::v1::CATEGORY_UNSPECIFIED, ITEM_KIND_MOVIE)},
                      absl::FromUnixSeconds(1))
                  .ok());

  ItemQuery dresses;
  dresses.categories = {CATEGORY_DRESS};
  auto page = store->ListItems(dresses);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Ids(page->items), ElementsAre("d1", "d2"));
  EXPECT_FALSE(page->has_more);

  // has_more looks for a further match, not merely a further item.
  dresses.limit = 1;
  page = store->ListItems(dresses);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Ids(page->items), ElementsAre("d1"));
  EXPECT_TRUE(page->has_more);
  dresses.start_after = "d1";
  page = store->ListItems(dresses);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Ids(page->items), ElementsAre("d2"));
  EXPECT_FALSE(page->has_more);

  ItemQuery movies;
  movies.kinds = {ITEM_KIND_MOVIE};
  page = store->ListItems(movies);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Ids(page->items), ElementsAre("m1", "m2"));

  // ITEM_KIND_UNSPECIFIED counts as a product.
  ItemQuery products;
  products.kinds = {ITEM_KIND_PRODUCT};
  page = store->ListItems(products);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(Ids(page->items), ElementsAre("d1", "d2", "g1"));

  ItemQuery bags_or_dresses_that_are_movies;
  bags_or_dresses_that_are_movies.categories = {CATEGORY_BAG, CATEGORY_DRESS};
  bags_or_dresses_that_are_movies.kinds = {ITEM_KIND_MOVIE};
  page = store->ListItems(bags_or_dresses_that_are_movies);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(page->last_id, "");
  EXPECT_FALSE(page->has_more);
}

TEST_F(StoreTest, ReplaceKeepsCreatedTimeAndAlwaysSetsUpdateTime) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Product given = MakeItem("given", "has created_time");
  *given.mutable_created_time() = TimestampAt(50);
  auto inserted = store->UpsertItems({MakeItem("plain", "no created_time"), given},
                                     absl::FromUnixSeconds(100) + absl::Milliseconds(250));
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_THAT(inserted->outcomes, ElementsAre(UpsertOutcome::kCreated, UpsertOutcome::kCreated));
  EXPECT_EQ(inserted->created_count, 2);
  EXPECT_EQ(inserted->updated_count, 0);

  auto plain = store->GetItem("plain");
  ASSERT_TRUE(plain.ok() && plain->has_value());
  EXPECT_EQ((*plain)->created_time().seconds(), 100);
  EXPECT_EQ((*plain)->created_time().nanos(), 250'000'000);
  EXPECT_EQ((*plain)->update_time().seconds(), 100);
  auto with_time = store->GetItem("given");
  ASSERT_TRUE(with_time.ok() && with_time->has_value());
  EXPECT_EQ((*with_time)->created_time().seconds(), 50);
  EXPECT_EQ((*with_time)->update_time().seconds(), 100);

  // A replacement that brings its own created_time still keeps the original.
  Product replacement = MakeItem("plain", "new title");
  *replacement.mutable_created_time() = TimestampAt(7);
  *replacement.mutable_update_time() = TimestampAt(9);  // Input update_time is ignored.
  auto replaced = store->UpsertItems({replacement}, absl::FromUnixSeconds(200));
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_THAT(replaced->outcomes, ElementsAre(UpsertOutcome::kUpdated));
  EXPECT_EQ(replaced->updated_count, 1);
  ASSERT_EQ(replaced->written.size(), 1u);
  EXPECT_EQ(replaced->written[0].created_time().seconds(), 100);
  EXPECT_EQ(replaced->written[0].update_time().seconds(), 200);

  plain = store->GetItem("plain");
  ASSERT_TRUE(plain.ok() && plain->has_value());
  EXPECT_EQ((*plain)->title(), "new title");
  EXPECT_EQ((*plain)->created_time().seconds(), 100);
  EXPECT_EQ((*plain)->created_time().nanos(), 250'000'000);
  EXPECT_EQ((*plain)->update_time().seconds(), 200);
  EXPECT_EQ(store->item_count(), 2);

  auto missing = store->GetItem("nope");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_FALSE(missing->has_value());
}

TEST_F(StoreTest, RepeatedIdInOneUpsertWritesTheLastAndCountsOneCreation) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->UpsertItems({MakeItem("old", "v1")}, absl::FromUnixSeconds(10)).ok());

  Product first_new = MakeItem("new", "first");
  *first_new.mutable_created_time() = TimestampAt(5);
  auto result = store->UpsertItems(
      {first_new, MakeItem("old", "v2"), MakeItem("new", "second"), MakeItem("old", "v3")},
      absl::FromUnixSeconds(20));
  ASSERT_TRUE(result.ok()) << result.status();
  // As if applied one by one: "new" is created once, then replaced; "old" was stored.
  EXPECT_THAT(result->outcomes, ElementsAre(UpsertOutcome::kCreated, UpsertOutcome::kUpdated,
                                            UpsertOutcome::kUpdated, UpsertOutcome::kUpdated));
  EXPECT_EQ(result->created_count, 1);
  EXPECT_EQ(result->updated_count, 3);
  ASSERT_EQ(result->written.size(), 2u);
  EXPECT_EQ(result->written[0].id(), "new");
  EXPECT_EQ(result->written[0].title(), "second");
  EXPECT_EQ(result->written[0].created_time().seconds(), 5);
  EXPECT_EQ(result->written[1].id(), "old");
  EXPECT_EQ(result->written[1].title(), "v3");
  EXPECT_EQ(result->written[1].created_time().seconds(), 10);
  EXPECT_EQ(store->item_count(), 2);

  auto stored = store->GetItem("new");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->title(), "second");
  EXPECT_EQ((*stored)->created_time().seconds(), 5);
  EXPECT_EQ((*stored)->update_time().seconds(), 20);

  std::vector<std::string> visited;
  ASSERT_TRUE(store
                  ->ForEachItem([&](const Product& item) {
                    visited.push_back(item.id() + ":" + item.title());
                    return true;
                  })
                  .ok());
  EXPECT_THAT(visited, ElementsAre("new:second", "old:v3"));
}

TEST_F(StoreTest, AnItemWithoutIdFailsTheUpsertAndStoresNothing) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto result = store->UpsertItems({MakeItem("ok", "t"), MakeItem("", "t")}, absl::Now());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("items[1].id"));
  EXPECT_EQ(store->item_count(), 0);
}

TEST_F(StoreTest, ConcurrentAppendsGetUniqueConsecutiveSequences) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 20;
  constexpr int kEventsPerCall = 10;
  std::vector<std::vector<uint64_t>> sequences(kThreads);
  std::vector<absl::Status> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int call = 0; call < kCallsPerThread; ++call) {
        std::vector<v1::Event> events;
        for (int i = 0; i < kEventsPerCall; ++i) {
          events.push_back(MakeEvent(absl::StrCat("user-", t), absl::StrCat("item-", call, "-", i),
                                     absl::StrCat("t", t, "-c", call, "-e", i)));
        }
        auto result = store->AppendEvents(events);
        if (!result.ok()) {
          errors[t] = result.status();
          return;
        }
        for (const AppendOutcome& outcome : result->outcomes) {
          sequences[t].push_back(outcome.sequence);
        }
        // A call's events get consecutive numbers even while others append.
        for (size_t i = 1; i < result->outcomes.size(); ++i) {
          if (result->outcomes[i].sequence != result->outcomes[i - 1].sequence + 1) {
            errors[t] = absl::InternalError("non-consecutive sequences within one call");
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const absl::Status& error : errors) EXPECT_TRUE(error.ok()) << error;

  std::vector<uint64_t> all;
  for (const auto& s : sequences) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  constexpr uint64_t kTotal = kThreads * kCallsPerThread * kEventsPerCall;
  ASSERT_EQ(all.size(), kTotal);
  for (uint64_t i = 0; i < kTotal; ++i) ASSERT_EQ(all[i], i + 1);
  EXPECT_EQ(store->last_sequence(), kTotal);
  EXPECT_EQ(AllEvents(*store).size(), kTotal);
  auto history = store->UserEvents("user-2", 1000);
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_EQ(history->size(), static_cast<size_t>(kCallsPerThread * kEventsPerCall));
}

TEST_F(StoreTest, ConcurrentAppendsOfTheSameEventIdsStoreEachOnce) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 4;
  constexpr int kIds = 50;
  std::vector<int64_t> stored(kThreads, 0);
  std::vector<int64_t> duplicates(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int start = 0; start < kIds; start += 10) {
        std::vector<v1::Event> events;
        for (int i = start; i < start + 10; ++i) {
          events.push_back(MakeEvent(absl::StrCat("user-", t), "item", absl::StrCat("id-", i)));
        }
        auto result = store->AppendEvents(events);
        if (!result.ok()) return;
        stored[t] += result->stored_count;
        duplicates[t] += result->duplicate_count;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int64_t total_stored = 0;
  int64_t total_duplicates = 0;
  for (int t = 0; t < kThreads; ++t) {
    total_stored += stored[t];
    total_duplicates += duplicates[t];
  }
  EXPECT_EQ(total_stored, kIds);
  EXPECT_EQ(total_duplicates, (kThreads - 1) * kIds);
  EXPECT_EQ(store->event_count(), static_cast<uint64_t>(kIds));
}

TEST_F(StoreTest, SecondOpenOfTheSamePathFailsWithUnavailableNamingThePath) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto second = Store::Open({.path = path_});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr(path_.string()));
  EXPECT_THAT(second.status().message(), HasSubstr("lock"));
  // The first one still works.
  EXPECT_TRUE(store->PutMeta("k", "v").ok());
}

TEST_F(StoreTest, EmptyPathIsInvalid) {
  EXPECT_EQ(Store::Open({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, CorruptDatabaseFailsToOpenWithFailedPrecondition) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->PutMeta("k", "v").ok());
  }
  // CURRENT names the live MANIFEST; garbage there is corruption to RocksDB.
  std::ofstream(path_ / "CURRENT", std::ios::trunc) << "garbage";
  auto store = Store::Open({.path = path_});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr(path_.string()));
  EXPECT_THAT(store.status().message(), HasSubstr("Corruption"));
}

// Writes raw values behind the store's back, as a damaged disk could.
void PutRaw(const fs::path& path, const std::string& family, const std::string& key,
            const std::string& value) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path.string(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::Open(rocksdb::Options(), path.string(), descriptors, &handles, &db).ok());
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == family) {
      EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), handles[i], key, value).ok());
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  delete db;
}

TEST_F(StoreTest, UnparsableStoredValuesAreDataLossNamingTheKey) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->UpsertItems({MakeItem("good", "fine")}, absl::FromUnixSeconds(1)).ok());
    ASSERT_TRUE(store->AppendEvents({MakeEvent("u", "good", "")}).ok());
  }
  // 0xff starts a field with an invalid wire type: no proto parses it.
  PutRaw(path_, "items", "broken-item", "\xff\xff\xff");
  PutRaw(path_, "events", std::string("\0\0\0\0\0\0\0\x02", 8), "\xff\xff\xff");
  PutRaw(path_, "user_events", std::string("u\0\0\0\0\0\0\0\0\x02", 10), "");

  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->last_sequence(), 2u);

  auto item = store->GetItem("broken-item");
  EXPECT_EQ(item.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(item.status().message(), HasSubstr("items[\"broken-item\"]"));
  EXPECT_EQ(store->ForEachItem([](const Product&) { return true; }).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(store->ListItems(ItemQuery()).status().code(), absl::StatusCode::kDataLoss);
  auto replace = store->UpsertItems({MakeItem("broken-item", "t")}, absl::Now());
  EXPECT_EQ(replace.status().code(), absl::StatusCode::kDataLoss);

  std::vector<uint64_t> before_corruption;
  const absl::Status events = store->ForEachEvent(0, [&](uint64_t seq, const v1::Event&) {
    before_corruption.push_back(seq);
    return true;
  });
  EXPECT_EQ(events.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(events.message(), HasSubstr("events[\"\\000\\000\\000\\000\\000\\000\\000\\002\"]"));
  EXPECT_THAT(before_corruption, ElementsAre(1u));
  EXPECT_EQ(store->UserEvents("u", 10).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(StoreTest, MetaRoundTripsPrefixScansAndDeletes) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  const std::string binary("\0\x01\xff", 3);
  ASSERT_TRUE(store->PutMeta("job/2", "running").ok());
  ASSERT_TRUE(store->PutMeta("job/1", binary).ok());
  ASSERT_TRUE(store->PutMeta("joc", "not a job").ok());
  ASSERT_TRUE(store->PutMeta("model/als", "3").ok());
  ASSERT_TRUE(store->PutMeta("job/2", "done").ok());

  auto value = store->GetMeta("job/1");
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, binary);

  std::vector<std::string> jobs;
  ASSERT_TRUE(store
                  ->ForEachMeta("job/",
                                [&](absl::string_view key, absl::string_view value) {
                                  jobs.push_back(absl::StrCat(key, "=", value.size()));
                                  return true;
                                })
                  .ok());
  EXPECT_THAT(jobs, ElementsAre("job/1=3", "job/2=4"));

  int visited = 0;
  ASSERT_TRUE(store
                  ->ForEachMeta("",
                                [&](absl::string_view, absl::string_view) {
                                  ++visited;
                                  return visited < 2;
                                })
                  .ok());
  EXPECT_EQ(visited, 2);

  ASSERT_TRUE(store->DeleteMeta("job/1").ok());
  ASSERT_TRUE(store->DeleteMeta("never-there").ok());
  EXPECT_EQ(store->GetMeta("job/1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->PutMeta("", "v").code(), absl::StatusCode::kInvalidArgument);
}

// The store survives SIGKILL of the writing process: every batch the helper
// acknowledged is there intact, batches are all-or-nothing, and sequences
// continue. Both sync modes promise this (sync = false only gives up power
// loss).
class StoreKillTest : public StoreTest, public ::testing::WithParamInterface<bool> {};

TEST_P(StoreKillTest, EveryAcknowledgedBatchSurvivesKillNine) {
  constexpr int kBatchSize = 20;
  constexpr int kBatchesBeforeKill = 10;
  auto helper = testing::Subprocess::Start(
      AIGC_STORE_CRASH_HELPER_BIN,
      {path_.string(), GetParam() ? "1" : "0", absl::StrCat(kBatchSize), "100000", "60"});
  ASSERT_TRUE(helper.ok()) << helper.status();
  auto line =
      (*helper)->WaitForLine(absl::StrCat("acked ", kBatchesBeforeKill, " "), absl::Seconds(20));
  ASSERT_TRUE(line.ok()) << line.status();

  // While the helper holds the database, another process cannot open it.
  auto locked = Store::Open({.path = path_});
  EXPECT_EQ(locked.status().code(), absl::StatusCode::kUnavailable);

  (*helper)->Signal(SIGKILL);
  ASSERT_EQ((*helper)->WaitForExit(absl::Seconds(10)), 128 + SIGKILL) << (*helper)->stderr_text();

  int64_t acked_batches = 0;
  for (absl::string_view ack : absl::StrSplit((*helper)->stdout_text(), '\n')) {
    // A line cut by the kill is not an acknowledgement.
    std::vector<absl::string_view> parts = absl::StrSplit(ack, ' ');
    if (parts.size() != 4 || parts[0] != "acked") continue;
    int64_t batch = 0;
    uint64_t first = 0;
    uint64_t last = 0;
    ASSERT_TRUE(absl::SimpleAtoi(parts[1], &batch) && absl::SimpleAtoi(parts[2], &first) &&
                absl::SimpleAtoi(parts[3], &last))
        << ack;
    ASSERT_EQ(batch, acked_batches);
    EXPECT_EQ(first, static_cast<uint64_t>(batch * kBatchSize + 1));
    EXPECT_EQ(last, static_cast<uint64_t>((batch + 1) * kBatchSize));
    ++acked_batches;
  }
  ASSERT_GT(acked_batches, kBatchesBeforeKill);

  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  const uint64_t last = store->last_sequence();
  EXPECT_GE(last, static_cast<uint64_t>(acked_batches * kBatchSize));
  EXPECT_EQ(last % kBatchSize, 0u) << "a batch was stored in part";
  // Every stored event, acknowledged or in flight at the kill, is intact.
  uint64_t expected_sequence = 1;
  ASSERT_TRUE(store
                  ->ForEachEvent(0,
                                 [&](uint64_t seq, const v1::Event& event) {
                                   EXPECT_EQ(seq, expected_sequence);
                                   const v1::Event want = internal::CrashTestEvent(
                                       (seq - 1) / kBatchSize, (seq - 1) % kBatchSize);
                                   EXPECT_TRUE(MessageDifferencer::Equals(event, want))
                                       << seq << ": " << event.DebugString();
                                   ++expected_sequence;
                                   return true;
                                 })
                  .ok());
  EXPECT_EQ(expected_sequence, last + 1);

  // The idempotency keys survived too, and new events continue the sequence.
  std::vector<v1::Event> retry;
  for (int i = 0; i < kBatchSize; ++i) retry.push_back(internal::CrashTestEvent(0, i));
  retry.push_back(MakeEvent("after", "crash", "new"));
  auto result = store->AppendEvents(retry);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->duplicate_count, kBatchSize);
  EXPECT_EQ(result->stored_count, 1);
  EXPECT_EQ(result->outcomes.back().sequence, last + 1);
}

INSTANTIATE_TEST_SUITE_P(SyncModes, StoreKillTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Sync" : "NoSync";
                         });

}  // namespace
}  // namespace aigc::recommender
