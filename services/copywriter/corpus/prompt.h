// Prompt rendering: the ONE place that turns a request into the text the
// language model is conditioned on. The corpus builder (training) and the
// copywriter service (serving) both call these functions, so the model sees
// the same format in both.
//
// Format: compact, deterministic, line-oriented "key:value" fields separated
// by one space, lines separated by "\n", no trailing newline. Keys are in the
// prompt's language (Chinese keys for LANGUAGE_ZH, English keys for
// LANGUAGE_EN), which is how the model knows the language to answer in.
// Facts are spelled as facts.h says. A fact the product does not state is
// omitted with its key (never "材质:" with an empty value). Lists are joined
// with "/". Example (zh copy):
//
//   任务:文案 风格:活泼 渠道:社交媒体
//   品类:连衣裙 品牌:织屿 材质:雪纺 颜色:米白/黑色 尺码:S/M/L 季节:夏季 价格:199元
//   特点:V领/中长款/碎花 标签:法式/复古
//   卖点:垂坠感
//
// Stock is not part of copy prompts (copy does not talk about stock); it is
// part of Q&A prompts. Q&A prompts carry the knowledge a reply may use (price,
// promotions with final prices, sizes and fit notes, material, colours, stock,
// shipping, care) and end with the question; FAQs and the description are
// left out to keep prompts short (the model context is 256 tokens).
#ifndef AIGC_SERVICES_COPYWRITER_CORPUS_PROMPT_H_
#define AIGC_SERVICES_COPYWRITER_CORPUS_PROMPT_H_

#include <span>
#include <string>
#include <string_view>

#include "aigc/common/v1/common.pb.h"
#include "aigc/copywriter/v1/copywriter.pb.h"

namespace aigc::copy_corpus {

// Name of a style/channel/intent in `language` ("活泼"/"lively",
// "社交媒体"/"social", "价格"/"price"); "" for UNSPECIFIED or unknown values.
std::string StyleName(copywriter::v1::CopyStyle style, common::v1::Language language);
std::string ChannelName(copywriter::v1::Channel channel, common::v1::Language language);

// Prompt of a copy request. `highlights` are the caller's selling points,
// rendered verbatim and joined with "/"; empty ones are skipped. UNSPECIFIED
// style/channel are rendered as their defaults (CONCISE, DETAIL_PAGE);
// LANGUAGE_UNSPECIFIED as Chinese.
std::string RenderCopyPrompt(const common::v1::Product& product, copywriter::v1::CopyStyle style,
                             copywriter::v1::Channel channel, common::v1::Language language,
                             std::span<const std::string> highlights);

// Prompt of a live Q&A question about `knowledge` (the question's text is
// rendered as given, on the last line).
std::string RenderQaPrompt(const copywriter::v1::ProductKnowledge& knowledge,
                           std::string_view question, common::v1::Language language);

}  // namespace aigc::copy_corpus

#endif  // AIGC_SERVICES_COPYWRITER_CORPUS_PROMPT_H_
