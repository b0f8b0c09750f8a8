#include "services/gateway/service/admission.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status.h"

namespace aigc::gateway {
namespace {

std::optional<std::string_view> Header(const grpc::ServerContextBase& context,
                                       std::string_view name) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(grpc::string_ref(name.data(), name.size()));
  if (it == metadata.end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<Caller> Admission::Admit(grpc::ServerContextBase& context, bool admin_only,
                                        double units) {
  const std::optional<std::string> presented =
      gateway_auth::PresentedKey(Header(context, "x-api-key"), Header(context, "authorization"));
  if (!presented.has_value()) {
    return absl::UnauthenticatedError(
        "missing API key: send it as x-api-key: <key> or authorization: Bearer <key>");
  }
  // The caller keeps a copy of its key's entry: a reload meanwhile does not change it.
  const std::shared_ptr<const gateway_auth::ApiKeyTable> table = keys_->Current();
  const gateway_auth::ApiKey* key = table->Find(*presented);
  if (key == nullptr) {
    return absl::UnauthenticatedError(
        absl::StrCat("unknown or revoked API key (key id ", gateway_auth::KeyId(*presented), ")"));
  }
  if (admin_only && !key->admin) {
    return absl::PermissionDeniedError(
        absl::StrCat("client ", key->client_name, " has no admin key for this admin RPC"));
  }
  AIGC_RETURN_IF_ERROR(Charge(context, *key, units));
  return *key;
}

absl::Status Admission::Charge(grpc::ServerContextBase& context, const Caller& caller,
                               double units) {
  const gateway_auth::RateLimiter::Decision decision = limiter_->Take(caller, units, absl::Now());
  if (decision.allowed) return absl::OkStatus();
  const std::string seconds = gateway_auth::RetryAfterSeconds(decision.retry_after);
  context.AddTrailingMetadata(gateway_auth::kRetryAfterTrailer, seconds);
  return absl::ResourceExhaustedError(absl::StrCat("rate limit of client ", caller.client_name,
                                                   " exceeded; retry after ", seconds, " s"));
}

}  // namespace aigc::gateway
