// The copywriter's model as the inference runtime serves it: the language
// model and the tokenizer it was trained with, published together as one
// version of "copywriter-lm" (MODEL_FORMAT_NATIVE, architecture "copy_lm"):
//
//   <repo>/copywriter-lm/<version>/manifest.json
//   <repo>/copywriter-lm/<version>/model.pt        LanguageModel::Save, checksummed
//   <repo>/copywriter-lm/<version>/tokenizer.bpe   Tokenizer::Save (loading checks that it
//                                                  fits the weights' vocabulary)
//
// A sequence is the prompt's tokens, <|sep|>, the completion's tokens and
// <|eos|>; batches are padded with <|pad|>.
#ifndef AIGC_SERVICES_COPYWRITER_MODEL_COPY_MODEL_H_
#define AIGC_SERVICES_COPYWRITER_MODEL_COPY_MODEL_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/runtime/manifest.h"
#include "common/runtime/model.h"
#include "common/runtime/model_repository.h"
#include "services/copywriter/lm/language_model.h"
#include "services/copywriter/lm/trainer.h"
#include "services/copywriter/tokenizer/tokenizer.h"

namespace aigc::copywriter {

inline constexpr char kCopyModelName[] = "copywriter-lm";
inline constexpr char kCopyModelArchitecture[] = "copy_lm";

// The special tokens every copy tokenizer is trained with, in id order.
inline constexpr char kPadToken[] = "<|pad|>";
inline constexpr char kSeparatorToken[] = "<|sep|>";
inline constexpr char kEndToken[] = "<|eos|>";
std::vector<std::string> CopySpecialTokens();

// Ids of the special tokens in a tokenizer trained with CopySpecialTokens().
struct SpecialIds {
  int32_t pad = 0;
  int32_t separator = 0;
  int32_t end = 0;
};
// INVALID_ARGUMENT when the tokenizer lacks one of them.
absl::StatusOr<SpecialIds> SpecialIdsOf(const Tokenizer& tokenizer);

// The prompt's tokens followed by <|sep|>: what generation starts from.
absl::StatusOr<std::vector<int32_t>> EncodePrompt(const Tokenizer& tokenizer,
                                                  const SpecialIds& specials,
                                                  absl::string_view prompt);

// prompt <|sep|> completion <|eos|>, learning the completion and its end.
absl::StatusOr<copy_lm::TrainingExample> EncodeExample(const Tokenizer& tokenizer,
                                                       const SpecialIds& specials,
                                                       absl::string_view prompt,
                                                       absl::string_view completion);

// What a published version records besides the weights.
struct CopyModelInfo {
  // The command that produced it, e.g. "aigc-train-lm --steps=6000".
  std::string created_by;
  std::string description;
  // Evaluation figures, e.g. {"validation_loss", 0.71}; kept in config.metrics.
  std::map<std::string, double> metrics;
};

// Publishes `model` and `tokenizer` as the next version of kCopyModelName
// under `root` (created when missing). INVALID_ARGUMENT when their
// vocabularies differ or the tokenizer lacks the special tokens.
absl::StatusOr<runtime::ModelManifest> PublishCopyModel(const std::filesystem::path& root,
                                                        const copy_lm::LanguageModel& model,
                                                        const Tokenizer& tokenizer,
                                                        const CopyModelInfo& info);

// A loaded version: the runtime's Model interface (input "tokens", int64
// [-1], a prompt; output "logits", float32 [vocab], the next token's logits)
// and direct access for incremental decoding.
class CopyModel : public runtime::Model {
 public:
  CopyModel(std::unique_ptr<copy_lm::LanguageModel> model, Tokenizer tokenizer,
            SpecialIds specials);

  absl::StatusOr<std::vector<runtime::Tensor>> Run(
      const std::vector<runtime::Tensor>& inputs) override;

  const copy_lm::LanguageModel& lm() const { return *model_; }
  const Tokenizer& tokenizer() const { return tokenizer_; }
  const SpecialIds& specials() const { return specials_; }

 private:
  const std::unique_ptr<copy_lm::LanguageModel> model_;
  const Tokenizer tokenizer_;
  const SpecialIds specials_;
};

// The runtime loader (aigc::runtime::ModelLoader) for copy model versions:
// INVALID_ARGUMENT for another format, DATA_LOSS when a file does not match
// its checksum or the tokenizer does not fit the model.
absl::StatusOr<std::unique_ptr<runtime::Model>> LoadCopyModel(
    const std::filesystem::path& version_dir, const runtime::ModelManifest& manifest,
    runtime::Device device);

// The copy model behind a loaded version, or null for any other model.
const CopyModel* AsCopyModel(const runtime::LoadedModel& loaded);

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_MODEL_COPY_MODEL_H_
