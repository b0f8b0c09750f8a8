// Who may call the gateway: the API key in the call's metadata looked up in
// the key file, the admin role checked for admin RPCs, and the key's rate
// limit (protos/aigc/gateway/v1/gateway.proto, "Authentication").
#ifndef AIGC_SERVICES_GATEWAY_SERVICE_ADMISSION_H_
#define AIGC_SERVICES_GATEWAY_SERVICE_ADMISSION_H_

#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "services/gateway/auth/api_keys.h"
#include "services/gateway/auth/rate_limiter.h"

namespace aigc::gateway {

// An admitted caller: its key's entry in the key file (client name, role,
// rate limit and key_id; never the key itself).
using Caller = gateway_auth::ApiKey;

class Admission {
 public:
  // Both must outlive the admission.
  Admission(const gateway_auth::ApiKeyStore* keys, gateway_auth::RateLimiter* limiter)
      : keys_(keys), limiter_(limiter) {}

  // The caller of `context`, having taken `units` from its rate limit:
  // UNAUTHENTICATED for a missing or unknown key, PERMISSION_DENIED for a
  // user key when `admin_only`, RESOURCE_EXHAUSTED over the rate limit (the
  // retry-after trailer is added to `context`).
  absl::StatusOr<Caller> Admit(grpc::ServerContextBase& context, bool admin_only, double units = 1);

  // Takes `units` more from an admitted caller's rate limit, for a message of
  // a stream: RESOURCE_EXHAUSTED when over it (the retry-after trailer is
  // added to `context`).
  absl::Status Charge(grpc::ServerContextBase& context, const Caller& caller, double units);

 private:
  const gateway_auth::ApiKeyStore* const keys_;
  gateway_auth::RateLimiter* const limiter_;
};

}  // namespace aigc::gateway

#endif  // AIGC_SERVICES_GATEWAY_SERVICE_ADMISSION_H_
