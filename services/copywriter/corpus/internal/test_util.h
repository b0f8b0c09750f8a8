// Helpers shared by the corpus tests.
#ifndef AIGC_SERVICES_COPYWRITER_CORPUS_INTERNAL_TEST_UTIL_H_
#define AIGC_SERVICES_COPYWRITER_CORPUS_INTERNAL_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace aigc::copy_corpus::internal {

// Advertising-law absolute terms (a small list; the compliance component has
// the full lexicon) found in `text`, compared case-insensitively.
inline std::vector<std::string> AbsoluteTermsIn(absl::string_view text) {
  static constexpr absl::string_view kTerms[] = {
      "最",         "第一",    "顶级",     "国家级",      "100%",      "绝对",
      "唯一",       "首选",    "万能",     "极品",        "best",      "no.1",
      "number one", "perfect", "ultimate", "world-class", "guaranteed"};
  const std::string lower = absl::AsciiStrToLower(text);
  std::vector<std::string> found;
  for (const absl::string_view term : kTerms) {
    if (absl::StrContains(lower, term)) found.emplace_back(term);
  }
  return found;
}

}  // namespace aigc::copy_corpus::internal

#endif  // AIGC_SERVICES_COPYWRITER_CORPUS_INTERNAL_TEST_UTIL_H_
