// Workloads "generate_images" and "gateway_generate_images": one
// aigc.imagegen.v1.GenerateRequest for a category drawn uniformly from the
// ten, --image_count images at --image_size pixels, with a seed drawn by its
// worker; sent to aigc-imagegen (ImageGenService/Generate) or through
// aigc-gateway (GatewayService/GenerateImages, which forwards it unchanged).
// The same seed sends the same requests either way, so the two measure the
// same work and their difference is the gateway's. Counts the images returned
// ("images"), so the report gives images per second.
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOADS_GENERATE_IMAGES_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOADS_GENERATE_IMAGES_H_

#include <memory>

#include "absl/status/statusor.h"
#include "bench/aigc_load/workload.h"

namespace aigc::load {

// Where a Generate request goes.
enum class ImageRoute {
  kImageGen,  // aigc.imagegen.v1.ImageGenService/Generate
  kGateway,   // aigc.gateway.v1.GatewayService/GenerateImages
};

struct GenerateImagesOptions {
  int count = 1;  // images per request, 1..16
  int size = 28;  // 28, 56 or 112
  ImageRoute route = ImageRoute::kImageGen;
};

// Immutable, so thread-safe.
class GenerateImagesWorkload : public Workload {
 public:
  // INVALID_ARGUMENT naming the option for out-of-range values.
  static absl::StatusOr<std::unique_ptr<GenerateImagesWorkload>> Create(
      const GenerateImagesOptions& options);

  std::string method() const override;
  Params params() const override;
  std::unique_ptr<Caller> NewCaller(const std::shared_ptr<grpc::Channel>& channel) const override;

 private:
  explicit GenerateImagesWorkload(const GenerateImagesOptions& options) : options_(options) {}
  const GenerateImagesOptions options_;
};

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOADS_GENERATE_IMAGES_H_
