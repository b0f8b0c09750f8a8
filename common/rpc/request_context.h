// What every service's handlers do around their own work: validate the
// request's aigc.common.v1.RequestMetadata, settle the request id in effect
// (the caller's, or a generated one), refuse work whose deadline has passed,
// and fill the response's aigc.common.v1.ResponseMetadata.
//
// Every function is stateless and thread-safe.
#ifndef AIGC_COMMON_RPC_REQUEST_CONTEXT_H_
#define AIGC_COMMON_RPC_REQUEST_CONTEXT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "aigc/common/v1/common.pb.h"

namespace aigc::rpc {

// Response header that carries the request id in effect (common.proto,
// RequestMetadata.request_id).
inline constexpr char kRequestIdHeader[] = "x-request-id";

// Checks `metadata` against the bounds of aigc.common.v1.RequestMetadata and
// returns the request id in effect: metadata.request_id when it is set, else
// GenerateRequestId(). Fails with INVALID_ARGUMENT naming the field:
// "metadata.request_id" (more than 128 characters or not printable ASCII),
// "metadata.client_name" (more than 64 characters), "metadata.experiment_tags"
// (more than 16 entries) or "metadata.experiment_tags[<key>]" (key or value
// not 1..64 characters). The locale is not checked: an unknown one falls back
// to zh-CN.
absl::StatusOr<std::string> ResolveRequestId(const common::v1::RequestMetadata& metadata);

// The language a RequestMetadata.locale asks for: "en", "en-*" or "en_*"
// (any case) => LANGUAGE_EN; anything else, empty included => LANGUAGE_ZH.
common::v1::Language LanguageOfLocale(absl::string_view locale);

// A fresh random request id: 32 lower-case hex digits (128 random bits).
std::string GenerateRequestId();

// A fresh random seed, for requests that set none (the seed used is echoed
// so the result can be reproduced).
uint64_t RandomSeed();

// Sets out->request_id to `request_id` and out->processing_time to
// `now - received` (0 if the clock went backwards).
void FillResponseMetadata(absl::string_view request_id, absl::Time received, absl::Time now,
                          common::v1::ResponseMetadata* out);

// `status` as an aigc.common.v1.PartStatus (the outcome of one part of a
// call: an item of a batch, a question of a live session): same code, same
// message.
common::v1::PartStatus ToPartStatus(const absl::Status& status);

// OK while `now` is before `deadline`; DEADLINE_EXCEEDED once it is not, so
// that no work (in particular no write) starts on an expired request.
// absl::InfiniteFuture() means no deadline.
absl::Status CheckDeadline(absl::Time deadline, absl::Time now);

}  // namespace aigc::rpc

#endif  // AIGC_COMMON_RPC_REQUEST_CONTEXT_H_
