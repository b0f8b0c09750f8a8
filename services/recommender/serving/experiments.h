// Experiments: deterministic A/B assignment of users to variants (algorithm
// and parameters), from the configuration in
// protos/aigc/recommender/v1/experiments.proto.
#ifndef AIGC_SERVICES_RECOMMENDER_SERVING_EXPERIMENTS_H_
#define AIGC_SERVICES_RECOMMENDER_SERVING_EXPERIMENTS_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "aigc/recommender/v1/experiments.pb.h"
#include "google/protobuf/map.h"

namespace aigc::recommender {

// The variant a request is served by.
struct Assignment {
  std::string experiment_id;
  std::string variant;
  aigc::recommender::v1::Algorithm algorithm = aigc::recommender::v1::ALGORITHM_UNSPECIFIED;
  std::optional<float> diversity_lambda;
};

// Immutable once built; thread-safe.
class Experiments {
 public:
  // No experiments: every request gets the server default.
  Experiments() = default;

  // Checks `config` (ids and names [a-z0-9_-]{1,64} and unique, traffic in
  // (0, 1], weights > 0, algorithms set, diversity_lambda in [0, 1], at most
  // 16 experiments). INVALID_ARGUMENT naming the field, e.g.
  // "experiments[0].variants[1].weight".
  static absl::StatusOr<Experiments> FromConfig(aigc::recommender::v1::ExperimentsConfig config);

  // Reads the proto3 JSON file. NOT_FOUND when unreadable, INVALID_ARGUMENT
  // naming the path when malformed, and FromConfig's errors.
  static absl::StatusOr<Experiments> FromJsonFile(const std::filesystem::path& path);

  // The variant for `user_id`: the one `tags` force for an experiment (tags
  // of unknown experiments are ignored), else the first experiment whose
  // traffic covers the user. nullopt when none applies. INVALID_ARGUMENT
  // "metadata.experiment_tags[<id>]" for a forced variant the experiment
  // does not have.
  absl::StatusOr<std::optional<Assignment>> Assign(
      absl::string_view user_id, const google::protobuf::Map<std::string, std::string>& tags) const;

  // The user's bucket in an experiment, in [0, 10000): FNV-1a 64 of
  // "<experiment_id>:<user_id>" modulo 10000.
  static int Bucket(absl::string_view experiment_id, absl::string_view user_id);

  const aigc::recommender::v1::ExperimentsConfig& config() const { return config_; }

 private:
  explicit Experiments(aigc::recommender::v1::ExperimentsConfig config)
      : config_(std::move(config)) {}

  aigc::recommender::v1::ExperimentsConfig config_;
};

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_SERVING_EXPERIMENTS_H_
