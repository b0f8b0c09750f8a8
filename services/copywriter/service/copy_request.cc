#include "services/copywriter/service/copy_request.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/request_context.h"
#include "common/status/status.h"
#include "common/validation/fields.h"
#include "services/copywriter/corpus/prompt.h"
#include "services/copywriter/sampling/stop_matcher.h"

namespace aigc::copywriter {
namespace {

constexpr int kMaxHighlights = 5;
constexpr int kMaxHighlightChars = 50;

absl::StatusOr<common::v1::Product> ResolveProduct(const v1::GenerateCopyRequest& request,
                                                   const ProductCatalogue& catalogue) {
  switch (request.product_source_case()) {
    case v1::GenerateCopyRequest::kProduct: {
      // An inline product may come without an id; every other bound holds.
      common::v1::Product product = request.product();
      if (product.id().empty()) product.set_id("inline");
      AIGC_RETURN_IF_ERROR(validation::ValidateProduct(product, "product"));
      return request.product();
    }
    case v1::GenerateCopyRequest::kProductId: {
      const auto it = catalogue.find(request.product_id());
      if (it == catalogue.end()) {
        return absl::NotFoundError(
            absl::StrCat("product_id: \"", request.product_id(), "\" is not in the catalogue"));
      }
      return it->second;
    }
    default:
      return status::InvalidField("product", "set product or product_id");
  }
}

absl::Status CheckRange(const char* field, double value, double min, double max) {
  if (value >= min && value <= max) return absl::OkStatus();
  return status::InvalidField(field, absl::StrCat("must be in [", min, ", ", max, "], got ", value));
}

absl::StatusOr<SamplingConfig> SamplingOf(const v1::SamplingParams& params) {
  SamplingConfig config{.temperature = params.has_temperature() ? params.temperature()
                                                                : kDefaultTemperature,
                        .top_k = params.has_top_k() ? params.top_k() : kDefaultTopK,
                        .top_p = params.has_top_p() ? params.top_p() : kDefaultTopP,
                        .repetition_penalty = params.has_repetition_penalty()
                                                  ? params.repetition_penalty()
                                                  : kDefaultRepetitionPenalty};
  AIGC_RETURN_IF_ERROR(ValidateSamplingConfig(config));
  return config;
}

}  // namespace

absl::Status ApplySamplingParams(const v1::SamplingParams& params, uint64_t random_seed,
                                 GenerationRequest& generation) {
  AIGC_ASSIGN_OR_RETURN(generation.sampling, SamplingOf(params));
  generation.max_tokens = params.max_tokens() == 0 ? kDefaultMaxTokens : params.max_tokens();
  AIGC_RETURN_IF_ERROR(
      CheckRange("sampling.max_tokens", generation.max_tokens, 1, kMaxGeneratedTokens));
  generation.stop.assign(params.stop().begin(), params.stop().end());
  AIGC_RETURN_IF_ERROR(StopMatcher::Create(generation.stop).status());
  generation.seed = params.has_seed() ? params.seed() : random_seed;
  return absl::OkStatus();
}

common::v1::Language LanguageOf(common::v1::Language requested, const std::string& locale) {
  return requested != common::v1::LANGUAGE_UNSPECIFIED ? requested : rpc::LanguageOfLocale(locale);
}

absl::StatusOr<CopyPlan> PlanCopy(const v1::GenerateCopyRequest& request,
                                  const ProductCatalogue& catalogue, const CopyModel& model,
                                  uint64_t random_seed) {
  CopyPlan plan;
  AIGC_ASSIGN_OR_RETURN(plan.product, ResolveProduct(request, catalogue));
  if (!v1::CopyStyle_IsValid(request.style())) {
    return status::InvalidField("style", absl::StrCat("unknown value ", request.style()));
  }
  if (!v1::Channel_IsValid(request.channel())) {
    return status::InvalidField("channel", absl::StrCat("unknown value ", request.channel()));
  }
  if (!common::v1::Language_IsValid(request.language())) {
    return status::InvalidField("language", absl::StrCat("unknown value ", request.language()));
  }
  if (!v1::ComplianceMode_IsValid(request.compliance_mode())) {
    return status::InvalidField("compliance_mode",
                                absl::StrCat("unknown value ", request.compliance_mode()));
  }
  plan.style = request.style() == v1::COPY_STYLE_UNSPECIFIED ? v1::COPY_STYLE_CONCISE
                                                               : request.style();
  plan.channel = request.channel() == v1::CHANNEL_UNSPECIFIED ? v1::CHANNEL_DETAIL_PAGE
                                                              : request.channel();
  plan.language = LanguageOf(request.language(), request.metadata().locale());
  plan.compliance_mode = request.compliance_mode() == v1::COMPLIANCE_MODE_UNSPECIFIED
                             ? v1::COMPLIANCE_MODE_REWRITE
                             : request.compliance_mode();
  plan.repair_facts = !request.has_repair_facts() || request.repair_facts();

  AIGC_RETURN_IF_ERROR(validation::ValidateStringList("highlights", request.highlights(),
                                                   kMaxHighlights, 1, kMaxHighlightChars));
  plan.highlights.assign(request.highlights().begin(), request.highlights().end());

  GenerationRequest& generation = plan.generation;
  AIGC_RETURN_IF_ERROR(ApplySamplingParams(request.sampling(), random_seed, generation));
  generation.n = request.n() == 0 ? 1 : request.n();
  AIGC_RETURN_IF_ERROR(CheckRange("n", generation.n, 1, kMaxCandidates));

  const std::string prompt = copy_corpus::RenderCopyPrompt(plan.product, plan.style, plan.channel,
                                                           plan.language, plan.highlights);
  AIGC_ASSIGN_OR_RETURN(generation.prompt,
                        EncodePrompt(model.tokenizer(), model.specials(), prompt));
  const int context = model.lm().config().context_length;
  if (static_cast<int>(generation.prompt.size()) >= context) {
    return status::InvalidField(
        "product", absl::StrCat("its facts make a prompt of ", generation.prompt.size(),
                                " tokens, more than the model's context of ", context));
  }
  return plan;
}

}  // namespace aigc::copywriter
