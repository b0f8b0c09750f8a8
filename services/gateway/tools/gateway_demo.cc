// aigc-gateway-demo: shows a running aigc-gateway's uses: a call without an
// API key refused, an image generated through the gateway, and product cards
// for a shopper composed from the three backends (items the recommender ranks,
// copy from the copywriter, an image from the image generator), with each
// part's status and each backend's time.
//
// Product cards need fashion products in the recommender, whose demo data is
// MovieLens. On its first run the demo adds the copywriter's demo catalogue
// (600 products, common/catalog) to the recommender's catalogue, records
// synthetic views of them by --shoppers demo shoppers (each keen on two
// categories; seeded, so every run records the same events, which the
// recommender deduplicates), and retrains the popularity and item-kNN models
// through the gateway's admin service.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/catalog/generator.h"
#include "common/cli/cli.h"
#include "common/rpc/client_context.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50050", "host:port of aigc-gateway.");
ABSL_FLAG(std::string, api_key_file, "data/gateway/demo_key",
          "File whose first line is the API key to call with.");
ABSL_FLAG(std::string, admin_key_file, "data/gateway/demo_admin_key",
          "File whose first line is an admin API key (to retrain the recommender).");
ABSL_FLAG(std::string, recommender_target, "127.0.0.1:50051",
          "aigc-recommender, to add the demo catalogue (the gateway does not expose UpsertItems).");
ABSL_FLAG(int, shoppers, 200, "Synthetic shoppers whose views are recorded (first run only).");
ABSL_FLAG(std::string, user_id, "shopper-7", "User to build product cards for.");
ABSL_FLAG(int, cards, 3, "Product cards to ask for (1..20).");
ABSL_FLAG(absl::Duration, train_timeout, absl::Minutes(5), "Longest wait for the retraining.");

namespace aigc::gateway {
namespace {

constexpr int kCategories = 10;
constexpr int kPerCategory = 60;         // the demo catalogue's default
constexpr int kEventsPerRequest = 1000;  // WriteEvents' limit

std::unique_ptr<grpc::ClientContext> Context(const std::string& key) {
  auto context = rpc::ContextWithTimeout(absl::Seconds(10));
  if (!key.empty()) context->AddMetadata("x-api-key", key);
  return context;
}

std::string ReadKey(const std::string& path) {
  std::ifstream file(path);
  std::string key;
  if (!std::getline(file, key)) cli::ExitWithReason(absl::StrCat(path, ": no key to read"));
  return std::string(absl::StripAsciiWhitespace(key));
}

void Check(const grpc::Status& status, absl::string_view what) {
  if (!status.ok()) cli::ExitWithReason(absl::StrCat(what, ": ", status.error_message()));
}

// The request for cards of fashion products only.
v1::GetProductCardsRequest CardsRequest() {
  v1::GetProductCardsRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user_id));
  request.set_count(absl::GetFlag(FLAGS_cards));
  for (int category = common::v1::CATEGORY_TSHIRT_TOP; category <= common::v1::CATEGORY_ANKLE_BOOT;
       ++category) {
    request.mutable_filter()->add_include_categories(static_cast<common::v1::Category>(category));
  }
  request.mutable_options()->set_image_size(imagegen::v1::SIZE_56);
  return request;
}

// Adds the demo catalogue and the shoppers' views, then retrains; skipped
// when the recommender already ranks fashion products for the shopper.
void PrepareFashionData(v1::GatewayService::Stub& gateway, const std::string& key) {
  v1::GetProductCardsRequest probe = CardsRequest();
  probe.mutable_options()->set_include_copy(false);
  probe.mutable_options()->set_include_image(false);
  v1::GetProductCardsResponse probed;
  if (gateway.GetProductCards(Context(key).get(), probe, &probed).ok() && probed.cards_size() > 0) {
    return;
  }
  std::printf(
      "first run: adding the demo fashion catalogue and shoppers' views to the "
      "recommender, then retraining (popularity, item kNN)\n");
  const std::vector<common::v1::Product> products = cli::ValueOrExit(catalog::GenerateCatalog({}));
  auto recommender = recommender::v1::RecommenderService::NewStub(grpc::CreateChannel(
      absl::GetFlag(FLAGS_recommender_target), grpc::InsecureChannelCredentials()));
  recommender::v1::UpsertItemsRequest upsert;
  for (const common::v1::Product& product : products) *upsert.add_items() = product;
  recommender::v1::UpsertItemsResponse upserted;
  Check(recommender->UpsertItems(Context("").get(), upsert, &upserted), "UpsertItems");

  // Each shopper views 12 products of two favourite categories; sent in
  // batches of at most kEventsPerRequest.
  std::mt19937_64 random(2026);
  recommender::v1::WriteEventsRequest events;
  const auto flush = [&] {
    recommender::v1::WriteEventsResponse written;
    Check(gateway.WriteEvents(Context(key).get(), events, &written), "WriteEvents");
    events.clear_events();
  };
  for (int shopper = 1; shopper <= absl::GetFlag(FLAGS_shoppers); ++shopper) {
    const int first = static_cast<int>(random() % kCategories);
    const int second = static_cast<int>((first + 1 + random() % (kCategories - 1)) % kCategories);
    for (int n = 0; n < 12; ++n) {
      const int category = n % 2 == 0 ? first : second;
      const common::v1::Product& product =
          products[category * kPerCategory + random() % kPerCategory];
      recommender::v1::Event& event = *events.add_events();
      event.set_event_id(absl::StrCat("demo-shopper-", shopper, "-", n));
      event.set_user_id(absl::StrCat("shopper-", shopper));
      event.set_item_id(product.id());
      event.set_type(recommender::v1::EVENT_TYPE_VIEW);
      if (events.events_size() == kEventsPerRequest) flush();
    }
  }
  if (events.events_size() > 0) flush();

  const std::string admin_key = ReadKey(absl::GetFlag(FLAGS_admin_key_file));
  auto admin = v1::GatewayAdminService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));
  recommender::v1::TrainRequest train;
  train.add_algorithms(recommender::v1::ALGORITHM_POPULARITY);
  train.add_algorithms(recommender::v1::ALGORITHM_ITEM_KNN);
  train.set_evaluate(false);
  recommender::v1::TrainResponse job;
  Check(admin->Train(Context(admin_key).get(), train, &job), "Train");
  const absl::Time give_up = absl::Now() + absl::GetFlag(FLAGS_train_timeout);
  while (absl::Now() < give_up) {
    recommender::v1::GetTrainingJobRequest poll;
    poll.set_job_id(job.job_id());
    recommender::v1::GetTrainingJobResponse state;
    Check(admin->GetTrainingJob(Context(admin_key).get(), poll, &state), "GetTrainingJob");
    if (state.job().state() == recommender::v1::JOB_STATE_SUCCEEDED) return;
    if (state.job().state() == recommender::v1::JOB_STATE_FAILED ||
        state.job().state() == recommender::v1::JOB_STATE_CANCELLED) {
      cli::ExitWithReason(absl::StrCat("training failed: ", state.job().message()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  cli::ExitWithReason("training did not finish within --train_timeout");
}

std::string Describe(const common::v1::PartStatus& status) {
  return status.code() == 0 ? "ok"
                            : absl::StrCat("code ", status.code(), " (", status.message(), ")");
}

int Main() {
  const std::string key = ReadKey(absl::GetFlag(FLAGS_api_key_file));
  auto stub = v1::GatewayService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));

  imagegen::v1::GenerateRequest image_request;
  image_request.set_category(common::v1::CATEGORY_BAG);
  image_request.set_count(1);
  image_request.set_seed(7);
  imagegen::v1::GenerateResponse image;
  const grpc::Status refused = stub->GenerateImages(Context("").get(), image_request, &image);
  std::printf("without an API key: %s\n", refused.error_message().c_str());
  auto context = Context(key);
  const grpc::Status generated = stub->GenerateImages(context.get(), image_request, &image);
  if (!generated.ok())
    cli::ExitWithReason(absl::StrCat("GenerateImages: ", generated.error_message()));
  const auto& headers = context->GetServerInitialMetadata();
  const auto request_id = headers.find("x-request-id");
  std::printf("with the demo key: a %dx%d bag image (%zu PNG bytes), request id %s\n",
              image.images(0).width(), image.images(0).height(), image.images(0).data().size(),
              request_id == headers.end()
                  ? "-"
                  : std::string(request_id->second.data(), request_id->second.size()).c_str());

  PrepareFashionData(*stub, key);
  const v1::GetProductCardsRequest cards_request = CardsRequest();
  v1::GetProductCardsResponse cards;
  const grpc::Status composed = stub->GetProductCards(Context(key).get(), cards_request, &cards);
  if (!composed.ok())
    cli::ExitWithReason(absl::StrCat("GetProductCards: ", composed.error_message()));
  std::printf("\nproduct cards for user %s (%s):\n", cards_request.user_id().c_str(),
              cards.partial() ? "partial: some parts missing, see their status" : "complete");
  for (const v1::ProductCard& card : cards.cards()) {
    std::printf("  %d. %s — %s\n     copy: %s\n     image: %s\n", card.rank(),
                card.item().title().c_str(), card.reason().c_str(),
                card.has_copy() ? card.copy().text().substr(0, 120).c_str()
                                : Describe(card.copy_status()).c_str(),
                card.has_image() ? absl::StrCat(card.image().width(), "x", card.image().height(),
                                                " PNG, seed ", card.image().seed())
                                       .c_str()
                                 : Describe(card.image_status()).c_str());
  }
  for (const v1::BackendLatency& backend : cards.backend_latencies()) {
    std::printf("  %-12s %d call(s), %.1f ms\n", backend.backend().c_str(), backend.calls(),
                backend.latency().seconds() * 1e3 + backend.latency().nanos() / 1e6);
  }
  return 0;
}

}  // namespace
}  // namespace aigc::gateway

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Demonstrates a running aigc-gateway: API keys, a pass-through call and "
                        "product cards composed from the three backends.\n"
                        "Usage: aigc-gateway-demo [--target=127.0.0.1:50050] "
                        "[--api_key_file=data/gateway/demo_key] "
                        "[--admin_key_file=data/gateway/demo_admin_key] [--user_id=shopper-7] "
                        "[--cards=3]");
  return aigc::gateway::Main();
}
