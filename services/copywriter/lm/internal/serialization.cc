#include "services/copywriter/lm/internal/serialization.h"

#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/runtime/torch_module.h"
#include "common/status/status.h"

namespace aigc::copy_lm::internal {
namespace {

namespace fs = std::filesystem;

constexpr const char* kConfigKey = "lm_config";
constexpr int64_t kFormatVersion = 1;

// The integer fields of LmConfig, by archive key.
std::vector<std::pair<const char*, int LmConfig::*>> IntegerFields() {
  return {{"vocab_size", &LmConfig::vocab_size}, {"context_length", &LmConfig::context_length},
          {"d_model", &LmConfig::d_model},       {"num_layers", &LmConfig::num_layers},
          {"num_heads", &LmConfig::num_heads},   {"d_ff", &LmConfig::d_ff}};
}

absl::StatusOr<torch::Tensor> ReadScalar(torch::serialize::InputArchive& archive, const char* key) {
  torch::Tensor value;
  if (!archive.try_read(key, value)) {
    return absl::DataLossError(absl::StrCat("language model file lacks ", kConfigKey, ".", key));
  }
  if (value.numel() != 1) {
    return absl::DataLossError(absl::StrCat("language model file: ", kConfigKey, ".", key,
                                            " holds ", value.numel(), " values, expected 1"));
  }
  return value.to(torch::kCPU);
}

}  // namespace

void WriteModel(TransformerImpl& model, torch::serialize::OutputArchive& archive) {
  const LmConfig& config = model.config();
  torch::serialize::OutputArchive config_archive;
  config_archive.write("format_version", torch::tensor(kFormatVersion));
  for (const auto& [key, field] : IntegerFields()) {
    config_archive.write(key, torch::tensor(int64_t{config.*field}));
  }
  config_archive.write("dropout", torch::tensor(config.dropout));
  archive.write(kConfigKey, config_archive);
  model.save(archive);
}

absl::StatusOr<LmConfig> ReadConfig(torch::serialize::InputArchive& archive) {
  try {
    torch::serialize::InputArchive config_archive;
    if (!archive.try_read(kConfigKey, config_archive)) {
      return absl::InvalidArgumentError(
          absl::StrCat("not a copywriter language model file (no ", kConfigKey, ")"));
    }
    AIGC_ASSIGN_OR_RETURN(const torch::Tensor version,
                          ReadScalar(config_archive, "format_version"));
    if (version.item<int64_t>() != kFormatVersion) {
      return absl::InvalidArgumentError(
          absl::StrCat("language model file has format version ", version.item<int64_t>(),
                       "; this build reads version ", kFormatVersion));
    }
    LmConfig config;
    for (const auto& [key, field] : IntegerFields()) {
      AIGC_ASSIGN_OR_RETURN(const torch::Tensor value, ReadScalar(config_archive, key));
      config.*field = static_cast<int>(value.item<int64_t>());
    }
    AIGC_ASSIGN_OR_RETURN(const torch::Tensor dropout, ReadScalar(config_archive, "dropout"));
    config.dropout = dropout.item<float>();
    if (absl::Status valid = ValidateLmConfig(config); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("language model file holds an invalid config: ", valid.message()));
    }
    return config;
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat("damaged language model config: ", runtime::TorchErrorMessage(e)));
  }
}

absl::Status ReadParameters(torch::serialize::InputArchive& archive, TransformerImpl& model) {
  // LibTorch's load replaces each parameter with the stored tensor, whatever
  // its shape or type, so the expectations are taken first.
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& item : model.named_parameters()) {
    expected[item.key()] = item.value().sizes().vec();
  }
  try {
    torch::NoGradGuard no_grad;
    model.load(archive);
  } catch (const std::exception& e) {
    return absl::DataLossError(
        absl::StrCat("language model weights are incomplete: ", runtime::TorchErrorMessage(e)));
  }
  for (const auto& item : model.named_parameters()) {
    const torch::Tensor& parameter = item.value();
    if (parameter.sizes().vec() != expected[item.key()] ||
        parameter.scalar_type() != torch::kFloat32) {
      return absl::DataLossError(absl::StrCat(
          "language model weight ", item.key(), " is ", c10::toString(parameter.scalar_type()),
          " [", absl::StrJoin(parameter.sizes().vec(), ", "), "], the config needs Float [",
          absl::StrJoin(expected[item.key()], ", "), "]"));
    }
  }
  return absl::OkStatus();
}

}  // namespace aigc::copy_lm::internal
