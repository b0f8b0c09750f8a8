#include "common/metrics/grpc_server_metrics.h"

#include <map>
#include <string>

#include "absl/time/clock.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"
#include "tests/testing/prometheus_text.h"

namespace aigc::metrics {
namespace {

using recommender::v1::RecommenderService;
using recommender::v1::RecommendRequest;
using recommender::v1::RecommendResponse;

constexpr char kService[] = "aigc.recommender.v1.RecommenderService";

// Recommend fails with INVALID_ARGUMENT for an empty user id and answers OK
// otherwise; every other method is the generated UNIMPLEMENTED.
class ValidatingRecommender : public RecommenderService::CallbackService {
  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* context,
                                      const RecommendRequest* request,
                                      RecommendResponse*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(request->user_id().empty()
                        ? grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "user_id: empty")
                        : grpc::Status::OK);
    return reactor;
  }
};

// StreamCopy sends one chunk, then holds the stream open until it is cancelled.
class StreamingCopywriter : public copywriter::v1::CopywriterService::CallbackService {
  grpc::ServerWriteReactor<copywriter::v1::StreamCopyResponse>* StreamCopy(
      grpc::CallbackServerContext*, const copywriter::v1::StreamCopyRequest*) override {
    class Reactor : public grpc::ServerWriteReactor<copywriter::v1::StreamCopyResponse> {
     public:
      Reactor() { StartWrite(&chunk_); }
      void OnWriteDone(bool) override {}
      void OnCancel() override { Finish(grpc::Status::CANCELLED); }
      void OnDone() override { delete this; }

     private:
      copywriter::v1::StreamCopyResponse chunk_;
    };
    return new Reactor;
  }
};

class GrpcServerMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(metrics_.NewInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    builder.RegisterService(&service_);
    builder.RegisterService(&copywriter_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now()));
  }

  grpc::Status Recommend(const std::string& user_id) {
    grpc::ClientContext context;
    RecommendRequest request;
    request.set_user_id(user_id);
    RecommendResponse response;
    return RecommenderService::NewStub(channel_)->Recommend(&context, request, &response);
  }

  // The value of one series, read back through the text exposition format.
  std::optional<double> Value(const std::string& name,
                              const std::map<std::string, std::string>& labels) {
    const std::string text = prometheus::TextSerializer().Serialize(registry_.Collect());
    const auto samples = testing::ParsePrometheusText(text);
    EXPECT_TRUE(samples.ok()) << samples.status();
    return samples.ok() ? testing::FindSample(*samples, name, labels) : std::nullopt;
  }

  prometheus::Registry registry_;
  GrpcServerMetrics metrics_{registry_};
  ValidatingRecommender service_;
  StreamingCopywriter copywriter_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(GrpcServerMetricsTest, CountsUnaryCallsByCodeWithMessagesAndLatency) {
  ASSERT_TRUE(Recommend("u1").ok());
  ASSERT_TRUE(Recommend("u2").ok());
  ASSERT_EQ(Recommend("").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  const std::map<std::string, std::string> method{
      {"grpc_service", kService}, {"grpc_method", "Recommend"}, {"grpc_type", "unary"}};
  EXPECT_EQ(Value("grpc_server_started_total", method), 3);
  EXPECT_EQ(Value("grpc_server_msg_received_total", method), 3);
  // A failed unary call sends no response message.
  EXPECT_EQ(Value("grpc_server_msg_sent_total", method), 2);
  auto ok = method;
  ok["grpc_code"] = "OK";
  EXPECT_EQ(Value("grpc_server_handled_total", ok), 2);
  EXPECT_EQ(Value("grpc_server_handling_seconds_count", ok), 2);
  auto invalid = method;
  invalid["grpc_code"] = "InvalidArgument";
  EXPECT_EQ(Value("grpc_server_handled_total", invalid), 1);
}

TEST_F(GrpcServerMetricsTest, CountsAnUnimplementedClientStreamWithItsType) {
  grpc::ClientContext context;
  recommender::v1::RecordEventsResponse response;
  auto writer = RecommenderService::NewStub(channel_)->RecordEvents(&context, &response);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);

  EXPECT_EQ(Value("grpc_server_handled_total", {{"grpc_method", "RecordEvents"},
                                                {"grpc_type", "client_stream"},
                                                {"grpc_code", "Unimplemented"}}),
            1);
}

TEST_F(GrpcServerMetricsTest, CountsAServerStreamCancelledByTheClient) {
  {
    grpc::ClientContext context;
    copywriter::v1::StreamCopyRequest request;
    auto reader = copywriter::v1::CopywriterService::NewStub(channel_)->StreamCopy(&context, request);
    copywriter::v1::StreamCopyResponse chunk;
    ASSERT_TRUE(reader->Read(&chunk));
    EXPECT_FALSE(metrics_.WaitForNoRpcInFlight(absl::Now() + absl::Milliseconds(50)));
    context.TryCancel();
    while (reader->Read(&chunk)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  // The server learns of the cancellation a moment after the client.
  EXPECT_TRUE(metrics_.WaitForNoRpcInFlight(absl::Now() + absl::Seconds(10)));
  const std::map<std::string, std::string> stream{
      {"grpc_service", "aigc.copywriter.v1.CopywriterService"},
      {"grpc_method", "StreamCopy"},
      {"grpc_type", "server_stream"}};
  EXPECT_EQ(Value("grpc_server_started_total", stream), 1);
  EXPECT_EQ(Value("grpc_server_msg_sent_total", stream), 1);
  auto cancelled = stream;
  cancelled["grpc_code"] = "Canceled";
  EXPECT_EQ(Value("grpc_server_handled_total", cancelled), 1);
}

TEST_F(GrpcServerMetricsTest, NothingIsInFlightOnceUnaryCallsReturn) {
  ASSERT_TRUE(Recommend("u1").ok());
  EXPECT_TRUE(metrics_.WaitForNoRpcInFlight(absl::Now() + absl::Seconds(10)));
}

TEST(GrpcCodeLabelTest, SpellsCodesAsGoGrpcPrometheusDoes) {
  EXPECT_EQ(GrpcCodeLabel(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(GrpcCodeLabel(grpc::StatusCode::CANCELLED), "Canceled");
  EXPECT_EQ(GrpcCodeLabel(grpc::StatusCode::RESOURCE_EXHAUSTED), "ResourceExhausted");
  EXPECT_EQ(GrpcCodeLabel(grpc::StatusCode::UNAUTHENTICATED), "Unauthenticated");
}

}  // namespace
}  // namespace aigc::metrics
