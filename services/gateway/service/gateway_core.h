// What the gateway's RPC handlers share: the backends with their stubs and
// circuit breakers, admission by API key, the default deadline, and the
// gateway's metrics.
#ifndef AIGC_SERVICES_GATEWAY_SERVICE_GATEWAY_CORE_H_
#define AIGC_SERVICES_GATEWAY_SERVICE_GATEWAY_CORE_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "services/gateway/auth/api_keys.h"
#include "services/gateway/auth/audit_log.h"
#include "services/gateway/service/admission.h"
#include "services/gateway/service/backend.h"
#include "services/gateway/service/delayed_tasks.h"

namespace aigc::gateway {

struct GatewayBackends {
  Backend* recommender = nullptr;
  Backend* copywriter = nullptr;
  Backend* imagegen = nullptr;
};

// One call as the audit log will record it, filled in as the call goes.
struct AuditedCall {
  absl::Time received;
  std::string method;      // full name, "/aigc.gateway.v1.GatewayService/Recommend"
  std::string request_id;  // empty until resolved
  Caller caller;           // empty until admitted
  std::string user_id;     // the request's user, if it names one (pseudonymised when logged)
};

struct GatewayOptions {
  // Deadline of a call whose caller set none.
  absl::Duration default_deadline = absl::Seconds(2);
  // GetProductCards: the share of the time budget the recommendation may
  // take, (0, 1); the copy and image calls get the rest minus the reserve.
  double recommend_share = 0.4;
  // GetProductCards: time kept to assemble the answer after the last part.
  absl::Duration assembly_reserve = absl::Milliseconds(20);
  // GetProductCards: copy and image calls one request may have in flight.
  int max_fanout = 8;
  // Hedging of the cheap idempotent reads (Recommend, SimilarItems): when
  // the backend has not answered after this long, the same call is sent
  // again (round robin: to another replica when there is one) and the first
  // answer wins. Zero = no hedging.
  absl::Duration hedge_after = absl::ZeroDuration();
};

class GatewayCore {
 public:
  // Everything must outlive the core. Registers the gateway's metrics:
  // aigc_gateway_backend_calls_total{backend,method,code} (codes labelled as
  // grpc_server_handled_total labels them),
  // aigc_gateway_backend_seconds{backend}, aigc_gateway_rejected_total{reason}
  // and aigc_gateway_hedges_total{backend}.
  // `audit` records every call (a disabled log records nothing); user ids
  // are logged as Pseudonym(user_id, pseudonym_secret).
  GatewayCore(const GatewayBackends& backends, gateway_auth::ApiKeyStore* keys,
              Admission* admission, gateway_auth::AuditLog* audit, std::string pseudonym_secret,
              const GatewayOptions& options, prometheus::Registry& registry);

  Backend& recommender() { return *backends_.recommender; }
  Backend& copywriter() { return *backends_.copywriter; }
  Backend& imagegen() { return *backends_.imagegen; }
  recommender::v1::RecommenderService::Stub& recommender_stub() { return *recommender_stub_; }
  recommender::v1::RecommenderAdminService::Stub& recommender_admin_stub() {
    return *recommender_admin_stub_;
  }
  copywriter::v1::CopywriterService::Stub& copywriter_stub() { return *copywriter_stub_; }
  imagegen::v1::ImageGenService::Stub& imagegen_stub() { return *imagegen_stub_; }
  gateway_auth::ApiKeyStore& keys() { return *keys_; }
  Admission& admission() { return *admission_; }
  const GatewayOptions& options() const { return options_; }

  // The deadline of a call: its own, or now + default_deadline.
  absl::Time DeadlineOf(const grpc::CallbackServerContext& context) const;

  // A context for a backend call made on behalf of `context`: cancelled when
  // it is cancelled, with `deadline`.
  std::unique_ptr<grpc::ClientContext> BackendContext(const grpc::CallbackServerContext& context,
                                                      absl::Time deadline) const;

  // Writes the audit line of a call that ended with `status`.
  void Audit(const grpc::CallbackServerContext& context, const AuditedCall& call,
             const grpc::Status& status);

  void RecordBackendCall(const Backend& backend, absl::string_view method,
                         const grpc::Status& status, absl::Duration latency);
  // reason: "unauthenticated", "permission_denied", "rate_limited",
  // "circuit_open", "invalid_argument".
  void CountRejected(absl::string_view reason);
  // A hedged call sent its second attempt to `backend`.
  void CountHedge(const Backend& backend);

  // Where hedged calls schedule their second attempt.
  DelayedTasks& timers() { return timers_; }

 private:
  const GatewayBackends backends_;
  gateway_auth::ApiKeyStore* const keys_;
  Admission* const admission_;
  gateway_auth::AuditLog* const audit_;
  const std::string pseudonym_secret_;
  const GatewayOptions options_;
  std::unique_ptr<recommender::v1::RecommenderService::Stub> recommender_stub_;
  std::unique_ptr<recommender::v1::RecommenderAdminService::Stub> recommender_admin_stub_;
  std::unique_ptr<copywriter::v1::CopywriterService::Stub> copywriter_stub_;
  std::unique_ptr<imagegen::v1::ImageGenService::Stub> imagegen_stub_;
  prometheus::Family<prometheus::Counter>& backend_calls_;
  prometheus::Family<prometheus::Histogram>& backend_seconds_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Counter>& hedges_;
  DelayedTasks timers_;
};

// The aigc_gateway_rejected_total reason for an admission failure.
absl::string_view RejectionReason(const absl::Status& status);

}  // namespace aigc::gateway

#endif  // AIGC_SERVICES_GATEWAY_SERVICE_GATEWAY_CORE_H_
