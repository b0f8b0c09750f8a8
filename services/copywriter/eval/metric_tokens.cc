#include "services/copywriter/eval/metric_tokens.h"

#include "common/text/utf8.h"

namespace aigc::copy_eval {
namespace {

bool IsAsciiAlnum(char32_t c) {
  return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}

char AsciiLower(char32_t c) {
  return static_cast<char>(c >= U'A' && c <= U'Z' ? c - U'A' + U'a' : c);
}

// Separators: ASCII white space and control characters, and the Unicode
// White_Space characters outside ASCII.
bool IsSeparator(char32_t c) {
  if (c <= 0x20 || c == 0x7F) return true;
  switch (c) {
    case 0x0085:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

}  // namespace

std::vector<std::string> MetricTokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string word;  // The ASCII letter/digit run being collected.
  auto flush_word = [&] {
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
  };
  for (char32_t c : text::DecodeUtf8(text)) {
    if (IsAsciiAlnum(c)) {
      word.push_back(AsciiLower(c));
      continue;
    }
    flush_word();
    if (IsSeparator(c)) continue;
    std::string token;
    text::AppendUtf8(c, &token);
    tokens.push_back(std::move(token));
  }
  flush_word();
  return tokens;
}

}  // namespace aigc::copy_eval
