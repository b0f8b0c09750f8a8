// RecommenderServiceImpl behind a real in-process gRPC server on 127.0.0.1:0,
// over a Store in a temp directory, called through the generated stub.
#include "services/recommender/service/recommender_service.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rpc/request_context.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "services/recommender/repository/rec_models.h"
#include "services/recommender/service/internal/temp_store.h"
#include "services/recommender/training/trainer.h"

namespace aigc::recommender {

using rpc::kRequestIdHeader;
namespace {

using common::v1::CATEGORY_DRESS;
using common::v1::CATEGORY_SNEAKER;
using common::v1::ITEM_KIND_MOVIE;
using internal::TempStore;
using internal::TestEvent;
using internal::TestItem;
using ::testing::ElementsAre;

constexpr absl::Duration kRpcTimeout = absl::Seconds(10);

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + kRpcTimeout));
}

// The x-request-id header of a finished call, or "" when absent.
std::string RequestIdHeader(const grpc::ClientContext& context) {
  const auto& headers = context.GetServerInitialMetadata();
  const auto it = headers.find(kRequestIdHeader);
  return it == headers.end() ? "" : std::string(it->second.data(), it->second.size());
}

void ExpectInvalidField(const grpc::Status& status, const std::string& field) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(absl::StartsWith(status.error_message(), field + ": ")) << status.error_message();
}

v1::Event RatingEvent(const std::string& event_id, const std::string& item_id, float rating) {
  v1::Event event = TestEvent(event_id, "u1", item_id);
  event.set_type(v1::EVENT_TYPE_RATING);
  event.set_rating(rating);
  return event;
}

class RecommenderServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(temp_.store(), nullptr);
    models_ = temp_.NewModelRepository(&inference_metrics_);
    ASSERT_NE(models_, nullptr);
    engine_ =
        std::make_unique<RecommendEngine>(models_.get(), &items_, &histories_, EngineOptions{});
    auto service = RecommenderServiceImpl::Create({.store = temp_.store(),
                                                   .items = &items_,
                                                   .histories = &histories_,
                                                   .engine = engine_.get()},
                                                  registry_);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
    stub_ = v1::RecommenderService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  }

  grpc::Status Upsert(const std::vector<common::v1::Product>& items,
                      v1::UpsertItemsResponse* response) {
    v1::UpsertItemsRequest request;
    for (const common::v1::Product& item : items) *request.add_items() = item;
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->UpsertItems(&context, request, response);
  }

  // Writes the events and fails the test unless all of them were accepted.
  void WriteOrFail(const std::vector<v1::Event>& events) {
    v1::WriteEventsRequest request;
    for (const v1::Event& event : events) *request.add_events() = event;
    v1::WriteEventsResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = stub_->WriteEvents(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.accepted_count(), static_cast<int64_t>(events.size()))
        << response.DebugString();
  }

  // Upserts the items and fails the test unless all of them were stored.
  void UpsertOrFail(const std::vector<common::v1::Product>& items) {
    v1::UpsertItemsResponse response;
    const grpc::Status status = Upsert(items, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.rejected_count(), 0) << response.DebugString();
  }

  grpc::Status WriteEvents(const std::vector<v1::Event>& events,
                           v1::WriteEventsResponse* response) {
    v1::WriteEventsRequest request;
    for (const v1::Event& event : events) *request.add_events() = event;
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->WriteEvents(&context, request, response);
  }

  // Streams `messages` through RecordEvents, then half-closes.
  grpc::Status RecordEvents(const std::vector<v1::RecordEventsRequest>& messages,
                            v1::RecordEventsResponse* response, grpc::ClientContext& context) {
    SetDeadline(context);
    std::unique_ptr<grpc::ClientWriter<v1::RecordEventsRequest>> writer =
        stub_->RecordEvents(&context, response);
    for (const v1::RecordEventsRequest& message : messages) {
      // A false Write means the server has ended the call; Finish says why.
      if (!writer->Write(message)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  grpc::Status ListItems(const v1::ListItemsRequest& request, v1::ListItemsResponse* response) {
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->ListItems(&context, request, response);
  }

  double Gauge(const std::string& name) {
    for (const prometheus::MetricFamily& family : registry_.Collect()) {
      if (family.name == name && !family.metric.empty()) return family.metric[0].gauge.value;
    }
    ADD_FAILURE() << "no gauge " << name;
    return -1;
  }

  // The count of aigc_recommender_recommendations_total with the given
  // fallback label (0 when absent).
  double Recommendations(const std::string& fallback) {
    for (const prometheus::MetricFamily& family : registry_.Collect()) {
      if (family.name != "aigc_recommender_recommendations_total") continue;
      for (const prometheus::ClientMetric& metric : family.metric) {
        for (const prometheus::ClientMetric::Label& label : metric.label) {
          if (label.name == "fallback" && label.value == fallback) return metric.counter.value;
        }
      }
    }
    return 0;
  }

  TempStore temp_;
  prometheus::Registry registry_;
  runtime::InferenceMetrics inference_metrics_{registry_};
  ItemDirectory items_;
  UserHistories histories_{100};
  std::unique_ptr<runtime::ModelRepository> models_;
  std::unique_ptr<RecommendEngine> engine_;
  std::unique_ptr<RecommenderServiceImpl> service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::RecommenderService::Stub> stub_;
};

TEST_F(RecommenderServiceTest, WriteEventsStoresValidEventsAndReportsEachRejectedOne) {
  UpsertOrFail({TestItem("m1"), TestItem("m2")});
  v1::WriteEventsResponse response;
  const grpc::Status status = WriteEvents(
      {
          TestEvent("e0", "u1", "m1"),    // accepted
          RatingEvent("e1", "m1", 7.5f),  // out of range
          TestEvent("e2", "u1", "m9"),    // not in the catalogue
          TestEvent("e0", "u2", "m2"),    // duplicate event_id within the batch
          RatingEvent("", "m2", 3.5f),    // accepted, no event_id
      },
      &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted_count(), 2);
  EXPECT_EQ(response.duplicate_count(), 1);
  EXPECT_EQ(response.rejected_count(), 2);
  ASSERT_EQ(response.errors_size(), 2);
  EXPECT_EQ(response.errors(0).index(), 1);
  EXPECT_EQ(response.errors(0).field(), "events[1].rating");
  EXPECT_EQ(response.errors(0).status().code(), 3);
  EXPECT_EQ(response.errors(0).id(), "e1");
  EXPECT_EQ(response.errors(1).index(), 2);
  EXPECT_EQ(response.errors(1).field(), "events[2].item_id");
  EXPECT_EQ(response.errors(1).status().code(), 5);
  EXPECT_EQ(temp_.store()->event_count(), 2u);

  // A retry of the acknowledged batch stores nothing new.
  v1::WriteEventsResponse retry;
  ASSERT_TRUE(WriteEvents({TestEvent("e0", "u1", "m1")}, &retry).ok());
  EXPECT_EQ(retry.accepted_count(), 0);
  EXPECT_EQ(retry.duplicate_count(), 1);
  EXPECT_EQ(temp_.store()->event_count(), 2u);
}

TEST_F(RecommenderServiceTest, WriteEventsWithNoneOrMoreThan1000EventsFailsAndStoresNothing) {
  UpsertOrFail({TestItem("m1")});
  v1::WriteEventsResponse response;
  ExpectInvalidField(WriteEvents({}, &response), "events");

  std::vector<v1::Event> events;
  for (int i = 0; i < 1001; ++i) events.push_back(TestEvent(absl::StrCat("e", i), "u1", "m1"));
  ExpectInvalidField(WriteEvents(events, &response), "events");
  EXPECT_EQ(temp_.store()->event_count(), 0u);

  events.pop_back();
  ASSERT_TRUE(WriteEvents(events, &response).ok());
  EXPECT_EQ(response.accepted_count(), 1000);
}

TEST_F(RecommenderServiceTest, RecordEventsIndexesErrorsAcrossTheWholeStream) {
  UpsertOrFail({TestItem("m1"), TestItem("m2")});
  std::vector<v1::RecordEventsRequest> messages(3);
  messages[0].mutable_metadata()->set_request_id("stream-1");
  *messages[0].add_events() = TestEvent("a", "u1", "m1");  // index 0: accepted
  v1::Event untyped = TestEvent("b", "u1", "m1");
  untyped.set_type(v1::EVENT_TYPE_UNSPECIFIED);
  *messages[0].add_events() = untyped;  // index 1: rejected
  // An empty message does nothing; metadata after the first message is
  // ignored, even when it would be invalid.
  messages[1].mutable_metadata()->set_request_id(std::string(200, 'x'));
  *messages[2].add_events() = TestEvent("c", "u2", "m2");    // index 2: accepted
  *messages[2].add_events() = TestEvent("d", "u2", "nope");  // index 3: NOT_FOUND
  *messages[2].add_events() = TestEvent("a", "u3", "m2");    // index 4: duplicate

  v1::RecordEventsResponse response;
  grpc::ClientContext context;
  const grpc::Status status = RecordEvents(messages, &response, context);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.metadata().request_id(), "stream-1");
  EXPECT_EQ(RequestIdHeader(context), "stream-1");
  EXPECT_EQ(response.accepted_count(), 2);
  EXPECT_EQ(response.duplicate_count(), 1);
  EXPECT_EQ(response.rejected_count(), 2);
  EXPECT_FALSE(response.errors_truncated());
  ASSERT_EQ(response.errors_size(), 2);
  EXPECT_EQ(response.errors(0).index(), 1);
  EXPECT_EQ(response.errors(0).field(), "events[1].type");
  EXPECT_EQ(response.errors(0).status().code(), 3);
  EXPECT_EQ(response.errors(1).index(), 3);
  EXPECT_EQ(response.errors(1).field(), "events[3].item_id");
  EXPECT_EQ(response.errors(1).status().code(), 5);
  EXPECT_EQ(response.errors(1).id(), "d");
  EXPECT_EQ(temp_.store()->event_count(), 2u);
}

TEST_F(RecommenderServiceTest, RecordEventsMessageOver1000EndsTheStreamKeepingEarlierEvents) {
  UpsertOrFail({TestItem("m1")});
  std::vector<v1::RecordEventsRequest> messages(2);
  *messages[0].add_events() = TestEvent("kept-0", "u1", "m1");
  *messages[0].add_events() = TestEvent("kept-1", "u1", "m1");
  for (int i = 0; i < 1001; ++i) {
    *messages[1].add_events() = TestEvent(absl::StrCat("big-", i), "u1", "m1");
  }
  v1::RecordEventsResponse response;
  grpc::ClientContext context;
  const grpc::Status status = RecordEvents(messages, &response, context);
  ExpectInvalidField(status, "events");
  EXPECT_NE(status.error_message().find("at most 1000 per message"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(temp_.store()->event_count(), 2u);
}

TEST_F(RecommenderServiceTest, RecordEventsListsTheFirst100ErrorsAndSaysTheRestWereCut) {
  std::vector<v1::RecordEventsRequest> messages(2);
  // 150 events on an empty catalogue: every one is NOT_FOUND.
  for (int i = 0; i < 150; ++i) {
    *messages[i / 75].add_events() = TestEvent(absl::StrCat("e", i), "u1", "m1");
  }
  v1::RecordEventsResponse response;
  grpc::ClientContext context;
  const grpc::Status status = RecordEvents(messages, &response, context);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.rejected_count(), 150);
  EXPECT_TRUE(response.errors_truncated());
  ASSERT_EQ(response.errors_size(), 100);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(response.errors(i).index(), i);
  }
  EXPECT_EQ(response.errors(99).field(), "events[99].item_id");
}

TEST_F(RecommenderServiceTest, EmptyStreamAnswersZeroCountsWithAGeneratedRequestId) {
  v1::RecordEventsResponse response;
  grpc::ClientContext context;
  const grpc::Status status = RecordEvents({}, &response, context);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted_count() + response.duplicate_count() + response.rejected_count(), 0);
  EXPECT_EQ(response.metadata().request_id().size(), 32u);
}

TEST_F(RecommenderServiceTest, UpsertItemsCountsCreatedUpdatedAndRejectedItems) {
  UpsertOrFail({TestItem("old")});
  common::v1::Product negative_price = TestItem("cheap");
  negative_price.mutable_price()->set_amount_minor(-1);
  negative_price.mutable_price()->set_currency_code("CNY");
  v1::UpsertItemsResponse response;
  const grpc::Status status = Upsert({TestItem("new"), TestItem("old"), negative_price}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.created_count(), 1);
  EXPECT_EQ(response.updated_count(), 1);
  EXPECT_EQ(response.rejected_count(), 1);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).index(), 2);
  EXPECT_EQ(response.errors(0).field(), "items[2].price.amount_minor");
  EXPECT_EQ(response.errors(0).id(), "cheap");
  EXPECT_EQ(response.errors(0).status().code(), 3);
  EXPECT_EQ(temp_.store()->item_count(), 2);
  EXPECT_EQ(Gauge("aigc_recommender_catalogue_items"), 2);
}

TEST_F(RecommenderServiceTest, UpsertItemsWithNoneOrMoreThan1000ItemsFails) {
  v1::UpsertItemsResponse response;
  ExpectInvalidField(Upsert({}, &response), "items");
  std::vector<common::v1::Product> items;
  for (int i = 0; i < 1001; ++i) items.push_back(TestItem(absl::StrCat("i", i)));
  ExpectInvalidField(Upsert(items, &response), "items");
  EXPECT_EQ(temp_.store()->item_count(), 0);
}

TEST_F(RecommenderServiceTest, GetItemReturnsTheStoredRecordWithTimestamps) {
  UpsertOrFail({TestItem("sku-1")});
  v1::GetItemRequest request;
  request.set_item_id("sku-1");
  v1::GetItemResponse response;
  grpc::ClientContext context;
  SetDeadline(context);
  const grpc::Status status = stub_->GetItem(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.item().id(), "sku-1");
  EXPECT_EQ(response.item().title(), "Item sku-1");
  EXPECT_GT(response.item().created_time().seconds(), 0);
  EXPECT_GT(response.item().update_time().seconds(), 0);
}

TEST_F(RecommenderServiceTest, GetItemOfAnUnknownOrMalformedIdFailsNamingItemId) {
  const auto get = [this](const std::string& id) {
    v1::GetItemRequest request;
    request.set_item_id(id);
    v1::GetItemResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->GetItem(&context, request, &response);
  };
  const grpc::Status unknown = get("sku-404");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StartsWith(unknown.error_message(), "item_id: ")) << unknown.error_message();
  ExpectInvalidField(get(""), "item_id");
  ExpectInvalidField(get("has space"), "item_id");
}

TEST_F(RecommenderServiceTest, ListItemsPagesThroughEveryItemInIdOrder) {
  std::vector<common::v1::Product> items;
  for (int i = 0; i < 7; ++i) items.push_back(TestItem(absl::StrCat("i", i)));
  UpsertOrFail(items);

  std::vector<std::string> seen;
  v1::ListItemsRequest request;
  request.mutable_page()->set_page_size(3);
  std::vector<int> page_sizes;
  // 7 items at 3 per page: 3 pages; the bound only stops a runaway loop.
  for (int page = 0; page < 10; ++page) {
    v1::ListItemsResponse response;
    const grpc::Status status = ListItems(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.page().total_size(), 7);
    page_sizes.push_back(response.items_size());
    for (const common::v1::Product& item : response.items()) seen.push_back(item.id());
    if (response.page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(response.page().next_page_token());
  }
  EXPECT_THAT(page_sizes, ElementsAre(3, 3, 1));
  EXPECT_THAT(seen, ElementsAre("i0", "i1", "i2", "i3", "i4", "i5", "i6"));
}

TEST_F(RecommenderServiceTest, ListItemsFiltersByCategoryAndKind) {
  UpsertOrFail({TestItem("a", CATEGORY_DRESS), TestItem("b", CATEGORY_SNEAKER),
                TestItem("c", CATEGORY_DRESS),
                TestItem("m", common::v1::CATEGORY_UNSPECIFIED, ITEM_KIND_MOVIE)});
  v1::ListItemsRequest request;
  request.add_categories(CATEGORY_DRESS);
  request.mutable_page()->set_page_size(1);
  std::vector<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    v1::ListItemsResponse response;
    const grpc::Status status = ListItems(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    // Unknown for a filtered listing.
    EXPECT_FALSE(response.page().has_total_size());
    for (const common::v1::Product& item : response.items()) seen.push_back(item.id());
    if (response.page().next_page_token().empty()) break;
    request.mutable_page()->set_page_token(response.page().next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre("a", "c"));

  v1::ListItemsRequest movies;
  movies.add_kinds(ITEM_KIND_MOVIE);
  v1::ListItemsResponse response;
  ASSERT_TRUE(ListItems(movies, &response).ok());
  ASSERT_EQ(response.items_size(), 1);
  EXPECT_EQ(response.items(0).id(), "m");
  EXPECT_EQ(response.page().next_page_token(), "");
}

TEST_F(RecommenderServiceTest, ListItemsRejectsMalformedTokenAndUnspecifiedFilters) {
  v1::ListItemsResponse response;
  v1::ListItemsRequest request;
  request.mutable_page()->set_page_token("definitely-not-a-token");
  ExpectInvalidField(ListItems(request, &response), "page.page_token");

  request.Clear();
  request.add_categories(common::v1::CATEGORY_UNSPECIFIED);
  ExpectInvalidField(ListItems(request, &response), "categories[0]");

  request.Clear();
  request.add_kinds(common::v1::ITEM_KIND_UNSPECIFIED);
  ExpectInvalidField(ListItems(request, &response), "kinds[0]");

  request.Clear();
  request.mutable_page()->set_page_size(-5);
  ExpectInvalidField(ListItems(request, &response), "page.page_size");
}

TEST_F(RecommenderServiceTest, RequestIdIsEchoedOrGeneratedInBodyAndHeader) {
  v1::ListItemsRequest request;
  request.mutable_metadata()->set_request_id("req-abc");
  v1::ListItemsResponse echoed;
  grpc::ClientContext context;
  SetDeadline(context);
  ASSERT_TRUE(stub_->ListItems(&context, request, &echoed).ok());
  EXPECT_EQ(echoed.metadata().request_id(), "req-abc");
  EXPECT_EQ(RequestIdHeader(context), "req-abc");
  EXPECT_TRUE(echoed.metadata().has_processing_time());

  v1::ListItemsResponse generated;
  grpc::ClientContext second;
  SetDeadline(second);
  ASSERT_TRUE(stub_->ListItems(&second, v1::ListItemsRequest(), &generated).ok());
  EXPECT_EQ(generated.metadata().request_id().size(), 32u);
  EXPECT_EQ(RequestIdHeader(second), generated.metadata().request_id());
}

TEST_F(RecommenderServiceTest, InvalidRequestIdFailsTheCallBeforeAnyWork) {
  UpsertOrFail({TestItem("m1")});
  v1::WriteEventsRequest request;
  request.mutable_metadata()->set_request_id("tab\there");
  *request.add_events() = TestEvent("e0", "u1", "m1");
  v1::WriteEventsResponse response;
  grpc::ClientContext context;
  SetDeadline(context);
  ExpectInvalidField(stub_->WriteEvents(&context, request, &response), "metadata.request_id");
  EXPECT_EQ(temp_.store()->event_count(), 0u);
}

TEST_F(RecommenderServiceTest, RecommendIsUnavailableUntilAModelIsLoaded) {
  v1::RecommendRequest request;
  request.set_user_id("u1");
  v1::RecommendResponse response;
  grpc::ClientContext context;
  SetDeadline(context);
  const grpc::Status status = stub_->Recommend(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("aigc-rec-train"));
}

TEST_F(RecommenderServiceTest, AnAcknowledgedEventChangesTheNextRecommendation) {
  UpsertOrFail({TestItem("d1"), TestItem("d2"), TestItem("d3"), TestItem("s1", CATEGORY_SNEAKER),
                TestItem("s2", CATEGORY_SNEAKER)});
  // Two taste groups: dresses and sneakers.
  WriteOrFail({TestEvent("a", "u1", "d1"), TestEvent("b", "u1", "d2"), TestEvent("c", "u2", "d2"),
               TestEvent("d", "u2", "d3"), TestEvent("e", "u3", "s1"), TestEvent("f", "u3", "s2"),
               TestEvent("g", "u4", "d1")});
  auto set = TrainingSetFromStore(*temp_.store());
  ASSERT_TRUE(set.ok()) << set.status();
  for (v1::Algorithm algorithm : {v1::ALGORITHM_POPULARITY, v1::ALGORITHM_ITEM_KNN}) {
    auto model = TrainModel(algorithm, *set, Hyperparameters(), TrainContext{});
    ASSERT_TRUE(model.ok()) << model.status();
    ASSERT_TRUE(PublishRecModel(models_->options().root, **model, {}).ok());
    ASSERT_TRUE(models_->AddModel(RepositoryModelName(algorithm)).ok());
  }
  const auto recommend = [&](v1::RecommendResponse* response) {
    v1::RecommendRequest request;
    request.set_user_id("newcomer");
    request.set_count(1);
    request.set_algorithm(v1::ALGORITHM_ITEM_KNN);
    request.mutable_metadata()->set_request_id("req-1");
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->Recommend(&context, request, response);
  };
  v1::RecommendResponse cold;
  ASSERT_TRUE(recommend(&cold).ok());
  EXPECT_EQ(cold.fallback_reason(), v1::FALLBACK_REASON_COLD_START_USER);
  EXPECT_EQ(cold.metadata().request_id(), "req-1");

  WriteOrFail({TestEvent("h", "newcomer", "s1")});
  v1::RecommendResponse warm;
  const grpc::Status status = recommend(&warm);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(warm.items_size(), 1);
  EXPECT_EQ(warm.items(0).item_id(), "s2");
  EXPECT_THAT(warm.items(0).reason_item_ids(), ElementsAre("s1"));
  EXPECT_EQ(warm.algorithm(), v1::ALGORITHM_ITEM_KNN);
  EXPECT_EQ(warm.metadata().request_id(), "req-1");
  EXPECT_TRUE(warm.metadata().has_processing_time());
  EXPECT_EQ(Recommendations("cold_start_user"), 1);
  EXPECT_EQ(Recommendations("none"), 1);
}

}  // namespace
}  // namespace aigc::recommender
