#include "common/metrics/metrics_endpoint.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/metrics/process_collector.h"
#include "prometheus/exposer.h"

namespace aigc::metrics {

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& address, std::shared_ptr<prometheus::Registry> registry) {
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(address, /*num_threads=*/2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  const std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", address));
  }
  auto process = std::make_shared<ProcessCollector>();
  exposer->RegisterCollectable(registry);
  exposer->RegisterCollectable(process);
  return std::unique_ptr<MetricsEndpoint>(new MetricsEndpoint(
      std::move(exposer), std::move(registry), std::move(process), ports.front()));
}

MetricsEndpoint::MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer,
                                 std::shared_ptr<prometheus::Registry> registry,
                                 std::shared_ptr<ProcessCollector> process, int port)
    : exposer_(std::move(exposer)),
      registry_(std::move(registry)),
      process_(std::move(process)),
      port_(port) {}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace aigc::metrics
