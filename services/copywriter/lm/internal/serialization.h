// LanguageModel files and training checkpoints: LibTorch archives holding the
// config (sub-archive "lm_config") beside the parameters, so a file describes
// itself.
#ifndef AIGC_SERVICES_COPYWRITER_LM_INTERNAL_SERIALIZATION_H_
#define AIGC_SERVICES_COPYWRITER_LM_INTERNAL_SERIALIZATION_H_

#include <filesystem>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/copywriter/lm/internal/transformer.h"
#include "services/copywriter/lm/lm_config.h"
#include "torch/torch.h"

namespace aigc::copy_lm::internal {

// Writes `model`'s config and parameters into `archive`.
void WriteModel(TransformerImpl& model, torch::serialize::OutputArchive& archive);

// The config WriteModel stored. INVALID_ARGUMENT when the archive holds no
// language model or an invalid config; DATA_LOSS for a damaged config.
absl::StatusOr<LmConfig> ReadConfig(torch::serialize::InputArchive& archive);

// Loads the parameters WriteModel stored into `model`, built from the same
// config. DATA_LOSS when one is missing or has the wrong shape or type.
absl::Status ReadParameters(torch::serialize::InputArchive& archive, TransformerImpl& model);

}  // namespace aigc::copy_lm::internal

#endif  // AIGC_SERVICES_COPYWRITER_LM_INTERNAL_SERIALIZATION_H_
