#include "bench/grpc_proxy/bare_proxy.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/health_check_service_interface.h"
#include "gtest/gtest.h"

namespace aigc::bench {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// A server with gRPC's health service (and a generic service that answers
// every other method UNIMPLEMENTED: gRPC wants one service of its own beside
// the health service), on a free loopback port.
std::unique_ptr<grpc::Server> StartBackend(grpc::CallbackGenericService& others, int& port) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(&others);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  // The switch is process-wide: off again, or the proxy would answer health
  // checks itself instead of relaying them.
  grpc::EnableDefaultHealthCheckService(false);
  return server;
}

std::unique_ptr<Health::Stub> HealthVia(int port) {
  return Health::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
}

grpc::Status Check(Health::Stub& stub, const std::string& service, HealthCheckResponse& response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckRequest request;
  request.set_service(service);
  return stub.Check(&context, request, &response);
}

TEST(BareProxyTest, RelaysAnswersAndErrorsOfTheBackend) {
  grpc::CallbackGenericService others;
  int backend_port = 0;
  std::unique_ptr<grpc::Server> backend = StartBackend(others, backend_port);
  ASSERT_NE(backend, nullptr);
  auto proxy = BareProxy::Start("127.0.0.1:0", absl::StrCat("127.0.0.1:", backend_port), 2);
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  std::unique_ptr<Health::Stub> stub = HealthVia((*proxy)->port());

  HealthCheckResponse response;
  ASSERT_TRUE(Check(*stub, "", response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);
  backend->GetHealthCheckService()->SetServingStatus(false);
  ASSERT_TRUE(Check(*stub, "", response).ok());
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(*stub, "no.Such", response).error_code(), grpc::StatusCode::NOT_FOUND);

  backend->Shutdown();
  EXPECT_EQ(Check(*stub, "", response).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(BareProxyTest, RefusesABadThreadCount) {
  EXPECT_EQ(BareProxy::Start("127.0.0.1:0", "127.0.0.1:1", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace aigc::bench
