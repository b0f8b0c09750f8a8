// Workload "recommend": RecommenderService/Recommend for users drawn uniformly
// from an id range.
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOADS_RECOMMEND_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOADS_RECOMMEND_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "bench/aigc_load/workload.h"
#include "bench/aigc_load/workloads/recommender_common.h"

namespace aigc::load {

struct RecommendOptions {
  // Users to draw from, as IdRange::Parse takes them.
  std::string user_ids = std::string(kDefaultUserIds);
  // RecommendRequest.count: 1..200.
  int count = 10;
  // RecommendRequest.algorithm; UNSPECIFIED lets the server choose.
  recommender::v1::Algorithm algorithm = recommender::v1::ALGORITHM_UNSPECIFIED;
};

// Each call asks for `count` recommendations for one drawn user. Immutable
// after Create, so thread-safe.
class RecommendWorkload : public Workload {
 public:
  // Fails with INVALID_ARGUMENT "user_ids: ..." or "count: ..." when an option
  // is out of range.
  static absl::StatusOr<std::unique_ptr<RecommendWorkload>> Create(const RecommendOptions& options);

  std::string method() const override;
  Params params() const override;
  std::unique_ptr<Caller> NewCaller(const std::shared_ptr<grpc::Channel>& channel) const override;

 private:
  RecommendWorkload(IdRange users, const RecommendOptions& options);

  const IdRange users_;
  const RecommendOptions options_;
};

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOADS_RECOMMEND_H_
