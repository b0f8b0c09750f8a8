#include "services/gateway/http/json_facade.h"

#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "aigc/gateway/v1/gateway.pb.h"
#include "common/text/json_string.h"
#include "glog/logging.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/client_context.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/byte_buffer.h"

namespace aigc::gateway_http {
namespace {

namespace protobuf = google::protobuf;

const protobuf::MethodDescriptor* Method(const protobuf::ServiceDescriptor* service,
                                         const char* name) {
  const protobuf::MethodDescriptor* method = service->FindMethodByName(name);
  CHECK(method != nullptr) << service->full_name() << " has no method " << name;
  return method;
}

std::string_view FindMetadata(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                              std::string_view key) {
  const auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  return it == metadata.end() ? std::string_view()
                              : std::string_view(it->second.data(), it->second.size());
}

}  // namespace

const std::vector<Route>& GatewayRoutes() {
  static const std::vector<Route>* const routes = [] {
    const protobuf::FileDescriptor* file =
        aigc::gateway::v1::GetProductCardsRequest::descriptor()->file();
    const protobuf::ServiceDescriptor* api = file->FindServiceByName("GatewayService");
    const protobuf::ServiceDescriptor* admin = file->FindServiceByName("GatewayAdminService");
    CHECK(api != nullptr && admin != nullptr);
    return new std::vector<Route>{
        {"/v1/recommend", Method(api, "Recommend")},
        {"/v1/similar-items", Method(api, "SimilarItems")},
        {"/v1/write-events", Method(api, "WriteEvents")},
        {"/v1/generate-copy", Method(api, "GenerateCopy")},
        {"/v1/generate-images", Method(api, "GenerateImages")},
        {"/v1/product-cards", Method(api, "GetProductCards")},
        {"/v1/admin/train", Method(admin, "Train")},
        {"/v1/admin/training-job", Method(admin, "GetTrainingJob")},
        {"/v1/admin/reload-model", Method(admin, "ReloadModel")},
        {"/v1/admin/reload-api-keys", Method(admin, "ReloadApiKeys")},
    };
  }();
  return *routes;
}

int HttpStatusFromGrpc(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

std::string GrpcCodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

HttpResponse JsonError(int http_status, std::string_view status_name, std::string_view message) {
  return {.status = http_status,
          .headers = {{"content-type", "application/json"}},
          .body = absl::StrCat("{\"code\": ", http_status,
                               ", \"status\": ", text::JsonString(status_name),
                               ", \"message\": ", text::JsonString(message), "}")};
}

HttpResponse JsonServerError(int http_status, std::string_view message) {
  std::string_view name = "INVALID_ARGUMENT";
  switch (http_status) {
    case 408:
      name = "DEADLINE_EXCEEDED";
      break;
    case 500:
      name = "INTERNAL";
      break;
    case 501:
    case 505:
      name = "UNIMPLEMENTED";
      break;
    case 503:
      name = "UNAVAILABLE";
      break;
    default:
      break;
  }
  return JsonError(http_status, name, message);
}

JsonFacade::JsonFacade(std::shared_ptr<grpc::Channel> gateway)
    : channel_(std::move(gateway)), stub_(channel_) {}

HttpResponse JsonFacade::Handle(const HttpRequest& request) const {
  const Route* route = nullptr;
  for (const Route& candidate : GatewayRoutes()) {
    if (candidate.path == request.path) route = &candidate;
  }
  if (route == nullptr) {
    return JsonError(404, "NOT_FOUND", absl::StrCat("no route ", request.path));
  }
  if (request.method != "POST") {
    HttpResponse response = JsonError(
        405, "UNIMPLEMENTED", absl::StrCat(request.path, " takes POST, not ", request.method));
    response.headers.emplace_back("allow", "POST");
    return response;
  }

  const protobuf::Message* prototype =
      protobuf::MessageFactory::generated_factory()->GetPrototype(route->method->input_type());
  const std::unique_ptr<protobuf::Message> input(prototype->New());
  protobuf::util::JsonParseOptions parse_options;
  parse_options.ignore_unknown_fields = false;
  const std::string_view body = request.body.empty() ? std::string_view("{}") : request.body;
  if (const auto parsed = protobuf::util::JsonStringToMessage(
          protobuf::StringPiece(body.data(), body.size()), input.get(), parse_options);
      !parsed.ok()) {
    return JsonError(400, "INVALID_ARGUMENT", absl::StrCat("body: ", parsed.message().ToString()));
  }

  grpc::ClientContext context;
  for (const char* header : {"x-api-key", "authorization"}) {
    const std::string* value = request.Header(header);
    if (value == nullptr) continue;
    // gRPC refuses (asserts on) other metadata values; HTTP allows them.
    for (const char c : *value) {
      if (c < 0x20 || c > 0x7e) {
        return JsonError(400, "INVALID_ARGUMENT",
                         absl::StrCat(header, ": must be printable ASCII"));
      }
    }
    context.AddMetadata(header, *value);
  }
  grpc::ByteBuffer request_bytes;
  bool own_buffer = false;
  if (const grpc::Status serialized = grpc::SerializationTraits<protobuf::Message>::Serialize(
          *input, &request_bytes, &own_buffer);
      !serialized.ok()) {
    return JsonError(500, "INTERNAL", serialized.error_message());
  }
  grpc::ByteBuffer response_bytes;
  grpc::Status status;
  absl::Notification done;
  const std::string method =
      absl::StrCat("/", route->method->service()->full_name(), "/", route->method->name());
  stub_.UnaryCall(&context, method, grpc::StubOptions(), &request_bytes, &response_bytes,
                  [&status, &done](grpc::Status s) {
                    status = std::move(s);
                    done.Notify();
                  });
  done.WaitForNotification();

  HeaderList headers;
  for (const char* key : {"x-request-id", "retry-after"}) {
    std::string_view value = FindMetadata(context.GetServerInitialMetadata(), key);
    if (value.empty()) value = FindMetadata(context.GetServerTrailingMetadata(), key);
    if (!value.empty()) headers.emplace_back(key, std::string(value));
  }
  HttpResponse response;
  if (status.ok()) {
    const std::unique_ptr<protobuf::Message> output(protobuf::MessageFactory::generated_factory()
                                                        ->GetPrototype(route->method->output_type())
                                                        ->New());
    std::string json;
    status =
        grpc::SerializationTraits<protobuf::Message>::Deserialize(&response_bytes, output.get());
    if (status.ok()) {
      if (const auto printed = protobuf::util::MessageToJsonString(*output, &json); printed.ok()) {
        response = {.status = 200,
                    .headers = {{"content-type", "application/json"}},
                    .body = std::move(json)};
      } else {
        status = grpc::Status(grpc::StatusCode::INTERNAL, printed.message().ToString());
      }
    }
  }
  if (!status.ok()) {
    response = JsonError(HttpStatusFromGrpc(status.error_code()), GrpcCodeName(status.error_code()),
                         status.error_message());
  }
  for (auto& header : headers) response.headers.push_back(std::move(header));
  return response;
}

}  // namespace aigc::gateway_http
