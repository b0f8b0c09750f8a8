// The recommender's models as versions of the inference runtime's model
// repository: `<repo>/rec-<algorithm>/<version>/` holding an Archive
// (core/archive.h) as MODEL_FORMAT_NATIVE, architecture "rec_archive". The
// runtime then gives the recommender what it gives every service: checksums,
// atomic publishing, polling and hot reload without dropping requests, and
// the aigc_model_* metrics.
#ifndef AIGC_SERVICES_RECOMMENDER_REPOSITORY_REC_MODELS_H_
#define AIGC_SERVICES_RECOMMENDER_REPOSITORY_REC_MODELS_H_

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/runtime/device.h"
#include "common/runtime/manifest.h"
#include "common/runtime/model.h"
#include "services/recommender/algorithms/model.h"

namespace aigc::recommender {

// The architecture name of recommender archives in manifests.
inline constexpr char kRecArchiveArchitecture[] = "rec_archive";

// Repository model name of an algorithm's model: "rec-<AlgorithmName>", e.g.
// "rec-ease".
std::string RepositoryModelName(aigc::recommender::v1::Algorithm algorithm);

// What a published version records besides the weights.
struct PublishInfo {
  // The command that produced the version.
  std::string created_by;
  // What it was trained on.
  std::string description;
  // Offline metrics ("ndcg@10" -> value), stored in the manifest's config.
  std::map<std::string, double> metrics;
};

// Publishes `model` as the next version of RepositoryModelName(its
// algorithm) under `root` (created when missing), atomically. Returns the
// manifest. INTERNAL on I/O errors.
absl::StatusOr<aigc::runtime::ModelManifest> PublishRecModel(const std::filesystem::path& root,
                                                             const RecModel& model,
                                                             const PublishInfo& info);

// The runtime ModelLoader for recommender archives: verifies the checksum
// and rebuilds the model. INVALID_ARGUMENT for another format or
// architecture, DATA_LOSS for a corrupt archive. The device is ignored
// (these models run on the CPU).
absl::StatusOr<std::unique_ptr<aigc::runtime::Model>> LoadRecModel(
    const std::filesystem::path& version_dir, const aigc::runtime::ModelManifest& manifest,
    aigc::runtime::Device device);

// The RecModel inside a version loaded by LoadRecModel; null for any other
// model. The pointer lives as long as `loaded`.
const RecModel* AsRecModel(const aigc::runtime::LoadedModel& loaded);

// The offline metrics PublishRecModel recorded in `manifest`.
std::map<std::string, double> ManifestMetrics(const aigc::runtime::ModelManifest& manifest);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_REPOSITORY_REC_MODELS_H_
