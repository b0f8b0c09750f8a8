#include "services/recommender/service/event_ingestor.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/recommender/service/internal/temp_store.h"

namespace aigc::recommender {
namespace {

using internal::TempStore;
using internal::TestEvent;
using internal::TestItem;
using Events = google::protobuf::RepeatedPtrField<v1::Event>;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

double EventsCounter(prometheus::Registry& registry, const std::string& type,
                     const std::string& outcome) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != "aigc_recommender_events_total") continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      bool type_matches = false;
      bool outcome_matches = false;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        type_matches |= label.name == "type" && label.value == type;
        outcome_matches |= label.name == "outcome" && label.value == outcome;
      }
      if (type_matches && outcome_matches) return metric.counter.value;
    }
  }
  ADD_FAILURE() << "no series type=" << type << " outcome=" << outcome;
  return -1;
}

std::vector<v1::Event> StoredEvents(const Store& store) {
  std::vector<v1::Event> events;
  EXPECT_TRUE(store
                  .ForEachEvent(0,
                                [&events](uint64_t, const v1::Event& event) {
                                  events.push_back(event);
                                  return true;
                                })
                  .ok());
  return events;
}

class EventIngestorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(temp_.store(), nullptr);
    ASSERT_TRUE(temp_.store()->UpsertItems({TestItem("m1"), TestItem("m2")}, kNow).ok());
    auto catalogue = Catalogue::Load(temp_.store(), &items_);
    ASSERT_TRUE(catalogue.ok()) << catalogue.status();
    catalogue_ = *std::move(catalogue);
    ingestor_ = std::make_unique<EventIngestor>(temp_.store(), catalogue_.get(), &histories_,
                                                &bandit_, &metrics_);
  }

  TempStore temp_;
  ItemDirectory items_;
  UserHistories histories_{100};
  ExplorationBandit bandit_;
  prometheus::Registry registry_;
  ServiceMetrics metrics_{registry_};
  std::unique_ptr<Catalogue> catalogue_;
  std::unique_ptr<EventIngestor> ingestor_;
};

TEST_F(EventIngestorTest, StoresValidEventsAndReportsTheOthersByIndexFieldAndCode) {
  Events events;
  *events.Add() = TestEvent("e0", "u1", "m1");  // accepted
  v1::Event bad_rating = TestEvent("e1", "u1", "m1");
  bad_rating.set_type(v1::EVENT_TYPE_RATING);
  bad_rating.set_rating(7.0f);
  *events.Add() = bad_rating;                     // rejected: INVALID_ARGUMENT
  *events.Add() = TestEvent("e2", "u1", "m404");  // rejected: NOT_FOUND
  *events.Add() = TestEvent("e0", "u2", "m2");    // duplicate of e0 in the same batch
  v1::Event rating = TestEvent("e4", "u2", "m2");
  rating.set_type(v1::EVENT_TYPE_RATING);
  rating.set_rating(4.2f);
  *events.Add() = rating;  // accepted, rounded to 4.0, event_time = now

  // As the third message of a stream that carried 10 events before.
  const absl::StatusOr<IngestResult> result =
      ingestor_->Ingest(events, 10, kNow, absl::InfiniteFuture());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->accepted_count, 2);
  EXPECT_EQ(result->duplicate_count, 1);
  EXPECT_EQ(result->rejected_count, 2);
  ASSERT_EQ(result->errors.size(), 2u);
  EXPECT_EQ(result->errors[0].index(), 11);
  EXPECT_EQ(result->errors[0].field(), "events[11].rating");
  EXPECT_EQ(result->errors[0].status().code(), 3);
  EXPECT_EQ(result->errors[0].id(), "e1");
  EXPECT_EQ(result->errors[1].index(), 12);
  EXPECT_EQ(result->errors[1].field(), "events[12].item_id");
  EXPECT_EQ(result->errors[1].status().code(), 5);
  EXPECT_EQ(result->errors[1].id(), "e2");

  const std::vector<v1::Event> stored = StoredEvents(*temp_.store());
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].event_id(), "e0");
  EXPECT_EQ(stored[0].user_id(), "u1");
  EXPECT_EQ(stored[1].event_id(), "e4");
  EXPECT_FLOAT_EQ(stored[1].rating(), 4.0f);
  EXPECT_EQ(stored[1].event_time().seconds(), 1'700'000'000);

  EXPECT_EQ(EventsCounter(registry_, "view", "accepted"), 1);
  EXPECT_EQ(EventsCounter(registry_, "view", "duplicate"), 1);
  EXPECT_EQ(EventsCounter(registry_, "view", "rejected"), 1);
  EXPECT_EQ(EventsCounter(registry_, "rating", "accepted"), 1);
  EXPECT_EQ(EventsCounter(registry_, "rating", "rejected"), 1);
  EXPECT_EQ(EventsCounter(registry_, "click", "accepted"), 0);
}

TEST_F(EventIngestorTest, StoredEventsJoinTheUsersHistoriesAtOnce) {
  Events events;
  *events.Add() = TestEvent("e0", "u1", "m1");
  *events.Add() = TestEvent("e1", "u1", "m404");  // rejected: never in the history
  *events.Add() = TestEvent("e0", "u1", "m2");    // duplicate: not again
  ASSERT_TRUE(ingestor_->Ingest(events, 0, kNow, absl::InfiniteFuture()).ok());
  const std::vector<HistoryEntry> history = histories_.Get("u1");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].item_id, "m1");
  EXPECT_EQ(history[0].time, 1'700'000'000);
}

TEST_F(EventIngestorTest, AClickOnAnExploredItemRewardsTheBandit) {
  bandit_.RecordImpression("u1", "m2");
  Events events;
  v1::Event click = TestEvent("e0", "u1", "m2");
  click.set_type(v1::EVENT_TYPE_CLICK);
  *events.Add() = click;
  ASSERT_TRUE(ingestor_->Ingest(events, 0, kNow, absl::InfiniteFuture()).ok());
  EXPECT_EQ(bandit_.Arm("m2"), std::make_pair(int64_t{1}, int64_t{1}));
}

TEST_F(EventIngestorTest, EventIdStoredByAnEarlierCallIsADuplicate) {
  Events events;
  *events.Add() = TestEvent("e0", "u1", "m1");
  ASSERT_TRUE(ingestor_->Ingest(events, 0, kNow, absl::InfiniteFuture()).ok());
  const absl::StatusOr<IngestResult> again =
      ingestor_->Ingest(events, 0, kNow, absl::InfiniteFuture());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->accepted_count, 0);
  EXPECT_EQ(again->duplicate_count, 1);
  EXPECT_EQ(temp_.store()->event_count(), 1u);
}

TEST_F(EventIngestorTest, UnknownEventTypeIsRejectedAndCountedAsUnspecified) {
  Events events;
  v1::Event event = TestEvent("", "u1", "m1");
  event.set_type(static_cast<v1::EventType>(42));
  *events.Add() = event;
  const absl::StatusOr<IngestResult> result =
      ingestor_->Ingest(events, 0, kNow, absl::InfiniteFuture());
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].field(), "events[0].type");
  EXPECT_EQ(EventsCounter(registry_, "unspecified", "rejected"), 1);
  EXPECT_EQ(temp_.store()->event_count(), 0u);
}

TEST_F(EventIngestorTest, ExpiredDeadlineStoresAndCountsNothing) {
  Events events;
  *events.Add() = TestEvent("e0", "u1", "m1");
  *events.Add() = TestEvent("e1", "u1", "m404");
  const absl::StatusOr<IngestResult> result =
      ingestor_->Ingest(events, 0, kNow, absl::Now() - absl::Seconds(1));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(temp_.store()->event_count(), 0u);
  EXPECT_EQ(EventsCounter(registry_, "view", "accepted"), 0);
  EXPECT_EQ(EventsCounter(registry_, "view", "rejected"), 0);
}

TEST_F(EventIngestorTest, ItemUpsertedThroughTheCatalogueIsKnownAtOnce) {
  Events events;
  *events.Add() = TestEvent("e0", "u1", "m3");
  absl::StatusOr<IngestResult> result = ingestor_->Ingest(events, 0, kNow, absl::InfiniteFuture());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rejected_count, 1);

  google::protobuf::RepeatedPtrField<common::v1::Product> items;
  *items.Add() = TestItem("m3");
  ASSERT_TRUE(catalogue_->Upsert(items, kNow, absl::InfiniteFuture()).ok());
  result = ingestor_->Ingest(events, 0, kNow, absl::InfiniteFuture());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->accepted_count, 1);
}

}  // namespace
}  // namespace aigc::recommender
