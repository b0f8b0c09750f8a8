// Pre-tokenisation: splits text into the chunks that BPE merges stay inside.
// The rules are documented on Tokenizer in tokenizer.h.
#ifndef AIGC_SERVICES_COPYWRITER_TOKENIZER_INTERNAL_PRETOKENIZE_H_
#define AIGC_SERVICES_COPYWRITER_TOKENIZER_INTERNAL_PRETOKENIZE_H_

#include <vector>

#include "absl/strings/string_view.h"

namespace aigc::copywriter::internal {

// Returns the chunks of `text` in order; their concatenation is `text`.
// Precondition: `text` is valid UTF-8 (see FindInvalidUtf8).
std::vector<absl::string_view> SplitIntoChunks(absl::string_view text);

}  // namespace aigc::copywriter::internal

#endif  // AIGC_SERVICES_COPYWRITER_TOKENIZER_INTERNAL_PRETOKENIZE_H_
