// One scan of the compliance filter over a (possibly streamed) text.
#ifndef AIGC_SERVICES_COPYWRITER_COMPLIANCE_INTERNAL_REWRITE_STAGE_H_
#define AIGC_SERVICES_COPYWRITER_COMPLIANCE_INTERNAL_REWRITE_STAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "aigc/copywriter/v1/copywriter.pb.h"
#include "services/copywriter/compliance/internal/lexicon.h"

namespace aigc::copy_compliance::internal {

// A character with the span of the original (as generated) text it stems
// from: itself for an untouched character, the whole rewritten term for the
// characters of a replacement. A term found by a later pass (e.g. formed by a
// deletion joining two halves) thus reports the original span it covers.
struct TaggedChar {
  char32_t c = 0;
  int32_t begin = 0;
  int32_t end = 0;
};

// Scans text pushed in pieces, leftmost-longest, and either rewrites each
// flagged term (replacement, or deletion) or copies it unchanged. A piece's
// tail that could still be the start of a term (TermMatcher::CouldExtend) is
// held back until more text or the end arrives, so the output is exactly what
// one scan of the whole text would give, whatever the split. Not thread-safe.
class RewriteStage {
 public:
  // `lexicon` must outlive the stage.
  RewriteStage(const Lexicon& lexicon, bool rewrite) : lexicon_(lexicon), rewrite_(rewrite) {}

  // Appends `in`; writes the characters that are decided to `out` and the
  // terms found among them to `findings` (action REWRITTEN when rewriting,
  // else FLAGGED). `end_of_text` releases everything held back. Returns
  // whether any term was found.
  bool Push(const std::vector<TaggedChar>& in, bool end_of_text, std::vector<TaggedChar>* out,
            std::vector<copywriter::v1::ComplianceFinding>* findings);

 private:
  const Lexicon& lexicon_;
  const bool rewrite_;
  std::vector<TaggedChar> pending_;
  std::u32string pending_text_;  // the characters of pending_
  char32_t before_ = 0;          // input character preceding pending_[0]
};

}  // namespace aigc::copy_compliance::internal

#endif  // AIGC_SERVICES_COPYWRITER_COMPLIANCE_INTERNAL_REWRITE_STAGE_H_
