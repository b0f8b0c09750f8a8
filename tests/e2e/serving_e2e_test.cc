// Every server binary, started for real on ephemeral loopback ports: health,
// one RPC, its count on /metrics, a clean drain on SIGTERM, and one-line
// errors for bad flags.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/http_get.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/subprocess.h"

namespace aigc {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using testing::Subprocess;

constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kRpcTimeout = absl::Seconds(5);

std::unique_ptr<grpc::ClientContext> ContextWithDeadline() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + kRpcTimeout));
  return context;
}

// One server binary and one RPC with the code a fresh server answers: the
// recommender, with no model trained yet, and the copywriter, with an empty
// model repository, UNAVAILABLE; the image generator, serving the committed
// model, OK; the gateway, called without an API key, UNAUTHENTICATED.
struct ServiceCase {
  std::string label;
  std::string binary;
  std::string service;  // full name, as the health service knows it
  std::string method;
  std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&)> call;
  grpc::StatusCode code;
  std::string code_label;  // as grpc_server_handled_total names it
  // What the health service says for `service`: the gateway is not ready
  // while its backends (not started here) are down.
  HealthCheckResponse::ServingStatus service_health = HealthCheckResponse::SERVING;
};

std::vector<ServiceCase> ServiceCases() {
  return {
      {"recommender", AIGC_RECOMMENDER_BIN, "aigc.recommender.v1.RecommenderService", "Recommend",
       [](const std::shared_ptr<grpc::Channel>& channel) {
         recommender::v1::RecommendRequest request;
         request.set_user_id("u1");
         recommender::v1::RecommendResponse response;
         return recommender::v1::RecommenderService::NewStub(channel)->Recommend(
             ContextWithDeadline().get(), request, &response);
       },
       grpc::StatusCode::UNAVAILABLE, "Unavailable"},
      {"copywriter", AIGC_COPYWRITER_BIN, "aigc.copywriter.v1.CopywriterService", "GenerateCopy",
       [](const std::shared_ptr<grpc::Channel>& channel) {
         copywriter::v1::GenerateCopyRequest request;
         copywriter::v1::GenerateCopyResponse response;
         return copywriter::v1::CopywriterService::NewStub(channel)->GenerateCopy(
             ContextWithDeadline().get(), request, &response);
       },
       grpc::StatusCode::UNAVAILABLE, "Unavailable"},
      {"imagegen", AIGC_IMAGEGEN_BIN, "aigc.imagegen.v1.ImageGenService", "Generate",
       [](const std::shared_ptr<grpc::Channel>& channel) {
         imagegen::v1::GenerateRequest request;
         request.set_category(common::v1::CATEGORY_DRESS);
         request.set_count(1);
         imagegen::v1::GenerateResponse response;
         return imagegen::v1::ImageGenService::NewStub(channel)->Generate(
             ContextWithDeadline().get(), request, &response);
       },
       grpc::StatusCode::OK, "OK"},
      {"gateway", AIGC_GATEWAY_BIN, "aigc.gateway.v1.GatewayService", "GetProductCards",
       [](const std::shared_ptr<grpc::Channel>& channel) {
         gateway::v1::GetProductCardsRequest request;
         request.set_user_id("u1");
         gateway::v1::GetProductCardsResponse response;
         return gateway::v1::GatewayService::NewStub(channel)->GetProductCards(
             ContextWithDeadline().get(), request, &response);
       },
       grpc::StatusCode::UNAUTHENTICATED, "Unauthenticated", HealthCheckResponse::NOT_SERVING},
  };
}

// A fresh directory for one server's state (the recommender's store and
// model repository, the copywriter's model repository), so no test reads or
// leaves state in the working directory; removed with the server.
class StateDir {
 public:
  StateDir() {
    static std::atomic<int> next{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            absl::StrCat("serving_e2e_", getpid(), "_", next++);
    std::filesystem::create_directories(path_);
  }
  ~StateDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  StateDir(const StateDir&) = delete;
  StateDir& operator=(const StateDir&) = delete;

  // The flags that put `binary`'s state here.
  std::vector<std::string> FlagsFor(const std::string& binary) const {
    const std::string models = "--model_repository=" + (path_ / "models").string();
    if (binary == AIGC_RECOMMENDER_BIN) {
      return {"--store_path=" + (path_ / "store").string(), models};
    }
    if (binary == AIGC_COPYWRITER_BIN) return {models};
    // Reads the committed generator and writes nothing.
    if (binary == AIGC_IMAGEGEN_BIN) return {"--model_repository=" AIGC_MODELS_DIR};
    // The gateway: a key file with one key, which the case's call does not send.
    const std::filesystem::path keys = path_ / "api_keys.txt";
    std::ofstream(keys) << "sha256:" << std::string(64, 'a') << " test user 10 10\n";
    return {"--api_keys_file=" + keys.string()};
  }

 private:
  std::filesystem::path path_;
};

// A started server and a channel to it. The process goes before its state
// directory (members are destroyed in reverse order).
struct RunningServer {
  std::unique_ptr<StateDir> state = std::make_unique<StateDir>();
  std::unique_ptr<Subprocess> process;
  testing::ServingPorts ports;
  std::shared_ptr<grpc::Channel> channel;
};

RunningServer StartServer(const std::string& binary, const std::string& drain_timeout) {
  RunningServer server;
  std::vector<std::string> args = {"--host=127.0.0.1", "--port=0", "--metrics_port=0",
                                   "--drain_timeout=" + drain_timeout};
  for (std::string& flag : server.state->FlagsFor(binary)) args.push_back(std::move(flag));
  auto process = Subprocess::Start(binary, args);
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return server;
  server.process = std::move(*process);
  const auto ready = server.process->WaitForLine("grpc_port=", kStartTimeout);
  EXPECT_TRUE(ready.ok()) << ready.status();
  if (!ready.ok()) return server;
  const auto ports = testing::ParseReadyLine(*ready);
  EXPECT_TRUE(ports.ok()) << ports.status();
  if (!ports.ok()) return server;
  server.ports = *ports;
  server.channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(ports->grpc_port),
                                       grpc::InsecureChannelCredentials());
  return server;
}

HealthCheckResponse::ServingStatus CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                               const std::string& service, grpc::Status* status) {
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  *status = grpc::health::v1::Health::NewStub(channel)->Check(ContextWithDeadline().get(), request,
                                                              &response);
  return response.status();
}

class ServingBinaryTest : public ::testing::TestWithParam<ServiceCase> {};

TEST_P(ServingBinaryTest, ServesHealthCountsTheRpcOnMetricsAndDrainsOnSigterm) {
  const ServiceCase& c = GetParam();
  RunningServer server = StartServer(c.binary, "5s");
  ASSERT_NE(server.channel, nullptr);

  grpc::Status status;
  EXPECT_EQ(CheckHealth(server.channel, "", &status), HealthCheckResponse::SERVING);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(CheckHealth(server.channel, c.service, &status), c.service_health);
  EXPECT_TRUE(status.ok()) << status.error_message();
  CheckHealth(server.channel, "no.such.Service", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  const grpc::Status rpc_status = c.call(server.channel);
  EXPECT_EQ(rpc_status.error_code(), c.code) << rpc_status.error_message();

  const auto body = testing::HttpGet(server.ports.metrics_port, "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  const auto samples = testing::ParsePrometheusText(*body);
  ASSERT_TRUE(samples.ok()) << samples.status();
  const std::map<std::string, std::string> method_labels{
      {"grpc_service", c.service}, {"grpc_method", c.method}, {"grpc_type", "unary"}};
  EXPECT_EQ(testing::FindSample(*samples, "grpc_server_started_total", method_labels), 1);
  auto handled_labels = method_labels;
  handled_labels["grpc_code"] = c.code_label;
  EXPECT_EQ(testing::FindSample(*samples, "grpc_server_handled_total", handled_labels), 1);
  handled_labels["le"] = "+Inf";
  EXPECT_EQ(testing::FindSample(*samples, "grpc_server_handling_seconds_bucket", handled_labels),
            1);
  // The two successful health checks, counted with their code.
  EXPECT_EQ(testing::FindSample(*samples, "grpc_server_handled_total",
                                {{"grpc_service", "grpc.health.v1.Health"},
                                 {"grpc_method", "Check"},
                                 {"grpc_code", "OK"}}),
            2);
  EXPECT_TRUE(testing::FindSample(*samples, "process_start_time_seconds").has_value());
  EXPECT_GT(testing::FindSample(*samples, "process_resident_memory_bytes").value_or(0), 0);

  server.process->Signal(SIGTERM);
  EXPECT_EQ(server.process->WaitForExit(absl::Seconds(5)), 0) << server.process->stderr_text();
}

TEST_P(ServingBinaryTest, InFlightStreamIsCancelledAtTheDrainDeadlineThenExitsZero) {
  const ServiceCase& c = GetParam();
  RunningServer server = StartServer(c.binary, "1s");
  ASSERT_NE(server.channel, nullptr);

  // A health Watch stays open until the server ends it: our in-flight RPC. It
  // watches the whole server (""), which is SERVING until the drain whatever
  // the service's own readiness.
  grpc::ClientContext watch_context;
  HealthCheckRequest request;
  request.set_service("");
  auto watch = grpc::health::v1::Health::NewStub(server.channel)->Watch(&watch_context, request);
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::SERVING);

  const absl::Time signalled = absl::Now();
  server.process->Signal(SIGTERM);
  // Draining first tells watchers the service is going away.
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  // The stream is still open; the server ends it when the drain time is up.
  while (watch->Read(&update)) {
  }
  EXPECT_FALSE(watch->Finish().ok());
  EXPECT_EQ(server.process->WaitForExit(absl::Seconds(10)), 0) << server.process->stderr_text();
  EXPECT_GE(absl::Now() - signalled, absl::Milliseconds(900));
}

INSTANTIATE_TEST_SUITE_P(AllServers, ServingBinaryTest, ::testing::ValuesIn(ServiceCases()),
                         [](const auto& info) { return info.param.label; });

struct BadFlagCase {
  std::string label;
  std::vector<std::string> args;
  std::string reason_contains;
};

class BadFlagsTest : public ::testing::TestWithParam<BadFlagCase> {};

TEST_P(BadFlagsTest, ExitsNonZeroWithAOneLineReason) {
  for (const ServiceCase& service : ServiceCases()) {
    auto process = Subprocess::Start(service.binary, GetParam().args);
    ASSERT_TRUE(process.ok()) << process.status();
    const std::optional<int> exit_code = (*process)->WaitForExit(absl::Seconds(10));
    ASSERT_TRUE(exit_code.has_value()) << service.label << " did not exit";
    EXPECT_NE(*exit_code, 0) << service.label;
    const std::string err = (*process)->stderr_text();
    const std::vector<std::string> lines = absl::StrSplit(err, '\n', absl::SkipEmpty());
    EXPECT_EQ(lines.size(), 1u) << service.label << " printed:\n" << err;
    EXPECT_NE(err.find(GetParam().reason_contains), std::string::npos)
        << service.label << " printed:\n"
        << err;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllServers, BadFlagsTest,
    ::testing::Values(
        BadFlagCase{"UnknownFlag", {"--no_such_flag=1"}, "no_such_flag"},
        BadFlagCase{"PortOutOfRange", {"--port=70000"}, "--port=70000 is out of range"},
        BadFlagCase{"PortNotANumber", {"--port=abc"}, "port"},
        BadFlagCase{"NegativeMetricsPort", {"--metrics_port=-1"}, "--metrics_port=-1"},
        BadFlagCase{"UnreadableFlagfile",
                    {"--flagfile=/nonexistent/aigc.flags"},
                    "/nonexistent/aigc.flags"},
        BadFlagCase{"StrayArgument", {"serve"}, "unexpected argument 'serve'"},
        BadFlagCase{"BadLogLevel", {"--log_level=loud"}, "--log_level=loud"}),
    [](const auto& info) { return info.param.label; });

TEST(HelpTest, EveryBinaryListsTheServingFlagsAndExitsZero) {
  for (const ServiceCase& service : ServiceCases()) {
    auto process = Subprocess::Start(service.binary, {"--help"});
    ASSERT_TRUE(process.ok()) << process.status();
    EXPECT_EQ((*process)->WaitForExit(absl::Seconds(10)), 0) << service.label;
    const std::string help = (*process)->stdout_text();
    const std::string program = service.binary.substr(service.binary.rfind('/') + 1);
    EXPECT_EQ(help.rfind(program + ": ", 0), 0u) << "help starts: " << help.substr(0, 40);
    for (const char* flag :
         {"--port", "--metrics_port", "--host", "--drain_timeout", "--flagfile", "--log_level"}) {
      EXPECT_NE(help.find(flag), std::string::npos) << service.label << " lacks " << flag;
    }
  }
}

TEST(HealthProbeTest, ReportsServingThenUnreachableAfterShutdown) {
  RunningServer server = StartServer(AIGC_RECOMMENDER_BIN, "5s");
  ASSERT_NE(server.channel, nullptr);
  const std::string target = "--target=127.0.0.1:" + std::to_string(server.ports.grpc_port);

  auto probe = Subprocess::Start(AIGC_HEALTH_PROBE_BIN,
                                 {target, "--service=aigc.recommender.v1.RecommenderService"});
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ((*probe)->WaitForExit(absl::Seconds(10)), 0) << (*probe)->stdout_text();

  probe = Subprocess::Start(AIGC_HEALTH_PROBE_BIN, {target, "--service=no.such.Service"});
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ((*probe)->WaitForExit(absl::Seconds(10)), 2) << (*probe)->stdout_text();

  server.process->Signal(SIGTERM);
  ASSERT_EQ(server.process->WaitForExit(absl::Seconds(10)), 0);
  probe = Subprocess::Start(AIGC_HEALTH_PROBE_BIN, {target, "--rpc_timeout=1s"});
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ((*probe)->WaitForExit(absl::Seconds(10)), 3) << (*probe)->stdout_text();
}

}  // namespace
}  // namespace aigc
