#include "common/runtime/model_repository.h"

#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/runtime/internal/batch_assembly.h"
#include "common/runtime/torch_backend.h"
#include "common/status/status.h"
#include "glog/logging.h"

namespace aigc::runtime {
namespace {

namespace fs = std::filesystem;

// Names, sizes and modification times of a version's files: changes when the
// version is rewritten, so a failed version is retried only then.
std::string Fingerprint(const fs::path& version_dir) {
  std::string fingerprint;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(version_dir, error)) {
    const auto size = entry.is_regular_file(error) ? entry.file_size(error) : 0;
    const auto mtime = entry.last_write_time(error).time_since_epoch().count();
    absl::StrAppend(&fingerprint, entry.path().filename().string(), ":", size, ":", mtime, ";");
  }
  return fingerprint;
}

// Runs one sample batch and checks the outputs against the manifest, so a
// model that loads but cannot compute never serves.
absl::Status WarmUp(Model& model, const ModelManifest& manifest) {
  const std::vector<Tensor> sample = internal::SampleInputs(manifest);
  const internal::Batch batch = internal::Gather(manifest, {&sample});
  absl::StatusOr<std::vector<Tensor>> outputs = model.Run(batch.inputs);
  if (!outputs.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("warm-up failed: ", outputs.status().message()));
  }
  absl::StatusOr<std::vector<std::vector<Tensor>>> scattered =
      internal::Scatter(manifest, batch, *std::move(outputs));
  if (!scattered.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("warm-up: ", scattered.status().message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ModelRepository>> ModelRepository::Create(
    ModelRepositoryOptions options, InferenceMetrics* metrics, ModelLoader loader) {
  std::error_code error;
  if (!fs::is_directory(options.root, error)) {
    return absl::NotFoundError(
        absl::StrCat("model repository ", options.root.string(), " is not a directory"));
  }
  if (options.poll_interval < absl::ZeroDuration()) {
    return status::InvalidField("poll_interval", "must be >= 0");
  }
  if (loader == nullptr) loader = LoadTorchModel;
  return std::unique_ptr<ModelRepository>(
      new ModelRepository(std::move(options), metrics, std::move(loader)));
}

ModelRepository::ModelRepository(ModelRepositoryOptions options, InferenceMetrics* metrics,
                                 ModelLoader loader)
    : options_(std::move(options)), metrics_(metrics), loader_(std::move(loader)) {
  if (options_.poll_interval > absl::ZeroDuration()) {
    poller_ = std::thread([this] { PollLoop(); });
  }
}

ModelRepository::~ModelRepository() {
  stop_.Notify();
  if (poller_.joinable()) poller_.join();
}

absl::Status ModelRepository::AddModel(const std::string& name, int64_t pinned_version) {
  if (pinned_version < 0) return status::InvalidField("pinned_version", "must be >= 0");
  absl::MutexLock load_lock(&load_mu_);
  {
    absl::MutexLock lock(&mu_);
    Entry entry;
    entry.status.name = name;
    entry.status.pinned_version = pinned_version;
    if (!models_.emplace(name, std::move(entry)).second) {
      return absl::AlreadyExistsError(absl::StrCat("model \"", name, "\" is already served"));
    }
  }
  return Refresh(name, /*force=*/true);
}

std::shared_ptr<const LoadedModel> ModelRepository::Get(absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = models_.find(name);
  return it == models_.end() ? nullptr : it->second.serving;
}

absl::Status ModelRepository::Reload(absl::string_view name, int64_t version) {
  if (version < 0) return status::InvalidField("version", "must be >= 0");
  absl::MutexLock load_lock(&load_mu_);
  {
    absl::MutexLock lock(&mu_);
    auto it = models_.find(name);
    if (it == models_.end()) {
      return absl::NotFoundError(absl::StrCat("model \"", name, "\" is not served here"));
    }
    if (version > 0 && !fs::is_directory(options_.root / std::string(name) /
                                         std::to_string(version))) {
      return absl::NotFoundError(
          absl::StrCat("model \"", name, "\" has no version ", version));
    }
    it->second.status.pinned_version = version;
  }
  return Refresh(std::string(name), /*force=*/true);
}

std::vector<ModelStatus> ModelRepository::Status() const {
  absl::MutexLock lock(&mu_);
  std::vector<ModelStatus> statuses;
  for (const auto& [name, entry] : models_) statuses.push_back(entry.status);
  return statuses;
}

absl::Status ModelRepository::Refresh(const std::string& name, bool force) {
  const fs::path model_dir = options_.root / name;
  absl::StatusOr<std::vector<int64_t>> versions = ListVersions(model_dir);
  int64_t wanted = 0;
  int64_t serving = 0;
  std::string failed_fingerprint;
  {
    absl::MutexLock lock(&mu_);
    Entry& entry = models_.at(name);
    entry.status.available_versions = versions.ok() ? *versions : std::vector<int64_t>{};
    wanted = entry.status.pinned_version;
    if (wanted == 0 && versions.ok() && !versions->empty()) wanted = versions->back();
    serving = entry.status.serving_version;
    failed_fingerprint = entry.failed_fingerprint;
  }
  if (wanted == 0) {
    // Nothing to load; keep serving whatever is loaded.
    if (serving != 0) return absl::OkStatus();
    return versions.ok() ? absl::NotFoundError(absl::StrCat("model \"", name,
                                                            "\" has no version under ",
                                                            model_dir.string()))
                         : versions.status();
  }
  if (wanted == serving) return absl::OkStatus();
  const fs::path version_dir = model_dir / std::to_string(wanted);
  const std::string fingerprint = absl::StrCat(wanted, "|", Fingerprint(version_dir));
  if (!force && fingerprint == failed_fingerprint) {
    absl::MutexLock lock(&mu_);
    return absl::FailedPreconditionError(models_.at(name).status.last_error);
  }

  const absl::Time started = absl::Now();
  absl::StatusOr<std::shared_ptr<const LoadedModel>> loaded = LoadVersion(name, wanted);
  absl::MutexLock lock(&mu_);
  Entry& entry = models_.at(name);
  if (!loaded.ok()) {
    const absl::Status error(loaded.status().code(),
                             absl::StrCat("model \"", name, "\" version ", wanted, ": ",
                                          loaded.status().message()));
    entry.status.last_error = std::string(error.message());
    entry.status.failed_version = wanted;
    entry.failed_fingerprint = fingerprint;
    metrics_->CountLoadFailure(name);
    LOG(ERROR) << "load failed, "
               << (serving != 0 ? absl::StrCat("version ", serving, " keeps serving")
                                : std::string("nothing serving"))
               << ": " << error;
    return error;
  }
  entry.serving = *std::move(loaded);
  entry.status.serving_version = wanted;
  entry.status.loaded_time = entry.serving->loaded_time;
  entry.status.last_error.clear();
  entry.status.failed_version = 0;
  entry.failed_fingerprint.clear();
  metrics_->SetLoaded(name, wanted, serving);
  LOG(INFO) << "model \"" << name << "\" version " << wanted << " serving on "
            << DeviceName(options_.device) << " (loaded and warmed up in "
            << absl::FormatDuration(absl::Now() - started) << ")"
            << (serving != 0 ? absl::StrCat(", replacing version ", serving) : "");
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const LoadedModel>> ModelRepository::LoadVersion(
    const std::string& name, int64_t version) const {
  const fs::path version_dir = options_.root / name / std::to_string(version);
  AIGC_ASSIGN_OR_RETURN(ModelManifest manifest, ReadManifest(version_dir, name, version));
  AIGC_ASSIGN_OR_RETURN(std::unique_ptr<Model> model,
                        loader_(version_dir, manifest, options_.device));
  AIGC_RETURN_IF_ERROR(WarmUp(*model, manifest));
  auto loaded = std::make_shared<LoadedModel>();
  loaded->manifest = std::move(manifest);
  loaded->model = std::move(model);
  loaded->loaded_time = absl::Now();
  return std::shared_ptr<const LoadedModel>(std::move(loaded));
}

void ModelRepository::PollLoop() {
  while (!stop_.WaitForNotificationWithTimeout(options_.poll_interval)) {
    std::vector<std::string> names;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [name, entry] : models_) names.push_back(name);
    }
    for (const std::string& name : names) {
      absl::MutexLock load_lock(&load_mu_);
      // Errors are logged and reported by Status(); polling just goes on.
      Refresh(name, /*force=*/false).IgnoreError();
    }
  }
}

}  // namespace aigc::runtime
