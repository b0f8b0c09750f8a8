#include "common/server/server.h"

#include <atomic>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

AIGC_DEFINE_PORT_FLAGS(0, 0);

namespace aigc::server {
namespace {

using recommender::v1::RecommenderService;
using recommender::v1::RecommendRequest;
using recommender::v1::RecommendResponse;

// Recommend answers OK after `delay`, or, when `finish_only_on_cancel`, never
// until the call is cancelled. Tells the test when a call has arrived.
class SlowRecommender : public RecommenderService::CallbackService {
 public:
  SlowRecommender(absl::Duration delay, bool finish_only_on_cancel)
      : delay_(delay), finish_only_on_cancel_(finish_only_on_cancel) {}
  ~SlowRecommender() override {
    for (std::thread& t : finishers_) t.join();
  }

  grpc::ServerUnaryReactor* Recommend(grpc::CallbackServerContext* context,
                                      const RecommendRequest*, RecommendResponse*) override {
    class Reactor : public grpc::ServerUnaryReactor {
     public:
      explicit Reactor(bool finish_on_cancel) : finish_on_cancel_(finish_on_cancel) {}
      void OnCancel() override {
        if (finish_on_cancel_) Finish(grpc::Status::CANCELLED);
      }
      void OnDone() override { delete this; }

     private:
      const bool finish_on_cancel_;
    };
    auto* reactor = new Reactor(finish_only_on_cancel_);
    waiting_ = reactor;
    arrived_.Notify();
    if (!finish_only_on_cancel_) {
      finishers_.emplace_back([reactor, delay = delay_] {
        absl::SleepFor(delay);
        reactor->Finish(grpc::Status::OK);
      });
    }
    (void)context;
    return reactor;
  }

  absl::Notification arrived_;
  // The last call's reactor.
  std::atomic<grpc::ServerUnaryReactor*> waiting_ = nullptr;

 private:
  const absl::Duration delay_;
  const bool finish_only_on_cancel_;
  std::vector<std::thread> finishers_;
};

ServingOptions TestOptions(absl::Duration drain_timeout) {
  ServingOptions options;
  options.drain_timeout = drain_timeout;
  return options;
}

std::shared_ptr<grpc::Channel> ChannelTo(const Server& server) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                             grpc::InsecureChannelCredentials());
}

grpc::Status CallRecommend(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  RecommendRequest request;
  RecommendResponse response;
  return RecommenderService::NewStub(channel)->Recommend(&context, request, &response);
}

TEST(ServerTest, ServesOnAPickedPortAndReportsEachServiceServing) {
  SlowRecommender service(absl::ZeroDuration(), false);
  auto server = Server::Create("test", TestOptions(absl::Seconds(1)));
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->AddService(&service, RecommenderService::service_full_name());
  ASSERT_TRUE((*server)->Start().ok());
  EXPECT_GT((*server)->port(), 0);
  EXPECT_GT((*server)->metrics_port(), 0);

  auto health = grpc::health::v1::Health::NewStub(ChannelTo(**server));
  for (const std::string name : {"", "aigc.recommender.v1.RecommenderService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(name);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << name;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << name;
  }
  EXPECT_TRUE(CallRecommend(ChannelTo(**server)).ok());
}

grpc::health::v1::HealthCheckResponse::ServingStatus HealthOf(const Server& server,
                                                              const std::string& name) {
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(name);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status =
      grpc::health::v1::Health::NewStub(ChannelTo(server))->Check(&context, request, &response);
  EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
  return response.status();
}

TEST(ServerTest, AServiceCanSayItIsNotServingBeforeAndAfterStart) {
  SlowRecommender service(absl::ZeroDuration(), false);
  auto server = Server::Create("test", TestOptions(absl::Seconds(1)));
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string name = RecommenderService::service_full_name();
  (*server)->AddService(&service, name);
  (*server)->SetServiceServing(name, false);
  ASSERT_TRUE((*server)->Start().ok());
  using grpc::health::v1::HealthCheckResponse;
  EXPECT_EQ(HealthOf(**server, name), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(HealthOf(**server, ""), HealthCheckResponse::SERVING);
  (*server)->SetServiceServing(name, true);
  EXPECT_EQ(HealthOf(**server, name), HealthCheckResponse::SERVING);
  (*server)->SetServiceServing(name, false);
  EXPECT_EQ(HealthOf(**server, name), HealthCheckResponse::NOT_SERVING);
}

// Starts a server for `service`, makes one Recommend call, shuts the server
// down once the call has reached the handler, and returns the call's status.
// `drain_hook`, when set, is registered with OnDrain.
grpc::Status StatusOfCallInFlightDuringShutdown(SlowRecommender& service,
                                                absl::Duration drain_timeout,
                                                grpc::Status* call_after_shutdown,
                                                std::function<void()> drain_hook = nullptr) {
  auto server = Server::Create("test", TestOptions(drain_timeout));
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "no server");
  (*server)->AddService(&service, RecommenderService::service_full_name());
  if (drain_hook) (*server)->OnDrain(std::move(drain_hook));
  const absl::Status started = (*server)->Start();
  EXPECT_TRUE(started.ok()) << started;
  // Without a server the call below would never reach the handler to wait for.
  if (!started.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "server did not start");
  const auto channel = ChannelTo(**server);

  grpc::Status in_flight;
  std::thread client([&] { in_flight = CallRecommend(channel); });
  service.arrived_.WaitForNotification();
  (*server)->Shutdown();  // returns only once the handler has finished
  client.join();
  *call_after_shutdown = CallRecommend(channel);
  return in_flight;
}

TEST(ServerTest, ShutdownLetsAnInFlightRpcFinishWithinTheDrainTimeout) {
  SlowRecommender service(absl::Milliseconds(300), false);
  grpc::Status after;
  const grpc::Status in_flight =
      StatusOfCallInFlightDuringShutdown(service, absl::Seconds(10), &after);
  EXPECT_TRUE(in_flight.ok()) << in_flight.error_message();
  // Once drained, new calls are refused.
  EXPECT_EQ(after.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ServerTest, ShutdownCancelsWhatIsStillRunningWhenTheDrainTimeoutEnds) {
  SlowRecommender service(absl::ZeroDuration(), /*finish_only_on_cancel=*/true);
  grpc::Status after;
  EXPECT_FALSE(StatusOfCallInFlightDuringShutdown(service, absl::Milliseconds(200), &after).ok());
  EXPECT_EQ(after.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ServerTest, DrainHooksLetLongRunningCallsEndThemselves) {
  // The call would only end when cancelled at the end of the 60 s drain; the
  // hook ends it at once with its own status.
  SlowRecommender service(absl::ZeroDuration(), /*finish_only_on_cancel=*/true);
  grpc::Status after;
  const grpc::Status in_flight =
      StatusOfCallInFlightDuringShutdown(service, absl::Seconds(60), &after, [&service] {
        service.waiting_.load()->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "draining"));
      });
  EXPECT_EQ(in_flight.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(in_flight.error_message(), "draining");
}

TEST(ServerTest, StartFailsWithUnavailableWhenThePortIsTaken) {
  auto first = Server::Create("first", TestOptions(absl::Seconds(1)));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->Start().ok());

  ServingOptions options = TestOptions(absl::Seconds(1));
  options.port = (*first)->port();
  auto second = Server::Create("second", options);
  ASSERT_TRUE(second.ok());
  const absl::Status status = (*second)->Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find(std::to_string(options.port)), std::string::npos);
}

TEST(ServerTest, CreateFailsWithUnavailableWhenTheMetricsPortIsTaken) {
  auto first = Server::Create("first", TestOptions(absl::Seconds(1)));
  ASSERT_TRUE(first.ok());
  ServingOptions options = TestOptions(absl::Seconds(1));
  options.metrics_port = (*first)->metrics_port();
  EXPECT_EQ(Server::Create("second", options).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(ServerTest, CreateRejectsInvalidOptions) {
  ServingOptions options;
  options.port = 70000;
  EXPECT_EQ(Server::Create("bad", options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

std::string ReadTestFile(const std::string& name) {
  std::ifstream file(std::string(AIGC_SERVER_TESTDATA) + "/" + name);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

// testdata/localhost.{crt,key}: a self-signed certificate for localhost and
// 127.0.0.1 (openssl req -x509 -newkey rsa:2048 -nodes -days 36500
// -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1).
TEST(ServerTest, ServesOverTlsWithACertificateAndKey) {
  SlowRecommender service(absl::ZeroDuration(), false);
  ServingOptions options = TestOptions(absl::Seconds(1));
  options.tls_cert_file = std::string(AIGC_SERVER_TESTDATA) + "/localhost.crt";
  options.tls_key_file = std::string(AIGC_SERVER_TESTDATA) + "/localhost.key";
  auto server = Server::Create("tls", options);
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->AddService(&service, RecommenderService::service_full_name());
  ASSERT_TRUE((*server)->Start().ok());
  const std::string target = "127.0.0.1:" + std::to_string((*server)->port());

  grpc::SslCredentialsOptions trust;
  trust.pem_root_certs = ReadTestFile("localhost.crt");
  grpc::ChannelArguments arguments;
  arguments.SetSslTargetNameOverride("localhost");
  auto secure = grpc::CreateCustomChannel(target, grpc::SslCredentials(trust), arguments);
  EXPECT_TRUE(CallRecommend(secure).ok());

  // A plaintext client cannot talk to it.
  const grpc::Status plain =
      CallRecommend(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ServerTest, TlsNeedsBothFilesAndReadableOnes) {
  ServingOptions options;
  options.tls_cert_file = "cert.pem";
  EXPECT_EQ(Server::Create("bad", options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.tls_key_file = "/nonexistent/key.pem";
  options.tls_cert_file = "/nonexistent/cert.pem";
  auto server = Server::Create("unreadable", options);
  ASSERT_TRUE(server.ok());
  EXPECT_EQ((*server)->Start().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace aigc::server
