// aigc-copywriter: the binary's entry point.
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/server/server.h"

AIGC_DEFINE_PORT_FLAGS(50052, 9103);

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "Product copy, ad copy and streaming live-stream Q&A replies.\n"
      "Usage: aigc-copywriter [--host=127.0.0.1] [--port=50052] [--metrics_port=9103] [--flagfile=FILE]");
  auto server = aigc::server::Server::Create("aigc-copywriter", options);
  if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());

  namespace v1 = aigc::copywriter::v1;
  // The generated base classes answer UNIMPLEMENTED for every RPC until the
  // service's own implementation replaces them.
  v1::CopywriterService::CallbackService copywriter_service;
  (*server)->AddService(&copywriter_service, v1::CopywriterService::service_full_name());
  return (*server)->Run();
}
