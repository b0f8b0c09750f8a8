// Character folding for the copywriter's term matching (compliance terms,
// fact-checker surface forms), on code points (common/text/utf8.h decodes).
#ifndef AIGC_SERVICES_COPYWRITER_COMPLIANCE_CHAR_FOLD_H_
#define AIGC_SERVICES_COPYWRITER_COMPLIANCE_CHAR_FOLD_H_

namespace aigc::copy_compliance {

// Case and width folding used by every term match: ASCII upper case to lower
// case and full-width ASCII (U+FF01..U+FF5E, common in Chinese text, e.g.
// "１００％", "ＮＯ．１") to ASCII. Other characters are returned unchanged.
char32_t FoldChar(char32_t c);

// True for the characters that form English words for boundary checks:
// ASCII letters and digits, after FoldChar (so full-width ones count too).
bool IsWordChar(char32_t c);

}  // namespace aigc::copy_compliance

#endif  // AIGC_SERVICES_COPYWRITER_COMPLIANCE_CHAR_FOLD_H_
