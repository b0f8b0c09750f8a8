// The real aigc-copywriter binary, serving the committed model
// (models/copywriter-lm), on ephemeral loopback ports: a GenerateCopy and a
// StreamCopy are answered and show up in the generation metrics on /metrics,
// and SIGTERM drains the server to exit 0; a LiveQA session is answered,
// counted, and ended by the drain with UNAVAILABLE.
#include <signal.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/status/status.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/http_get.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/subprocess.h"

namespace aigc {
namespace {

namespace v1 = copywriter::v1;
using testing::Subprocess;

constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kExitTimeout = absl::Seconds(15);

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  return context;
}

// The binary with the committed model on ephemeral ports, and a stub for it.
struct RunningCopywriter {
  std::unique_ptr<Subprocess> process;
  testing::ServingPorts ports;
  std::unique_ptr<v1::CopywriterService::Stub> stub;
};

absl::StatusOr<RunningCopywriter> StartCopywriter(absl::string_view drain_timeout) {
  RunningCopywriter running;
  AIGC_ASSIGN_OR_RETURN(
      running.process,
      Subprocess::Start(AIGC_COPYWRITER_BIN,
                        {"--host=127.0.0.1", "--port=0", "--metrics_port=0",
                         absl::StrCat("--drain_timeout=", drain_timeout),
                         "--model_repository=" AIGC_MODELS_DIR}));
  AIGC_ASSIGN_OR_RETURN(const std::string ready,
                        running.process->WaitForLine("grpc_port=", kStartTimeout));
  AIGC_ASSIGN_OR_RETURN(running.ports, testing::ParseReadyLine(ready));
  running.stub = v1::CopywriterService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", running.ports.grpc_port),
                          grpc::InsecureChannelCredentials()));
  return running;
}

TEST(CopywriterEndToEndTest, CopyIsServedCountedAndTheServerDrainsOnSigterm) {
  auto server = StartCopywriter("5s");
  ASSERT_TRUE(server.ok()) << server.status();
  auto& process = server->process;
  const auto* ports = &server->ports;
  auto& stub = server->stub;

  v1::GenerateCopyRequest request;
  request.set_product_id("sku-3-0001");
  request.set_n(2);
  request.mutable_sampling()->set_seed(3);
  request.mutable_sampling()->set_max_tokens(48);
  v1::GenerateCopyResponse response;
  const grpc::Status status = stub->GenerateCopy(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.candidates_size() + response.dropped_count(), 2);
  EXPECT_EQ(response.model().name(), "copywriter-lm");

  v1::StreamCopyRequest stream_request;
  stream_request.ParseFromString(request.SerializeAsString());
  stream_request.set_n(1);
  auto context = Context();
  auto reader = stub->StreamCopy(context.get(), stream_request);
  v1::StreamCopyResponse message;
  int finished = 0;
  while (reader->Read(&message)) finished += message.has_candidate_finished() ? 1 : 0;
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(finished, 1);

  const auto body = testing::HttpGet(ports->metrics_port, "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  const auto samples = testing::ParsePrometheusText(*body);
  ASSERT_TRUE(samples.ok()) << samples.status();
  for (const std::string rpc : {"GenerateCopy", "StreamCopy"}) {
    const auto tokens =
        testing::FindSample(*samples, "aigc_generation_tokens_total", {{"rpc", rpc}});
    ASSERT_TRUE(tokens.has_value()) << rpc;
    EXPECT_GT(*tokens, 0) << rpc;
    const auto first_tokens = testing::FindSample(
        *samples, "aigc_generation_time_to_first_token_seconds_count", {{"rpc", rpc}});
    ASSERT_TRUE(first_tokens.has_value()) << rpc;
    EXPECT_EQ(*first_tokens, 1) << rpc;
  }
  EXPECT_TRUE(testing::FindSample(*samples, "aigc_model_loaded",
                                  {{"model", "copywriter-lm"}, {"version", "1"}})
                  .has_value());

  process->Signal(SIGTERM);
  EXPECT_EQ(process->WaitForExit(kExitTimeout), 0);
}

TEST(CopywriterEndToEndTest, ALiveSessionIsAnsweredCountedAndEndedByTheDrain) {
  auto server = StartCopywriter("30s");
  ASSERT_TRUE(server.ok()) << server.status();
  auto& process = server->process;
  const auto* ports = &server->ports;
  auto& stub = server->stub;

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  auto stream = stub->LiveQA(&context);
  v1::LiveQARequest start;
  start.mutable_start()->set_room_id("e2e-room");
  start.mutable_start()->set_product_id("sku-3-0001");
  ASSERT_TRUE(stream->Write(start));
  v1::LiveQAResponse message;
  ASSERT_TRUE(stream->Read(&message));
  ASSERT_TRUE(message.has_session_started()) << message.DebugString();
  EXPECT_EQ(message.session_started().current_product_id(), "sku-3-0001");

  v1::LiveQARequest question;
  question.mutable_question()->set_question_id("q1");
  question.mutable_question()->set_viewer_id("viewer-1");
  question.mutable_question()->set_text("这件多少钱？");
  ASSERT_TRUE(stream->Write(question));
  bool started = false;
  while (stream->Read(&message) && !message.has_reply_finished()) {
    ASSERT_FALSE(message.has_question_rejected()) << message.DebugString();
    started = started || message.has_reply_started();
  }
  ASSERT_TRUE(message.has_reply_finished());
  EXPECT_TRUE(started);
  EXPECT_FALSE(message.reply_finished().text().empty());
  EXPECT_TRUE(message.reply_finished().grounding().grounded());

  const auto body = testing::HttpGet(ports->metrics_port, "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  const auto samples = testing::ParsePrometheusText(*body);
  ASSERT_TRUE(samples.ok()) << samples.status();
  EXPECT_EQ(testing::FindSample(*samples, "aigc_copywriter_live_sessions", {}), 1);
  EXPECT_EQ(testing::FindSample(*samples, "aigc_copywriter_live_questions_total",
                                {{"outcome", "answered"}}),
            1);
  EXPECT_EQ(testing::FindSample(*samples, "aigc_generation_time_to_first_token_seconds_count",
                                {{"rpc", "LiveQA"}}),
            1);

  // The session never closes by itself; the drain ends it, well before the
  // 30 s drain timeout would have cancelled it.
  process->Signal(SIGTERM);
  while (stream->Read(&message)) {
  }
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "the copywriter is shutting down");
  EXPECT_EQ(process->WaitForExit(kExitTimeout), 0);
}

}  // namespace
}  // namespace aigc
