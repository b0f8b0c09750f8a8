// Workload "generate_copy": aigc.copywriter.v1.CopywriterService/GenerateCopy
// for products of the demo catalogue, drawn uniformly from the first
// --products_per_category products of each of the ten categories
// (sku-<label>-<0001..N>). Counts the tokens generated ("tokens"), so the
// report gives tokens per second beside requests per second.
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOADS_GENERATE_COPY_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOADS_GENERATE_COPY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "bench/aigc_load/workload.h"

namespace aigc::load {

struct GenerateCopyOptions {
  int products_per_category = 60;  // 1..9999
  int n = 1;                       // candidates per request, 1..8
  int max_tokens = 128;            // 1..512
};

// Immutable, so thread-safe. Each call uses a seed drawn by its worker, so a
// run's texts are reproducible.
class GenerateCopyWorkload : public Workload {
 public:
  // INVALID_ARGUMENT naming the option for out-of-range values.
  static absl::StatusOr<std::unique_ptr<GenerateCopyWorkload>> Create(
      const GenerateCopyOptions& options);

  std::string method() const override;
  Params params() const override;
  std::unique_ptr<Caller> NewCaller(const std::shared_ptr<grpc::Channel>& channel) const override;

 private:
  explicit GenerateCopyWorkload(const GenerateCopyOptions& options) : options_(options) {}
  const GenerateCopyOptions options_;
};

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOADS_GENERATE_COPY_H_
