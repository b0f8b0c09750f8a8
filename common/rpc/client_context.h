// Client-side contexts for the suite's tools and demos.
#ifndef AIGC_COMMON_RPC_CLIENT_CONTEXT_H_
#define AIGC_COMMON_RPC_CLIENT_CONTEXT_H_

#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace aigc::rpc {

// A fresh context (one per call) whose deadline is `timeout` from now.
inline std::unique_ptr<grpc::ClientContext> ContextWithTimeout(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

}  // namespace aigc::rpc

#endif  // AIGC_COMMON_RPC_CLIENT_CONTEXT_H_
