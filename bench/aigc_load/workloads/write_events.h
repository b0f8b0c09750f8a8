// Workload "write_events": RecommenderService/WriteEvents batches of VIEW
// events for random (user, catalogue item) pairs, each with a unique event id.
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOADS_WRITE_EVENTS_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOADS_WRITE_EVENTS_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/aigc_load/workload.h"
#include "bench/aigc_load/workloads/recommender_common.h"

namespace aigc::load {

struct WriteEventsOptions {
  // Users to draw from, as IdRange::Parse takes them.
  std::string user_ids = std::string(kDefaultUserIds);
  // Events per WriteEvents request: 1..1000.
  int events_per_request = 100;
  // Most catalogue items to fetch and draw from; > 0.
  int catalogue_limit = 10000;
};

// Each call writes one batch. Event ids are "aigc-load-<run>-<caller>-<n>",
// where <run> is random per workload object, so repeated runs against the same
// server store new events instead of duplicates. Each answer's
// accepted/duplicate/rejected counts go to the counters "accepted_events",
// "duplicate_events" and "rejected_events". Prepare() must succeed before
// NewCaller(); thread-safe after that.
class WriteEventsWorkload : public Workload {
 public:
  // Fails with INVALID_ARGUMENT "user_ids: ...", "events_per_request: ..." or
  // "catalogue_limit: ..." when an option is out of range.
  static absl::StatusOr<std::unique_ptr<WriteEventsWorkload>> Create(
      const WriteEventsOptions& options);

  std::string method() const override;
  Params params() const override;
  // Fetches the catalogue's item ids; fails as FetchCatalogueItemIds does.
  absl::Status Prepare(const std::shared_ptr<grpc::Channel>& channel,
                       absl::Duration rpc_deadline) override;
  std::unique_ptr<Caller> NewCaller(const std::shared_ptr<grpc::Channel>& channel) const override;

 private:
  WriteEventsWorkload(IdRange users, const WriteEventsOptions& options);

  const IdRange users_;
  const WriteEventsOptions options_;
  const std::string run_id_;
  // Numbers the callers, for unique event ids.
  mutable std::atomic<int64_t> next_caller_{0};
  // Filled by Prepare(), read-only afterwards.
  std::vector<std::string> item_ids_;
};

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOADS_WRITE_EVENTS_H_
