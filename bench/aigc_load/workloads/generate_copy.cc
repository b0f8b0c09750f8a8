#include "bench/aigc_load/workloads/generate_copy.h"

#include <random>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/status/status.h"

ABSL_FLAG(int, products_per_category, 60,
          "generate_copy: products of each category to draw from (the service's "
          "--catalog_products_per_category or fewer).");
ABSL_FLAG(int, candidates, 1, "generate_copy: candidates per request (GenerateCopyRequest.n).");
ABSL_FLAG(int, max_tokens, 128, "generate_copy: tokens per candidate at most.");

namespace aigc::load {
namespace {

namespace v1 = copywriter::v1;

class GenerateCopyCaller : public Caller {
 public:
  GenerateCopyCaller(const GenerateCopyOptions& options,
                     const std::shared_ptr<grpc::Channel>& channel)
      : options_(options), stub_(v1::CopywriterService::NewStub(channel)) {
    request_.mutable_metadata()->set_client_name("aigc-load");
    request_.set_n(options.n);
    request_.mutable_sampling()->set_max_tokens(options.max_tokens);
  }

  grpc::Status Call(grpc::ClientContext& context, Worker& worker) override {
    std::uniform_int_distribution<int> category(0, 9);
    std::uniform_int_distribution<int> product(1, options_.products_per_category);
    request_.set_product_id(
        absl::StrFormat("sku-%d-%04d", category(worker.random()), product(worker.random())));
    request_.mutable_sampling()->set_seed(worker.random()());
    v1::GenerateCopyResponse response;
    grpc::Status status = stub_->GenerateCopy(&context, request_, &response);
    for (const v1::CopyCandidate& candidate : response.candidates()) {
      worker.Count("tokens", candidate.token_count());
    }
    return status;
  }

 private:
  const GenerateCopyOptions options_;
  std::unique_ptr<v1::CopywriterService::Stub> stub_;
  v1::GenerateCopyRequest request_;  // reused: product and seed change per call
};

absl::StatusOr<std::unique_ptr<Workload>> GenerateCopyFromFlags() {
  auto workload = GenerateCopyWorkload::Create(
      {.products_per_category = absl::GetFlag(FLAGS_products_per_category),
       .n = absl::GetFlag(FLAGS_candidates),
       .max_tokens = absl::GetFlag(FLAGS_max_tokens)});
  if (!workload.ok()) return workload.status();
  return std::unique_ptr<Workload>(std::move(*workload));
}

}  // namespace

AIGC_LOAD_REGISTER_WORKLOAD(generate_copy,
                            "CopywriterService/GenerateCopy for demo-catalogue products; "
                            "--products_per_category, --candidates, --max_tokens.",
                            GenerateCopyFromFlags);

absl::StatusOr<std::unique_ptr<GenerateCopyWorkload>> GenerateCopyWorkload::Create(
    const GenerateCopyOptions& options) {
  if (options.products_per_category < 1 || options.products_per_category > 9999) {
    return status::InvalidField("--products_per_category", "must be in [1, 9999]");
  }
  if (options.n < 1 || options.n > 8) {
    return status::InvalidField("--candidates", "must be in [1, 8]");
  }
  if (options.max_tokens < 1 || options.max_tokens > 512) {
    return status::InvalidField("--max_tokens", "must be in [1, 512]");
  }
  return std::unique_ptr<GenerateCopyWorkload>(new GenerateCopyWorkload(options));
}

std::string GenerateCopyWorkload::method() const {
  return absl::StrCat(v1::CopywriterService::service_full_name(), "/GenerateCopy");
}

Params GenerateCopyWorkload::params() const {
  return {{"products_per_category", int64_t{options_.products_per_category}},
          {"candidates", int64_t{options_.n}},
          {"max_tokens", int64_t{options_.max_tokens}}};
}

std::unique_ptr<Caller> GenerateCopyWorkload::NewCaller(
    const std::shared_ptr<grpc::Channel>& channel) const {
  return std::make_unique<GenerateCopyCaller>(options_, channel);
}

}  // namespace aigc::load
