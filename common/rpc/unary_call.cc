#include "common/rpc/unary_call.h"

#include <string>

#include "absl/status/statusor.h"
#include "common/rpc/request_context.h"
#include "common/status/status.h"
#include "glog/logging.h"

namespace aigc::rpc {

absl::Time DeadlineOf(const grpc::CallbackServerContext& context) {
  return absl::FromChrono(context.deadline());
}

absl::Status CheckCallAlive(grpc::CallbackServerContext& context, absl::Time now) {
  if (context.IsCancelled()) return absl::CancelledError("the call was cancelled");
  return CheckDeadline(DeadlineOf(context), now);
}

void LogIfServerFault(absl::string_view method, absl::string_view request_id,
                      const absl::Status& status) {
  if (status.code() == absl::StatusCode::kUnavailable ||
      status.code() == absl::StatusCode::kDataLoss ||
      status.code() == absl::StatusCode::kInternal) {
    LOG(ERROR) << method << " request_id=" << request_id << ": " << status;
  }
}

grpc::ServerUnaryReactor* AnswerUnary(
    grpc::CallbackServerContext* context, absl::string_view method,
    const common::v1::RequestMetadata& request_metadata,
    common::v1::ResponseMetadata* response_metadata,
    const std::function<absl::Status(absl::Time deadline)>& work) {
  const absl::Time received = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::StatusOr<std::string> request_id = ResolveRequestId(request_metadata);
  if (!request_id.ok()) {
    reactor->Finish(status::ToGrpcStatus(request_id.status()));
    return reactor;
  }
  context->AddInitialMetadata(kRequestIdHeader, *request_id);
  absl::Status status = CheckCallAlive(*context, received);
  if (status.ok()) status = work(DeadlineOf(*context));
  if (status.ok()) {
    FillResponseMetadata(*request_id, received, absl::Now(), response_metadata);
  } else {
    LogIfServerFault(method, *request_id, status);
  }
  reactor->Finish(status::ToGrpcStatus(status));
  return reactor;
}

}  // namespace aigc::rpc
