#include "bench/aigc_load/workloads/generate_images.h"

#include <functional>
#include <random>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "common/status/status.h"

ABSL_FLAG(int, image_count, 1,
          "generate_images, gateway_generate_images: images per request "
          "(GenerateRequest.count).");
ABSL_FLAG(int, image_size, 28,
          "generate_images, gateway_generate_images: image side in pixels, 28, 56 or 112.");

namespace aigc::load {
namespace {

namespace v1 = imagegen::v1;

v1::Size SizeOf(int pixels) {
  switch (pixels) {
    case 56:
      return v1::SIZE_56;
    case 112:
      return v1::SIZE_112;
    default:
      return v1::SIZE_28;
  }
}

// Sends one Generate request on one route.
using SendGenerate =
    std::function<grpc::Status(grpc::ClientContext& context, const v1::GenerateRequest& request,
                               v1::GenerateResponse& response)>;

SendGenerate SenderFor(ImageRoute route, const std::shared_ptr<grpc::Channel>& channel) {
  if (route == ImageRoute::kGateway) {
    std::shared_ptr<gateway::v1::GatewayService::Stub> stub =
        gateway::v1::GatewayService::NewStub(channel);
    return [stub](grpc::ClientContext& context, const v1::GenerateRequest& request,
                  v1::GenerateResponse& response) {
      return stub->GenerateImages(&context, request, &response);
    };
  }
  std::shared_ptr<v1::ImageGenService::Stub> stub = v1::ImageGenService::NewStub(channel);
  return [stub](grpc::ClientContext& context, const v1::GenerateRequest& request,
                v1::GenerateResponse& response) {
    return stub->Generate(&context, request, &response);
  };
}

// Builds every request of both routes: what differs between them is only
// where SendGenerate sends it.
class GenerateImagesCaller : public Caller {
 public:
  GenerateImagesCaller(const GenerateImagesOptions& options, SendGenerate send)
      : send_(std::move(send)) {
    request_.mutable_metadata()->set_client_name("aigc-load");
    request_.set_count(options.count);
    request_.set_size(SizeOf(options.size));
  }

  grpc::Status Call(grpc::ClientContext& context, Worker& worker) override {
    std::uniform_int_distribution<int> category(1, 10);
    request_.set_category(static_cast<common::v1::Category>(category(worker.random())));
    request_.set_seed(worker.random()());
    v1::GenerateResponse response;
    grpc::Status status = send_(context, request_, response);
    worker.Count("images", response.images_size());
    return status;
  }

 private:
  const SendGenerate send_;
  v1::GenerateRequest request_;  // reused: category and seed change per call
};

absl::StatusOr<std::unique_ptr<Workload>> FromFlags(ImageRoute route) {
  auto workload = GenerateImagesWorkload::Create({.count = absl::GetFlag(FLAGS_image_count),
                                                  .size = absl::GetFlag(FLAGS_image_size),
                                                  .route = route});
  if (!workload.ok()) return workload.status();
  return std::unique_ptr<Workload>(std::move(*workload));
}

absl::StatusOr<std::unique_ptr<Workload>> GenerateImagesFromFlags() {
  return FromFlags(ImageRoute::kImageGen);
}

absl::StatusOr<std::unique_ptr<Workload>> GatewayGenerateImagesFromFlags() {
  return FromFlags(ImageRoute::kGateway);
}

}  // namespace

AIGC_LOAD_REGISTER_WORKLOAD(generate_images,
                            "ImageGenService/Generate for random categories and seeds; "
                            "--image_count, --image_size.",
                            GenerateImagesFromFlags);
AIGC_LOAD_REGISTER_WORKLOAD(gateway_generate_images,
                            "GatewayService/GenerateImages: generate_images' requests through "
                            "aigc-gateway (needs --api_key); --image_count, --image_size.",
                            GatewayGenerateImagesFromFlags);

absl::StatusOr<std::unique_ptr<GenerateImagesWorkload>> GenerateImagesWorkload::Create(
    const GenerateImagesOptions& options) {
  if (options.count < 1 || options.count > 16) {
    return status::InvalidField("--image_count", "must be in [1, 16]");
  }
  if (options.size != 28 && options.size != 56 && options.size != 112) {
    return status::InvalidField("--image_size", "must be 28, 56 or 112");
  }
  return std::unique_ptr<GenerateImagesWorkload>(new GenerateImagesWorkload(options));
}

std::string GenerateImagesWorkload::method() const {
  if (options_.route == ImageRoute::kGateway) {
    return absl::StrCat(gateway::v1::GatewayService::service_full_name(), "/GenerateImages");
  }
  return absl::StrCat(v1::ImageGenService::service_full_name(), "/Generate");
}

Params GenerateImagesWorkload::params() const {
  return {{"image_count", int64_t{options_.count}}, {"image_size", int64_t{options_.size}}};
}

std::unique_ptr<Caller> GenerateImagesWorkload::NewCaller(
    const std::shared_ptr<grpc::Channel>& channel) const {
  return std::make_unique<GenerateImagesCaller>(options_, SenderFor(options_.route, channel));
}

}  // namespace aigc::load
