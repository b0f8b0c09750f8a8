// What the recommender workloads share: user id ranges, algorithm names, the
// catalogue fetch, and the flags that more than one of them reads.
#ifndef AIGC_BENCH_AIGC_LOAD_WORKLOADS_RECOMMENDER_COMMON_H_
#define AIGC_BENCH_AIGC_LOAD_WORKLOADS_RECOMMENDER_COMMON_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "aigc/recommender/v1/recommender.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, user_ids);
ABSL_DECLARE_FLAG(int, count);
ABSL_DECLARE_FLAG(std::string, algorithm);
ABSL_DECLARE_FLAG(int, catalogue_limit);

namespace aigc::load {

// The default user ids: MovieLens users as the import names them.
inline constexpr absl::string_view kDefaultUserIds = "u%d:1..671";

// Most ids per ListItems page (the recommender's maximum page size).
inline constexpr int kCataloguePageSize = 100;

// Ids made from a printf-like pattern and an inclusive integer range: "u%d:1..671"
// stands for u1, u2, ..., u671. Immutable, so thread-safe.
class IdRange {
 public:
  // Parses "PATTERN:FIRST..LAST". PATTERN holds exactly one %d (or %0Nd,
  // zero-padded to N digits, N <= 20); %% stands for a literal %, which ids may
  // not contain, so it is rejected like any character outside [A-Za-z0-9_.:-].
  // 0 <= FIRST <= LAST, and the longest id must fit in 128 characters. The
  // range follows the last ':', so patterns may contain ':'. Fails with
  // INVALID_ARGUMENT saying what is wrong.
  static absl::StatusOr<IdRange> Parse(absl::string_view spec);

  // The id for `number`, which must be in [first, last].
  std::string At(int64_t number) const;

  // An id drawn uniformly from the range.
  std::string Draw(std::mt19937_64& random) const;

  int64_t first() const { return first_; }
  int64_t last() const { return last_; }
  // The spec it was parsed from.
  const std::string& spec() const { return spec_; }

 private:
  IdRange(std::string spec, std::string prefix, int width, std::string suffix, int64_t first,
          int64_t last);

  std::string spec_;
  std::string prefix_;
  int width_;  // zero-padding width; 0 = none
  std::string suffix_;
  int64_t first_;
  int64_t last_;
};

// Parses an algorithm by its enum name, e.g. "ALGORITHM_EASE"; "" is
// ALGORITHM_UNSPECIFIED (the server chooses). Fails with INVALID_ARGUMENT
// listing the names.
absl::StatusOr<recommender::v1::Algorithm> ParseAlgorithm(absl::string_view name);

// Returns the ids of the first (in id order) up to `max_items` catalogue items,
// paging through ListItems, each call with `rpc_deadline`; stops at the last
// page or after max_items pages (so a server that keeps returning empty pages
// with a token cannot keep it going). Fails with the first failing call's
// code and the message "ListItems: <CODE>: <message>", and with
// FAILED_PRECONDITION when the catalogue is empty. `max_items` must be > 0.
absl::StatusOr<std::vector<std::string>> FetchCatalogueItemIds(
    recommender::v1::RecommenderService::StubInterface& stub, int max_items,
    absl::Duration rpc_deadline);

// Returns "<service full name>/<method>" of RecommenderService.
std::string RecommenderMethod(absl::string_view method);

// Returns an INVALID_ARGUMENT "--<message>" for a workload's option error
// "<field>: <problem>", whose field is named like its flag; other statuses
// unchanged.
absl::Status AsFlagError(const absl::Status& status);

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_WORKLOADS_RECOMMENDER_COMMON_H_
