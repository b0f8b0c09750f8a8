#include "bench/aigc_load/workloads/generate_images.h"

#include <random>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "common/status/status.h"

ABSL_FLAG(int, image_count, 1, "generate_images: images per request (GenerateRequest.count).");
ABSL_FLAG(int, image_size, 28, "generate_images: image side in pixels, 28, 56 or 112.");

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

class GenerateImagesCaller : public Caller {
 public:
  GenerateImagesCaller(const GenerateImagesOptions& options,
                       const std::shared_ptr<grpc::Channel>& channel)
      : stub_(v1::ImageGenService::NewStub(channel)) {
    request_.mutable_metadata()->set_client_name("aigc-load");
    request_.set_count(options.count);
    request_.set_size(SizeOf(options.size));
  }

  grpc::Status Call(grpc::ClientContext& context, Worker& worker) override {
    std::uniform_int_distribution<int> category(1, 10);
    request_.set_category(static_cast<common::v1::Category>(category(worker.random())));
    request_.set_seed(worker.random()());
    v1::GenerateResponse response;
    grpc::Status status = stub_->Generate(&context, request_, &response);
    worker.Count("images", response.images_size());
    return status;
  }

 private:
  std::unique_ptr<v1::ImageGenService::Stub> stub_;
  v1::GenerateRequest request_;  // reused: category and seed change per call
};

absl::StatusOr<std::unique_ptr<Workload>> GenerateImagesFromFlags() {
  auto workload = GenerateImagesWorkload::Create(
      {.count = absl::GetFlag(FLAGS_image_count), .size = absl::GetFlag(FLAGS_image_size)});
  if (!workload.ok()) return workload.status();
  return std::unique_ptr<Workload>(std::move(*workload));
}

}  // namespace

AIGC_LOAD_REGISTER_WORKLOAD(generate_images,
                            "ImageGenService/Generate for random categories and seeds; "
                            "--image_count, --image_size.",
                            GenerateImagesFromFlags);

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
  return absl::StrCat(v1::ImageGenService::service_full_name(), "/Generate");
}

Params GenerateImagesWorkload::params() const {
  return {{"image_count", int64_t{options_.count}}, {"image_size", int64_t{options_.size}}};
}

std::unique_ptr<Caller> GenerateImagesWorkload::NewCaller(
    const std::shared_ptr<grpc::Channel>& channel) const {
  return std::make_unique<GenerateImagesCaller>(options_, channel);
}

}  // namespace aigc::load
