// aigc-imagegen: the binary's entry point.
#include "aigc/imagegen/v1/imagegen.grpc.pb.h"
#include "common/server/server.h"

AIGC_DEFINE_PORT_FLAGS(50053, 9104);

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "Class-conditional product image generation (Fashion-MNIST categories).\n"
      "Usage: aigc-imagegen [--host=127.0.0.1] [--port=50053] [--metrics_port=9104] [--flagfile=FILE]");
  auto server = aigc::server::Server::Create("aigc-imagegen", options);
  if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());

  namespace v1 = aigc::imagegen::v1;
  // The generated base classes answer UNIMPLEMENTED for every RPC until the
  // service's own implementation replaces them.
  v1::ImageGenService::CallbackService image_gen_service;
  (*server)->AddService(&image_gen_service, v1::ImageGenService::service_full_name());
  return (*server)->Run();
}
