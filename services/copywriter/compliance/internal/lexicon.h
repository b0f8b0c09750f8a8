// The parsed advertising-law lexicon (format: see ad_law_lexicon.tsv and
// compliance_filter.h).
#ifndef AIGC_SERVICES_COPYWRITER_COMPLIANCE_INTERNAL_LEXICON_H_
#define AIGC_SERVICES_COPYWRITER_COMPLIANCE_INTERNAL_LEXICON_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/copywriter/compliance/term_matcher.h"

namespace aigc::copy_compliance::internal {

struct LexiconEntry {
  std::string term;
  std::u32string replacement;
  std::string rule_id;  // empty for allow-list phrases
  bool allowed = false;
};

struct Lexicon {
  std::string version;
  std::vector<LexiconEntry> entries;
  TermMatcher matcher;  // ids index `entries`
};

// Parses a lexicon file's text. INVALID_ARGUMENT "lexicon line <n>: ..." for a
// missing version line, a row without 4 tab-separated fields, an empty term,
// a malformed rule id, an unknown language, a duplicate term (after case
// folding), an allow row with a replacement, or a replacement that itself
// contains a flagged term.
absl::StatusOr<Lexicon> ParseLexicon(std::string_view text);

}  // namespace aigc::copy_compliance::internal

#endif  // AIGC_SERVICES_COPYWRITER_COMPLIANCE_INTERNAL_LEXICON_H_
