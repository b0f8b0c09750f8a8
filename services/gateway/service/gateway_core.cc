#include "services/gateway/service/gateway_core.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/metrics/grpc_server_metrics.h"
#include "services/gateway/auth/pseudonym.h"

namespace aigc::gateway {

GatewayCore::GatewayCore(const GatewayBackends& backends, gateway_auth::ApiKeyStore* keys,
                         Admission* admission, gateway_auth::AuditLog* audit,
                         std::string pseudonym_secret, const GatewayOptions& options,
                         prometheus::Registry& registry)
    : backends_(backends),
      keys_(keys),
      admission_(admission),
      audit_(audit),
      pseudonym_secret_(std::move(pseudonym_secret)),
      options_(options),
      recommender_stub_(
          recommender::v1::RecommenderService::NewStub(backends.recommender->channel())),
      recommender_admin_stub_(
          recommender::v1::RecommenderAdminService::NewStub(backends.recommender->channel())),
      copywriter_stub_(copywriter::v1::CopywriterService::NewStub(backends.copywriter->channel())),
      imagegen_stub_(imagegen::v1::ImageGenService::NewStub(backends.imagegen->channel())),
      backend_calls_(prometheus::BuildCounter()
                         .Name("aigc_gateway_backend_calls_total")
                         .Help("Calls the gateway made to its backends, by backend, method and "
                               "gRPC code (retries inside gRPC count once)")
                         .Register(registry)),
      backend_seconds_(prometheus::BuildHistogram()
                           .Name("aigc_gateway_backend_seconds")
                           .Help("Duration of the gateway's calls to each backend")
                           .Register(registry)),
      rejected_(prometheus::BuildCounter()
                    .Name("aigc_gateway_rejected_total")
                    .Help("Calls the gateway refused before reaching a backend, by reason")
                    .Register(registry)),
      hedges_(prometheus::BuildCounter()
                  .Name("aigc_gateway_hedges_total")
                  .Help("Second attempts of hedged calls (the first had not answered after "
                        "--hedge_after), by backend")
                  .Register(registry)) {}

absl::Time GatewayCore::DeadlineOf(const grpc::CallbackServerContext& context) const {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::Now() + options_.default_deadline;
  }
  return absl::FromChrono(deadline);
}

std::unique_ptr<grpc::ClientContext> GatewayCore::BackendContext(
    const grpc::CallbackServerContext& context, absl::Time deadline) const {
  // Propagates cancellation (and census/tracing); the deadline is set here so
  // that a caller without one gets the default.
  std::unique_ptr<grpc::ClientContext> client = grpc::ClientContext::FromCallbackServerContext(
      context, grpc::PropagationOptions().disable_deadline_propagation());
  client->set_deadline(absl::ToChronoTime(deadline));
  return client;
}

void GatewayCore::Audit(const grpc::CallbackServerContext& context, const AuditedCall& call,
                        const grpc::Status& status) {
  if (!audit_->enabled()) return;  // spares every call the pseudonym's HMAC
  audit_->Record(
      {.time = call.received,
       .request_id = call.request_id,
       .client = call.caller.client_name,
       .key_id = call.caller.key_id,
       .method = call.method,
       .code = absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
       .duration = absl::Now() - call.received,
       .user = call.user_id.empty() ? "" : gateway_auth::Pseudonym(call.user_id, pseudonym_secret_),
       .peer = context.peer()});
}

void GatewayCore::RecordBackendCall(const Backend& backend, absl::string_view method,
                                    const grpc::Status& status, absl::Duration latency) {
  backend_calls_
      .Add({{"backend", backend.name()},
            {"method", std::string(method)},
            {"code", std::string(metrics::GrpcCodeLabel(status.error_code()))}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
  backend_seconds_.Add({{"backend", backend.name()}}, kBuckets)
      .Observe(absl::ToDoubleSeconds(latency));
}

void GatewayCore::CountRejected(absl::string_view reason) {
  rejected_.Add({{"reason", std::string(reason)}}).Increment();
}

void GatewayCore::CountHedge(const Backend& backend) {
  hedges_.Add({{"backend", backend.name()}}).Increment();
}

absl::string_view RejectionReason(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnauthenticated:
      return "unauthenticated";
    case absl::StatusCode::kPermissionDenied:
      return "permission_denied";
    case absl::StatusCode::kResourceExhausted:
      return "rate_limited";
    default:
      return "invalid_argument";
  }
}

}  // namespace aigc::gateway
