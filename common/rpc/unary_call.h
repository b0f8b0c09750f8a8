// The plumbing every unary RPC of our services shares: request
// ids, refusing dead calls, response metadata, status mapping and logging.
#ifndef AIGC_COMMON_RPC_UNARY_CALL_H_
#define AIGC_COMMON_RPC_UNARY_CALL_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "aigc/common/v1/common.pb.h"
#include "grpcpp/grpcpp.h"

namespace aigc::rpc {

// The call's deadline (InfiniteFuture when it has none).
absl::Time DeadlineOf(const grpc::CallbackServerContext& context);

// The status that stops work on a call before it starts: CANCELLED when the
// client went away, DEADLINE_EXCEEDED once its deadline has passed.
absl::Status CheckCallAlive(grpc::CallbackServerContext& context, absl::Time now);

// Logs statuses that are the operator's business (UNAVAILABLE, DATA_LOSS,
// INTERNAL); client mistakes are not logged.
void LogIfServerFault(absl::string_view method, absl::string_view request_id,
                      const absl::Status& status);

// Answers a unary call: resolves the request id (failing the call on bad
// metadata) and echoes it in the x-request-id header, refuses a cancelled or
// expired call, runs work(deadline), and on success fills
// `response_metadata`. Returns the finished reactor.
grpc::ServerUnaryReactor* AnswerUnary(grpc::CallbackServerContext* context,
                                      absl::string_view method,
                                      const aigc::common::v1::RequestMetadata& request_metadata,
                                      aigc::common::v1::ResponseMetadata* response_metadata,
                                      const std::function<absl::Status(absl::Time deadline)>& work);

}  // namespace aigc::rpc

#endif  // AIGC_COMMON_RPC_UNARY_CALL_H_
