// aigc-gateway: the suite's public entry point. Admits callers by API key
// (hashed key file, reloadable), rate-limits them per key, and forwards their
// calls to the recommender, copywriter and image generator with deadlines,
// retries of idempotent calls, client-side round robin and a circuit breaker
// per backend; GetProductCards composes the three. With --http_port it also
// serves the unary RPCs as HTTP/JSON (services/gateway/http).
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "common/server/server.h"
#include "common/status/status.h"
#include "glog/logging.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/gateway/auth/api_keys.h"
#include "services/gateway/auth/audit_log.h"
#include "services/gateway/auth/pseudonym.h"
#include "services/gateway/auth/rate_limiter.h"
#include "services/gateway/http/http_server.h"
#include "services/gateway/http/json_facade.h"
#include "services/gateway/service/admission.h"
#include "services/gateway/service/backend.h"
#include "services/gateway/service/backend_health.h"
#include "services/gateway/service/gateway_core.h"
#include "services/gateway/service/gateway_service.h"

AIGC_DEFINE_PORT_FLAGS(50050, 9101);

ABSL_FLAG(std::string, api_keys_file, "data/gateway/api_keys.txt",
          "The API key file (hashed keys, docs/gateway.md); re-read by the admin ReloadApiKeys "
          "RPC. Required: without keys the gateway admits nobody.");
ABSL_FLAG(std::string, recommender_target, "127.0.0.1:50051",
          "aigc-recommender: host:port (a DNS name may resolve to several) or ip:port,ip:port,...");
ABSL_FLAG(std::string, copywriter_target, "127.0.0.1:50052", "aigc-copywriter, as above.");
ABSL_FLAG(std::string, imagegen_target, "127.0.0.1:50053", "aigc-imagegen, as above.");
ABSL_FLAG(absl::Duration, default_deadline, absl::Seconds(2),
          "Deadline of a call whose caller set none.");
ABSL_FLAG(int, backend_max_attempts, 3,
          "Attempts per idempotent backend call when the backend is UNAVAILABLE (1..5; 1 = no "
          "retries).");
ABSL_FLAG(int, breaker_failures, 5,
          "Consecutive UNAVAILABLE or DEADLINE_EXCEEDED answers that open a backend's circuit.");
ABSL_FLAG(absl::Duration, breaker_open_duration, absl::Seconds(2),
          "How long an open circuit refuses calls before one trial call.");
ABSL_FLAG(double, cards_recommend_share, 0.4,
          "GetProductCards: share of the time budget the recommendation may take, (0, 1).");
ABSL_FLAG(std::string, audit_log, "",
          "Append one JSON line per call (time, request id, client, key id, method, code, "
          "duration, pseudonymised user, peer; never a key) to this file; empty = no audit log.");
ABSL_FLAG(std::string, pseudonym_secret_file, "",
          "File whose first line is the secret that user ids are pseudonymised with in the audit "
          "log (HMAC-SHA256); empty = a random secret per run (pseudonyms then change).");
ABSL_FLAG(absl::Duration, backend_health_interval, absl::Seconds(1),
          "How often the backends' health services are asked; the gateway's services say "
          "SERVING only while all three backends do.");
ABSL_FLAG(absl::Duration, hedge_after, absl::ZeroDuration(),
          "Hedging of Recommend and SimilarItems: when the recommender has not answered after "
          "this long, send the call again (round robin: to another replica when there is one); "
          "the first answer wins. 0 = off. A value near the calls' p95 bounds their tail at the "
          "price of a few percent more calls.");
ABSL_FLAG(int, cards_max_fanout, 20,
          "GetProductCards: copy and image calls one request may have in flight (1..64). 20 "
          "runs 10 cards' calls at once, so the copywriter decodes their copies in one batch.");
ABSL_FLAG(int, http_port, -1,
          "Port of the HTTP/JSON façade (POST /v1/recommend, ...; docs/gateway.md) on --host; "
          "0 picks a free one (printed on stdout), -1 = no façade. E.g. 8080.");
ABSL_FLAG(int, http_threads, 16,
          "HTTP/JSON façade: requests handled at once (1..256); each waits for its RPC.");

namespace {

namespace gw = aigc::gateway;
using aigc::server::ValueOrExit;

gw::BackendOptions BackendOptionsFor(const std::string& target, const std::string& service,
                                     std::vector<std::string> idempotent_methods) {
  return {.target = target,
          .service = service,
          .idempotent_methods = std::move(idempotent_methods),
          .max_attempts = absl::GetFlag(FLAGS_backend_max_attempts),
          .breaker = {.failure_threshold = absl::GetFlag(FLAGS_breaker_failures),
                      .open_duration = absl::GetFlag(FLAGS_breaker_open_duration)}};
}

// Where the façade reaches the gateway's own gRPC port: the bound address,
// or loopback when it is a wildcard.
std::string LoopbackTarget(const std::string& host, int port) {
  if (host.empty() || host == "0.0.0.0") return absl::StrCat("127.0.0.1:", port);
  if (host == "::" || host == "[::]") return absl::StrCat("[::1]:", port);
  const bool bare_ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return bare_ipv6 ? absl::StrCat("[", host, "]:", port) : absl::StrCat(host, ":", port);
}

}  // namespace

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "The public entry point in front of the recommender, copywriter and image generator.\n"
      "Usage: aigc-gateway [--host=127.0.0.1] [--port=50050] [--metrics_port=9101] "
      "[--api_keys_file=data/gateway/api_keys.txt] [--recommender_target=127.0.0.1:50051] "
      "[--copywriter_target=127.0.0.1:50052] [--imagegen_target=127.0.0.1:50053] "
      "[--http_port=8080] [--flagfile=FILE]\nCreate keys with aigc-gateway-keys.");
  const double recommend_share = absl::GetFlag(FLAGS_cards_recommend_share);
  const int max_fanout = absl::GetFlag(FLAGS_cards_max_fanout);
  if (!(recommend_share > 0 && recommend_share < 1)) {
    aigc::server::ExitOnStartupFailure(
        absl::InvalidArgumentError("--cards_recommend_share: must be in (0, 1)"));
  }
  if (max_fanout < 1 || max_fanout > 64) {
    aigc::server::ExitOnStartupFailure(
        absl::InvalidArgumentError("--cards_max_fanout: must be in 1..64"));
  }
  if (absl::GetFlag(FLAGS_hedge_after) < absl::ZeroDuration()) {
    aigc::server::ExitOnStartupFailure(absl::InvalidArgumentError("--hedge_after: must be >= 0"));
  }
  if (absl::GetFlag(FLAGS_default_deadline) <= absl::ZeroDuration()) {
    aigc::server::ExitOnStartupFailure(
        absl::InvalidArgumentError("--default_deadline: must be > 0"));
  }
  const int http_port = absl::GetFlag(FLAGS_http_port);
  const int http_threads = absl::GetFlag(FLAGS_http_threads);
  if (http_port < -1 || http_port > 65535) {
    aigc::server::ExitOnStartupFailure(
        absl::InvalidArgumentError("--http_port: must be in -1..65535"));
  }
  if (http_threads < 1 || http_threads > 256) {
    aigc::server::ExitOnStartupFailure(
        absl::InvalidArgumentError("--http_threads: must be in 1..256"));
  }
  if (http_port >= 0 && !options.tls_cert_file.empty()) {
    // The façade's loopback channel would need the certificate's name.
    aigc::server::ExitOnStartupFailure(absl::InvalidArgumentError(
        "--http_port: the HTTP/JSON façade is not supported with --tls_cert_file"));
  }
  const std::unique_ptr<aigc::gateway_auth::ApiKeyStore> keys =
      ValueOrExit(aigc::gateway_auth::ApiKeyStore::Open(absl::GetFlag(FLAGS_api_keys_file)));
  LOG(INFO) << "API keys: " << keys->Current()->size() << " (" << keys->Current()->admin_count()
            << " admin) from " << keys->path();
  const std::unique_ptr<aigc::gateway_auth::AuditLog> audit =
      ValueOrExit(aigc::gateway_auth::AuditLog::Open(absl::GetFlag(FLAGS_audit_log)));
  std::string pseudonym_secret = aigc::gateway_auth::RandomSecret();
  if (const std::string path = absl::GetFlag(FLAGS_pseudonym_secret_file); !path.empty()) {
    std::ifstream file(path);
    if (!std::getline(file, pseudonym_secret) || pseudonym_secret.empty()) {
      aigc::server::ExitOnStartupFailure(absl::FailedPreconditionError(
          absl::StrCat("--pseudonym_secret_file: ", path, " has no secret on its first line")));
    }
  }
  aigc::gateway_auth::RateLimiter limiter;
  gw::Admission admission(keys.get(), &limiter);

  const std::unique_ptr<gw::Backend> recommender = ValueOrExit(gw::Backend::Create(
      "recommender", BackendOptionsFor(absl::GetFlag(FLAGS_recommender_target),
                                       "aigc.recommender.v1.RecommenderService",
                                       {"Recommend", "SimilarItems", "WriteEvents"})));
  const std::unique_ptr<gw::Backend> copywriter = ValueOrExit(gw::Backend::Create(
      "copywriter", BackendOptionsFor(absl::GetFlag(FLAGS_copywriter_target),
                                      "aigc.copywriter.v1.CopywriterService", {"GenerateCopy"})));
  const std::unique_ptr<gw::Backend> imagegen = ValueOrExit(gw::Backend::Create(
      "imagegen", BackendOptionsFor(absl::GetFlag(FLAGS_imagegen_target),
                                    "aigc.imagegen.v1.ImageGenService", {"Generate"})));

  auto server = aigc::server::Server::Create("aigc-gateway", options);
  if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());
  gw::GatewayCore core({.recommender = recommender.get(),
                        .copywriter = copywriter.get(),
                        .imagegen = imagegen.get()},
                       keys.get(), &admission, audit.get(), pseudonym_secret,
                       {.default_deadline = absl::GetFlag(FLAGS_default_deadline),
                        .recommend_share = recommend_share,
                        .max_fanout = max_fanout,
                        .hedge_after = absl::GetFlag(FLAGS_hedge_after)},
                       (*server)->metrics_registry());
  gw::GatewayServiceImpl gateway_service(&core);
  gw::GatewayAdminServiceImpl gateway_admin_service(&core);
  namespace v1 = aigc::gateway::v1;
  (*server)->AddService(&gateway_service, v1::GatewayService::service_full_name());
  (*server)->AddService(&gateway_admin_service, v1::GatewayAdminService::service_full_name());
  // Not ready until the first look at the backends says so.
  for (const char* service :
       {v1::GatewayService::service_full_name(), v1::GatewayAdminService::service_full_name()}) {
    (*server)->SetServiceServing(service, false);
  }
  auto backend_health = std::make_unique<gw::BackendHealth>(
      std::vector<gw::Backend*>{recommender.get(), copywriter.get(), imagegen.get()},
      absl::GetFlag(FLAGS_backend_health_interval),
      [&server](bool serving) {
        for (const char* service : {v1::GatewayService::service_full_name(),
                                    v1::GatewayAdminService::service_full_name()}) {
          (*server)->SetServiceServing(service, serving);
        }
      },
      (*server)->metrics_registry());
  std::unique_ptr<aigc::gateway_http::HttpServer> http;
  // The façade calls the gateway's own gRPC port, so it starts once that is bound.
  const auto start_http = [&]() -> absl::Status {
    if (http_port < 0) return absl::OkStatus();
    grpc::ChannelArguments channel_args;
    channel_args.SetMaxReceiveMessageSize(options.max_message_bytes);
    channel_args.SetMaxSendMessageSize(options.max_message_bytes);
    auto facade = std::make_shared<aigc::gateway_http::JsonFacade>(
        grpc::CreateCustomChannel(LoopbackTarget(options.host, (*server)->port()),
                                  grpc::InsecureChannelCredentials(), channel_args));
    AIGC_ASSIGN_OR_RETURN(http, aigc::gateway_http::HttpServer::Create(
                                    {.host = options.host,
                                     .port = http_port,
                                     .worker_threads = http_threads,
                                     .render_error = aigc::gateway_http::JsonServerError},
                                    [facade](const aigc::gateway_http::HttpRequest& request) {
                                      return facade->Handle(request);
                                    }));
    LOG(INFO) << "aigc-gateway serving HTTP/JSON on port " << http->port();
    std::cout << "aigc-gateway http_port=" << http->port() << std::endl;
    return absl::OkStatus();
  };
  // Requests in flight on the façade finish over gRPC before its drain.
  const int exit_code = (*server)->Run(start_http, [&http] { http.reset(); });
  backend_health.reset();  // reports to the server's registry
  return exit_code;
}
