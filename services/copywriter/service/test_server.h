// For the service's tests: an in-process CopywriterService on a loopback port
// over an untrained tiny copy model (published on demand). Its texts are
// noise, but everything around them (validation, batching, streaming, live
// sessions, reports, labels) is the service's real behaviour.
#ifndef AIGC_SERVICES_COPYWRITER_SERVICE_TEST_SERVER_H_
#define AIGC_SERVICES_COPYWRITER_SERVICE_TEST_SERVER_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/runtime/inference_metrics.h"
#include "common/runtime/model_repository.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/registry.h"
#include "services/copywriter/compliance/compliance_filter.h"
#include "services/copywriter/generation/scheduler.h"
#include "services/copywriter/grounding/fact_checker.h"
#include "services/copywriter/live/intent_classifier.h"
#include "services/copywriter/live/rooms.h"
#include "services/copywriter/service/copywriter_service.h"

namespace aigc::copywriter {

// A chiffon dress (price 199.00 CNY, colour 米白, size M) without id.
common::v1::Product TestDress();

// The catalogue product "sku-3-0001": TestDress() with that id.
inline constexpr char kTestProductId[] = "sku-3-0001";

struct TestServerOptions {
  SchedulerOptions scheduler;
  LiveQaOptions live;
};

class TestCopywriterServer {
 public:
  // `name` makes the model repository's temporary directory unique.
  static absl::StatusOr<std::unique_ptr<TestCopywriterServer>> Start(
      const std::string& name, TestServerOptions options = {});
  // Drains the live sessions, then shuts the server down.
  ~TestCopywriterServer();

  // Trains nothing: publishes a randomly initialised tiny model (context 512
  // tokens, BPE on a few catalogue words) as version 1 and loads it.
  absl::Status PublishTinyModel();

  v1::CopywriterService::Stub& stub() { return *stub_; }
  DecodeScheduler& scheduler() { return *scheduler_; }
  CopywriterServiceImpl& service() { return *service_; }
  prometheus::Registry& registry() { return registry_; }
  const CopyModel* model() const;

 private:
  TestCopywriterServer() = default;

  std::filesystem::path root_;
  prometheus::Registry registry_;
  runtime::InferenceMetrics inference_metrics_{registry_};
  std::unique_ptr<runtime::ModelRepository> models_;
  std::unique_ptr<DecodeScheduler> scheduler_;
  std::unique_ptr<copy_compliance::ComplianceFilter> compliance_;
  std::unique_ptr<copy_grounding::FactChecker> facts_;
  std::unique_ptr<copy_live::IntentClassifier> intents_;
  ProductCatalogue catalogue_;
  std::unique_ptr<copy_live::RoomRegistry> rooms_;
  std::unique_ptr<CopywriterServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::CopywriterService::Stub> stub_;
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_SERVICE_TEST_SERVER_H_
