#include "services/copywriter/tokenizer/internal/pretokenize.h"

#include "common/text/utf8.h"

namespace aigc::copywriter::internal {
namespace {

enum class CharClass { kCjk, kLetter, kDigit, kSpace, kOther };

bool IsCjkIdeograph(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) ||    // Extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||    // Unified Ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||    // Compatibility Ideographs
         (c >= 0x20000 && c <= 0x2EBEF) ||  // Extensions B..F, I
         (c >= 0x2F800 && c <= 0x2FA1F) ||  // Compatibility Supplement
         (c >= 0x30000 && c <= 0x323AF);    // Extensions G, H
}

bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

CharClass Classify(char32_t c) {
  if (IsAsciiLetter(c)) return CharClass::kLetter;
  if (c >= '0' && c <= '9') return CharClass::kDigit;
  if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0x3000) return CharClass::kSpace;
  if (IsCjkIdeograph(c)) return CharClass::kCjk;
  return CharClass::kOther;
}

// True when text[pos] is a space that leads the ASCII word right after it.
bool IsLeadingSpaceOfWord(absl::string_view text, size_t pos) {
  return text[pos] == ' ' && pos + 1 < text.size() && IsAsciiLetter(text[pos + 1]);
}

}  // namespace

std::vector<absl::string_view> SplitIntoChunks(absl::string_view text) {
  std::vector<absl::string_view> chunks;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    CharClass run_class;
    if (IsLeadingSpaceOfWord(text, pos)) {
      run_class = CharClass::kLetter;
      pos += 1;
    } else {
      const aigc::text::Utf8Sequence first = aigc::text::DecodeSequence({text.data(), text.size()}, pos);
      run_class = Classify(first.code_point);
      pos += first.length;
    }
    if (run_class == CharClass::kCjk || run_class == CharClass::kLetter ||
        run_class == CharClass::kSpace) {
      while (pos < text.size()) {
        // A whitespace run leaves its last space to a following ASCII word.
        if (run_class == CharClass::kSpace && IsLeadingSpaceOfWord(text, pos)) break;
        const aigc::text::Utf8Sequence next = aigc::text::DecodeSequence({text.data(), text.size()}, pos);
        if (Classify(next.code_point) != run_class) break;
        pos += next.length;
      }
    }
    chunks.push_back(text.substr(start, pos - start));
  }
  return chunks;
}

}  // namespace aigc::copywriter::internal
