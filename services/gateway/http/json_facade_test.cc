#include "services/gateway/http/json_facade.h"

#include <memory>
#include <string>

#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace aigc::gateway_http {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(HttpStatusFromGrpcTest, FollowsGooglesMapping) {
  using grpc::StatusCode;
  struct Case {
    StatusCode code;
    int status;
    const char* name;
  };
  for (const Case& c : {
           Case{StatusCode::OK, 200, "OK"},
           Case{StatusCode::CANCELLED, 499, "CANCELLED"},
           Case{StatusCode::UNKNOWN, 500, "UNKNOWN"},
           Case{StatusCode::INVALID_ARGUMENT, 400, "INVALID_ARGUMENT"},
           Case{StatusCode::DEADLINE_EXCEEDED, 504, "DEADLINE_EXCEEDED"},
           Case{StatusCode::NOT_FOUND, 404, "NOT_FOUND"},
           Case{StatusCode::ALREADY_EXISTS, 409, "ALREADY_EXISTS"},
           Case{StatusCode::PERMISSION_DENIED, 403, "PERMISSION_DENIED"},
           Case{StatusCode::RESOURCE_EXHAUSTED, 429, "RESOURCE_EXHAUSTED"},
           Case{StatusCode::FAILED_PRECONDITION, 400, "FAILED_PRECONDITION"},
           Case{StatusCode::ABORTED, 409, "ABORTED"},
           Case{StatusCode::OUT_OF_RANGE, 400, "OUT_OF_RANGE"},
           Case{StatusCode::UNIMPLEMENTED, 501, "UNIMPLEMENTED"},
           Case{StatusCode::INTERNAL, 500, "INTERNAL"},
           Case{StatusCode::UNAVAILABLE, 503, "UNAVAILABLE"},
           Case{StatusCode::DATA_LOSS, 500, "DATA_LOSS"},
           Case{StatusCode::UNAUTHENTICATED, 401, "UNAUTHENTICATED"},
       }) {
    EXPECT_EQ(HttpStatusFromGrpc(c.code), c.status) << c.name;
    EXPECT_EQ(GrpcCodeName(c.code), c.name);
  }
}

TEST(JsonErrorTest, QuotesTheMessage) {
  const HttpResponse response =
      JsonError(400, "INVALID_ARGUMENT", "user_id: \"x\"\\\n\x01 ok é \xff");
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.headers, Contains(Pair("content-type", "application/json")));
  EXPECT_EQ(response.body,
            "{\"code\": 400, \"status\": \"INVALID_ARGUMENT\", \"message\": "
            "\"user_id: \\\"x\\\"\\\\\\n\\u0001 ok é \xef\xbf\xbd\"}");
  EXPECT_THAT(JsonServerError(503, "busy").body, HasSubstr("\"status\": \"UNAVAILABLE\""));
}

TEST(GatewayRoutesTest, EveryRouteIsAUnaryGatewayMethod) {
  EXPECT_EQ(GatewayRoutes().size(), 10u);
  for (const Route& route : GatewayRoutes()) {
    ASSERT_NE(route.method, nullptr) << route.path;
    EXPECT_FALSE(route.method->client_streaming()) << route.path;
    EXPECT_FALSE(route.method->server_streaming()) << route.path;
  }
}

namespace v1 = aigc::gateway::v1;

// Stands in for the gateway: GenerateImages answers with one image when the
// key is "good" (echoing it in the x-request-id header), UNAUTHENTICATED
// otherwise; GetProductCards is rate limited with a retry-after trailer.
class FakeGateway final : public v1::GatewayService::Service {
 public:
  grpc::Status GenerateImages(grpc::ServerContext* context,
                              const aigc::imagegen::v1::GenerateRequest* request,
                              aigc::imagegen::v1::GenerateResponse* response) override {
    context->AddInitialMetadata("x-request-id", "req-1");
    const auto key = context->client_metadata().find("x-api-key");
    const auto bearer = context->client_metadata().find("authorization");
    const bool good =
        (key != context->client_metadata().end() && key->second == "good") ||
        (bearer != context->client_metadata().end() && bearer->second == "Bearer good");
    if (!good) return {grpc::StatusCode::UNAUTHENTICATED, "missing or unknown API key"};
    for (int i = 0; i < request->count(); ++i) {
      auto* image = response->add_images();
      image->set_data(std::string("\x89PNG"));
      image->set_width(28);
    }
    return grpc::Status::OK;
  }

  grpc::Status GetProductCards(grpc::ServerContext* context, const v1::GetProductCardsRequest*,
                               v1::GetProductCardsResponse*) override {
    context->AddTrailingMetadata("retry-after", "3");
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, "rate limit of key shop exceeded"};
  }
};

class JsonFacadeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&gateway_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    facade_ = std::make_unique<JsonFacade>(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                               grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  HttpResponse Post(const std::string& path, const std::string& body,
                    HeaderList headers = {{"x-api-key", "good"}}) {
    HttpRequest request;
    request.method = "POST";
    request.path = path;
    request.headers = std::move(headers);
    request.body = body;
    return facade_->Handle(request);
  }

  FakeGateway gateway_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<JsonFacade> facade_;
};

TEST_F(JsonFacadeTest, MapsJsonToTheRpcAndBack) {
  const HttpResponse response =
      Post("/v1/generate-images", R"({"category": "CATEGORY_DRESS", "count": 2})");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(response.headers, Contains(Pair("content-type", "application/json")));
  EXPECT_THAT(response.headers, Contains(Pair("x-request-id", "req-1")));
  // bytes are base64 ("\x89PNG" is iVBORw==), names lowerCamelCase.
  EXPECT_EQ(response.body,
            R"({"images":[{"data":"iVBORw==","width":28},{"data":"iVBORw==","width":28}]})");
}

TEST_F(JsonFacadeTest, ForwardsTheBearerToken) {
  EXPECT_EQ(
      Post("/v1/generate-images", "{\"count\": 1}", {{"authorization", "Bearer good"}}).status,
      200);
}

TEST_F(JsonFacadeTest, RpcErrorsBecomeJsonErrors) {
  const HttpResponse unauthenticated = Post("/v1/generate-images", "{}", {});
  EXPECT_EQ(unauthenticated.status, 401);
  EXPECT_EQ(
      unauthenticated.body,
      R"({"code": 401, "status": "UNAUTHENTICATED", "message": "missing or unknown API key"})");
  EXPECT_THAT(unauthenticated.headers, Contains(Pair("x-request-id", "req-1")));

  const HttpResponse limited = Post("/v1/product-cards", R"({"user_id": "u1"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_THAT(limited.headers, Contains(Pair("retry-after", "3")));
  EXPECT_THAT(limited.body, HasSubstr("\"status\": \"RESOURCE_EXHAUSTED\""));

  // The fake does not implement Recommend.
  EXPECT_EQ(Post("/v1/recommend", "").status, 501);
}

TEST_F(JsonFacadeTest, RefusesBadRequestsBeforeCalling) {
  const HttpResponse unknown_field = Post("/v1/generate-images", R"({"colour": 1})");
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_THAT(unknown_field.body, HasSubstr("\"message\": \"body: "));
  EXPECT_THAT(unknown_field.body, HasSubstr("colour"));
  EXPECT_EQ(Post("/v1/generate-images", "{not json").status, 400);
  EXPECT_EQ(Post("/v1/generate-images", R"({"count": "many"})").status, 400);

  const HttpResponse bad_key = Post("/v1/generate-images", "{}", {{"x-api-key", "caf\xc3\xa9"}});
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_THAT(bad_key.body, HasSubstr("x-api-key: must be printable ASCII"));

  const HttpResponse not_found = Post("/v1/nothing", "{}");
  EXPECT_EQ(not_found.status, 404);
  EXPECT_THAT(not_found.body, HasSubstr("\"status\": \"NOT_FOUND\""));

  HttpRequest get;
  get.method = "GET";
  get.path = "/v1/generate-images";
  const HttpResponse wrong_method = facade_->Handle(get);
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_THAT(wrong_method.headers, Contains(Pair("allow", "POST")));
}

}  // namespace
}  // namespace aigc::gateway_http
