// The recommender workloads against an in-process fake RecommenderService on
// a loopback port: what they send, what they read back, and how the runner
// cancels calls in flight.
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "bench/aigc_load/runner.h"
#include "bench/aigc_load/workload.h"
#include "bench/aigc_load/workloads/recommend.h"
#include "bench/aigc_load/workloads/recommender_common.h"
#include "bench/aigc_load/workloads/similar_items.h"
#include "bench/aigc_load/workloads/write_events.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace aigc::load {
namespace {

namespace v1 = recommender::v1;

using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr absl::Duration kDeadline = absl::Seconds(10);

// Catalogue ids m001, m002, ...: id order is numeric order.
std::string ItemId(int i) { return absl::StrFormat("m%03d", i); }

// Records what it is sent and answers like the real service would, from a
// catalogue of `catalogue_size` items. Thread-safe.
class FakeRecommender : public v1::RecommenderService::CallbackService {
 public:
  explicit FakeRecommender(int catalogue_size) {
    for (int i = 1; i <= catalogue_size; ++i) catalogue_.push_back(ItemId(i));
  }

  // Recommend calls then wait until the client cancels them.
  void HoldRecommendCalls() { hold_recommend_ = true; }
  // ListItems answers empty pages with a next-page token, forever.
  void AnswerEmptyPagesForever() { empty_pages_forever_ = true; }
  // ListItems fails with `status`.
  void FailListItems(grpc::Status status) {
    absl::MutexLock lock(&mu_);
    list_items_status_ = std::move(status);
  }

  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* context,
                                      const v1::RecommendRequest* request,
                                      v1::RecommendResponse* /*response*/) override {
    {
      absl::MutexLock lock(&mu_);
      recommend_requests_.push_back(*request);
    }
    if (hold_recommend_) {
      ++held_calls_;
      return new HeldReactor();
    }
    return Finish(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* SimilarItems(grpc::CallbackServerContext* context,
                                         const v1::SimilarItemsRequest* request,
                                         v1::SimilarItemsResponse* /*response*/) override {
    absl::MutexLock lock(&mu_);
    similar_item_ids_.push_back(request->item_id());
    return Finish(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* WriteEvents(grpc::CallbackServerContext* context,
                                        const v1::WriteEventsRequest* request,
                                        v1::WriteEventsResponse* response) override {
    absl::MutexLock lock(&mu_);
    for (const v1::Event& event : request->events()) events_.push_back(event);
    // Made-up split, so the test can tell which count went where.
    response->set_accepted_count(request->events_size() - 3);
    response->set_duplicate_count(1);
    response->set_rejected_count(2);
    return Finish(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* ListItems(grpc::CallbackServerContext* context,
                                      const v1::ListItemsRequest* request,
                                      v1::ListItemsResponse* response) override {
    absl::MutexLock lock(&mu_);
    page_sizes_.push_back(request->page().page_size());
    if (!list_items_status_.ok()) return Finish(context, list_items_status_);
    if (empty_pages_forever_) {
      response->mutable_page()->set_next_page_token("more");
      return Finish(context, grpc::Status::OK);
    }
    int start = 0;
    if (!request->page().page_token().empty() &&
        !absl::SimpleAtoi(request->page().page_token(), &start)) {
      return Finish(context, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page.page_token"));
    }
    const int size = std::min(request->page().page_size() > 0 ? request->page().page_size() : 20,
                              kCataloguePageSize);
    const int end = std::min(start + size, static_cast<int>(catalogue_.size()));
    for (int i = start; i < end; ++i) response->add_items()->set_id(catalogue_[i]);
    if (end < static_cast<int>(catalogue_.size())) {
      response->mutable_page()->set_next_page_token(absl::StrCat(end));
    }
    return Finish(context, grpc::Status::OK);
  }

  const std::vector<std::string>& catalogue() const { return catalogue_; }
  int held_calls() const { return held_calls_.load(); }

  std::vector<v1::RecommendRequest> recommend_requests() const {
    absl::MutexLock lock(&mu_);
    return recommend_requests_;
  }
  std::vector<std::string> similar_item_ids() const {
    absl::MutexLock lock(&mu_);
    return similar_item_ids_;
  }
  std::vector<v1::Event> events() const {
    absl::MutexLock lock(&mu_);
    return events_;
  }
  std::vector<int> page_sizes() const {
    absl::MutexLock lock(&mu_);
    return page_sizes_;
  }

 private:
  // Answers only when the client cancels (or the server shuts down).
  class HeldReactor : public grpc::ServerUnaryReactor {
   public:
    void OnCancel() override { Finish(grpc::Status::CANCELLED); }
    void OnDone() override { delete this; }
  };

  static grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context,
                                          const grpc::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }

  std::vector<std::string> catalogue_;
  std::atomic<bool> hold_recommend_{false};
  std::atomic<bool> empty_pages_forever_{false};
  std::atomic<int> held_calls_{0};
  mutable absl::Mutex mu_;
  grpc::Status list_items_status_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::RecommendRequest> recommend_requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> similar_item_ids_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::Event> events_ ABSL_GUARDED_BY(mu_);
  std::vector<int> page_sizes_ ABSL_GUARDED_BY(mu_);
};

// A FakeRecommender served on 127.0.0.1 at an ephemeral port.
class RecommenderWorkloadTest : public ::testing::Test {
 protected:
  void Serve(int catalogue_size) {
    fake_ = std::make_unique<FakeRecommender>(catalogue_size);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(fake_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channels_ = CreateChannels(absl::StrCat("127.0.0.1:", port), 1);
    stub_ = v1::RecommenderService::NewStub(channels_[0]);
  }

  void TearDown() override {
    // Cancels held calls, so no test can leave the server waiting.
    if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now()));
  }

  absl::StatusOr<LevelResult> Run(const Workload& workload, int concurrency, int64_t requests,
                                  uint64_t seed = 1, Stopper* stopper = nullptr) {
    LevelOptions options;
    options.concurrency = concurrency;
    options.max_requests = requests;
    options.max_duration = absl::Seconds(30);
    options.rpc_deadline = kDeadline;
    options.seed = seed;
    return RunLevel(workload, channels_, options, stopper, {});
  }

  std::unique_ptr<FakeRecommender> fake_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::unique_ptr<v1::RecommenderService::Stub> stub_;
};

TEST(IdRangeTest, ExpandsThePatternForEachNumber) {
  const auto users = IdRange::Parse("u%d:1..671");
  ASSERT_TRUE(users.ok()) << users.status();
  EXPECT_EQ(users->At(1), "u1");
  EXPECT_EQ(users->At(671), "u671");
  EXPECT_EQ(users->first(), 1);
  EXPECT_EQ(users->last(), 671);
  EXPECT_EQ(users->spec(), "u%d:1..671");

  const auto padded = IdRange::Parse("sku-%06d.v2:0..999999");
  ASSERT_TRUE(padded.ok()) << padded.status();
  EXPECT_EQ(padded->At(42), "sku-000042.v2");

  // The range follows the last ':'.
  const auto colons = IdRange::Parse("shop:user:%d:3..4");
  ASSERT_TRUE(colons.ok()) << colons.status();
  EXPECT_EQ(colons->At(3), "shop:user:3");
}

TEST(IdRangeTest, RejectsMalformedSpecs) {
  const std::string too_long = std::string(126, 'x') + "%d:0..100";  // x...x100 is 129
  for (const std::string& spec :
       {std::string("u%d"), std::string("u%d:5..1"), std::string("u%d:-1..3"),
        std::string("u%d:1-3"), std::string("u%s:1..2"), std::string("u:1..2"),
        std::string("u%d%d:1..2"), std::string("u %d:1..2"), std::string("u%%%d:1..2"),
        std::string("u%0d:1..2"), std::string("u%021d:1..2"), std::string("u%d:1..x"), too_long}) {
    EXPECT_EQ(IdRange::Parse(spec).status().code(), absl::StatusCode::kInvalidArgument) << spec;
  }
  EXPECT_TRUE(IdRange::Parse(std::string(125, 'x') + "%d:0..100").ok());  // 128 characters
}

TEST(IdRangeTest, DrawsEveryIdOfTheRangeAndNothingElse) {
  const auto users = IdRange::Parse("u%d:1..3");
  ASSERT_TRUE(users.ok()) << users.status();
  std::mt19937_64 random(7);
  std::map<std::string, int> drawn;
  for (int i = 0; i < 300; ++i) ++drawn[users->Draw(random)];
  EXPECT_THAT(drawn, ElementsAre(Pair("u1", ::testing::Gt(0)), Pair("u2", ::testing::Gt(0)),
                                 Pair("u3", ::testing::Gt(0))));
}

TEST(ParseAlgorithmTest, TakesEnumNamesAndEmptyForTheServerDefault) {
  EXPECT_EQ(*ParseAlgorithm("ALGORITHM_EASE"), v1::ALGORITHM_EASE);
  EXPECT_EQ(*ParseAlgorithm(""), v1::ALGORITHM_UNSPECIFIED);
  const auto bad = ParseAlgorithm("EASE");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("ALGORITHM_HYBRID"));
}

TEST_F(RecommenderWorkloadTest, FetchCatalogueItemIdsPagesThroughTheCatalogueInOrder) {
  Serve(250);
  const auto ids = FetchCatalogueItemIds(*stub_, 10000, kDeadline);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, fake_->catalogue());
  EXPECT_THAT(fake_->page_sizes(), ElementsAre(100, 100, 100));
}

TEST_F(RecommenderWorkloadTest, FetchCatalogueItemIdsStopsAtTheLimit) {
  Serve(250);
  const auto ids = FetchCatalogueItemIds(*stub_, 150, kDeadline);
  ASSERT_TRUE(ids.ok()) << ids.status();
  ASSERT_THAT(*ids, SizeIs(150));
  EXPECT_EQ(ids->back(), ItemId(150));
  EXPECT_THAT(fake_->page_sizes(), ElementsAre(100, 50));
}

TEST_F(RecommenderWorkloadTest, FetchCatalogueItemIdsFailsOnAnEmptyCatalogue) {
  Serve(0);
  EXPECT_EQ(FetchCatalogueItemIds(*stub_, 100, kDeadline).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RecommenderWorkloadTest, FetchCatalogueItemIdsGivesUpOnEndlessEmptyPages) {
  Serve(10);
  fake_->AnswerEmptyPagesForever();
  EXPECT_EQ(FetchCatalogueItemIds(*stub_, 5, kDeadline).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(fake_->page_sizes(), SizeIs(5));
}

TEST_F(RecommenderWorkloadTest, FetchCatalogueItemIdsKeepsTheCodeOfAFailedCall) {
  Serve(10);
  fake_->FailListItems(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not yet"));
  const auto ids = FetchCatalogueItemIds(*stub_, 100, kDeadline);
  EXPECT_EQ(ids.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(ids.status().message(), "ListItems: UNIMPLEMENTED: not yet");
}

TEST_F(RecommenderWorkloadTest, RecommendAsksForDrawnUsersWithCountAndAlgorithm) {
  Serve(0);
  RecommendOptions options;
  options.user_ids = "u%d:1..5";
  options.count = 7;
  options.algorithm = v1::ALGORITHM_EASE;
  auto workload = RecommendWorkload::Create(options);
  ASSERT_TRUE(workload.ok()) << workload.status();
  ASSERT_TRUE((*workload)->Prepare(channels_[0], kDeadline).ok());
  EXPECT_EQ((*workload)->method(), "aigc.recommender.v1.RecommenderService/Recommend");

  const auto result = Run(**workload, 2, 60);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->ok, 60);
  const auto requests = fake_->recommend_requests();
  ASSERT_THAT(requests, SizeIs(60));
  std::set<std::string> users;
  for (const v1::RecommendRequest& request : requests) {
    users.insert(request.user_id());
    EXPECT_EQ(request.count(), 7);
    EXPECT_EQ(request.algorithm(), v1::ALGORITHM_EASE);
    EXPECT_EQ(request.metadata().client_name(), "aigc-load");
  }
  EXPECT_THAT(users, Each(::testing::AnyOf("u1", "u2", "u3", "u4", "u5")));
  EXPECT_GT(users.size(), 1u);
}

TEST_F(RecommenderWorkloadTest, RecommendSendsTheSameUsersForTheSameSeed) {
  Serve(0);
  auto workload = RecommendWorkload::Create(RecommendOptions());
  ASSERT_TRUE(workload.ok()) << workload.status();
  auto users_for_seed = [&](uint64_t seed) {
    const size_t before = fake_->recommend_requests().size();
    EXPECT_TRUE(Run(**workload, 1, 20, seed).ok());
    std::vector<std::string> users;
    const auto requests = fake_->recommend_requests();
    for (size_t i = before; i < requests.size(); ++i) users.push_back(requests[i].user_id());
    return users;
  };
  const std::vector<std::string> first = users_for_seed(7);
  EXPECT_THAT(first, SizeIs(20));
  EXPECT_EQ(users_for_seed(7), first);
  EXPECT_NE(users_for_seed(8), first);
}

TEST(RecommendWorkloadTest, RejectsOptionsOutOfRangeNamingThem) {
  RecommendOptions options;
  options.count = 201;
  EXPECT_THAT(RecommendWorkload::Create(options).status().message(), HasSubstr("count:"));
  options.count = 0;
  EXPECT_THAT(RecommendWorkload::Create(options).status().message(), HasSubstr("count:"));
  options = RecommendOptions();
  options.user_ids = "u%d";
  EXPECT_THAT(RecommendWorkload::Create(options).status().message(), HasSubstr("user_ids:"));
}

TEST_F(RecommenderWorkloadTest, SimilarItemsAsksAboutCatalogueItems) {
  Serve(30);
  SimilarItemsOptions options;
  options.count = 5;
  auto workload = SimilarItemsWorkload::Create(options);
  ASSERT_TRUE(workload.ok()) << workload.status();
  ASSERT_TRUE((*workload)->Prepare(channels_[0], kDeadline).ok());

  const auto result = Run(**workload, 2, 40);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->ok, 40);
  const std::vector<std::string> asked = fake_->similar_item_ids();
  ASSERT_THAT(asked, SizeIs(40));
  const std::set<std::string> catalogue(fake_->catalogue().begin(), fake_->catalogue().end());
  for (const std::string& id : asked) EXPECT_TRUE(catalogue.contains(id)) << id;
  const Params params = (*workload)->params();
  EXPECT_THAT(params, ::testing::Contains(Pair("catalogue_items", ParamValue(int64_t{30}))));
}

TEST_F(RecommenderWorkloadTest, SimilarItemsCannotPrepareWithoutACatalogue) {
  Serve(0);
  auto workload = SimilarItemsWorkload::Create(SimilarItemsOptions());
  ASSERT_TRUE(workload.ok()) << workload.status();
  EXPECT_EQ((*workload)->Prepare(channels_[0], kDeadline).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RecommenderWorkloadTest, WriteEventsSendsUniqueViewEventsAndCountsTheAnswers) {
  Serve(10);
  WriteEventsOptions options;
  options.user_ids = "u%d:1..50";
  options.events_per_request = 25;
  auto workload = WriteEventsWorkload::Create(options);
  ASSERT_TRUE(workload.ok()) << workload.status();
  ASSERT_TRUE((*workload)->Prepare(channels_[0], kDeadline).ok());

  const auto result = Run(**workload, 2, 8);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->ok, 8);
  // The fake answers each batch of 25 with 22 accepted, 1 duplicate, 2 rejected.
  EXPECT_THAT(result->counters,
              ElementsAre(Pair("accepted_events", 8 * 22), Pair("duplicate_events", 8),
                          Pair("rejected_events", 8 * 2)));
  const std::vector<v1::Event> events = fake_->events();
  ASSERT_THAT(events, SizeIs(200));
  const auto users = IdRange::Parse(options.user_ids);
  ASSERT_TRUE(users.ok());
  std::set<std::string> user_ids;
  for (int i = users->first(); i <= users->last(); ++i) user_ids.insert(users->At(i));
  const std::set<std::string> catalogue(fake_->catalogue().begin(), fake_->catalogue().end());
  std::set<std::string> event_ids;
  for (const v1::Event& event : events) {
    EXPECT_EQ(event.type(), v1::EVENT_TYPE_VIEW);
    EXPECT_TRUE(user_ids.contains(event.user_id())) << event.user_id();
    EXPECT_TRUE(catalogue.contains(event.item_id())) << event.item_id();
    EXPECT_FALSE(event.has_rating());
    event_ids.insert(event.event_id());
  }
  EXPECT_THAT(event_ids, SizeIs(200));

  // A second run (another workload object) must not repeat the first run's ids.
  auto again = WriteEventsWorkload::Create(options);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE((*again)->Prepare(channels_[0], kDeadline).ok());
  ASSERT_TRUE(Run(**again, 1, 1).ok());
  const std::vector<v1::Event> all = fake_->events();
  ASSERT_THAT(all, SizeIs(225));
  for (size_t i = 200; i < all.size(); ++i) {
    EXPECT_FALSE(event_ids.contains(all[i].event_id())) << all[i].event_id();
  }
}

TEST(WriteEventsWorkloadTest, RejectsOptionsOutOfRangeNamingThem) {
  WriteEventsOptions options;
  options.events_per_request = 1001;
  EXPECT_THAT(WriteEventsWorkload::Create(options).status().message(),
              HasSubstr("events_per_request:"));
  options.events_per_request = 0;
  EXPECT_THAT(WriteEventsWorkload::Create(options).status().message(),
              HasSubstr("events_per_request:"));
  options = WriteEventsOptions();
  options.catalogue_limit = 0;
  EXPECT_THAT(WriteEventsWorkload::Create(options).status().message(),
              HasSubstr("catalogue_limit:"));
}

TEST_F(RecommenderWorkloadTest, StoppingCancelsCallsInFlightAndDoesNotCountThem) {
  Serve(0);
  fake_->HoldRecommendCalls();
  auto workload = RecommendWorkload::Create(RecommendOptions());
  ASSERT_TRUE(workload.ok()) << workload.status();
  Stopper stopper;
  // Stops once all three workers wait on the server (or after 10 s, so the
  // test cannot hang; the held-call count then fails it).
  std::thread stop_when_held([&] {
    for (int i = 0; i < 1000 && fake_->held_calls() < 3; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    stopper.Stop();
  });
  const auto result = Run(**workload, 3, 1000, 1, &stopper);
  stop_when_held.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(fake_->held_calls(), 3);
  EXPECT_TRUE(result->interrupted);
  EXPECT_EQ(result->requests, 0);
  EXPECT_THAT(result->errors, ::testing::IsEmpty());
}

TEST(WorkloadRegistryTest, TheRecommenderWorkloadsAndHealthAreRegistered) {
  const std::string described = WorkloadRegistry::Global().Describe();
  EXPECT_THAT(described, AllOf(HasSubstr("  health: "), HasSubstr("  recommend: "),
                               HasSubstr("  similar_items: "), HasSubstr("  write_events: ")));
}

TEST(WorkloadRegistryTest, FactoriesNameTheFlagThatIsOutOfRange) {
  absl::SetFlag(&FLAGS_count, 0);
  EXPECT_THAT(WorkloadRegistry::Global().Create("recommend").status().message(),
              HasSubstr("--count: must be in [1, 200], got 0"));
  EXPECT_THAT(WorkloadRegistry::Global().Create("similar_items").status().message(),
              HasSubstr("--count:"));
  absl::SetFlag(&FLAGS_count, 10);
  absl::SetFlag(&FLAGS_algorithm, "FAST");
  EXPECT_THAT(WorkloadRegistry::Global().Create("recommend").status().message(),
              HasSubstr("--algorithm: unknown algorithm \"FAST\""));
  absl::SetFlag(&FLAGS_algorithm, "");
  absl::SetFlag(&FLAGS_user_ids, "nobody");
  EXPECT_THAT(WorkloadRegistry::Global().Create("write_events").status().message(),
              HasSubstr("--user_ids:"));
  absl::SetFlag(&FLAGS_user_ids, std::string(kDefaultUserIds));
  const auto recommend = WorkloadRegistry::Global().Create("recommend");
  ASSERT_TRUE(recommend.ok()) << recommend.status();
  EXPECT_THAT((*recommend)->params(),
              ::testing::Contains(Pair("user_ids", ParamValue(std::string("u%d:1..671")))));
}

}  // namespace
}  // namespace aigc::load
