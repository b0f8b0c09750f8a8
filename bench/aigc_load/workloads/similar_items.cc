#include "bench/aigc_load/workloads/similar_items.h"

#include <random>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "bench/aigc_load/workloads/recommender_common.h"
#include "common/status/status.h"

namespace aigc::load {
namespace {

namespace v1 = recommender::v1;

constexpr int kMaxCount = 200;

class SimilarItemsCaller : public Caller {
 public:
  SimilarItemsCaller(const std::vector<std::string>& item_ids, const SimilarItemsOptions& options,
                     const std::shared_ptr<grpc::Channel>& channel)
      : item_ids_(item_ids),
        pick_(0, item_ids.size() - 1),
        stub_(v1::RecommenderService::NewStub(channel)) {
    request_.mutable_metadata()->set_client_name("aigc-load");
    request_.set_count(options.count);
    request_.set_algorithm(options.algorithm);
  }

  grpc::Status Call(grpc::ClientContext& context, Worker& worker) override {
    request_.set_item_id(item_ids_[pick_(worker.random())]);
    v1::SimilarItemsResponse response;
    return stub_->SimilarItems(&context, request_, &response);
  }

 private:
  const std::vector<std::string>& item_ids_;
  std::uniform_int_distribution<size_t> pick_;
  std::unique_ptr<v1::RecommenderService::Stub> stub_;
  // Reused: only item_id changes between calls.
  v1::SimilarItemsRequest request_;
};

absl::StatusOr<std::unique_ptr<Workload>> SimilarItemsFromFlags() {
  SimilarItemsOptions options;
  options.count = absl::GetFlag(FLAGS_count);
  options.catalogue_limit = absl::GetFlag(FLAGS_catalogue_limit);
  auto algorithm = ParseAlgorithm(absl::GetFlag(FLAGS_algorithm));
  if (!algorithm.ok()) return status::InvalidField("--algorithm", algorithm.status().message());
  options.algorithm = *algorithm;
  auto workload = SimilarItemsWorkload::Create(options);
  if (!workload.ok()) return AsFlagError(workload.status());
  return std::unique_ptr<Workload>(std::move(*workload));
}

}  // namespace

AIGC_LOAD_REGISTER_WORKLOAD(similar_items,
                            "RecommenderService/SimilarItems for items drawn uniformly from the "
                            "catalogue (ListItems, up to --catalogue_limit); --count, --algorithm.",
                            SimilarItemsFromFlags);

absl::StatusOr<std::unique_ptr<SimilarItemsWorkload>> SimilarItemsWorkload::Create(
    const SimilarItemsOptions& options) {
  if (options.count < 1 || options.count > kMaxCount) {
    return status::InvalidField(
        "count", absl::StrCat("must be in [1, ", kMaxCount, "], got ", options.count));
  }
  if (options.catalogue_limit < 1) {
    return status::InvalidField("catalogue_limit",
                                absl::StrCat("must be > 0, got ", options.catalogue_limit));
  }
  return std::unique_ptr<SimilarItemsWorkload>(new SimilarItemsWorkload(options));
}

SimilarItemsWorkload::SimilarItemsWorkload(const SimilarItemsOptions& options)
    : options_(options) {}

std::string SimilarItemsWorkload::method() const { return RecommenderMethod("SimilarItems"); }

Params SimilarItemsWorkload::params() const {
  return {{"count", int64_t{options_.count}},
          {"algorithm", v1::Algorithm_Name(options_.algorithm)},
          {"catalogue_limit", int64_t{options_.catalogue_limit}},
          {"catalogue_items", static_cast<int64_t>(item_ids_.size())}};
}

absl::Status SimilarItemsWorkload::Prepare(const std::shared_ptr<grpc::Channel>& channel,
                                           absl::Duration rpc_deadline) {
  auto stub = v1::RecommenderService::NewStub(channel);
  AIGC_ASSIGN_OR_RETURN(item_ids_,
                        FetchCatalogueItemIds(*stub, options_.catalogue_limit, rpc_deadline));
  return absl::OkStatus();
}

std::unique_ptr<Caller> SimilarItemsWorkload::NewCaller(
    const std::shared_ptr<grpc::Channel>& channel) const {
  return std::make_unique<SimilarItemsCaller>(item_ids_, options_, channel);
}

}  // namespace aigc::load
