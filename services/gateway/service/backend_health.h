// Gateway readiness that follows its backends: a thread asks each backend's
// standard health service (grpc.health.v1, for the backend's own service name)
// every interval, exports aigc_gateway_backend_up{backend} (1 or 0), and says
// SERVING for the gateway's services only while every backend does. The
// whole server ("") stays SERVING while the process runs, so a liveness probe
// on "" does not restart a gateway whose backends are down; a readiness
// probe on aigc.gateway.v1.GatewayService takes it out of rotation.
#ifndef AIGC_SERVICES_GATEWAY_SERVICE_BACKEND_HEALTH_H_
#define AIGC_SERVICES_GATEWAY_SERVICE_BACKEND_HEALTH_H_

#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/gateway/service/backend.h"

namespace aigc::gateway {

class BackendHealth {
 public:
  // Starts the thread. `set_serving` is called with the first result and on
  // every change, from that thread. The backends must outlive this object.
  BackendHealth(std::vector<Backend*> backends, absl::Duration interval,
                std::function<void(bool all_serving)> set_serving, prometheus::Registry& registry);
  // Stops the thread.
  ~BackendHealth();

 private:
  void Loop();
  bool IsServing(Backend& backend) const;

  const std::vector<Backend*> backends_;
  const absl::Duration interval_;
  const std::function<void(bool)> set_serving_;
  prometheus::Family<prometheus::Gauge>& up_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace aigc::gateway

#endif  // AIGC_SERVICES_GATEWAY_SERVICE_BACKEND_HEALTH_H_
