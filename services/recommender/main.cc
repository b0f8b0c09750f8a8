// aigc-recommender: the binary's entry point.
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/server/server.h"

AIGC_DEFINE_PORT_FLAGS(50051, 9102);

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "Personalised recommendations, real-time event ingestion and training.\n"
      "Usage: aigc-recommender [--host=127.0.0.1] [--port=50051] [--metrics_port=9102] [--flagfile=FILE]");
  auto server = aigc::server::Server::Create("aigc-recommender", options);
  if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());

  namespace v1 = aigc::recommender::v1;
  // The generated base classes answer UNIMPLEMENTED for every RPC until the
  // service's own implementation replaces them.
  v1::RecommenderService::CallbackService recommender_service;
  v1::RecommenderAdminService::CallbackService recommender_admin_service;
  (*server)->AddService(&recommender_service, v1::RecommenderService::service_full_name());
  (*server)->AddService(&recommender_admin_service, v1::RecommenderAdminService::service_full_name());
  return (*server)->Run();
}
