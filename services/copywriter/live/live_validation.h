// Validation of LiveQA client messages and room knowledge: pure functions
// that check exactly the bounds copywriter.proto states. A rejected value
// gives the suite's INVALID_ARGUMENT "<field path>: <problem>" with the path
// the client sees ("question.text", "start.product_knowledge.faqs[2].answer",
// "products[3].product.price.currency_code").
//
// Checks that need a room's state (an unknown product => NOT_FOUND, a room
// without current product) are RoomRegistry's; a question id used twice in a
// session (ALREADY_EXISTS) and SessionStart.sampling (the sampling
// component's ValidateSamplingConfig) are the session's.
//
// "Characters" are Unicode code points. Every function is stateless and
// thread-safe.
#ifndef AIGC_SERVICES_COPYWRITER_LIVE_LIVE_VALIDATION_H_
#define AIGC_SERVICES_COPYWRITER_LIVE_LIVE_VALIDATION_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "aigc/copywriter/v1/copywriter.pb.h"

namespace aigc::copy_live {

namespace v1 = ::aigc::copywriter::v1;

inline constexpr int kMaxRoomIdChars = 128;
inline constexpr int kMaxQuestionIdChars = 64;
inline constexpr int kMaxViewerIdChars = 64;
inline constexpr int kMaxQuestionChars = 500;
inline constexpr int kMaxProductsPerRoom = 200;
inline constexpr int kMaxNotesChars = 500;  // size_fit_notes, shipping_info, care_instructions
inline constexpr int kMaxPromotions = 10;
inline constexpr int kMaxPromotionChars = 200;
inline constexpr int kMaxFaqs = 50;
inline constexpr int kMaxFaqQuestionChars = 500;
inline constexpr int kMaxFaqAnswerChars = 1000;

// OK iff `room_id` is 1..128 characters of [A-Za-z0-9_.:-]; otherwise
// INVALID_ARGUMENT naming `field` ("<field>: required" when empty).
absl::Status ValidateRoomId(absl::string_view field, absl::string_view room_id);

// `text` without leading and trailing whitespace (ASCII whitespace, U+00A0
// and the ideographic space U+3000, which Chinese input methods produce).
std::string_view TrimQuestionText(std::string_view text);

// OK iff the question may be answered: question_id 1..64 characters of
// [A-Za-z0-9_.:-] ("question.question_id"); viewer_id 1..64 characters
// ("question.viewer_id"); text valid UTF-8 and 1..500 characters after
// TrimQuestionText ("question.text"); asked_time, when set, a valid
// Timestamp ("question.asked_time"). Checked in that order.
absl::Status ValidateQuestion(const v1::Question& question);

// OK iff `knowledge` obeys ProductKnowledge's bounds: product set with an id
// and every aigc.common.v1.Product bound; size_fit_notes, shipping_info and
// care_instructions at most 500 characters; 0..10 promotions, each with a
// description of 1..200 characters, a valid final_price (amount >= 0,
// 3-letter code) when set, valid start/end Timestamps when set and end_time
// not before start_time; 0..50 FAQs with a question of 1..500 and an answer
// of 1..1000 characters. Fields are named "<prefix>.<field>", e.g.
// "products[2].promotions[0].description", "start.product_knowledge.product.id".
absl::Status ValidateProductKnowledge(const v1::ProductKnowledge& knowledge,
                                      absl::string_view prefix);

// OK iff `start` is well-formed: room_id valid ("start.room_id") and inline
// product_knowledge, when set, valid ("start.product_knowledge.<field>").
// Whether the room has a product to answer about is RoomRegistry's check.
absl::Status ValidateSessionStart(const v1::SessionStart& start);

// OK iff exactly one of product_id / product_knowledge is set
// ("switch_product.product") and the inline knowledge is valid
// ("switch_product.product_knowledge.<field>"). A product_id's existence is
// RoomRegistry's check (NOT_FOUND).
absl::Status ValidateSwitchProduct(const v1::SwitchProduct& request);

// Checks the stream's order rule for the next client message: the first
// message must carry `start`, and only the first. FAILED_PRECONDITION
// otherwise, as the LiveQA contract says (the stream then ends). A later
// message with no payload is a keep-alive and OK.
absl::Status CheckMessageOrder(const v1::LiveQARequest& request, bool session_started);

}  // namespace aigc::copy_live

#endif  // AIGC_SERVICES_COPYWRITER_LIVE_LIVE_VALIDATION_H_
