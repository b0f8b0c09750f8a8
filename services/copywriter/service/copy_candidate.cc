#include "services/copywriter/service/copy_candidate.h"

#include <utility>

#include "absl/time/clock.h"
#include "aigc/copywriter/v1/copywriter.grpc.pb.h"
#include "common/rpc/request_context.h"

namespace aigc::copywriter {

v1::FinishReason ProtoFinishReason(FinishReason finish, const v1::ComplianceReport& compliance) {
  if (compliance.dropped()) return v1::FINISH_REASON_COMPLIANCE_DROPPED;
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

CheckedOutput CheckOutput(std::string_view generated, const copy_grounding::Facts& facts,
                          bool repair_facts, v1::ComplianceMode mode, const OutputChecks& checks) {
  copy_grounding::CheckedText grounded = checks.facts->Check(generated, facts, repair_facts);
  copy_compliance::CheckedText compliant = checks.compliance->Apply(grounded.text, mode);
  return CheckedOutput{.text = std::move(compliant.text),
                       .grounding = std::move(grounded.report),
                       .compliance = std::move(compliant.report)};
}

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
  CheckedOutput checked =
      CheckOutput(generated.text, copy_grounding::Facts::FromProduct(plan.product, plan.highlights),
                  plan.repair_facts, plan.compliance_mode, checks);
  v1::CopyCandidate candidate;
  candidate.set_text(std::move(checked.text));
  candidate.set_finish_reason(ProtoFinishReason(generated.finish, checked.compliance));
  *candidate.mutable_grounding() = std::move(checked.grounding);
  *candidate.mutable_compliance() = std::move(checked.compliance);
  candidate.set_score(generated.score);
  candidate.set_index(generated.index);
  candidate.set_seed(generated.seed);
  candidate.set_token_count(generated.token_count);
  *candidate.mutable_aigc_label() = MakeAigcLabel(plan.language, model);
  return candidate;
}

}  // namespace aigc::copywriter
