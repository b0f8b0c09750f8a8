// The suite's error model at the gRPC boundary.
//
// Inside the code every fallible function returns absl::Status or
// absl::StatusOr<T>. Handlers convert once, when they answer the RPC, with
// ToGrpcStatus(); clients of other services convert back with FromGrpcStatus().
// The two code spaces are the same canonical gRPC codes, so the mapping keeps
// the code and the message unchanged.
#ifndef AIGC_COMMON_STATUS_STATUS_H_
#define AIGC_COMMON_STATUS_STATUS_H_

#include "absl/strings/string_view.h"
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/support/status.h"

namespace aigc::status {

// Returns the grpc::Status with the same code and message. OK maps to OK with
// an empty message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Returns the absl::Status with the same code and message. A code outside the
// canonical range (a misbehaving peer) becomes UNKNOWN, keeping the message.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Returns INVALID_ARGUMENT with the message "<field>: <problem>", the form every
// request validation in the suite uses so callers see which field was wrong,
// e.g. InvalidField("count", "must be in [1, 200], got 0").
absl::Status InvalidField(absl::string_view field, absl::string_view problem);

// `status` with its field path nested under `parent`: INVALID_ARGUMENT
// "<field>: <problem>" becomes "<parent>.<field>: <problem>" (a validator of
// a sub-message reused where that message sits deeper in a request, e.g.
// "sampling.top_p" inside a LiveQA SessionStart is "start.sampling.top_p").
// Other statuses are returned unchanged.
absl::Status NestField(absl::string_view parent, const absl::Status& status);

}  // namespace aigc::status

// Evaluates `expr` (an absl::Status) and returns it from the enclosing function
// when it is not OK.
#define AIGC_RETURN_IF_ERROR(expr)                                  \
  do {                                                              \
    if (::absl::Status aigc_status_ = (expr); !aigc_status_.ok()) { \
      return aigc_status_;                                          \
    }                                                               \
  } while (false)

// Evaluates `expr` (an absl::StatusOr<T>); on error returns its status from the
// enclosing function, otherwise moves the value into `lhs`, which may be a
// declaration (`AIGC_ASSIGN_OR_RETURN(auto x, MakeX());`) or an existing
// variable. Expands to more than one statement: do not use it as the body of
// an unbraced if.
#define AIGC_ASSIGN_OR_RETURN(lhs, expr) \
  AIGC_ASSIGN_OR_RETURN_IMPL_(AIGC_STATUS_CONCAT_(aigc_statusor_, __LINE__), lhs, expr)

#define AIGC_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                \
  if (!statusor.ok()) {                                  \
    return std::move(statusor).status();                 \
  }                                                      \
  lhs = std::move(statusor).value()

#define AIGC_STATUS_CONCAT_(a, b) AIGC_STATUS_CONCAT_INNER_(a, b)
#define AIGC_STATUS_CONCAT_INNER_(a, b) a##b

#endif  // AIGC_COMMON_STATUS_STATUS_H_
