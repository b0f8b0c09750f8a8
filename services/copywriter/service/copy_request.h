// GenerateCopy / StreamCopy requests turned into what generation needs:
// validated, defaults applied, the product resolved and the prompt encoded.
#ifndef AIGC_SERVICES_COPYWRITER_SERVICE_COPY_REQUEST_H_
#define AIGC_SERVICES_COPYWRITER_SERVICE_COPY_REQUEST_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "aigc/copywriter/v1/copywriter.pb.h"
#include "services/copywriter/generation/generator.h"
#include "services/copywriter/model/copy_model.h"

namespace aigc::copywriter {

// The products GenerateCopyRequest.product_id may name, by id.
using ProductCatalogue = absl::flat_hash_map<std::string, common::v1::Product>;

// Defaults of aigc.copywriter.v1.SamplingParams.
inline constexpr float kDefaultTemperature = 0.8f;
inline constexpr int kDefaultTopK = 50;
inline constexpr float kDefaultTopP = 0.95f;
inline constexpr float kDefaultRepetitionPenalty = 1.1f;
inline constexpr int kDefaultMaxTokens = 128;

// A copy request ready to generate.
struct CopyPlan {
  common::v1::Product product;
  v1::CopyStyle style = v1::COPY_STYLE_CONCISE;
  v1::Channel channel = v1::CHANNEL_DETAIL_PAGE;
  common::v1::Language language = common::v1::LANGUAGE_ZH;
  std::vector<std::string> highlights;
  v1::ComplianceMode compliance_mode = v1::COMPLIANCE_MODE_REWRITE;
  bool repair_facts = true;
  // Prompt tokens, sampling, max_tokens, stop, seed and n.
  GenerationRequest generation;
};

// Fills generation.sampling, max_tokens, stop and seed from `params` with the
// documented defaults (seed: `random_seed` when unset), checked against
// SamplingParams' bounds: INVALID_ARGUMENT "sampling.<field>".
absl::Status ApplySamplingParams(const v1::SamplingParams& params, uint64_t random_seed,
                                 GenerationRequest& generation);

// The requested language, or for LANGUAGE_UNSPECIFIED the locale's
// (rpc::LanguageOfLocale).
common::v1::Language LanguageOf(common::v1::Language requested, const std::string& locale);

// Validates `request` against copywriter.proto's bounds (INVALID_ARGUMENT
// naming the field: "product", "product.title", "style", "sampling.top_p",
// "n", "highlights[1]", ...; NOT_FOUND "product_id" for a product the
// catalogue lacks) and builds its plan. `random_seed` is used when the
// request sets no seed. StreamCopyRequest is wire-compatible: parse it into
// a GenerateCopyRequest first.
absl::StatusOr<CopyPlan> PlanCopy(const v1::GenerateCopyRequest& request,
                                  const ProductCatalogue& catalogue, const CopyModel& model,
                                  uint64_t random_seed);

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_SERVICE_COPY_REQUEST_H_
