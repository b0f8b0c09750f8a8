// The real aigc-recommender binary on ephemeral loopback ports over a store in
// a temp directory: acknowledged writes survive kill -9, a second process on
// the same store refuses to start, and bad input comes back as BatchErrors.
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/http_get.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/subprocess.h"

namespace aigc {
namespace {

namespace v1 = recommender::v1;
using testing::Subprocess;

constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kExitTimeout = absl::Seconds(10);
constexpr absl::Duration kRpcTimeout = absl::Seconds(10);
constexpr int kItems = 5;
constexpr int kEvents = 60;

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + kRpcTimeout));
}

// A started aigc-recommender and a stub to it. The Subprocess kills the
// process when it goes away, so a failing test leaves nothing running.
struct Recommender {
  std::unique_ptr<Subprocess> process;
  testing::ServingPorts ports;
  std::unique_ptr<v1::RecommenderService::Stub> stub;
};

// Starts the binary on `store_path`; on failure records it and returns a
// Recommender without a stub.
Recommender StartRecommender(const std::filesystem::path& store_path) {
  Recommender server;
  auto process = Subprocess::Start(AIGC_RECOMMENDER_BIN,
                                   {"--host=127.0.0.1", "--port=0", "--metrics_port=0",
                                    "--drain_timeout=5s", "--store_path=" + store_path.string()});
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return server;
  server.process = *std::move(process);
  const auto ready = server.process->WaitForLine("grpc_port=", kStartTimeout);
  EXPECT_TRUE(ready.ok()) << ready.status();
  if (!ready.ok()) return server;
  const auto ports = testing::ParseReadyLine(*ready);
  EXPECT_TRUE(ports.ok()) << ports.status();
  if (!ports.ok()) return server;
  server.ports = *ports;
  server.stub = v1::RecommenderService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", ports->grpc_port), grpc::InsecureChannelCredentials()));
  return server;
}

common::v1::Product Item(int i) {
  common::v1::Product item;
  item.set_id(absl::StrCat("sku-", i));
  item.set_title(absl::StrCat("连衣裙 ", i));
  item.set_category(common::v1::CATEGORY_DRESS);
  return item;
}

v1::WriteEventsRequest AcknowledgedEvents() {
  v1::WriteEventsRequest request;
  for (int i = 0; i < kEvents; ++i) {
    v1::Event* event = request.add_events();
    event->set_event_id(absl::StrCat("e2e-", i));
    event->set_user_id(absl::StrCat("u", i % 7));
    event->set_item_id(Item(i % kItems).id());
    event->set_type(v1::EVENT_TYPE_CLICK);
  }
  return request;
}

class RecommenderE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "recommender_e2e.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path store_path() const { return dir_ / "store"; }

  std::filesystem::path dir_;
};

TEST_F(RecommenderE2eTest, AcknowledgedWritesSurviveKillNineAndRetriesAreDuplicates) {
  Recommender first = StartRecommender(store_path());
  ASSERT_NE(first.stub, nullptr);
  {
    v1::UpsertItemsRequest request;
    for (int i = 0; i < kItems; ++i) *request.add_items() = Item(i);
    v1::UpsertItemsResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = first.stub->UpsertItems(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.created_count(), kItems);
  }
  {
    v1::WriteEventsResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = first.stub->WriteEvents(&context, AcknowledgedEvents(), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.accepted_count(), kEvents) << response.DebugString();
  }

  // No drain, no flush: whatever was acknowledged must already be durable.
  first.process->Signal(SIGKILL);
  ASSERT_EQ(first.process->WaitForExit(kExitTimeout), 128 + SIGKILL);

  Recommender second = StartRecommender(store_path());
  ASSERT_NE(second.stub, nullptr);
  for (int i = 0; i < kItems; ++i) {
    v1::GetItemRequest request;
    request.set_item_id(Item(i).id());
    v1::GetItemResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = second.stub->GetItem(&context, request, &response);
    ASSERT_TRUE(status.ok()) << Item(i).id() << ": " << status.error_message();
    EXPECT_EQ(response.item().title(), Item(i).title());
  }
  {
    v1::WriteEventsResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = second.stub->WriteEvents(&context, AcknowledgedEvents(), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.duplicate_count(), kEvents);
    EXPECT_EQ(response.accepted_count(), 0);
    EXPECT_EQ(response.rejected_count(), 0);
  }

  // The restarted process counts the catalogue it loaded and the duplicates.
  const auto body = testing::HttpGet(second.ports.metrics_port, "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  const auto samples = testing::ParsePrometheusText(*body);
  ASSERT_TRUE(samples.ok()) << samples.status();
  EXPECT_EQ(testing::FindSample(*samples, "aigc_recommender_catalogue_items"), kItems);
  EXPECT_EQ(testing::FindSample(*samples, "aigc_recommender_events_total",
                                {{"type", "click"}, {"outcome", "duplicate"}}),
            kEvents);

  second.process->Signal(SIGTERM);
  EXPECT_EQ(second.process->WaitForExit(kExitTimeout), 0) << second.process->stderr_text();
}

TEST_F(RecommenderE2eTest, SecondProcessOnTheSameStoreExitsOneWithTheReason) {
  Recommender first = StartRecommender(store_path());
  ASSERT_NE(first.stub, nullptr);

  auto second =
      Subprocess::Start(AIGC_RECOMMENDER_BIN, {"--host=127.0.0.1", "--port=0", "--metrics_port=0",
                                               "--store_path=" + store_path().string()});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ((*second)->WaitForExit(kExitTimeout), 1) << (*second)->stdout_text();
  const std::string err = (*second)->stderr_text();
  const std::vector<std::string> lines = absl::StrSplit(err, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 1u) << err;
  EXPECT_NE(err.find("cannot start"), std::string::npos) << err;
  EXPECT_NE(err.find(store_path().string()), std::string::npos) << err;
  EXPECT_NE(err.find("lock"), std::string::npos) << err;
  // It never got to serve.
  EXPECT_EQ((*second)->stdout_text().find("grpc_port="), std::string::npos);

  first.process->Signal(SIGTERM);
  EXPECT_EQ(first.process->WaitForExit(kExitTimeout), 0) << first.process->stderr_text();
}

TEST_F(RecommenderE2eTest, OutOfRangeRatingIsReportedAsABatchErrorOfAnOkCall) {
  Recommender server = StartRecommender(store_path());
  ASSERT_NE(server.stub, nullptr);
  {
    v1::UpsertItemsRequest request;
    *request.add_items() = Item(0);
    v1::UpsertItemsResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    ASSERT_TRUE(server.stub->UpsertItems(&context, request, &response).ok());
  }
  v1::WriteEventsRequest request;
  v1::Event* event = request.add_events();
  event->set_user_id("u1");
  event->set_item_id(Item(0).id());
  event->set_type(v1::EVENT_TYPE_RATING);
  event->set_rating(9.0f);
  v1::WriteEventsResponse response;
  grpc::ClientContext context;
  SetDeadline(context);
  const grpc::Status status = server.stub->WriteEvents(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.accepted_count(), 0);
  EXPECT_EQ(response.rejected_count(), 1);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).index(), 0);
  EXPECT_EQ(response.errors(0).field(), "events[0].rating");
  EXPECT_EQ(response.errors(0).status().code(), 3);
  EXPECT_EQ(response.metadata().request_id().size(), 32u);

  server.process->Signal(SIGTERM);
  EXPECT_EQ(server.process->WaitForExit(kExitTimeout), 0) << server.process->stderr_text();
}

// Libraries start threads before main (OpenBLAS does, under LibTorch), and
// those do not block SIGTERM: a SIGTERM the kernel hands to one of them must
// still drain the server, not kill it.
TEST_F(RecommenderE2eTest, SigtermDeliveredToAnyThreadDrainsCleanly) {
  Recommender server = StartRecommender(store_path());
  ASSERT_NE(server.stub, nullptr);
  const pid_t pid = server.process->pid();
  pid_t target = pid;
  for (const auto& task :
       std::filesystem::directory_iterator(absl::StrCat("/proc/", pid, "/task"))) {
    std::ifstream status(task.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (!absl::StartsWith(line, "SigBlk:")) continue;
      const uint64_t blocked = std::stoull(line.substr(7), nullptr, 16);
      if ((blocked & (uint64_t{1} << (SIGTERM - 1))) == 0) {
        target = static_cast<pid_t>(std::stoi(task.path().filename().string()));
      }
    }
  }
  ASSERT_EQ(syscall(SYS_tgkill, pid, target, SIGTERM), 0);
  EXPECT_EQ(server.process->WaitForExit(kExitTimeout), 0) << server.process->stderr_text();
  EXPECT_NE(server.process->stderr_text().find("received Terminated"), std::string::npos);
}

}  // namespace
}  // namespace aigc
