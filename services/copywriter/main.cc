// aigc-copywriter: the binary's entry point.
#include <filesystem>
#include <memory>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/catalog/generator.h"
#include "common/runtime/inference_metrics.h"
#include "common/runtime/model_repository.h"
#include "common/runtime/runtime_flags.h"
#include "common/server/server.h"
#include "glog/logging.h"
#include "services/copywriter/compliance/compliance_filter.h"
#include "services/copywriter/generation/scheduler.h"
#include "services/copywriter/grounding/catalog_lexicon.h"
#include "services/copywriter/live/intent_classifier.h"
#include "services/copywriter/live/rooms.h"
#include "services/copywriter/service/copywriter_service.h"
#include "services/copywriter/service/live_qa.h"

AIGC_DEFINE_PORT_FLAGS(50052, 9103);

ABSL_FLAG(std::string, compliance_lexicon, "",
          "Advertising-law lexicon file (format in docs/copywriter.md); empty = the committed "
          "services/copywriter/compliance/ad_law_lexicon.tsv, compiled in.");
ABSL_FLAG(uint64_t, catalog_seed, 42,
          "Seed of the demo catalogue that GenerateCopyRequest.product_id names (the same "
          "products aigc-copy-corpus writes).");
ABSL_FLAG(int, catalog_products_per_category, 60, "Products per category of that catalogue.");
ABSL_FLAG(int, max_generation_jobs, 64,
          "Generation requests in flight (decoding or waiting) before new ones get "
          "RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, max_batch_candidates, 32,
          "Texts decoded together in one batched model step (at least 8).");
ABSL_FLAG(absl::Duration, live_coalesce_window, absl::Seconds(2),
          "LiveQA: how long after a question a near-identical one may still join its reply.");
ABSL_FLAG(int, live_max_replies_per_session, 2,
          "LiveQA: replies of one room generated at once; later questions wait and merge.");
ABSL_FLAG(int, live_max_waiting_questions, 256,
          "LiveQA: questions of one room waiting for a reply before new ones are rejected "
          "(RESOURCE_EXHAUSTED).");
ABSL_FLAG(double, live_room_replies_per_second, 5,
          "LiveQA: new replies per room per second (token bucket rate).");
ABSL_FLAG(double, live_room_reply_burst, 10, "LiveQA: burst of new replies per room.");
ABSL_FLAG(double, live_viewer_questions_per_second, 0.5,
          "LiveQA: questions per viewer per second (token bucket rate).");
ABSL_FLAG(double, live_viewer_question_burst, 3, "LiveQA: burst of questions per viewer.");
ABSL_FLAG(double, live_hand_off_min_confidence, 0.5,
          "LiveQA: intent confidence below which a question is handed to the host.");
ABSL_FLAG(absl::Duration, live_reply_timeout, absl::Seconds(10),
          "LiveQA: a reply not finished this long after its question is abandoned "
          "(QuestionRejected DEADLINE_EXCEEDED).");

namespace {

using aigc::server::ExitOnStartupFailure;
using aigc::server::ValueOrExit;

namespace cw = aigc::copywriter;

constexpr char kDefaultModelRepository[] = "models";

}  // namespace

int main(int argc, char** argv) {
  const aigc::server::ServingOptions options = aigc::server::InitServingBinary(
      argc, argv,
      "Product copy, ad copy and streaming live-stream Q&A replies.\n"
      "Usage: aigc-copywriter [--host=127.0.0.1] [--port=50052] [--metrics_port=9103] "
      "[--model_repository=models] [--flagfile=FILE]\n"
      "Serves the copywriter-lm model of --model_repository (empty = models, where the "
      "committed model lives); GenerateCopy and StreamCopy answer UNAVAILABLE until one loads.");
  aigc::runtime::RuntimeOptions runtime_options =
      ValueOrExit(aigc::runtime::RuntimeOptionsFromFlags());
  if (runtime_options.model_repository.empty()) {
    runtime_options.model_repository = kDefaultModelRepository;
  }
  const std::string lexicon = absl::GetFlag(FLAGS_compliance_lexicon);
  const std::unique_ptr<aigc::copy_compliance::ComplianceFilter> compliance =
      ValueOrExit(lexicon.empty() ? aigc::copy_compliance::DefaultComplianceFilter()
                             : aigc::copy_compliance::ComplianceFilter::Load(lexicon));
  const std::unique_ptr<aigc::copy_grounding::FactChecker> facts = ValueOrExit(
      aigc::copy_grounding::FactChecker::Create(aigc::copy_grounding::CatalogFactLexicon()));
  const uint64_t catalog_seed = absl::GetFlag(FLAGS_catalog_seed);
  const std::vector<aigc::common::v1::Product> products =
      ValueOrExit(aigc::catalog::GenerateCatalog(
          {.seed = catalog_seed,
           .products_per_category = absl::GetFlag(FLAGS_catalog_products_per_category)}));
  cw::ProductCatalogue catalogue;
  for (const auto& product : products) catalogue.emplace(product.id(), product);
  const absl::Time training_start = absl::Now();
  const std::unique_ptr<aigc::copy_live::IntentClassifier> intents =
      ValueOrExit(cw::TrainDemoIntentClassifier(products, catalog_seed));
  LOG(INFO) << "live Q&A intent classifier trained on the demo corpus in "
            << absl::FormatDuration(absl::Now() - training_start);

  std::error_code error;
  std::filesystem::create_directories(runtime_options.model_repository, error);
  const aigc::runtime::Device device = ValueOrExit(aigc::runtime::InitRuntime(runtime_options));
  auto server = aigc::server::Server::Create("aigc-copywriter", options);
  if (!server.ok()) return aigc::server::ReportStartupFailure(server.status());
  aigc::runtime::InferenceMetrics inference_metrics((*server)->metrics_registry());
  aigc::runtime::ModelRepositoryOptions repository_options;
  repository_options.root = runtime_options.model_repository;
  repository_options.device = device;
  repository_options.poll_interval = runtime_options.model_poll_interval;
  std::unique_ptr<aigc::runtime::ModelRepository> models = ValueOrExit(
      aigc::runtime::ModelRepository::Create(repository_options, &inference_metrics,
                                             cw::LoadCopyModel));
  // Registered even when no version exists yet: polling picks one up later.
  if (const absl::Status status = models->AddModel(cw::kCopyModelName); !status.ok()) {
    LOG(WARNING) << status;
  }
  auto scheduler = std::make_unique<cw::DecodeScheduler>(
      cw::SchedulerOptions{.max_jobs = absl::GetFlag(FLAGS_max_generation_jobs),
                           .max_batch_candidates = absl::GetFlag(FLAGS_max_batch_candidates)});
  // Live rooms fall back to the demo catalogue for product ids they do not know.
  aigc::copy_live::RoomRegistry rooms(
      {.catalog = [&catalogue](absl::string_view id) -> std::optional<aigc::common::v1::Product> {
        const auto it = catalogue.find(id);
        if (it == catalogue.end()) return std::nullopt;
        return it->second;
      }});
  const std::unique_ptr<cw::CopywriterServiceImpl> copywriter_service =
      ValueOrExit(cw::CopywriterServiceImpl::Create(
          {.models = models.get(),
           .scheduler = scheduler.get(),
           .checks = {.compliance = compliance.get(), .facts = facts.get()},
           .catalogue = &catalogue,
           .rooms = &rooms,
           .intents = intents.get()},
          {.coalesce_window = absl::GetFlag(FLAGS_live_coalesce_window),
           .max_waiting_questions = absl::GetFlag(FLAGS_live_max_waiting_questions),
           .max_replies_per_session = absl::GetFlag(FLAGS_live_max_replies_per_session),
           .room_replies_per_second = absl::GetFlag(FLAGS_live_room_replies_per_second),
           .room_reply_burst = absl::GetFlag(FLAGS_live_room_reply_burst),
           .viewer_questions_per_second = absl::GetFlag(FLAGS_live_viewer_questions_per_second),
           .viewer_question_burst = absl::GetFlag(FLAGS_live_viewer_question_burst),
           .hand_off_min_confidence = absl::GetFlag(FLAGS_live_hand_off_min_confidence),
           .reply_timeout = absl::GetFlag(FLAGS_live_reply_timeout)},
          (*server)->metrics_registry()));
  (*server)->AddService(copywriter_service.get(), cw::v1::CopywriterService::service_full_name());
  // LiveQA sessions never close by themselves: the drain ends them.
  (*server)->OnDrain([&copywriter_service] { copywriter_service->Drain(); });
  const int exit_code = (*server)->Run();
  // Run returns once every RPC has ended; the scheduler and the repository's
  // poller (which reports to the server's metrics registry) stop before it.
  scheduler.reset();
  models.reset();
  server->reset();
  return exit_code;
}
