#include "common/text/utf8.h"

#include <cstdint>

namespace aigc::text {
namespace {

// Allowed range of the second byte for each lead byte (RFC 3629, table 3-7 of
// the Unicode standard); this single check rules out overlongs, surrogates and
// values above U+10FFFF.
struct LeadInfo {
  int length;
  uint8_t second_min;
  uint8_t second_max;
};

LeadInfo InfoForLead(uint8_t lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};  // Continuation byte, C0/C1 or F5..FF: never a lead.
}

}  // namespace

Utf8Sequence DecodeSequence(std::string_view text, size_t pos) {
  const auto lead = static_cast<uint8_t>(text[pos]);
  if (lead < 0x80) return {Utf8Kind::kValid, 1, lead};
  const LeadInfo info = InfoForLead(lead);
  if (info.length == 0) return {Utf8Kind::kInvalid, 1, 0};
  char32_t code_point = lead & (0xFF >> (info.length + 1));
  for (int i = 1; i < info.length; ++i) {
    if (pos + i >= text.size()) return {Utf8Kind::kIncomplete, i, 0};
    const auto byte = static_cast<uint8_t>(text[pos + i]);
    const uint8_t min = i == 1 ? info.second_min : 0x80;
    const uint8_t max = i == 1 ? info.second_max : 0xBF;
    if (byte < min || byte > max) return {Utf8Kind::kInvalid, 1, 0};
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  return {Utf8Kind::kValid, info.length, code_point};
}

size_t FindInvalidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const Utf8Sequence sequence = DecodeSequence(text, pos);
    if (sequence.kind != Utf8Kind::kValid) return pos;
    pos += sequence.length;
  }
  return std::string_view::npos;
}

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  const size_t consumed = DecodeUtf8Prefix(text, &out);
  // A truncated sequence at the very end is invalid: one U+FFFD per byte.
  out.append(text.size() - consumed, kReplacementChar);
  return out;
}

size_t DecodeUtf8Prefix(std::string_view bytes, std::u32string* out) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    const Utf8Sequence sequence = DecodeSequence(bytes, pos);
    if (sequence.kind == Utf8Kind::kIncomplete) break;
    out->push_back(sequence.kind == Utf8Kind::kValid ? sequence.code_point : kReplacementChar);
    pos += sequence.length;
  }
  return pos;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = kReplacementChar;
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char32_t c : text) AppendUtf8(c, &out);
  return out;
}

}  // namespace aigc::text
