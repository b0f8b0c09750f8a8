// Template-based live Q&A pairs: the question/reply examples of the corpus.
//
// Questions are colloquial live-room paraphrases ("多少钱呀", "宝宝160穿什么码",
// "有没有券", "how much?") per intent; replies are short (at most
// kMaxReplyChars characters) and state only the knowledge's facts, spelled as
// facts.h says (promotion wording and fit/shipping/care notes through the
// catalogue vocabulary). When the knowledge lacks the fact an intent needs,
// and for complaints and other questions, the reply is a polite hand-off to
// the host.
#ifndef AIGC_SERVICES_COPYWRITER_CORPUS_QA_COMPOSER_H_
#define AIGC_SERVICES_COPYWRITER_CORPUS_QA_COMPOSER_H_

#include <span>
#include <string>

#include "aigc/common/v1/common.pb.h"
#include "aigc/copywriter/v1/copywriter.pb.h"
#include "common/catalog/random.h"

namespace aigc::copy_corpus {

inline constexpr int kMaxReplyChars = 80;

// The ten classified intents, INTENT_PRICE..INTENT_OTHER.
std::span<const copywriter::v1::Intent> AllIntents();

struct QaPair {
  copywriter::v1::Intent intent = copywriter::v1::INTENT_UNSPECIFIED;
  std::string question;
  std::string reply;
  // True when the reply hands the question to the host (complaints, other
  // questions, facts missing from the knowledge).
  bool hand_off = false;
};

// A question of `intent` about knowledge.product() and its grounded reply, in
// `language` (LANGUAGE_EN English, otherwise Chinese). INTENT_UNSPECIFIED is
// treated as INTENT_OTHER. Draws its choices from `rng`.
QaPair ComposeQa(const copywriter::v1::ProductKnowledge& knowledge, copywriter::v1::Intent intent,
                 common::v1::Language language, catalog::Rng& rng);

// Whether the reply to a question of `intent` about `knowledge` states facts
// of the knowledge: false when the fact the intent needs is missing (no
// shipping_info for SHIPPING, no stock count for STOCK, ...) and for COMPLAINT
// and OTHER, whose replies hand the question to the host. ComposeQa's
// hand_off follows the same rule; INTENT_UNSPECIFIED counts as OTHER.
bool KnowledgeAnswers(const copywriter::v1::ProductKnowledge& knowledge,
                      copywriter::v1::Intent intent);

// The holding message of a question handed to the host, in `language`
// (LANGUAGE_EN English, otherwise Chinese): the corpus's first hand-off
// phrasing, e.g. "这个问题稍等，主播马上为您解答".
std::string HandOffReply(common::v1::Language language);

}  // namespace aigc::copy_corpus

#endif  // AIGC_SERVICES_COPYWRITER_CORPUS_QA_COMPOSER_H_
