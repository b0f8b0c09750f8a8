#include "services/copywriter/compliance/char_fold.h"

namespace aigc::copy_compliance {

char32_t FoldChar(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  return c;
}

bool IsWordChar(char32_t c) {
  c = FoldChar(c);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace aigc::copy_compliance
