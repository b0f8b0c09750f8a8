#include "bench/aigc_load/workloads/recommend.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"
#include "common/status/status.h"

namespace aigc::load {
namespace {

namespace v1 = recommender::v1;

constexpr int kMaxCount = 200;

class RecommendCaller : public Caller {
 public:
  RecommendCaller(const IdRange& users, const RecommendOptions& options,
                  const std::shared_ptr<grpc::Channel>& channel)
      : users_(users), stub_(v1::RecommenderService::NewStub(channel)) {
    request_.mutable_metadata()->set_client_name("aigc-load");
    request_.set_count(options.count);
    request_.set_algorithm(options.algorithm);
  }

  grpc::Status Call(grpc::ClientContext& context, Worker& worker) override {
    request_.set_user_id(users_.Draw(worker.random()));
    v1::RecommendResponse response;
    return stub_->Recommend(&context, request_, &response);
  }

 private:
  const IdRange& users_;
  std::unique_ptr<v1::RecommenderService::Stub> stub_;
  // Reused: only user_id changes between calls.
  v1::RecommendRequest request_;
};

absl::StatusOr<std::unique_ptr<Workload>> RecommendFromFlags() {
  RecommendOptions options;
  options.user_ids = absl::GetFlag(FLAGS_user_ids);
  options.count = absl::GetFlag(FLAGS_count);
  auto algorithm = ParseAlgorithm(absl::GetFlag(FLAGS_algorithm));
  if (!algorithm.ok()) return status::InvalidField("--algorithm", algorithm.status().message());
  options.algorithm = *algorithm;
  auto workload = RecommendWorkload::Create(options);
  if (!workload.ok()) return AsFlagError(workload.status());
  return std::unique_ptr<Workload>(std::move(*workload));
}

}  // namespace

AIGC_LOAD_REGISTER_WORKLOAD(recommend,
                            "RecommenderService/Recommend for users drawn uniformly from "
                            "--user_ids; --count, --algorithm.",
                            RecommendFromFlags);

absl::StatusOr<std::unique_ptr<RecommendWorkload>> RecommendWorkload::Create(
    const RecommendOptions& options) {
  auto users = IdRange::Parse(options.user_ids);
  if (!users.ok()) return status::InvalidField("user_ids", users.status().message());
  if (options.count < 1 || options.count > kMaxCount) {
    return status::InvalidField(
        "count", absl::StrCat("must be in [1, ", kMaxCount, "], got ", options.count));
  }
  return std::unique_ptr<RecommendWorkload>(new RecommendWorkload(std::move(*users), options));
}

RecommendWorkload::RecommendWorkload(IdRange users, const RecommendOptions& options)
    : users_(std::move(users)), options_(options) {}

std::string RecommendWorkload::method() const { return RecommenderMethod("Recommend"); }

Params RecommendWorkload::params() const {
  return {{"user_ids", users_.spec()},
          {"count", int64_t{options_.count}},
          {"algorithm", v1::Algorithm_Name(options_.algorithm)}};
}

std::unique_ptr<Caller> RecommendWorkload::NewCaller(
    const std::shared_ptr<grpc::Channel>& channel) const {
  return std::make_unique<RecommendCaller>(users_, options_, channel);
}

}  // namespace aigc::load
