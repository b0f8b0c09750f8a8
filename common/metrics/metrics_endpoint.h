// The Prometheus scrape endpoint of a process: GET http://<host>:<port>/metrics.
#ifndef AIGC_COMMON_METRICS_METRICS_ENDPOINT_H_
#define AIGC_COMMON_METRICS_METRICS_ENDPOINT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace aigc::metrics {

class ProcessCollector;

// Serves the metrics of one registry plus the process metrics over HTTP, on its
// own threads, until destroyed. Thread-safe.
class MetricsEndpoint {
 public:
  // Listens on `address`, "host:port"; port 0 picks a free port. Fails with
  // UNAVAILABLE when the address cannot be bound, naming it; that includes
  // every IPv6 address ("[::1]:9101"), which Debian's civetweb does not bind.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& address, std::shared_ptr<prometheus::Registry> registry);

  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // The port actually bound.
  int port() const { return port_; }

 private:
  MetricsEndpoint(std::unique_ptr<prometheus::Exposer> exposer,
                  std::shared_ptr<prometheus::Registry> registry,
                  std::shared_ptr<ProcessCollector> process, int port);

  std::unique_ptr<prometheus::Exposer> exposer_;
  // The exposer holds only weak references to what it serves.
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<ProcessCollector> process_;
  int port_;
};

}  // namespace aigc::metrics

#endif  // AIGC_COMMON_METRICS_METRICS_ENDPOINT_H_
