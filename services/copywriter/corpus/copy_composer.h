// Template-based copy: the completions of the copy corpus.
//
// A text is composed sentence by sentence; every sentence slot (opening,
// material, features, colours, sizes, season, price, selling point, closing,
// e-mail greeting and subject) has many phrasings per style and language, and
// each placeholder is filled with a fact spelled as facts.h says. A phrasing
// whose placeholders the product does not state is never chosen, so unstated
// facts are never mentioned, and no phrasing contains an advertising-law
// absolute term (最, 第一, 顶级, best, perfect, ...).
#ifndef AIGC_SERVICES_COPYWRITER_CORPUS_COPY_COMPOSER_H_
#define AIGC_SERVICES_COPYWRITER_CORPUS_COPY_COMPOSER_H_

#include <span>
#include <string>
#include <string_view>

#include "aigc/common/v1/common.pb.h"
#include "aigc/copywriter/v1/copywriter.pb.h"
#include "common/catalog/random.h"

namespace aigc::copy_corpus {

// Length bounds in characters (code points) per channel; sentences are
// dropped, least important first (closing, selling point, season, features),
// until the text fits.
inline constexpr int kDetailPageMaxChars = 300;
inline constexpr int kSocialPostMaxChars = 140;
inline constexpr int kSeoTitleMaxChars = 60;
inline constexpr int kEmailBodyMaxChars = 400;

// One copy text for `product`. Formats: DETAIL_PAGE a paragraph; SOCIAL_POST
// a short text ending with hashtags from the product's tags and noun;
// SEO_TITLE one line of space-separated keywords; EMAIL a subject line, a
// blank line, then the body. UNSPECIFIED style/channel mean CONCISE /
// DETAIL_PAGE, LANGUAGE_UNSPECIFIED Chinese. `highlights` are stated verbatim
// in a selling-point sentence (when it fits). Draws its choices from `rng`.
std::string ComposeCopy(const common::v1::Product& product, copywriter::v1::CopyStyle style,
                        copywriter::v1::Channel channel, common::v1::Language language,
                        std::span<const std::string> highlights, catalog::Rng& rng);

// Number of Unicode code points of UTF-8 `text`.
int CodePoints(std::string_view text);

}  // namespace aigc::copy_corpus

#endif  // AIGC_SERVICES_COPYWRITER_CORPUS_COPY_COMPOSER_H_
