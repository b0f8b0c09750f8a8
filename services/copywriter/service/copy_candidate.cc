#include "services/copywriter/service/copy_candidate.h"

#include "absl/time/clock.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/rpc/request_context.h"

namespace aigc::copywriter {
namespace {

v1::FinishReason FinishReasonOf(FinishReason finish) {
  switch (finish) {
    case FinishReason::kEnd:
      return v1::FINISH_REASON_STOP;
    case FinishReason::kStopSequence:
      return v1::FINISH_REASON_STOP_SEQUENCE;
    case FinishReason::kLength:
    case FinishReason::kCancelled:
      break;
  }
  return v1::FINISH_REASON_LENGTH;
}

}  // namespace

common::v1::AigcLabel MakeAigcLabel(common::v1::Language language,
                                    const common::v1::ModelRef& model) {
  common::v1::AigcLabel label;
  label.set_ai_generated(true);
  label.set_label_text(language == common::v1::LANGUAGE_EN ? "AI-generated" : "AI生成");
  label.set_generator(v1::CopywriterService::service_full_name());
  *label.mutable_model() = model;
  label.set_content_id(rpc::GenerateRequestId());
  label.mutable_created_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  return label;
}

v1::CopyCandidate MakeCopyCandidate(const GeneratedText& generated, const CopyPlan& plan,
                                    const OutputChecks& checks, const common::v1::ModelRef& model) {
  v1::CopyCandidate candidate;
  copy_grounding::CheckedText grounded = checks.facts->Check(
      generated.text, copy_grounding::Facts::FromProduct(plan.product, plan.highlights),
      plan.repair_facts);
  copy_compliance::CheckedText compliant =
      checks.compliance->Apply(grounded.text, plan.compliance_mode);
  candidate.set_text(std::move(compliant.text));
  *candidate.mutable_grounding() = std::move(grounded.report);
  *candidate.mutable_compliance() = std::move(compliant.report);
  candidate.set_finish_reason(candidate.compliance().dropped() ? v1::FINISH_REASON_COMPLIANCE_DROPPED
                                                               : FinishReasonOf(generated.finish));
  candidate.set_score(generated.score);
  candidate.set_index(generated.index);
  candidate.set_seed(generated.seed);
  candidate.set_token_count(generated.token_count);
  *candidate.mutable_aigc_label() = MakeAigcLabel(plan.language, model);
  return candidate;
}

}  // namespace aigc::copywriter
