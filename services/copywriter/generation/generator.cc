#include "services/copywriter/generation/generator.h"

#include <utility>

#include "common/status/status.h"
#include "services/copywriter/generation/batch_decoder.h"

namespace aigc::copywriter {

absl::StatusOr<std::vector<GeneratedText>> Generate(const CopyModel& model,
                                                    const GenerationRequest& request,
                                                    const DeltaCallback& on_delta,
                                                    const std::function<bool()>& should_stop) {
  absl::StatusOr<std::vector<GeneratedText>> outcome = absl::InternalError("generation not done");
  BatchDecoder decoder;
  AIGC_RETURN_IF_ERROR(decoder.Add({.model = &model,
                                    .request = request,
                                    .on_delta = on_delta,
                                    .on_done = [&](auto result) { outcome = std::move(result); },
                                    .should_stop = should_stop}));
  while (!decoder.empty()) decoder.Step();
  return outcome;
}

}  // namespace aigc::copywriter
