#include "services/recommender/repository/rec_models.h"

#include <limits>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::recommender {
namespace {

namespace fs = std::filesystem;
namespace runtime = aigc::runtime;
using runtime::ModelManifest;
using runtime::Tensor;

constexpr char kWeightsFile[] = "model.rec";

// Adapts a RecModel to the runtime's batched tensor interface, which the
// repository uses to warm a version up before serving it: input "history"
// (int64 item indices, variable length) and its mask, output "scores"
// (float32, one per item). The service calls the RecModel directly.
class RecServable final : public runtime::Model {
 public:
  explicit RecServable(std::unique_ptr<RecModel> model) : model_(std::move(model)) {}

  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) override {
    if (inputs.size() != 2) {
      return absl::InvalidArgumentError("expected history and its mask");
    }
    const Tensor& history = inputs[0];
    const Tensor& mask = inputs[1];
    const int64_t batch = history.shape()[0];
    const int64_t length = history.shape()[1];
    const int64_t items = model_->items().size();
    std::vector<float> scores(static_cast<size_t>(batch * items));
    for (int64_t b = 0; b < batch; ++b) {
      UserProfile profile;
      for (int64_t l = 0; l < length; ++l) {
        const int64_t item = history.int64()[b * length + l];
        if (mask.float32()[b * length + l] == 0) continue;
        if (item < 0 || item >= items) {
          return status::InvalidField(
              "history", absl::StrCat("item index ", item, " outside [0, ", items, ")"));
        }
        profile.items.push_back(static_cast<int32_t>(item));
        profile.weights.push_back(1.0f);
        profile.ratings.push_back(std::numeric_limits<float>::quiet_NaN());
      }
      model_->Score(profile, absl::MakeSpan(&scores[b * items], items));
    }
    return std::vector<Tensor>{Tensor::Float32({batch, items}, std::move(scores))};
  }

  const RecModel& model() const { return *model_; }

 private:
  const std::unique_ptr<RecModel> model_;
};

ModelManifest ManifestFor(const RecModel& model, const PublishInfo& info) {
  ModelManifest manifest;
  manifest.set_name(RepositoryModelName(model.algorithm()));
  manifest.set_format(runtime::v1::MODEL_FORMAT_NATIVE);
  manifest.set_architecture(kRecArchiveArchitecture);
  manifest.set_weights_file(kWeightsFile);
  auto& config = *manifest.mutable_config()->mutable_fields();
  config["algorithm"].set_string_value(AlgorithmName(model.algorithm()));
  config["num_users"].set_number_value(model.users().size());
  config["num_items"].set_number_value(model.items().size());
  auto& metrics = *config["metrics"].mutable_struct_value()->mutable_fields();
  for (const auto& [key, value] : info.metrics) metrics[key].set_number_value(value);
  auto* history = manifest.add_inputs();
  history->set_name("history");
  history->set_dtype(runtime::v1::DATA_TYPE_INT64);
  history->add_shape(-1);
  history->set_description("Item indices of the user's history, in the model's item order.");
  auto* scores = manifest.add_outputs();
  scores->set_name("scores");
  scores->set_dtype(runtime::v1::DATA_TYPE_FLOAT32);
  scores->add_shape(std::max<int64_t>(1, model.items().size()));
  scores->set_description("Relevance of every item; -inf = not proposed.");
  manifest.set_created_by(info.created_by);
  manifest.set_description(info.description);
  return manifest;
}

}  // namespace

std::string RepositoryModelName(aigc::recommender::v1::Algorithm algorithm) {
  std::string name = AlgorithmName(algorithm);
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  return absl::StrCat("rec-", name);
}

absl::StatusOr<ModelManifest> PublishRecModel(const fs::path& root, const RecModel& model,
                                              const PublishInfo& info) {
  std::error_code error;
  fs::create_directories(root / RepositoryModelName(model.algorithm()), error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", root.string(), ": ", error.message()));
  }
  return runtime::PublishModelVersion(root, ManifestFor(model, info), [&](const fs::path& path) {
    Archive archive;
    model.Save(archive);
    return archive.WriteFile(path);
  });
}

absl::StatusOr<std::unique_ptr<runtime::Model>> LoadRecModel(const fs::path& version_dir,
                                                             const ModelManifest& manifest,
                                                             runtime::Device) {
  if (manifest.format() != runtime::v1::MODEL_FORMAT_NATIVE ||
      manifest.architecture() != kRecArchiveArchitecture) {
    return status::InvalidField("format",
                                absl::StrCat("the recommender loads MODEL_FORMAT_NATIVE \"",
                                             kRecArchiveArchitecture, "\" only"));
  }
  AIGC_RETURN_IF_ERROR(runtime::VerifyWeights(version_dir, manifest));
  AIGC_ASSIGN_OR_RETURN(const Archive archive,
                        Archive::ReadFile(version_dir / manifest.weights_file()));
  AIGC_ASSIGN_OR_RETURN(std::unique_ptr<RecModel> model, LoadModel(archive));
  if (RepositoryModelName(model->algorithm()) != manifest.name()) {
    return absl::DataLossError(absl::StrCat("version of \"", manifest.name(), "\" holds a ",
                                            AlgorithmName(model->algorithm()), " model"));
  }
  return std::unique_ptr<runtime::Model>(new RecServable(std::move(model)));
}

const RecModel* AsRecModel(const runtime::LoadedModel& loaded) {
  const auto* servable = dynamic_cast<const RecServable*>(loaded.model.get());
  return servable == nullptr ? nullptr : &servable->model();
}

std::map<std::string, double> ManifestMetrics(const ModelManifest& manifest) {
  std::map<std::string, double> metrics;
  auto it = manifest.config().fields().find("metrics");
  if (it == manifest.config().fields().end()) return metrics;
  for (const auto& [key, value] : it->second.struct_value().fields()) {
    metrics[key] = value.number_value();
  }
  return metrics;
}

}  // namespace aigc::recommender
