// The model repository: serves the wanted version of each model from
// `<root>/<model>/<version>/` (see manifest.h), and swaps in a new version
// without dropping requests.
//
// The wanted version is the pinned one, else the highest present. Loading a
// version means: read and check its manifest, verify the weights' SHA-256,
// build the model on the configured device, warm it up (one batch) and check
// its outputs against the manifest. Only then is it swapped in; batches
// already computing finish on the old version, later ones use the new one,
// and the old version is freed when its last batch is done. A version that
// fails to load is logged, counted (aigc_model_load_failures_total), reported
// by Status(), and the previous version keeps serving; it is not retried
// until its files change or Reload() asks for it.
#ifndef AIGC_COMMON_RUNTIME_MODEL_REPOSITORY_H_
#define AIGC_COMMON_RUNTIME_MODEL_REPOSITORY_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/runtime/device.h"
#include "common/runtime/inference_metrics.h"
#include "common/runtime/model.h"

namespace aigc::runtime {

struct ModelRepositoryOptions {
  // Directory holding one directory per model. Must exist.
  std::filesystem::path root;
  // Device models are loaded on.
  Device device = Device::kCpu;
  // How often to look for new versions; zero disables polling (reload only on
  // Reload()).
  absl::Duration poll_interval = absl::ZeroDuration();
};

// A model's state, as reported to operators.
struct ModelStatus {
  std::string name;
  int64_t serving_version = 0;  // 0 = none
  int64_t pinned_version = 0;   // 0 = highest available
  std::vector<int64_t> available_versions;
  absl::Time loaded_time = absl::InfinitePast();
  // Why the last load failed; empty after a success.
  std::string last_error;
  int64_t failed_version = 0;
};

// Loads one version: reads the manifest, verifies the weights and builds the
// model. The repository warms it up afterwards.
using ModelLoader = std::function<absl::StatusOr<std::unique_ptr<Model>>(
    const std::filesystem::path& version_dir, const ModelManifest& manifest, Device device)>;

class ModelRepository {
 public:
  // Fails with NOT_FOUND when `root` is not a directory. `metrics` must
  // outlive the repository. Starts the poll thread when poll_interval > 0.
  // `loader` defaults to the LibTorch loader (torch_backend.h).
  static absl::StatusOr<std::unique_ptr<ModelRepository>> Create(
      ModelRepositoryOptions options, InferenceMetrics* metrics, ModelLoader loader = nullptr);
  ~ModelRepository();
  ModelRepository(const ModelRepository&) = delete;
  ModelRepository& operator=(const ModelRepository&) = delete;

  // Starts serving model `name` and loads its wanted version (`pinned_version`
  // > 0 pins one). Returns that load's error, but the model stays registered
  // either way, so a version published later is picked up by polling or
  // Reload(). ALREADY_EXISTS when `name` is already served. Thread-safe.
  absl::Status AddModel(const std::string& name, int64_t pinned_version = 0);

  // The version serving `name` now, or null when none is loaded or the name is
  // unknown. Cheap; thread-safe. Holding the pointer keeps that version alive.
  std::shared_ptr<const LoadedModel> Get(absl::string_view name) const;

  // Pins `version` (> 0) or unpins (0), rescans and loads the wanted version
  // if it is not serving, retrying one that failed before. Returns when done:
  // the load's error (the old version keeps serving), NOT_FOUND for an unknown
  // model or a missing version directory. Thread-safe; loads are serialised.
  absl::Status Reload(absl::string_view name, int64_t version = 0);

  // Every served model, ordered by name. Thread-safe.
  std::vector<ModelStatus> Status() const;

  const ModelRepositoryOptions& options() const { return options_; }

 private:
  struct Entry {
    ModelStatus status;
    std::shared_ptr<const LoadedModel> serving;
    // Fingerprint of the files of the version that failed last, so polling
    // does not retry it until they change.
    std::string failed_fingerprint;
  };

  ModelRepository(ModelRepositoryOptions options, InferenceMetrics* metrics, ModelLoader loader);

  // Rescans `name` and loads its wanted version when needed. `force` retries a
  // version that failed with the same files. Caller holds load_mu_.
  absl::Status Refresh(const std::string& name, bool force)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(load_mu_);
  absl::StatusOr<std::shared_ptr<const LoadedModel>> LoadVersion(const std::string& name,
                                                                 int64_t version) const;
  void PollLoop();

  const ModelRepositoryOptions options_;
  InferenceMetrics* const metrics_;
  const ModelLoader loader_;

  // Serialises loads (poller and Reload callers); never held by readers.
  absl::Mutex load_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  std::map<std::string, Entry, std::less<>> models_ ABSL_GUARDED_BY(mu_);

  absl::Notification stop_;
  std::thread poller_;
};

}  // namespace aigc::runtime

#endif  // AIGC_COMMON_RUNTIME_MODEL_REPOSITORY_H_
