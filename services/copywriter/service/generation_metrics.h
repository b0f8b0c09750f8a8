// The copywriter's Prometheus series (names from ../shared/DESIGN.md):
//   aigc_generation_time_to_first_token_seconds{rpc}  request start to first text
//   aigc_generation_inter_token_seconds{rpc}          gap between tokens of a text
//   aigc_generation_tokens_total{rpc}                 tokens generated
//   aigc_copywriter_compliance_findings_total{rule,action}
// `rpc` is the method name (GenerateCopy, StreamCopy, LiveQA); rule ids come
// from the lexicon (at most 32 of them), so every label set is bounded.
#ifndef AIGC_SERVICES_COPYWRITER_SERVICE_GENERATION_METRICS_H_
#define AIGC_SERVICES_COPYWRITER_SERVICE_GENERATION_METRICS_H_

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "aigc/copywriter/v1/copywriter.pb.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace aigc::copywriter {

// Thread-safe.
class GenerationMetrics {
 public:
  explicit GenerationMetrics(prometheus::Registry& registry);

  void CountTokens(const std::string& rpc, int tokens);
  void CountCompliance(const v1::ComplianceReport& report);

  // Times the texts of one request: the first delta of any text gives the
  // time to first token, later ones the gap per token.
  class RequestTimer {
   public:
    // `start`: when the request arrived (a live question's receipt may
    // precede its reply's start).
    RequestTimer(GenerationMetrics* metrics, std::string rpc, int texts,
                 absl::Time start = absl::Now());
    void OnDelta(int text, int tokens);

   private:
    GenerationMetrics* metrics_;
    const std::string rpc_;
    const absl::Time start_;
    absl::Mutex mu_;
    bool first_seen_ ABSL_GUARDED_BY(mu_) = false;
    std::vector<absl::Time> last_ ABSL_GUARDED_BY(mu_);  // per text; InfinitePast = none yet
  };

 private:
  prometheus::Family<prometheus::Histogram>& time_to_first_token_;
  prometheus::Family<prometheus::Histogram>& inter_token_;
  prometheus::Family<prometheus::Counter>& tokens_;
  prometheus::Family<prometheus::Counter>& compliance_findings_;
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_SERVICE_GENERATION_METRICS_H_
