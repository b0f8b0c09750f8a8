// UTF-8 decoding and encoding, the one implementation the copywriter's
// tokenizer, compliance filter and fact checker share.
//
// Two ways to read bytes: DecodeSequence and FindInvalidUtf8 are strict
// (RFC 3629: no overlong forms, surrogates, values above U+10FFFF or stray
// continuation bytes) for validating input; DecodeUtf8 and DecodeUtf8Prefix
// are lenient for text that is only inspected: each offending byte becomes
// U+FFFD, so every input has a well-defined character count.
#ifndef AIGC_COMMON_TEXT_UTF8_H_
#define AIGC_COMMON_TEXT_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace aigc::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

enum class Utf8Kind {
  kValid,       // A complete, well-formed sequence.
  kIncomplete,  // The text ends inside a sequence that could still become valid.
  kInvalid,     // No continuation can make the bytes at `pos` valid.
};

struct Utf8Sequence {
  Utf8Kind kind;
  // Bytes the sequence occupies: its full length when kValid; the bytes present
  // when kIncomplete; 1 when kInvalid (resynchronise on the next byte).
  int length;
  // The code point when kValid, otherwise 0.
  char32_t code_point;
};

// Decodes the sequence starting at text[pos] (pos < text.size()).
Utf8Sequence DecodeSequence(std::string_view text, size_t pos);

// The byte offset of the first ill-formed or truncated sequence, or
// std::string_view::npos when `text` is valid UTF-8.
size_t FindInvalidUtf8(std::string_view text);

// The code points of `text`; invalid or truncated bytes give U+FFFD each.
std::u32string DecodeUtf8(std::string_view text);

// Decodes the longest prefix of `bytes` that does not end inside a possibly
// valid but incomplete sequence, appends its code points to `out`, and
// returns the number of bytes consumed. For streamed deltas, which may cut a
// character in two: the unconsumed tail (at most 3 bytes) waits for the next
// delta.
size_t DecodeUtf8Prefix(std::string_view bytes, std::u32string* out);

// Appends the UTF-8 encoding of `c` (U+FFFD for a surrogate or a value above
// U+10FFFF) to `out`.
void AppendUtf8(char32_t c, std::string* out);

// The UTF-8 encoding of `text`.
std::string EncodeUtf8(std::u32string_view text);

}  // namespace aigc::text

#endif  // AIGC_COMMON_TEXT_UTF8_H_
