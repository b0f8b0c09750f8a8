// The token unit every copywriter evaluation metric counts in.
//
// Chinese copy has no spaces between words, and word segmentation would make
// scores depend on a segmenter, so the metrics use a fixed, segmenter-free
// rule (the usual character-level treatment of Chinese, word-level for
// English):
//
//   * a maximal run of ASCII letters and digits is one token, lower-cased
//     ("iPhone15" -> "iphone15", "100%" -> "100", "%");
//   * every other printable ASCII character (punctuation and symbols,
//     U+0021..U+007E that are not letters or digits) is a token of its own;
//   * every non-ASCII character that is not white space is a token of its own:
//     each CJK ideograph, each full-width punctuation mark ("，", "！"), each
//     emoji code point. Nothing is folded: a full-width "Ａ" stays "Ａ";
//   * white space separates tokens and is dropped: ASCII space, tab and line
//     breaks, and the Unicode spaces U+0085, U+00A0, U+1680, U+2000..U+200A,
//     U+2028, U+2029, U+202F, U+205F, U+3000 (the ideographic space). ASCII
//     control characters are dropped as well.
//
// Decoding is lenient (aigc::text::DecodeUtf8): each invalid byte becomes one
// U+FFFD token, so any input gives a well-defined token list. An emoji built
// from several code points (ZWJ sequences, skin tones, variation selectors)
// gives one token per code point.
//
// Because no token contains white space, tokens joined with a single space
// are an unambiguous n-gram key.
#ifndef AIGC_SERVICES_COPYWRITER_EVAL_METRIC_TOKENS_H_
#define AIGC_SERVICES_COPYWRITER_EVAL_METRIC_TOKENS_H_

#include <string>
#include <string_view>
#include <vector>

namespace aigc::copy_eval {

// The tokens of `text` under the rule above, in text order, each UTF-8
// encoded. Thread-safe (pure function).
std::vector<std::string> MetricTokens(std::string_view text);

}  // namespace aigc::copy_eval

#endif  // AIGC_SERVICES_COPYWRITER_EVAL_METRIC_TOKENS_H_
