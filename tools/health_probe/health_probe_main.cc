// aigc-health-probe: asks a server's standard gRPC health service
// (grpc.health.v1.Health/Check) whether it is SERVING. Used by scripts/run.sh
// and usable as a Kubernetes exec probe.
//
// Exit codes: 0 SERVING, 1 bad flags, 2 not serving (or the service is
// unknown), 3 unreachable or no answer before --wait ran out.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cli/cli.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50050", "host:port of the server to probe.");
ABSL_FLAG(std::string, service, "",
          "Service name to ask about, e.g. aigc.recommender.v1.RecommenderService; "
          "empty asks about the whole server.");
ABSL_FLAG(absl::Duration, wait, absl::ZeroDuration(),
          "Keep retrying until SERVING for up to this long (a server starting "
          "up); 0 asks once.");
ABSL_FLAG(absl::Duration, rpc_timeout, absl::Seconds(2), "Deadline of each Check call.");

namespace {

constexpr int kServing = 0;
constexpr int kNotServing = 2;
constexpr int kUnreachable = 3;

using grpc::health::v1::HealthCheckResponse;

}  // namespace

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Checks that a gRPC server reports SERVING.\n"
      "Usage: aigc-health-probe --target=HOST:PORT [--service=NAME] [--wait=30s]");
  const std::string target = absl::GetFlag(FLAGS_target);
  const std::string service = absl::GetFlag(FLAGS_service);
  const absl::Duration rpc_timeout = absl::GetFlag(FLAGS_rpc_timeout);
  if (rpc_timeout <= absl::ZeroDuration()) {
    aigc::cli::ExitWithReason("--rpc_timeout must be > 0");
  }
  const absl::Time give_up = absl::Now() + absl::GetFlag(FLAGS_wait);

  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  const std::string what = service.empty() ? target : absl::StrCat(target, " ", service);
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + rpc_timeout));
    HealthCheckResponse response;
    const grpc::Status status = stub->Check(&context, request, &response);
    if (status.ok() && response.status() == HealthCheckResponse::SERVING) {
      std::cout << what << ": SERVING" << std::endl;
      return kServing;
    }
    if (absl::Now() >= give_up) {
      if (status.ok()) {
        std::cout << what << ": "
                  << HealthCheckResponse::ServingStatus_Name(response.status()) << std::endl;
        return kNotServing;
      }
      std::cout << what << ": " << (status.error_code() == grpc::StatusCode::NOT_FOUND
                                        ? "SERVICE_UNKNOWN"
                                        : "unreachable (" + status.error_message() + ")")
                << std::endl;
      return status.error_code() == grpc::StatusCode::NOT_FOUND ? kNotServing : kUnreachable;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}
