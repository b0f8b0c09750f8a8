// aigc-recommender: the binary's entry point. Opens the store, then serves
// RecommenderService (ingestion and catalogue RPCs; see
// services/recommender/service/recommender_service.h) and the admin service.
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/server/server.h"
#include "glog/logging.h"
#include "services/recommender/service/recommender_service.h"
#include "services/recommender/store/store.h"

AIGC_DEFINE_PORT_FLAGS(50051, 9102);

ABSL_FLAG(std::string, store_path, "data/recommender/store",
          "Directory of the recommender's RocksDB store (catalogue and events), created when "
          "missing; a relative path is taken from the working directory. Only one process may "
          "open it at a time: a second one exits 1.");
ABSL_FLAG(bool, store_sync, true,
          "true: every acknowledged write (events, items) is fsync'ed before the RPC answers and "
          "survives power loss; false: it survives a crash of the process (kill -9) but the "
          "latest acknowledged writes may be lost on power loss or a kernel crash.");

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "Personalised recommendations, real-time event ingestion and training.\n"
      "Usage: aigc-recommender [--host=127.0.0.1] [--port=50051] [--metrics_port=9102] "
      "[--store_path=data/recommender/store] [--store_sync=true] [--flagfile=FILE]");
  namespace rec = aigc::recommender;

  // The store first: a store that cannot be opened (e.g. locked by another
  // process) must stop the binary before it serves anything.
  const rec::StoreOptions store_options{.path = absl::GetFlag(FLAGS_store_path),
                                        .sync = absl::GetFlag(FLAGS_store_sync)};
  absl::StatusOr<std::unique_ptr<rec::Store>> store = rec::Store::Open(store_options);
  if (!store.ok()) return aigc::server::ReportStartupFailure(store.status());
  LOG(INFO) << "store " << store_options.path.string() << " (sync=" << std::boolalpha
            << store_options.sync << "): " << (*store)->item_count() << " items, "
            << (*store)->event_count() << " events";

  auto server = aigc::server::Server::Create("aigc-recommender", options);
  if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());
  auto recommender_service =
      rec::RecommenderServiceImpl::Create(store->get(), (*server)->metrics_registry());
  if (!recommender_service.ok()) {
    return aigc::server::ReportStartupFailure(recommender_service.status());
  }
  // Training and model management are not implemented yet: the generated base
  // class answers UNIMPLEMENTED.
  rec::v1::RecommenderAdminService::CallbackService recommender_admin_service;
  (*server)->AddService(recommender_service->get(),
                        rec::v1::RecommenderService::service_full_name());
  (*server)->AddService(&recommender_admin_service,
                        rec::v1::RecommenderAdminService::service_full_name());
  const int exit_code = (*server)->Run();
  // The services must outlive the server (and the store the service): end
  // the server first, explicitly.
  server->reset();
  return exit_code;
}
