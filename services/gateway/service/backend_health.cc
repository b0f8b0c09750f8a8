#include "services/gateway/service/backend_health.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace aigc::gateway {

BackendHealth::BackendHealth(std::vector<Backend*> backends, absl::Duration interval,
                             std::function<void(bool all_serving)> set_serving,
                             prometheus::Registry& registry)
    : backends_(std::move(backends)),
      interval_(interval),
      set_serving_(std::move(set_serving)),
      up_(prometheus::BuildGauge()
              .Name("aigc_gateway_backend_up")
              .Help("1 while the backend's health service says SERVING, else 0")
              .Register(registry)) {
  thread_ = std::thread([this] { Loop(); });
}

BackendHealth::~BackendHealth() {
  stop_.Notify();
  thread_.join();
}

bool BackendHealth::IsServing(Backend& backend) const {
  grpc::ClientContext context;
  // At most one interval, so a hung backend cannot stall the others' checks for long.
  context.set_deadline(absl::ToChronoTime(absl::Now() + std::min(interval_, absl::Seconds(1))));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(backend.service());
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status =
      grpc::health::v1::Health::NewStub(backend.channel())->Check(&context, request, &response);
  return status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

void BackendHealth::Loop() {
  std::optional<bool> reported;
  do {
    bool all = true;
    for (Backend* backend : backends_) {
      const bool serving = IsServing(*backend);
      up_.Add({{"backend", backend->name()}}).Set(serving ? 1 : 0);
      all = all && serving;
    }
    if (reported != all) {
      set_serving_(all);
      reported = all;
    }
  } while (!stop_.WaitForNotificationWithTimeout(interval_));
}

}  // namespace aigc::gateway
