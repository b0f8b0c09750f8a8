// Workload "health": grpc.health.v1.Health/Check, which every server of the
// suite answers. The cheapest RPC there is: it measures the transport and the
// server's RPC path, not a service.
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOADS_HEALTH_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOADS_HEALTH_H_

#include <memory>
#include <string>

#include "bench/aigc_load/workload.h"

namespace aigc::load {

// Each call checks `service` ("" = the whole server). A call counts as OK when
// the RPC succeeds, whatever serving status it reports. Immutable, so
// thread-safe.
class HealthWorkload : public Workload {
 public:
  explicit HealthWorkload(std::string service);

  std::string method() const override;
  Params params() const override;
  std::unique_ptr<Caller> NewCaller(const std::shared_ptr<grpc::Channel>& channel) const override;

 private:
  const std::string service_;
};

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOADS_HEALTH_H_
