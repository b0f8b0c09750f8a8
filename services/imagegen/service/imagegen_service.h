// aigc.imagegen.v1.ImageGenService: Generate, GenerateStream and
// ListCategories over the image pipeline (image_pipeline.h).
#ifndef AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGEGEN_SERVICE_H_
#define AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGEGEN_SERVICE_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "common/runtime/model_repository.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "services/imagegen/service/image_pipeline.h"

namespace aigc::imagegen {

struct ImageGenDeps {
  // Where the generator version serving now is looked up (by model_name).
  const runtime::ModelRepository* models = nullptr;
  std::string model_name;
  ImagePipeline* pipeline = nullptr;
  // Told whether a generator version is loaded, at start and on every change
  // (checked every health_poll_interval): the server's health status of the
  // service. Optional.
  std::function<void(bool serving)> set_serving;
  absl::Duration health_poll_interval = absl::Seconds(1);
};

class ImageGenServiceImpl final : public v1::ImageGenService::CallbackService {
 public:
  // Registers aigc_imagegen_images_total in `registry`. Dependencies must
  // outlive the service.
  ImageGenServiceImpl(ImageGenDeps deps, prometheus::Registry& registry);
  ~ImageGenServiceImpl() override;

  grpc::ServerUnaryReactor* Generate(grpc::CallbackServerContext* context,
                                     const v1::GenerateRequest* request,
                                     v1::GenerateResponse* response) override;
  grpc::ServerWriteReactor<v1::GenerateStreamResponse>* GenerateStream(
      grpc::CallbackServerContext* context, const v1::GenerateStreamRequest* request) override;
  grpc::ServerUnaryReactor* ListCategories(grpc::CallbackServerContext* context,
                                           const v1::ListCategoriesRequest* request,
                                           v1::ListCategoriesResponse* response) override;

 private:
  class ImageStream;
  struct Prepared;

  // Checks the call and the request and finds the serving version.
  template <typename Request>
  absl::StatusOr<Prepared> Prepare(grpc::CallbackServerContext* context, const Request& request);
  // Counts a delivered image by outcome.
  void CountImage(const v1::GeneratedImage& image);
  void WatchHealth();

  const ImageGenDeps deps_;
  prometheus::Family<prometheus::Counter>& images_;
  absl::Notification stop_;
  std::thread health_watcher_;
};

}  // namespace aigc::imagegen

#endif  // AIGC_SERVICES_IMAGEGEN_SERVICE_IMAGEGEN_SERVICE_H_
