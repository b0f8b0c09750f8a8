#include "services/recommender/serving/experiments.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/random/random.h"
#include "common/status/status.h"
#include "google/protobuf/util/json_util.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

constexpr int kBuckets = 10000;
constexpr int kMaxExperiments = 16;

bool IsName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_' && c != '-') return false;
  }
  return true;
}

Assignment AssignmentOf(const v1::Experiment& experiment, const v1::ExperimentVariant& variant) {
  Assignment assignment{.experiment_id = experiment.id(),
                        .variant = variant.name(),
                        .algorithm = variant.algorithm()};
  if (variant.has_diversity_lambda()) assignment.diversity_lambda = variant.diversity_lambda();
  return assignment;
}

}  // namespace

absl::StatusOr<Experiments> Experiments::FromConfig(v1::ExperimentsConfig config) {
  if (config.experiments_size() > kMaxExperiments) {
    return status::InvalidField("experiments", absl::StrCat("at most ", kMaxExperiments));
  }
  std::set<std::string> ids;
  for (int e = 0; e < config.experiments_size(); ++e) {
    const v1::Experiment& experiment = config.experiments(e);
    const std::string field = absl::StrCat("experiments[", e, "]");
    if (!IsName(experiment.id()) || !ids.insert(experiment.id()).second) {
      return status::InvalidField(field + ".id", "must be a unique [a-z0-9_-]{1,64} name");
    }
    if (!(experiment.traffic() > 0 && experiment.traffic() <= 1)) {
      return status::InvalidField(field + ".traffic", "must be in (0, 1]");
    }
    if (experiment.variants().empty()) {
      return status::InvalidField(field + ".variants", "needs at least one variant");
    }
    std::set<std::string> names;
    for (int v = 0; v < experiment.variants_size(); ++v) {
      const v1::ExperimentVariant& variant = experiment.variants(v);
      const std::string variant_field = absl::StrCat(field, ".variants[", v, "]");
      if (!IsName(variant.name()) || !names.insert(variant.name()).second) {
        return status::InvalidField(variant_field + ".name",
                                    "must be a unique [a-z0-9_-]{1,64} name");
      }
      if (!(variant.weight() > 0)) {
        return status::InvalidField(variant_field + ".weight", "must be > 0");
      }
      if (variant.algorithm() == v1::ALGORITHM_UNSPECIFIED ||
          !v1::Algorithm_IsValid(variant.algorithm())) {
        return status::InvalidField(variant_field + ".algorithm", "required");
      }
      if (variant.has_diversity_lambda() &&
          !(variant.diversity_lambda() >= 0 && variant.diversity_lambda() <= 1)) {
        return status::InvalidField(variant_field + ".diversity_lambda", "must be in [0, 1]");
      }
    }
  }
  return Experiments(std::move(config));
}

absl::StatusOr<Experiments> Experiments::FromJsonFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  v1::ExperimentsConfig config;
  const auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &config);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(), ": not an ExperimentsConfig: ", parsed.message().as_string()));
  }
  return FromConfig(std::move(config));
}

int Experiments::Bucket(absl::string_view experiment_id, absl::string_view user_id) {
  random::Fnv1a64 hash;
  hash.Add({experiment_id.data(), experiment_id.size()});
  hash.Add(":");
  hash.Add({user_id.data(), user_id.size()});
  return static_cast<int>(hash.value() % kBuckets);
}

absl::StatusOr<std::optional<Assignment>> Experiments::Assign(
    absl::string_view user_id, const google::protobuf::Map<std::string, std::string>& tags) const {
  for (const v1::Experiment& experiment : config_.experiments()) {
    auto forced = tags.find(experiment.id());
    if (forced == tags.end()) continue;
    for (const v1::ExperimentVariant& variant : experiment.variants()) {
      if (variant.name() == forced->second) return AssignmentOf(experiment, variant);
    }
    return status::InvalidField(
        absl::StrCat("metadata.experiment_tags[", experiment.id(), "]"),
        absl::StrCat("experiment ", experiment.id(), " has no variant \"", forced->second, "\""));
  }
  for (const v1::Experiment& experiment : config_.experiments()) {
    const int bucket = Bucket(experiment.id(), user_id);
    if (bucket >= experiment.traffic() * kBuckets) continue;
    double total = 0;
    for (const v1::ExperimentVariant& variant : experiment.variants()) total += variant.weight();
    // The same bucket, spread over the experiment's share, picks the variant.
    const double position = bucket / (experiment.traffic() * kBuckets) * total;
    double cumulative = 0;
    for (const v1::ExperimentVariant& variant : experiment.variants()) {
      cumulative += variant.weight();
      if (position < cumulative) return AssignmentOf(experiment, variant);
    }
    return AssignmentOf(experiment, experiment.variants(experiment.variants_size() - 1));
  }
  return std::nullopt;
}

}  // namespace aigc::recommender
