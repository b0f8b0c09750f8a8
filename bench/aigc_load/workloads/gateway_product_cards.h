// Workload "gateway_product_cards": aigc.gateway.v1.GatewayService/
// GetProductCards through aigc-gateway for users drawn uniformly from an id
// range, each asking for `count` cards with the default card options (copy and
// a 28 x 28 image per card). The gateway answers OK with partial = true when
// some copy or image did not make it in time, so the latency alone does not
// say whether the cards were whole: the report counts the cards returned
// ("cards"), the partial answers ("partial_answers") and the cards without
// their copy ("missing_copies") or image ("missing_images").
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOADS_GATEWAY_PRODUCT_CARDS_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOADS_GATEWAY_PRODUCT_CARDS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "bench/aigc_load/workload.h"
#include "bench/aigc_load/workloads/recommender_common.h"

namespace aigc::load {

struct ProductCardsOptions {
  // Users to draw from, as IdRange::Parse takes them.
  std::string user_ids = std::string(kDefaultUserIds);
  // GetProductCardsRequest.count: 1..20.
  int count = 10;
  // GetProductCardsRequest.algorithm; UNSPECIFIED lets the recommender choose.
  recommender::v1::Algorithm algorithm = recommender::v1::ALGORITHM_UNSPECIFIED;
};

// Immutable after Create, so thread-safe.
class ProductCardsWorkload : public Workload {
 public:
  // Fails with INVALID_ARGUMENT "user_ids: ..." or "count: ..." when an option
  // is out of range.
  static absl::StatusOr<std::unique_ptr<ProductCardsWorkload>> Create(
      const ProductCardsOptions& options);

  std::string method() const override;
  Params params() const override;
  std::unique_ptr<Caller> NewCaller(const std::shared_ptr<grpc::Channel>& channel) const override;

 private:
  ProductCardsWorkload(IdRange users, const ProductCardsOptions& options);

  const IdRange users_;
  const ProductCardsOptions options_;
};

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOADS_GATEWAY_PRODUCT_CARDS_H_
