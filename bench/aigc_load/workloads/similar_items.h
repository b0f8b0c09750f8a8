// Workload "similar_items": RecommenderService/SimilarItems for items drawn
// uniformly from the catalogue, which Prepare() fetches with ListItems.
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOADS_SIMILAR_ITEMS_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOADS_SIMILAR_ITEMS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "bench/aigc_load/workload.h"

namespace aigc::load {

struct SimilarItemsOptions {
  // SimilarItemsRequest.count: 1..200.
  int count = 10;
  // SimilarItemsRequest.algorithm; UNSPECIFIED lets the server choose.
  recommender::v1::Algorithm algorithm = recommender::v1::ALGORITHM_UNSPECIFIED;
  // Most catalogue items to fetch and draw from; > 0.
  int catalogue_limit = 10000;
};

// Each call asks for `count` items similar to one drawn catalogue item.
// Prepare() must succeed before NewCaller(); thread-safe after that.
class SimilarItemsWorkload : public Workload {
 public:
  // Fails with INVALID_ARGUMENT "count: ..." or "catalogue_limit: ..." when an
  // option is out of range.
  static absl::StatusOr<std::unique_ptr<SimilarItemsWorkload>> Create(
      const SimilarItemsOptions& options);

  std::string method() const override;
  Params params() const override;
  // Fetches the catalogue's item ids; fails as FetchCatalogueItemIds does.
  absl::Status Prepare(const std::shared_ptr<grpc::Channel>& channel,
                       absl::Duration rpc_deadline) override;
  std::unique_ptr<Caller> NewCaller(const std::shared_ptr<grpc::Channel>& channel) const override;

 private:
  explicit SimilarItemsWorkload(const SimilarItemsOptions& options);

  const SimilarItemsOptions options_;
  // Filled by Prepare(), read-only afterwards.
  std::vector<std::string> item_ids_;
};

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOADS_SIMILAR_ITEMS_H_
