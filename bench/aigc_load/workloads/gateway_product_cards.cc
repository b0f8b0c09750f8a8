#include "bench/aigc_load/workloads/gateway_product_cards.h"

#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "aigc/gateway/v1/gateway.grpc.pb.h"
#include "common/status/status.h"

namespace aigc::load {
namespace {

namespace v1 = gateway::v1;

// The gateway's own limit (GetProductCardsRequest.count).
constexpr int kMaxCards = 20;

class ProductCardsCaller : public Caller {
 public:
  ProductCardsCaller(const IdRange& users, const ProductCardsOptions& options,
                     const std::shared_ptr<grpc::Channel>& channel)
      : users_(users), stub_(v1::GatewayService::NewStub(channel)) {
    request_.mutable_metadata()->set_client_name("aigc-load");
    request_.set_count(options.count);
    request_.set_algorithm(options.algorithm);
  }

  grpc::Status Call(grpc::ClientContext& context, Worker& worker) override {
    request_.set_user_id(users_.Draw(worker.random()));
    v1::GetProductCardsResponse response;
    grpc::Status status = stub_->GetProductCards(&context, request_, &response);
    int missing_copies = 0;
    int missing_images = 0;
    for (const v1::ProductCard& card : response.cards()) {
      missing_copies += card.copy_status().code() != 0 ? 1 : 0;
      missing_images += card.image_status().code() != 0 ? 1 : 0;
    }
    worker.Count("cards", response.cards_size());
    worker.Count("partial_answers", response.partial() ? 1 : 0);
    worker.Count("missing_copies", missing_copies);
    worker.Count("missing_images", missing_images);
    return status;
  }

 private:
  const IdRange& users_;
  std::unique_ptr<v1::GatewayService::Stub> stub_;
  // Reused: only user_id changes between calls.
  v1::GetProductCardsRequest request_;
};

absl::StatusOr<std::unique_ptr<Workload>> ProductCardsFromFlags() {
  ProductCardsOptions options;
  options.user_ids = absl::GetFlag(FLAGS_user_ids);
  options.count = absl::GetFlag(FLAGS_count);
  auto algorithm = ParseAlgorithm(absl::GetFlag(FLAGS_algorithm));
  if (!algorithm.ok()) return status::InvalidField("--algorithm", algorithm.status().message());
  options.algorithm = *algorithm;
  auto workload = ProductCardsWorkload::Create(options);
  if (!workload.ok()) return AsFlagError(workload.status());
  return std::unique_ptr<Workload>(std::move(*workload));
}

}  // namespace

AIGC_LOAD_REGISTER_WORKLOAD(gateway_product_cards,
                            "GatewayService/GetProductCards for users drawn uniformly from "
                            "--user_ids (needs --api_key); --count cards (1..20), --algorithm.",
                            ProductCardsFromFlags);

absl::StatusOr<std::unique_ptr<ProductCardsWorkload>> ProductCardsWorkload::Create(
    const ProductCardsOptions& options) {
  auto users = IdRange::Parse(options.user_ids);
  if (!users.ok()) return status::InvalidField("user_ids", users.status().message());
  if (options.count < 1 || options.count > kMaxCards) {
    return status::InvalidField(
        "count", absl::StrCat("must be in [1, ", kMaxCards, "], got ", options.count));
  }
  return std::unique_ptr<ProductCardsWorkload>(
      new ProductCardsWorkload(std::move(*users), options));
}

ProductCardsWorkload::ProductCardsWorkload(IdRange users, const ProductCardsOptions& options)
    : users_(std::move(users)), options_(options) {}

std::string ProductCardsWorkload::method() const {
  return absl::StrCat(v1::GatewayService::service_full_name(), "/GetProductCards");
}

Params ProductCardsWorkload::params() const {
  return {{"user_ids", users_.spec()},
          {"count", int64_t{options_.count}},
          {"algorithm", recommender::v1::Algorithm_Name(options_.algorithm)}};
}

std::unique_ptr<Caller> ProductCardsWorkload::NewCaller(
    const std::shared_ptr<grpc::Channel>& channel) const {
  return std::make_unique<ProductCardsCaller>(users_, options_, channel);
}

}  // namespace aigc::load
