#include "bench/aigc_load/workloads/write_events.h"

#include <random>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/status/status.h"

ABSL_FLAG(int, events_per_request, 100, "write_events: events per WriteEvents request, 1..1000.");

namespace aigc::load {
namespace {

namespace v1 = recommender::v1;

constexpr int kMaxEventsPerRequest = 1000;

class WriteEventsCaller : public Caller {
 public:
  WriteEventsCaller(const IdRange& users, const std::vector<std::string>& item_ids,
                    int events_per_request, std::string event_id_prefix,
                    const std::shared_ptr<grpc::Channel>& channel)
      : users_(users),
        item_ids_(item_ids),
        pick_item_(0, item_ids.size() - 1),
        event_id_prefix_(std::move(event_id_prefix)),
        stub_(v1::RecommenderService::NewStub(channel)) {
    request_.mutable_metadata()->set_client_name("aigc-load");
    for (int i = 0; i < events_per_request; ++i) {
      request_.add_events()->set_type(v1::EVENT_TYPE_VIEW);
    }
  }

  grpc::Status Call(grpc::ClientContext& context, Worker& worker) override {
    for (v1::Event& event : *request_.mutable_events()) {
      event.set_event_id(absl::StrCat(event_id_prefix_, next_event_++));
      event.set_user_id(users_.Draw(worker.random()));
      event.set_item_id(item_ids_[pick_item_(worker.random())]);
    }
    v1::WriteEventsResponse response;
    grpc::Status status = stub_->WriteEvents(&context, request_, &response);
    if (status.ok()) {
      worker.Count("accepted_events", response.accepted_count());
      worker.Count("duplicate_events", response.duplicate_count());
      worker.Count("rejected_events", response.rejected_count());
    }
    return status;
  }

 private:
  const IdRange& users_;
  const std::vector<std::string>& item_ids_;
  std::uniform_int_distribution<size_t> pick_item_;
  const std::string event_id_prefix_;
  int64_t next_event_ = 0;
  std::unique_ptr<v1::RecommenderService::Stub> stub_;
  // Reused: the events' ids, users and items change between calls.
  v1::WriteEventsRequest request_;
};

absl::StatusOr<std::unique_ptr<Workload>> WriteEventsFromFlags() {
  WriteEventsOptions options;
  options.user_ids = absl::GetFlag(FLAGS_user_ids);
  options.events_per_request = absl::GetFlag(FLAGS_events_per_request);
  options.catalogue_limit = absl::GetFlag(FLAGS_catalogue_limit);
  auto workload = WriteEventsWorkload::Create(options);
  if (!workload.ok()) return AsFlagError(workload.status());
  return std::unique_ptr<Workload>(std::move(*workload));
}

std::string RandomRunId() {
  std::random_device device;
  return absl::StrFormat("%08x%08x", device(), device());
}

}  // namespace

AIGC_LOAD_REGISTER_WORKLOAD(write_events,
                            "RecommenderService/WriteEvents batches of --events_per_request VIEW "
                            "events for users from --user_ids and catalogue items (up to "
                            "--catalogue_limit); reports accepted events per second.",
                            WriteEventsFromFlags);

absl::StatusOr<std::unique_ptr<WriteEventsWorkload>> WriteEventsWorkload::Create(
    const WriteEventsOptions& options) {
  auto users = IdRange::Parse(options.user_ids);
  if (!users.ok()) return status::InvalidField("user_ids", users.status().message());
  if (options.events_per_request < 1 || options.events_per_request > kMaxEventsPerRequest) {
    return status::InvalidField("events_per_request",
                                absl::StrCat("must be in [1, ", kMaxEventsPerRequest, "], got ",
                                             options.events_per_request));
  }
  if (options.catalogue_limit < 1) {
    return status::InvalidField("catalogue_limit",
                                absl::StrCat("must be > 0, got ", options.catalogue_limit));
  }
  return std::unique_ptr<WriteEventsWorkload>(new WriteEventsWorkload(std::move(*users), options));
}

WriteEventsWorkload::WriteEventsWorkload(IdRange users, const WriteEventsOptions& options)
    : users_(std::move(users)), options_(options), run_id_(RandomRunId()) {}

std::string WriteEventsWorkload::method() const { return RecommenderMethod("WriteEvents"); }

Params WriteEventsWorkload::params() const {
  return {{"user_ids", users_.spec()},
          {"events_per_request", int64_t{options_.events_per_request}},
          {"catalogue_limit", int64_t{options_.catalogue_limit}},
          {"catalogue_items", static_cast<int64_t>(item_ids_.size())}};
}

absl::Status WriteEventsWorkload::Prepare(const std::shared_ptr<grpc::Channel>& channel,
                                          absl::Duration rpc_deadline) {
  auto stub = v1::RecommenderService::NewStub(channel);
  AIGC_ASSIGN_OR_RETURN(item_ids_,
                        FetchCatalogueItemIds(*stub, options_.catalogue_limit, rpc_deadline));
  return absl::OkStatus();
}

std::unique_ptr<Caller> WriteEventsWorkload::NewCaller(
    const std::shared_ptr<grpc::Channel>& channel) const {
  return std::make_unique<WriteEventsCaller>(
      users_, item_ids_, options_.events_per_request,
      absl::StrCat("aigc-load-", run_id_, "-", next_caller_.fetch_add(1), "-"), channel);
}

}  // namespace aigc::load
