// aigc-gateway: the binary's entry point.
#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "common/server/server.h"

AIGC_DEFINE_PORT_FLAGS(50050, 9101);

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "The public entry point in front of the recommender, copywriter and image generator.\n"
      "Usage: aigc-gateway [--host=127.0.0.1] [--port=50050] [--metrics_port=9101] [--flagfile=FILE]");
  auto server = aigc::server::Server::Create("aigc-gateway", options);
  if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());

  namespace v1 = aigc::gateway::v1;
  // The generated base classes answer UNIMPLEMENTED for every RPC until the
  // service's own implementation replaces them.
  v1::GatewayService::CallbackService gateway_service;
  v1::GatewayAdminService::CallbackService gateway_admin_service;
  (*server)->AddService(&gateway_service, v1::GatewayService::service_full_name());
  (*server)->AddService(&gateway_admin_service, v1::GatewayAdminService::service_full_name());
  return (*server)->Run();
}
