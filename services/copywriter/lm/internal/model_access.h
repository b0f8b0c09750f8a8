// Lets the trainer reach the torch module behind a LanguageModel.
#ifndef AIGC_SERVICES_COPYWRITER_LM_INTERNAL_MODEL_ACCESS_H_
#define AIGC_SERVICES_COPYWRITER_LM_INTERNAL_MODEL_ACCESS_H_

#include "services/copywriter/lm/internal/transformer.h"
#include "services/copywriter/lm/language_model.h"
#include "torch/torch.h"

namespace aigc::copy_lm::internal {

struct LanguageModelAccess {
  static TransformerImpl& Module(const LanguageModel& model);
  static const torch::Device& Device(const LanguageModel& model);
};

}  // namespace aigc::copy_lm::internal

#endif  // AIGC_SERVICES_COPYWRITER_LM_INTERNAL_MODEL_ACCESS_H_
