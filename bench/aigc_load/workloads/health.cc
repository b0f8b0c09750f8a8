#include "bench/aigc_load/workloads/health.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

ABSL_FLAG(std::string, service, "",
          "health: service name to check, e.g. aigc.recommender.v1.RecommenderService; empty "
          "checks the whole server.");

namespace aigc::load {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

class HealthCaller : public Caller {
 public:
  HealthCaller(const std::string& service, const std::shared_ptr<grpc::Channel>& channel)
      : stub_(Health::NewStub(channel)) {
    request_.set_service(service);
  }

  grpc::Status Call(grpc::ClientContext& context, Worker& /*worker*/) override {
    HealthCheckResponse response;
    return stub_->Check(&context, request_, &response);
  }

 private:
  std::unique_ptr<Health::Stub> stub_;
  HealthCheckRequest request_;
};

absl::StatusOr<std::unique_ptr<Workload>> HealthFromFlags() {
  return std::make_unique<HealthWorkload>(absl::GetFlag(FLAGS_service));
}

}  // namespace

AIGC_LOAD_REGISTER_WORKLOAD(health, "grpc.health.v1.Health/Check of --service.", HealthFromFlags);

HealthWorkload::HealthWorkload(std::string service) : service_(std::move(service)) {}

std::string HealthWorkload::method() const {
  return absl::StrCat(Health::service_full_name(), "/Check");
}

Params HealthWorkload::params() const { return {{"service", service_}}; }

std::unique_ptr<Caller> HealthWorkload::NewCaller(
    const std::shared_ptr<grpc::Channel>& channel) const {
  return std::make_unique<HealthCaller>(service_, channel);
}

}  // namespace aigc::load
