// The on-disk layout of a model repository and the manifest of each version:
//
//   <root>/<model>/<version>/manifest.json   (aigc.runtime.v1.ModelManifest, JSON)
//   <root>/<model>/<version>/<weights_file>  (checked against manifest.sha256)
//
// Versions are positive integers; any other directory name (e.g. a staging
// directory ".staging-4-123") is ignored, which is what makes
// PublishModelVersion atomic for readers.
#ifndef AIGC_COMMON_RUNTIME_MANIFEST_H_
#define AIGC_COMMON_RUNTIME_MANIFEST_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "aigc/runtime/v1/manifest.pb.h"
#include "google/protobuf/struct.pb.h"

namespace aigc::runtime {

using ModelManifest = ::aigc::runtime::v1::ModelManifest;

inline constexpr char kManifestFileName[] = "manifest.json";

// The versions present under `model_dir`, ascending. A missing directory gives
// NOT_FOUND; names that are not positive integers are skipped.
absl::StatusOr<std::vector<int64_t>> ListVersions(const std::filesystem::path& model_dir);

// Reads and checks `<version_dir>/manifest.json`: NOT_FOUND when it is missing,
// INVALID_ARGUMENT (naming the field) when it does not parse or is not a
// valid manifest for model `name` at version `version`.
absl::StatusOr<ModelManifest> ReadManifest(const std::filesystem::path& version_dir,
                                           absl::string_view name, int64_t version);

// Checks the fields of a manifest on their own (everything but the weights).
absl::Status ValidateManifest(const ModelManifest& manifest);

// Lower-case hex SHA-256 of a file's contents; NOT_FOUND when it cannot be read.
absl::StatusOr<std::string> Sha256OfFile(const std::filesystem::path& path);

// Checks that the weights file exists and matches the manifest's checksum
// (DATA_LOSS when it does not).
absl::Status VerifyWeights(const std::filesystem::path& version_dir,
                           const ModelManifest& manifest);

// Writes a new version of `manifest.name()` under `root` atomically: creates a
// staging directory, calls `write_weights(path)` to write the weights file
// there (at manifest.weights_file()), fills in version (the next free one when
// manifest.version() is 0), sha256 and created_time, writes manifest.json and
// renames the directory into place. Returns the published manifest. Fails
// with ALREADY_EXISTS when the version exists, INVALID_ARGUMENT for an invalid
// manifest; leaves nothing behind on failure.
absl::StatusOr<ModelManifest> PublishModelVersion(
    const std::filesystem::path& root, ModelManifest manifest,
    const std::function<absl::Status(const std::filesystem::path&)>& write_weights);

// Typed reads of an architecture's config; INVALID_ARGUMENT "config.<key>: …"
// when the key is missing or has the wrong type. Integers must be whole
// numbers within int64.
absl::StatusOr<int64_t> ConfigInt(const google::protobuf::Struct& config, absl::string_view key);
absl::StatusOr<std::vector<int64_t>> ConfigIntList(const google::protobuf::Struct& config,
                                                   absl::string_view key);
absl::StatusOr<double> ConfigNumber(const google::protobuf::Struct& config,
                                    absl::string_view key);

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_MANIFEST_H_
