// The gateway's HTTP/JSON façade: each route is one unary RPC of the gateway,
// its request and response mapped with protobuf's JSON mapping, and called on
// the gateway ITSELF over a loopback channel with the caller's credentials
// forwarded, so that authentication, rate limits, audit and metrics are
// exactly the gRPC path's (docs/gateway.md, "HTTP/JSON").
#ifndef AIGC_SERVICES_GATEWAY_HTTP_JSON_FACADE_H_
#define AIGC_SERVICES_GATEWAY_HTTP_JSON_FACADE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/status.h"
#include "services/gateway/http/http_message.h"

namespace google::protobuf {
class MethodDescriptor;
}  // namespace google::protobuf

namespace aigc::gateway_http {

// One route: POST `path` calls `method`, e.g. "/v1/recommend" calls
// "aigc.gateway.v1.GatewayService.Recommend".
struct Route {
  std::string path;
  const google::protobuf::MethodDescriptor* method;
};

// The façade's routes: every unary RPC of GatewayService and
// GatewayAdminService (streaming RPCs are not offered over HTTP).
const std::vector<Route>& GatewayRoutes();

// Google's mapping of gRPC codes to HTTP statuses (google/rpc/code.proto):
// INVALID_ARGUMENT, FAILED_PRECONDITION and OUT_OF_RANGE 400,
// UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, ALREADY_EXISTS
// and ABORTED 409, RESOURCE_EXHAUSTED 429, CANCELLED 499, UNIMPLEMENTED 501,
// UNAVAILABLE 503, DEADLINE_EXCEEDED 504, others 500; OK 200.
int HttpStatusFromGrpc(grpc::StatusCode code);

// The code's canonical name, e.g. "INVALID_ARGUMENT".
std::string GrpcCodeName(grpc::StatusCode code);

// An error response: `http_status` with the JSON body
//   {"code": <http_status>, "status": "<status_name>", "message": "<message>"}
HttpResponse JsonError(int http_status, std::string_view status_name, std::string_view message);

// The JSON error for a request the HTTP server refuses itself (malformed 400,
// 408, 413, 417, 431, 501, 503, 505): an HttpServerOptions::render_error.
HttpResponse JsonServerError(int http_status, std::string_view message);

class JsonFacade {
 public:
  // `gateway` is a channel to the gateway's own gRPC port; shared.
  explicit JsonFacade(std::shared_ptr<grpc::Channel> gateway);

  // Answers one request: 404 for an unknown path, 405 (with "allow: POST")
  // for another method than POST, 400 INVALID_ARGUMENT when the body is not
  // the route's request message in JSON (unknown fields included; an empty
  // body is {}), else the RPC's answer: 200 with the response message in JSON
  // (lowerCamelCase names, fields with default values left out) or the
  // JsonError of its status. "x-api-key" and "authorization" are forwarded
  // as metadata (400 when not printable ASCII, which gRPC metadata must be); the response's
  // "x-request-id" and "retry-after" come back as headers. Blocks for the call; no deadline is set,
  // so the gateway applies its --default_deadline. Thread-safe.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  mutable grpc::GenericStub stub_;
};

}  // namespace aigc::gateway_http

#endif  // AIGC_SERVICES_GATEWAY_HTTP_JSON_FACADE_H_
