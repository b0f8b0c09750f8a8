// The gateway workloads, and the API key that aigc-load's channels send,
// against in-process fakes of GatewayService and ImageGenService on a loopback
// port.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "bench/aigc_load/runner.h"
#include "bench/aigc_load/workload.h"
#include "bench/aigc_load/workloads/gateway_product_cards.h"
#include "bench/aigc_load/workloads/generate_images.h"
#include "bench/aigc_load/workloads/recommender_common.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

ABSL_DECLARE_FLAG(int, image_count);

namespace aigc::load {
namespace {

namespace gw = gateway::v1;
namespace img = imagegen::v1;

using ::testing::AllOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr absl::Duration kDeadline = absl::Seconds(10);

std::string ApiKeyOf(const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find("x-api-key");
  return it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
}

grpc::ServerUnaryReactor* FinishOk(grpc::CallbackServerContext* context) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

// Records what the gateway is sent. GetProductCards answers `count` cards;
// every second call (1st, 3rd, ...) is partial, its first card without an
// image. Thread-safe.
class FakeGateway : public gw::GatewayService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GenerateImages(grpc::CallbackServerContext* context,
                                           const img::GenerateRequest* request,
                                           img::GenerateResponse* response) override {
    absl::MutexLock lock(&mu_);
    image_requests_.push_back(*request);
    api_keys_.push_back(ApiKeyOf(*context));
    for (int i = 0; i < request->count(); ++i) response->add_images();
    return FinishOk(context);
  }

  grpc::ServerUnaryReactor* GetProductCards(grpc::CallbackServerContext* context,
                                            const gw::GetProductCardsRequest* request,
                                            gw::GetProductCardsResponse* response) override {
    absl::MutexLock lock(&mu_);
    const bool partial = cards_requests_.size() % 2 == 0;
    cards_requests_.push_back(*request);
    api_keys_.push_back(ApiKeyOf(*context));
    for (int i = 0; i < request->count(); ++i) {
      gw::ProductCard& card = *response->add_cards();
      card.set_rank(i + 1);
      if (partial && i == 0) card.mutable_image_status()->set_code(grpc::DEADLINE_EXCEEDED);
    }
    response->set_partial(partial);
    return FinishOk(context);
  }

  std::vector<img::GenerateRequest> image_requests() const {
    absl::MutexLock lock(&mu_);
    return image_requests_;
  }
  std::vector<gw::GetProductCardsRequest> cards_requests() const {
    absl::MutexLock lock(&mu_);
    return cards_requests_;
  }
  std::vector<std::string> api_keys() const {
    absl::MutexLock lock(&mu_);
    return api_keys_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<img::GenerateRequest> image_requests_ ABSL_GUARDED_BY(mu_);
  std::vector<gw::GetProductCardsRequest> cards_requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> api_keys_ ABSL_GUARDED_BY(mu_);
};

// Records the Generate requests aigc-imagegen is sent. Thread-safe.
class FakeImageGen : public img::ImageGenService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Generate(grpc::CallbackServerContext* context,
                                     const img::GenerateRequest* request,
                                     img::GenerateResponse* response) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back(*request);
    for (int i = 0; i < request->count(); ++i) response->add_images();
    return FinishOk(context);
  }

  std::vector<img::GenerateRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<img::GenerateRequest> requests_ ABSL_GUARDED_BY(mu_);
};

// Both fakes served on 127.0.0.1 at one ephemeral port.
class GatewayWorkloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&gateway_);
    builder.RegisterService(&imagegen_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }

  void TearDown() override { server_->Shutdown(absl::ToChronoTime(absl::Now())); }

  std::vector<std::shared_ptr<grpc::Channel>> Channels(const CallMetadata& metadata = {}) {
    return CreateChannels(absl::StrCat("127.0.0.1:", port_), 2, metadata);
  }

  absl::StatusOr<LevelResult> Run(const Workload& workload,
                                  const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                                  int concurrency, int64_t requests, uint64_t seed = 1) {
    LevelOptions options;
    options.concurrency = concurrency;
    options.max_requests = requests;
    options.max_duration = absl::Seconds(30);
    options.rpc_deadline = kDeadline;
    options.seed = seed;
    return RunLevel(workload, channels, options, nullptr, {});
  }

  FakeGateway gateway_;
  FakeImageGen imagegen_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(GatewayWorkloadTest, GatewayGenerateImagesSendsWhatGenerateImagesSendsDirectly) {
  auto direct = GenerateImagesWorkload::Create({.count = 2, .size = 56});
  auto through_gateway =
      GenerateImagesWorkload::Create({.count = 2, .size = 56, .route = ImageRoute::kGateway});
  ASSERT_TRUE(direct.ok()) << direct.status();
  ASSERT_TRUE(through_gateway.ok()) << through_gateway.status();
  EXPECT_EQ((*direct)->method(), "aigc.imagegen.v1.ImageGenService/Generate");
  EXPECT_EQ((*through_gateway)->method(), "aigc.gateway.v1.GatewayService/GenerateImages");
  EXPECT_EQ((*direct)->params(), (*through_gateway)->params());

  // One worker, so that both runs send their requests in the same order.
  const auto direct_result = Run(**direct, Channels(), 1, 30, /*seed=*/5);
  const auto gateway_result = Run(**through_gateway, Channels(), 1, 30, /*seed=*/5);
  ASSERT_TRUE(direct_result.ok()) << direct_result.status();
  ASSERT_TRUE(gateway_result.ok()) << gateway_result.status();
  EXPECT_EQ(direct_result->ok, 30);
  EXPECT_EQ(gateway_result->ok, 30);
  EXPECT_THAT(gateway_result->counters, ElementsAre(Pair("images", 60)));
  EXPECT_EQ(direct_result->counters, gateway_result->counters);

  const std::vector<img::GenerateRequest> sent_directly = imagegen_.requests();
  const std::vector<img::GenerateRequest> sent_to_gateway = gateway_.image_requests();
  ASSERT_THAT(sent_directly, SizeIs(30));
  ASSERT_THAT(sent_to_gateway, SizeIs(30));
  std::set<int> categories;
  for (int i = 0; i < 30; ++i) {
    SCOPED_TRACE(absl::StrCat("request ", i));
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(sent_directly[i], sent_to_gateway[i]))
        << sent_directly[i].ShortDebugString() << "\n"
        << sent_to_gateway[i].ShortDebugString();
    EXPECT_EQ(sent_to_gateway[i].count(), 2);
    EXPECT_EQ(sent_to_gateway[i].size(), img::SIZE_56);
    EXPECT_EQ(sent_to_gateway[i].metadata().client_name(), "aigc-load");
    categories.insert(sent_to_gateway[i].category());
  }
  EXPECT_GT(categories.size(), 1u);
  EXPECT_THAT(categories, Each(AllOf(::testing::Ge(1), ::testing::Le(10))));
}

TEST_F(GatewayWorkloadTest, ChannelsSendTheirMetadataWithEveryCallAndNothingWithout) {
  auto workload =
      GenerateImagesWorkload::Create({.count = 1, .size = 28, .route = ImageRoute::kGateway});
  ASSERT_TRUE(workload.ok()) << workload.status();
  ASSERT_TRUE(Run(**workload, Channels({{"x-api-key", "aigc_test-key"}}), 3, 12).ok());
  EXPECT_THAT(gateway_.api_keys(), AllOf(SizeIs(12), Each("aigc_test-key")));

  ASSERT_TRUE(Run(**workload, Channels(), 2, 4).ok());
  const std::vector<std::string> keys = gateway_.api_keys();
  ASSERT_THAT(keys, SizeIs(16));
  EXPECT_THAT(std::vector<std::string>(keys.begin() + 12, keys.end()), Each(""));
}

TEST_F(GatewayWorkloadTest, ProductCardsAsksForDrawnUsersAndCountsCardsAndPartialAnswers) {
  ProductCardsOptions options;
  options.user_ids = "shopper-%d:1..5";
  options.count = 7;
  options.algorithm = recommender::v1::ALGORITHM_ITEM_KNN;
  auto workload = ProductCardsWorkload::Create(options);
  ASSERT_TRUE(workload.ok()) << workload.status();
  EXPECT_EQ((*workload)->method(), "aigc.gateway.v1.GatewayService/GetProductCards");
  EXPECT_THAT((*workload)->params(),
              ElementsAre(Pair("user_ids", ParamValue(std::string("shopper-%d:1..5"))),
                          Pair("count", ParamValue(int64_t{7})),
                          Pair("algorithm", ParamValue(std::string("ALGORITHM_ITEM_KNN")))));

  const auto result = Run(**workload, Channels({{"x-api-key", "k"}}), 2, 10);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->ok, 10);
  // The fake makes every second answer partial, missing one image.
  EXPECT_THAT(result->counters, ElementsAre(Pair("cards", 70), Pair("missing_copies", 0),
                                            Pair("missing_images", 5), Pair("partial_answers", 5)));
  const std::vector<gw::GetProductCardsRequest> requests = gateway_.cards_requests();
  ASSERT_THAT(requests, SizeIs(10));
  std::set<std::string> users;
  for (const gw::GetProductCardsRequest& request : requests) {
    users.insert(request.user_id());
    EXPECT_EQ(request.count(), 7);
    EXPECT_EQ(request.algorithm(), recommender::v1::ALGORITHM_ITEM_KNN);
    EXPECT_EQ(request.metadata().client_name(), "aigc-load");
    // Default card options: copy and image, as the gateway's callers get them.
    EXPECT_FALSE(request.has_options());
  }
  EXPECT_THAT(users, Each(::testing::AnyOf("shopper-1", "shopper-2", "shopper-3", "shopper-4",
                                           "shopper-5")));
  EXPECT_GT(users.size(), 1u);
}

TEST(ProductCardsWorkloadTest, RejectsOptionsOutOfRangeNamingThem) {
  ProductCardsOptions options;
  for (const int count : {0, 21}) {
    options.count = count;
    EXPECT_THAT(ProductCardsWorkload::Create(options).status().message(), HasSubstr("count:"))
        << count;
  }
  options.count = 20;
  EXPECT_TRUE(ProductCardsWorkload::Create(options).ok());
  options.user_ids = "shopper";
  EXPECT_THAT(ProductCardsWorkload::Create(options).status().message(), HasSubstr("user_ids:"));
}

TEST(WorkloadRegistryTest, TheGatewayWorkloadsAreRegisteredAndNameTheirFlags) {
  EXPECT_THAT(WorkloadRegistry::Global().Describe(),
              AllOf(HasSubstr("  gateway_generate_images: "),
                    HasSubstr("  gateway_product_cards: "), HasSubstr("  generate_images: ")));
  absl::SetFlag(&FLAGS_count, 21);
  EXPECT_THAT(WorkloadRegistry::Global().Create("gateway_product_cards").status().message(),
              HasSubstr("--count: must be in [1, 20], got 21"));
  absl::SetFlag(&FLAGS_count, 10);
  absl::SetFlag(&FLAGS_image_count, 17);
  EXPECT_THAT(WorkloadRegistry::Global().Create("gateway_generate_images").status().message(),
              HasSubstr("--image_count:"));
  absl::SetFlag(&FLAGS_image_count, 1);
  const auto cards = WorkloadRegistry::Global().Create("gateway_product_cards");
  ASSERT_TRUE(cards.ok()) << cards.status();
  EXPECT_EQ((*cards)->method(), "aigc.gateway.v1.GatewayService/GetProductCards");
}

}  // namespace
}  // namespace aigc::load
