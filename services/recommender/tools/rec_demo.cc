// aigc-rec-demo: shows a running aigc-recommender's uses on MovieLens data
// already imported (aigc-rec-import): trains the models through the admin
// service when none serves yet, recommends for a MovieLens user with reasons
// in Chinese and English, shows "more like this", and proves real-time
// updates: a new visitor's recommendations follow the movie they just rated.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/cli/cli.h"
#include "common/rpc/client_context.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of aigc-recommender.");
ABSL_FLAG(std::string, user, "u1", "MovieLens user to recommend for.");
ABSL_FLAG(std::string, item, "m1", "Item for the \"more like this\" demo (m1: Toy Story).");
ABSL_FLAG(absl::Duration, train_timeout, absl::Minutes(10),
          "How long to wait for the training job.");

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

// Deadline of each call to the service.
constexpr absl::Duration kCallTimeout = absl::Seconds(30);

void Check(const grpc::Status& status, absl::string_view what) {
  if (!status.ok()) {
    cli::ExitWithReason(absl::StrCat(what, ": ", status.error_message()));
  }
}

// Trains the default algorithm's components unless a model serves already.
void EnsureTrained(v1::RecommenderAdminService::Stub& admin) {
  v1::GetModelStatusResponse status;
  Check(admin.GetModelStatus(rpc::ContextWithTimeout(kCallTimeout).get(), {}, &status),
        "GetModelStatus");
  for (const v1::ModelStatus& model : status.models()) {
    if (model.algorithm() == v1::ALGORITHM_EASE && model.state() == v1::MODEL_STATE_READY) {
      std::printf("models: EASE version %s serving; no training needed\n",
                  model.model().version().c_str());
      return;
    }
  }
  v1::TrainRequest request;
  for (v1::Algorithm algorithm :
       {v1::ALGORITHM_POPULARITY, v1::ALGORITHM_ITEM_KNN, v1::ALGORITHM_USER_KNN,
        v1::ALGORITHM_EASE, v1::ALGORITHM_ALS, v1::ALGORITHM_CONTENT}) {
    request.add_algorithms(algorithm);
  }
  request.set_evaluate(false);
  v1::TrainResponse response;
  Check(admin.Train(rpc::ContextWithTimeout(kCallTimeout).get(), request, &response), "Train");
  std::printf("training job %s (about a minute on 2 cores)\n", response.job_id().c_str());
  const absl::Time give_up = absl::Now() + absl::GetFlag(FLAGS_train_timeout);
  std::string last;
  while (absl::Now() < give_up) {
    v1::GetTrainingJobRequest poll;
    poll.set_job_id(response.job_id());
    v1::GetTrainingJobResponse job;
    Check(admin.GetTrainingJob(rpc::ContextWithTimeout(kCallTimeout).get(), poll, &job),
          "GetTrainingJob");
    if (job.job().message() != last) {
      last = job.job().message();
      std::printf("  [%3.0f%%] %s\n", job.job().progress() * 100, last.c_str());
    }
    if (job.job().state() == v1::JOB_STATE_SUCCEEDED) return;
    if (job.job().state() == v1::JOB_STATE_FAILED || job.job().state() == v1::JOB_STATE_CANCELLED) {
      cli::ExitWithReason(absl::StrCat("training failed: ", job.job().message()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  cli::ExitWithReason("training did not finish within --train_timeout");
}

void Print(absl::string_view title, const v1::RecommendResponse& response) {
  std::printf(
      "\n%.*s  [%s, model %s v%s%s]\n", static_cast<int>(title.size()), title.data(),
      v1::Algorithm_Name(response.algorithm()).c_str(), response.model().name().c_str(),
      response.model().version().c_str(),
      response.fallback_reason() == v1::FALLBACK_REASON_UNSPECIFIED
          ? ""
          : absl::StrCat(", ", v1::FallbackReason_Name(response.fallback_reason())).c_str());
  for (const v1::RecommendedItem& item : response.items()) {
    std::printf("  %d. %-50s %s\n", item.rank(), item.item().title().c_str(),
                item.reason().c_str());
  }
}

v1::RecommendResponse Recommend(v1::RecommenderService::Stub& service, const std::string& user,
                                const std::string& locale) {
  v1::RecommendRequest request;
  request.set_user_id(user);
  request.set_count(5);
  request.set_include_item_details(true);
  request.mutable_metadata()->set_locale(locale);
  v1::RecommendResponse response;
  Check(service.Recommend(rpc::ContextWithTimeout(kCallTimeout).get(), request, &response),
        "Recommend");
  return response;
}

int Main() {
  auto channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials());
  auto service = v1::RecommenderService::NewStub(channel);
  auto admin = v1::RecommenderAdminService::NewStub(channel);
  EnsureTrained(*admin);

  const std::string user = absl::GetFlag(FLAGS_user);
  Print(absl::StrCat("for ", user, " (zh-CN)"), Recommend(*service, user, "zh-CN"));
  Print(absl::StrCat("for ", user, " (en-US)"), Recommend(*service, user, "en-US"));

  v1::SimilarItemsRequest similar;
  similar.set_item_id(absl::GetFlag(FLAGS_item));
  similar.set_count(5);
  similar.set_include_item_details(true);
  v1::SimilarItemsResponse more;
  Check(service->SimilarItems(rpc::ContextWithTimeout(kCallTimeout).get(), similar, &more),
        "SimilarItems");
  std::printf("\nmore like %s  [%s]\n", similar.item_id().c_str(),
              v1::Algorithm_Name(more.algorithm()).c_str());
  for (const v1::RecommendedItem& item : more.items()) {
    std::printf("  %d. %-50s %s\n", item.rank(), item.item().title().c_str(),
                item.reason().c_str());
  }

  // A visitor nobody knows gets popular items; one rating later, their list
  // follows it.
  const std::string visitor = absl::StrCat("demo-visitor-", absl::ToUnixSeconds(absl::Now()));
  Print(absl::StrCat("for a new visitor ", visitor), Recommend(*service, visitor, "en-US"));
  v1::WriteEventsRequest write;
  v1::Event* rating = write.add_events();
  rating->set_user_id(visitor);
  rating->set_item_id(absl::GetFlag(FLAGS_item));
  rating->set_type(v1::EVENT_TYPE_RATING);
  rating->set_rating(5.0f);
  v1::WriteEventsResponse written;
  Check(service->WriteEvents(rpc::ContextWithTimeout(kCallTimeout).get(), write, &written),
        "WriteEvents");
  Print(
      absl::StrCat("for ", visitor, " right after rating ", absl::GetFlag(FLAGS_item), " 5 stars"),
      Recommend(*service, visitor, "en-US"));
  return 0;
}

}  // namespace
}  // namespace aigc::recommender

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Demonstrates a running aigc-recommender on imported MovieLens data: "
                        "training, recommendations with reasons, more-like-this and a real-time "
                        "update.\nUsage: aigc-rec-demo [--target=127.0.0.1:50051] [--user=u1]");
  return aigc::recommender::Main();
}
