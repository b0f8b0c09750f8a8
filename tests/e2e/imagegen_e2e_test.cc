// The real aigc-imagegen binary on ephemeral loopback ports. With the
// committed generator (models/imagegen-generator): streamed images are valid
// labelled PNGs, counted on /metrics, and SIGTERM drains the server to exit 0.
// With an empty model repository: the service says NOT_SERVING and Generate
// answers UNAVAILABLE, until a version is published there and polling loads
// it without a restart.
#include <signal.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "common/status/status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/imagegen/png/png_codec.h"
#include "tests/testing/http_get.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/subprocess.h"

namespace aigc {
namespace {

namespace fs = std::filesystem;
namespace v1 = imagegen::v1;
using grpc::health::v1::HealthCheckResponse;
using testing::Subprocess;

constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kExitTimeout = absl::Seconds(15);
constexpr char kService[] = "aigc.imagegen.v1.ImageGenService";

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  return context;
}

struct RunningImageGen {
  std::unique_ptr<Subprocess> process;
  testing::ServingPorts ports;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::ImageGenService::Stub> stub;

  HealthCheckResponse::ServingStatus Health() {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(kService);
    HealthCheckResponse response;
    const grpc::Status status =
        grpc::health::v1::Health::NewStub(channel)->Check(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }
};

absl::StatusOr<RunningImageGen> StartImageGen(const std::string& repository) {
  RunningImageGen running;
  AIGC_ASSIGN_OR_RETURN(
      running.process,
      Subprocess::Start(AIGC_IMAGEGEN_BIN,
                        {"--host=127.0.0.1", "--port=0", "--metrics_port=0", "--drain_timeout=5s",
                         "--model_poll_interval=100ms", "--model_repository=" + repository}));
  AIGC_ASSIGN_OR_RETURN(const std::string ready,
                        running.process->WaitForLine("grpc_port=", kStartTimeout));
  AIGC_ASSIGN_OR_RETURN(running.ports, testing::ParseReadyLine(ready));
  running.channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", running.ports.grpc_port),
                                        grpc::InsecureChannelCredentials());
  running.stub = v1::ImageGenService::NewStub(running.channel);
  return running;
}

TEST(ImageGenEndToEndTest, StreamsLabelledPngsCountsThemAndDrainsOnSigterm) {
  auto server = StartImageGen(AIGC_MODELS_DIR);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(server->Health(), HealthCheckResponse::SERVING);

  v1::GenerateStreamRequest request;
  request.set_category(common::v1::CATEGORY_SHIRT);
  request.set_count(5);
  request.set_seed(11);
  request.set_size(v1::SIZE_56);
  auto context = Context();
  auto reader = server->stub->GenerateStream(context.get(), request);
  v1::GenerateStreamResponse message;
  std::set<int> indices;
  std::string version;  // of the committed generator, as the answers name it
  while (reader->Read(&message)) {
    const v1::GeneratedImage& image = message.image();
    indices.insert(image.index());
    version = image.model().version();
    auto png = imagegen::DecodePng(image.data());
    ASSERT_TRUE(png.ok()) << png.status();
    EXPECT_EQ(png->image.width, 56);
    EXPECT_EQ(png->image.height, 56);
    std::map<std::string, std::string> texts;
    for (const auto& text : png->texts) texts[text.keyword] = text.text;
    EXPECT_EQ(texts["AIGC"], "AI-generated");
    EXPECT_EQ(texts["Seed"], absl::StrCat(image.seed()));
    EXPECT_EQ(texts["Model"], "imagegen-generator/" + image.model().version());
  }
  const grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(indices, (std::set<int>{0, 1, 2, 3, 4}));

  const auto body = testing::HttpGet(server->ports.metrics_port, "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  const auto samples = testing::ParsePrometheusText(*body);
  ASSERT_TRUE(samples.ok()) << samples.status();
  double delivered = 0;
  for (const char* outcome : {"novel", "regenerated", "near_duplicate"}) {
    delivered += testing::FindSample(*samples, "aigc_imagegen_images_total", {{"outcome", outcome}})
                     .value_or(0);
  }
  EXPECT_EQ(delivered, 5);
  EXPECT_GE(testing::FindSample(
                *samples, "aigc_inference_requests_total",
                {{"model", "imagegen-generator"}, {"outcome", "ok"}, {"version", version}})
                .value_or(0),
            5);

  server->process->Signal(SIGTERM);
  EXPECT_EQ(server->process->WaitForExit(kExitTimeout), 0) << server->process->stderr_text();
}

TEST(ImageGenEndToEndTest, WithoutAModelItIsNotServingUntilOneIsPublished) {
  const fs::path repository =
      fs::path(::testing::TempDir()) / absl::StrCat("imagegen_e2e_", getpid());
  fs::remove_all(repository);
  fs::create_directories(repository);
  auto server = StartImageGen(repository.string());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(server->Health(), HealthCheckResponse::NOT_SERVING);
  v1::GenerateRequest request;
  request.set_category(common::v1::CATEGORY_BAG);
  request.set_count(1);
  v1::GenerateResponse response;
  EXPECT_EQ(server->stub->Generate(Context().get(), request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  // Publish the committed version: the poller loads it, the health follows.
  const fs::path staging = repository / ".staging";
  fs::copy(fs::path(AIGC_MODELS_DIR) / "imagegen-generator", staging, fs::copy_options::recursive);
  fs::rename(staging, repository / "imagegen-generator");
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (server->Health() != HealthCheckResponse::SERVING && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(server->Health(), HealthCheckResponse::SERVING);
  const grpc::Status status = server->stub->Generate(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.images_size(), 1);

  server->process->Signal(SIGTERM);
  EXPECT_EQ(server->process->WaitForExit(kExitTimeout), 0) << server->process->stderr_text();
  fs::remove_all(repository);
}

}  // namespace
}  // namespace aigc
