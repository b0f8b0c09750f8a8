// aigc-rec-import: loads MovieLens into a running aigc-recommender through
// its public RPCs: the movies as catalogue items (UpsertItems), then the
// ratings as events (WriteEvents), in batches. Event ids make it safe to run
// again: repeated ratings count as duplicates.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/cli/cli.h"
#include "common/rpc/client_context.h"
#include "grpcpp/grpcpp.h"
#include "services/recommender/eval/movielens.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of aigc-recommender.");
ABSL_FLAG(std::string, ratings, "data/movielens/ratings.csv",
          "MovieLens ratings CSV written by scripts/data/movielens.sh.");
ABSL_FLAG(int, batch_size, 1000, "Items or events per RPC (1..1000).");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(60), "Deadline of each RPC.");

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

void Check(const grpc::Status& status, absl::string_view what) {
  if (!status.ok()) {
    cli::ExitWithReason(absl::StrCat(what, " failed: ", grpc::StatusCode(status.error_code()), " ",
                                     status.error_message()));
  }
}

int Main() {
  const int batch = absl::GetFlag(FLAGS_batch_size);
  const absl::Duration deadline = absl::GetFlag(FLAGS_deadline);
  if (batch < 1 || batch > 1000) cli::ExitWithReason("--batch_size: must be in [1, 1000]");
  const eval::MovieLensData data =
      cli::ValueOrExit(eval::ReadMovieLensCsv(absl::GetFlag(FLAGS_ratings)));
  auto stub = v1::RecommenderService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));

  int64_t created = 0, updated = 0, rejected_items = 0;
  for (size_t begin = 0; begin < data.movies.size(); begin += batch) {
    v1::UpsertItemsRequest request;
    for (size_t i = begin; i < std::min(data.movies.size(), begin + batch); ++i) {
      *request.add_items() = eval::MovieToProduct(data.movies[i]);
    }
    v1::UpsertItemsResponse response;
    Check(stub->UpsertItems(rpc::ContextWithTimeout(deadline).get(), request, &response),
          "UpsertItems");
    created += response.created_count();
    updated += response.updated_count();
    rejected_items += response.rejected_count();
  }
  std::fprintf(stderr, "items: %zu sent, %lld created, %lld updated, %lld rejected\n",
               data.movies.size(), static_cast<long long>(created), static_cast<long long>(updated),
               static_cast<long long>(rejected_items));

  int64_t accepted = 0, duplicates = 0, rejected_events = 0;
  for (size_t begin = 0; begin < data.ratings.size(); begin += batch) {
    v1::WriteEventsRequest request;
    for (size_t i = begin; i < std::min(data.ratings.size(), begin + batch); ++i) {
      *request.add_events() = eval::RatingToEvent(data.ratings[i]);
    }
    v1::WriteEventsResponse response;
    Check(stub->WriteEvents(rpc::ContextWithTimeout(deadline).get(), request, &response),
          "WriteEvents");
    accepted += response.accepted_count();
    duplicates += response.duplicate_count();
    rejected_events += response.rejected_count();
    if ((begin / batch) % 20 == 19) {
      std::fprintf(stderr, "events: %zu/%zu\n", begin + batch, data.ratings.size());
    }
  }
  std::fprintf(stderr, "events: %zu sent, %lld accepted, %lld duplicates, %lld rejected\n",
               data.ratings.size(), static_cast<long long>(accepted),
               static_cast<long long>(duplicates), static_cast<long long>(rejected_events));
  return rejected_items + rejected_events == 0 ? 0 : 1;
}

}  // namespace
}  // namespace aigc::recommender

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Loads MovieLens (movies as items, ratings as events) into a running aigc-recommender.\n"
      "Usage: aigc-rec-import [--target=127.0.0.1:50051] "
      "[--ratings=data/movielens/ratings.csv]");
  return aigc::recommender::Main();
}
