#include "common/status/status.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::status {
namespace {

struct CodePair {
  absl::StatusCode absl_code;
  grpc::StatusCode grpc_code;
};

// Every canonical code, paired by name, so a renumbering on either side fails.
constexpr CodePair kCodePairs[] = {
    {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
    {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
    {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
    {absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED},
    {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
    {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
    {absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
    {absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
    {absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
    {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
    {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
    {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
    {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
    {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
    {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
    {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
};

TEST(StatusMappingTest, EveryCodeKeepsItsMeaningAndMessageBothWays) {
  for (const CodePair& pair : kCodePairs) {
    const absl::Status original(pair.absl_code, "details for the caller");
    const grpc::Status converted = ToGrpcStatus(original);
    EXPECT_EQ(converted.error_code(), pair.grpc_code) << original;
    EXPECT_EQ(converted.error_message(), "details for the caller");
    EXPECT_EQ(FromGrpcStatus(converted), original);
  }
}

TEST(StatusMappingTest, OkMapsToOkBothWays) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(StatusMappingTest, NonCanonicalPeerCodeBecomesUnknownWithMessage) {
  const grpc::Status odd(static_cast<grpc::StatusCode>(42), "peer said so");
  const absl::Status converted = FromGrpcStatus(odd);
  EXPECT_EQ(converted.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(converted.message(), "peer said so");
}

TEST(InvalidFieldTest, NamesTheFieldFirst) {
  const absl::Status status = InvalidField("count", "must be in [1, 200], got 0");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "count: must be in [1, 200], got 0");
}

absl::Status FailIf(bool fail) {
  return fail ? absl::NotFoundError("no such item") : absl::OkStatus();
}

absl::Status TwoSteps(bool fail_first, int* steps_done) {
  AIGC_RETURN_IF_ERROR(FailIf(fail_first));
  ++*steps_done;
  AIGC_RETURN_IF_ERROR(FailIf(false));
  ++*steps_done;
  return absl::OkStatus();
}

TEST(NestFieldTest, PrefixesTheFieldPathOfInvalidArgumentOnly) {
  EXPECT_EQ(NestField("start", InvalidField("sampling.top_p", "must be in (0, 1], got 0")),
            absl::InvalidArgumentError("start.sampling.top_p: must be in (0, 1], got 0"));
  EXPECT_EQ(NestField("start", absl::NotFoundError("product_id: unknown")),
            absl::NotFoundError("product_id: unknown"));
  EXPECT_TRUE(NestField("start", absl::OkStatus()).ok());
}

TEST(ReturnIfErrorTest, StopsAtTheFirstErrorAndReturnsIt) {
  int steps_done = 0;
  const absl::Status status = TwoSteps(/*fail_first=*/true, &steps_done);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(steps_done, 0);
}

TEST(ReturnIfErrorTest, RunsEveryStepWhenAllSucceed) {
  int steps_done = 0;
  EXPECT_TRUE(TwoSteps(/*fail_first=*/false, &steps_done).ok());
  EXPECT_EQ(steps_done, 2);
}

absl::StatusOr<std::unique_ptr<int>> MakeBox(int value) {
  if (value < 0) return absl::InvalidArgumentError("value: must be >= 0");
  return std::make_unique<int>(value);
}

absl::StatusOr<int> SumOfBoxes(int a, int b) {
  AIGC_ASSIGN_OR_RETURN(std::unique_ptr<int> first, MakeBox(a));
  std::unique_ptr<int> second;
  AIGC_ASSIGN_OR_RETURN(second, MakeBox(b));
  return *first + *second;
}

TEST(AssignOrReturnTest, MovesValuesIntoDeclarationsAndExistingVariables) {
  const absl::StatusOr<int> sum = SumOfBoxes(2, 3);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(*sum, 5);
}

TEST(AssignOrReturnTest, ReturnsTheErrorOfTheFailingExpression) {
  const absl::StatusOr<int> sum = SumOfBoxes(2, -1);
  EXPECT_EQ(sum.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sum.status().message(), "value: must be >= 0");
}

}  // namespace
}  // namespace aigc::status
