// The Prometheus scrape endpoint of a process: GET http://<host>:<port>/metrics.
//
// A deliberately small HTTP/1.1 server of our own (one thread, one request per
// connection, `Connection: close`): prometheus-cpp's civetweb-based Exposer
// cannot start in a process that links LibTorch, because civetweb creates its
// threads with a fixed small stack that no longer fits the static TLS such a
// process needs (pthread_create fails). See docs/architecture.md, "Metrics".
#ifndef AIGC_COMMON_METRICS_METRICS_ENDPOINT_H_
#define AIGC_COMMON_METRICS_METRICS_ENDPOINT_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "prometheus/registry.h"

namespace aigc::metrics {

class ProcessCollector;

// Serves the metrics of one registry plus the process metrics over HTTP, on
// its own thread, until destroyed. Answers GET and HEAD of /metrics (any query
// string) with the text exposition format 0.0.4, other paths with 404, other
// methods with 405, and malformed requests with 400. Thread-safe.
class MetricsEndpoint {
 public:
  // Listens on `address`: "host:port" or "[ipv6]:port"; port 0 picks a free
  // port. Fails with UNAVAILABLE naming the address when it cannot be
  // resolved or bound.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& address, std::shared_ptr<prometheus::Registry> registry);
  // Stops listening and joins the thread.
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // The port actually bound.
  int port() const { return port_; }

 private:
  MetricsEndpoint(int listen_fd, int port, std::shared_ptr<prometheus::Registry> registry);

  void ServeLoop();
  void HandleConnection(int fd);
  std::string Exposition() const;

  const int listen_fd_;
  const int port_;
  const std::shared_ptr<prometheus::Registry> registry_;
  const std::shared_ptr<ProcessCollector> process_;
  // Written to on destruction to wake the serving thread out of poll().
  int wake_fds_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace aigc::metrics

#endif  // AIGC_COMMON_METRICS_METRICS_ENDPOINT_H_
