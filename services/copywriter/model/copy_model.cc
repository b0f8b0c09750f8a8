#include "services/copywriter/model/copy_model.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::copywriter {
namespace {

namespace fs = std::filesystem;

constexpr char kWeightsFile[] = "model.pt";
constexpr char kTokenizerFile[] = "tokenizer.bpe";

runtime::ModelManifest ManifestFor(const copy_lm::LmConfig& config, const CopyModelInfo& info) {
  runtime::ModelManifest manifest;
  manifest.set_name(kCopyModelName);
  manifest.set_format(runtime::v1::MODEL_FORMAT_NATIVE);
  manifest.set_architecture(kCopyModelArchitecture);
  manifest.set_weights_file(kWeightsFile);
  auto& fields = *manifest.mutable_config()->mutable_fields();
  fields["vocab_size"].set_number_value(config.vocab_size);
  fields["context_length"].set_number_value(config.context_length);
  fields["d_model"].set_number_value(config.d_model);
  fields["num_layers"].set_number_value(config.num_layers);
  fields["num_heads"].set_number_value(config.num_heads);
  fields["d_ff"].set_number_value(config.d_ff);
  auto& metrics = *fields["metrics"].mutable_struct_value()->mutable_fields();
  for (const auto& [key, value] : info.metrics) metrics[key].set_number_value(value);
  auto* tokens = manifest.add_inputs();
  tokens->set_name("tokens");
  tokens->set_dtype(runtime::v1::DATA_TYPE_INT64);
  tokens->add_shape(-1);
  tokens->set_description("A prompt's token ids (EncodePrompt), at most context_length.");
  auto* logits = manifest.add_outputs();
  logits->set_name("logits");
  logits->set_dtype(runtime::v1::DATA_TYPE_FLOAT32);
  logits->add_shape(config.vocab_size);
  logits->set_description("Logits of the token after the prompt.");
  manifest.set_created_by(info.created_by);
  manifest.set_description(info.description);
  return manifest;
}

}  // namespace

std::vector<std::string> CopySpecialTokens() { return {kPadToken, kSeparatorToken, kEndToken}; }

absl::StatusOr<SpecialIds> SpecialIdsOf(const Tokenizer& tokenizer) {
  SpecialIds ids;
  for (auto [name, id] : {std::pair{kPadToken, &ids.pad}, std::pair{kSeparatorToken, &ids.separator},
                          std::pair{kEndToken, &ids.end}}) {
    auto found = tokenizer.SpecialTokenId(name);
    if (!found.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("tokenizer: lacks the special token ", name, " of copy models"));
    }
    *id = *found;
  }
  return ids;
}

absl::StatusOr<std::vector<int32_t>> EncodePrompt(const Tokenizer& tokenizer,
                                                  const SpecialIds& specials,
                                                  absl::string_view prompt) {
  AIGC_ASSIGN_OR_RETURN(std::vector<int32_t> tokens, tokenizer.Encode(prompt));
  tokens.push_back(specials.separator);
  return tokens;
}

absl::StatusOr<copy_lm::TrainingExample> EncodeExample(const Tokenizer& tokenizer,
                                                       const SpecialIds& specials,
                                                       absl::string_view prompt,
                                                       absl::string_view completion) {
  copy_lm::TrainingExample example;
  AIGC_ASSIGN_OR_RETURN(example.tokens, EncodePrompt(tokenizer, specials, prompt));
  example.loss_start = static_cast<int32_t>(example.tokens.size());
  AIGC_ASSIGN_OR_RETURN(const std::vector<int32_t> completion_tokens,
                        tokenizer.Encode(completion));
  example.tokens.insert(example.tokens.end(), completion_tokens.begin(), completion_tokens.end());
  example.tokens.push_back(specials.end);
  return example;
}

absl::StatusOr<runtime::ModelManifest> PublishCopyModel(const fs::path& root,
                                                        const copy_lm::LanguageModel& model,
                                                        const Tokenizer& tokenizer,
                                                        const CopyModelInfo& info) {
  if (tokenizer.vocab_size() != model.config().vocab_size) {
    return status::InvalidField(
        "tokenizer", absl::StrCat("has ", tokenizer.vocab_size(), " tokens, the model ",
                                  model.config().vocab_size));
  }
  AIGC_RETURN_IF_ERROR(SpecialIdsOf(tokenizer).status());
  std::error_code error;
  fs::create_directories(root / kCopyModelName, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", (root / kCopyModelName).string(), ": ", error.message()));
  }
  return runtime::PublishModelVersion(
      root, ManifestFor(model.config(), info), [&](const fs::path& weights) -> absl::Status {
        // The tokenizer goes beside the weights, into the same staging
        // directory, so both appear with the version or neither does.
        const fs::path tokenizer_path = weights.parent_path() / kTokenizerFile;
        AIGC_RETURN_IF_ERROR(tokenizer.Save(tokenizer_path.string()));
        return model.Save(weights);
      });
}

CopyModel::CopyModel(std::unique_ptr<copy_lm::LanguageModel> model, Tokenizer tokenizer,
                     SpecialIds specials)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)), specials_(specials) {}

absl::StatusOr<std::vector<runtime::Tensor>> CopyModel::Run(
    const std::vector<runtime::Tensor>& inputs) {
  // inputs: tokens [batch, length] and its mask [batch, length].
  if (inputs.size() != 2 || inputs[0].shape().size() != 2) {
    return absl::InternalError("copy model: expects tokens [batch, length] and their mask");
  }
  const int64_t batch = inputs[0].shape()[0];
  const int64_t length = inputs[0].shape()[1];
  std::vector<std::vector<int32_t>> prompts(batch);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t l = 0; l < length; ++l) {
      if (inputs[1].float32()[b * length + l] == 0) continue;
      prompts[b].push_back(static_cast<int32_t>(inputs[0].int64()[b * length + l]));
    }
  }
  std::vector<std::unique_ptr<copy_lm::DecodeState>> owned;
  std::vector<copy_lm::DecodeState*> states;
  for (int64_t b = 0; b < batch; ++b) {
    owned.push_back(model_->NewDecodeState());
    states.push_back(owned.back().get());
  }
  AIGC_ASSIGN_OR_RETURN(const copy_lm::LogitsBatch logits, model_->Prefill(states, prompts));
  const int64_t vocab = model_->config().vocab_size;
  std::vector<float> values;
  values.reserve(batch * vocab);
  for (const std::vector<float>& row : logits) values.insert(values.end(), row.begin(), row.end());
  return std::vector<runtime::Tensor>{runtime::Tensor::Float32({batch, vocab}, std::move(values))};
}

absl::StatusOr<std::unique_ptr<runtime::Model>> LoadCopyModel(const fs::path& version_dir,
                                                              const runtime::ModelManifest& manifest,
                                                              runtime::Device device) {
  if (manifest.format() != runtime::v1::MODEL_FORMAT_NATIVE ||
      manifest.architecture() != kCopyModelArchitecture) {
    return status::InvalidField("format",
                                absl::StrCat("the copywriter loads MODEL_FORMAT_NATIVE \"",
                                             kCopyModelArchitecture, "\" only"));
  }
  AIGC_RETURN_IF_ERROR(runtime::VerifyWeights(version_dir, manifest));
  AIGC_ASSIGN_OR_RETURN(std::unique_ptr<copy_lm::LanguageModel> model,
                        copy_lm::LanguageModel::Load(version_dir / manifest.weights_file(), device));
  absl::StatusOr<Tokenizer> tokenizer = Tokenizer::Load((version_dir / kTokenizerFile).string());
  if (!tokenizer.ok()) {
    return absl::DataLossError(absl::StrCat("copy model tokenizer: ", tokenizer.status().message()));
  }
  if (tokenizer->vocab_size() != model->config().vocab_size) {
    return absl::DataLossError(absl::StrCat("copy model: the tokenizer has ",
                                            tokenizer->vocab_size(), " tokens, the weights ",
                                            model->config().vocab_size));
  }
  absl::StatusOr<SpecialIds> specials = SpecialIdsOf(*tokenizer);
  if (!specials.ok()) return absl::DataLossError(specials.status().message());
  return std::make_unique<CopyModel>(std::move(model), *std::move(tokenizer), *specials);
}

const CopyModel* AsCopyModel(const runtime::LoadedModel& loaded) {
  return dynamic_cast<const CopyModel*>(loaded.model.get());
}

}  // namespace aigc::copywriter
