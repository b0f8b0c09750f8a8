// A generated text made publishable: wrong facts repaired or removed (the
// fact checker, on the text as generated), then advertising-law terms
// rewritten, dropped or reported (the compliance filter, on the repaired
// text), and the result labelled as AI-generated.
#ifndef AIGC_SERVICES_COPYWRITER_SERVICE_COPY_CANDIDATE_H_
#define AIGC_SERVICES_COPYWRITER_SERVICE_COPY_CANDIDATE_H_

#include <string>
#include <string_view>

#include "aigc/copywriter/v1/copywriter.pb.h"
#include "services/copywriter/compliance/compliance_filter.h"
#include "services/copywriter/generation/generator.h"
#include "services/copywriter/grounding/fact_checker.h"
#include "services/copywriter/service/copy_request.h"

namespace aigc::copywriter {

// The checks every output passes; neither is owned.
struct OutputChecks {
  const copy_compliance::ComplianceFilter* compliance = nullptr;
  const copy_grounding::FactChecker* facts = nullptr;
};

// A text after both checks.
struct CheckedOutput {
  std::string text;
  v1::GroundingReport grounding;    // offsets in the text as generated
  v1::ComplianceReport compliance;  // offsets in the text after fact repairs
};

// Checks `generated` against `facts` (repairing when `repair_facts`), then
// applies the compliance filter in `mode` to the result.
CheckedOutput CheckOutput(std::string_view generated, const copy_grounding::Facts& facts,
                          bool repair_facts, v1::ComplianceMode mode, const OutputChecks& checks);

// The proto finish reason of a text: COMPLIANCE_DROPPED when the filter
// dropped it, else from `finish` (kCancelled counts as LENGTH: the text
// stopped early).
v1::FinishReason ProtoFinishReason(FinishReason finish, const v1::ComplianceReport& compliance);

// The candidate for `generated`. Grounding offsets refer to the text as
// generated; compliance offsets to the text after fact repairs (the same
// text when nothing was repaired). A candidate ended by kCancelled is
// reported with FINISH_REASON_LENGTH (its text stopped early).
v1::CopyCandidate MakeCopyCandidate(const GeneratedText& generated, const CopyPlan& plan,
                                    const OutputChecks& checks, const common::v1::ModelRef& model);

// The AI-generated content label (label text in `language`).
common::v1::AigcLabel MakeAigcLabel(common::v1::Language language,
                                    const common::v1::ModelRef& model);

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_SERVICE_COPY_CANDIDATE_H_
