#include "common/text/json_string.h"

#include "common/text/utf8.h"

namespace aigc::text {

void AppendJsonString(std::string_view value, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t pos = 0;
  while (pos < value.size()) {
    const Utf8Sequence sequence = DecodeSequence(value, pos);
    if (sequence.kind != Utf8Kind::kValid) {
      AppendUtf8(kReplacementChar, &out);
      pos += sequence.length;
      continue;
    }
    const char32_t c = sequence.code_point;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.append(value.substr(pos, sequence.length));
        }
    }
    pos += sequence.length;
  }
  out.push_back('"');
}

std::string JsonString(std::string_view value) {
  std::string out;
  AppendJsonString(value, out);
  return out;
}

}  // namespace aigc::text
