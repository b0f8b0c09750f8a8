// aigc-imagegen: class-conditional product images (Fashion-MNIST categories)
// from the generator version the model repository serves, batched through the
// runtime, checked against the training set, PNG-encoded and labelled.
#include <filesystem>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "common/runtime/inference_metrics.h"
#include "common/runtime/model_repository.h"
#include "common/runtime/model_repository_service.h"
#include "common/runtime/runtime_flags.h"
#include "common/server/server.h"
#include "glog/logging.h"
#include "services/imagegen/data/fashion_mnist.h"
#include "services/imagegen/gan/generator_model.h"
#include "services/imagegen/novelty/near_duplicate.h"
#include "services/imagegen/service/image_pipeline.h"
#include "services/imagegen/service/imagegen_service.h"

AIGC_DEFINE_PORT_FLAGS(50053, 9104);

ABSL_FLAG(std::string, model_name, aigc::imagegen::kGeneratorModelName,
          "Name of the generator in --model_repository.");
ABSL_FLAG(std::string, data_dir, aigc::imagegen::kFashionMnistDir,
          "Fashion-MNIST directory (Debian's dataset-fashion-mnist): its training images are "
          "what the near-duplicate check compares every generated image with.");
ABSL_FLAG(bool, near_duplicate_check, true,
          "Compare every image with the training images of its class and redraw copies; "
          "false skips the check (and loading the training set).");
ABSL_FLAG(double, near_duplicate_rms, aigc::imagegen::kNearDuplicateRms,
          "An image closer than this to a training image (root-mean-square grey-level "
          "difference, 0..255) is a near-duplicate. See docs/imagegen.md.");
ABSL_FLAG(int, max_regenerations, 3,
          "Redraws allowed per near-duplicate image (0..10); one still too close is returned "
          "flagged near_duplicate.");
ABSL_FLAG(int, postprocess_threads, 2,
          "Threads that check finished images and encode them as PNG (1..64).");

namespace {

namespace ig = aigc::imagegen;
using aigc::server::ValueOrExit;

constexpr char kDefaultModelRepository[] = "models";

}  // namespace

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "Class-conditional product image generation (Fashion-MNIST categories).\n"
      "Usage: aigc-imagegen [--host=127.0.0.1] [--port=50053] [--metrics_port=9104] "
      "[--model_repository=models] [--max_batch_size=32] [--flagfile=FILE]\n"
      "Serves the imagegen-generator model of --model_repository (empty = models, where the "
      "committed one lives); Generate and GenerateStream answer UNAVAILABLE, and the health "
      "service says NOT_SERVING for aigc.imagegen.v1.ImageGenService, until one loads.");
  aigc::runtime::RuntimeOptions runtime_options =
      ValueOrExit(aigc::runtime::RuntimeOptionsFromFlags());
  if (runtime_options.model_repository.empty()) {
    runtime_options.model_repository = kDefaultModelRepository;
  }
  const ig::PipelineOptions pipeline_options{
      .max_regenerations = absl::GetFlag(FLAGS_max_regenerations),
      .near_duplicate_rms = absl::GetFlag(FLAGS_near_duplicate_rms),
      .threads = absl::GetFlag(FLAGS_postprocess_threads)};
  if (const absl::Status valid = ig::ValidatePipelineOptions(pipeline_options); !valid.ok()) {
    aigc::server::ExitOnStartupFailure(valid);
  }
  std::unique_ptr<ig::NearDuplicateIndex> training_index;
  if (absl::GetFlag(FLAGS_near_duplicate_check)) {
    const absl::Time start = absl::Now();
    const ig::FashionMnist train =
        ValueOrExit(ig::LoadFashionMnist(absl::GetFlag(FLAGS_data_dir), ig::Split::kTrain));
    training_index = std::make_unique<ig::NearDuplicateIndex>(train);
    LOG(INFO) << "near-duplicate index of " << train.count() << " training images built in "
              << absl::FormatDuration(absl::Now() - start);
  } else {
    LOG(WARNING) << "--near_duplicate_check=false: images are not compared with the training set";
  }

  std::error_code error;
  std::filesystem::create_directories(runtime_options.model_repository, error);
  const aigc::runtime::Device device = ValueOrExit(aigc::runtime::InitRuntime(runtime_options));
  ig::RegisterGeneratorArchitecture();
  auto server = aigc::server::Server::Create("aigc-imagegen", options);
  if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());
  aigc::runtime::InferenceMetrics inference_metrics((*server)->metrics_registry());
  std::unique_ptr<aigc::runtime::ModelRepository> models = ValueOrExit(
      aigc::runtime::ModelRepository::Create({.root = runtime_options.model_repository,
                                              .device = device,
                                              .poll_interval = runtime_options.model_poll_interval},
                                             &inference_metrics));
  const std::string model_name = absl::GetFlag(FLAGS_model_name);
  // Registered even when no version exists yet: polling picks one up later.
  if (const absl::Status status = models->AddModel(model_name); !status.ok()) {
    LOG(WARNING) << status;
  }
  std::unique_ptr<ig::ImagePipeline> pipeline = ValueOrExit(ig::ImagePipeline::Create(
      model_name, [&models, model_name] { return models->Get(model_name); },
      runtime_options.batcher, &inference_metrics, training_index.get(), pipeline_options));
  const std::string service_name = ig::v1::ImageGenService::service_full_name();
  auto service = std::make_unique<ig::ImageGenServiceImpl>(
      ig::ImageGenDeps{.models = models.get(),
                       .model_name = model_name,
                       .pipeline = pipeline.get(),
                       .set_serving =
                           [&server, service_name](bool serving) {
                             (*server)->SetServiceServing(service_name, serving);
                           }},
      (*server)->metrics_registry());
  (*server)->AddService(service.get(), service_name);
  // Operators list versions and pin or unpin one (docs/runtime.md).
  aigc::runtime::ModelRepositoryService repository_service(models.get());
  (*server)->AddService(&repository_service, aigc::runtime::ModelRepositoryService::kServiceName);
  const int exit_code = (*server)->Run();
  // Run returns once every RPC has ended; what reports to the server's metrics
  // registry stops before the server goes.
  service.reset();
  pipeline.reset();
  models.reset();
  server->reset();
  return exit_code;
}
