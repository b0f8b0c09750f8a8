#include "services/copywriter/service/generation_metrics.h"

#include <utility>

#include "absl/time/clock.h"

namespace aigc::copywriter {
namespace {

using prometheus::Histogram;

const Histogram::BucketBoundaries& FirstTokenBuckets() {
  static const Histogram::BucketBoundaries buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};
  return buckets;
}

const Histogram::BucketBoundaries& InterTokenBuckets() {
  static const Histogram::BucketBoundaries buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.25,  0.5};
  return buckets;
}

}  // namespace

GenerationMetrics::GenerationMetrics(prometheus::Registry& registry)
    : time_to_first_token_(prometheus::BuildHistogram()
                               .Name("aigc_generation_time_to_first_token_seconds")
                               .Help("Time from a generation request's start to its first text.")
                               .Register(registry)),
      inter_token_(prometheus::BuildHistogram()
                       .Name("aigc_generation_inter_token_seconds")
                       .Help("Time between consecutive tokens of a generated text.")
                       .Register(registry)),
      tokens_(prometheus::BuildCounter()
                  .Name("aigc_generation_tokens_total")
                  .Help("Tokens generated.")
                  .Register(registry)),
      compliance_findings_(prometheus::BuildCounter()
                               .Name("aigc_copywriter_compliance_findings_total")
                               .Help("Advertising-law terms found in generated text, by lexicon "
                                     "rule and what was done (rewritten, dropped, flagged).")
                               .Register(registry)) {}

void GenerationMetrics::CountTokens(const std::string& rpc, int tokens) {
  tokens_.Add({{"rpc", rpc}}).Increment(tokens);
}

void GenerationMetrics::CountCompliance(const v1::ComplianceReport& report) {
  for (const v1::ComplianceFinding& finding : report.findings()) {
    std::string action = v1::ComplianceAction_Name(finding.action());
    constexpr std::string_view kPrefix = "COMPLIANCE_ACTION_";
    if (action.starts_with(kPrefix)) action.erase(0, kPrefix.size());
    compliance_findings_.Add({{"rule", finding.rule_id()}, {"action", action}}).Increment();
  }
}

GenerationMetrics::RequestTimer::RequestTimer(GenerationMetrics* metrics, std::string rpc,
                                              int texts, absl::Time start)
    : metrics_(metrics),
      rpc_(std::move(rpc)),
      start_(start),
      last_(texts, absl::InfinitePast()) {}

void GenerationMetrics::RequestTimer::OnDelta(int text, int tokens) {
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  if (!first_seen_) {
    first_seen_ = true;
    metrics_->time_to_first_token_.Add({{"rpc", rpc_}}, FirstTokenBuckets())
        .Observe(absl::ToDoubleSeconds(now - start_));
  }
  if (text < 0 || text >= static_cast<int>(last_.size())) return;
  if (last_[text] != absl::InfinitePast() && tokens > 0) {
    const double per_token = absl::ToDoubleSeconds(now - last_[text]) / tokens;
    Histogram& histogram = metrics_->inter_token_.Add({{"rpc", rpc_}}, InterTokenBuckets());
    for (int i = 0; i < tokens; ++i) histogram.Observe(per_token);
  }
  last_[text] = now;
}

}  // namespace aigc::copywriter
