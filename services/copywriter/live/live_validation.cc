#include "services/copywriter/live/live_validation.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "common/text/utf8.h"
#include "common/validation/fields.h"

namespace aigc::copy_live {
namespace {

using status::InvalidField;

using validation::CountChars;
using validation::Quote;
using validation::ValidateEntryCount;
using validation::ValidateId;
using validation::ValidateLength;
using validation::ValidateMoney;
using validation::ValidateProduct;
using validation::ValidateTimestamp;

absl::Status ValidatePromotion(absl::string_view prefix, const v1::Promotion& promotion) {
  auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  AIGC_RETURN_IF_ERROR(
      ValidateLength(field("description"), promotion.description(), 1, kMaxPromotionChars));
  if (promotion.has_final_price()) {
    AIGC_RETURN_IF_ERROR(ValidateMoney(field("final_price"), promotion.final_price()));
  }
  if (promotion.has_start_time()) {
    AIGC_RETURN_IF_ERROR(ValidateTimestamp(field("start_time"), promotion.start_time()));
  }
  if (promotion.has_end_time()) {
    AIGC_RETURN_IF_ERROR(ValidateTimestamp(field("end_time"), promotion.end_time()));
    const auto& start = promotion.start_time();
    const auto& end = promotion.end_time();
    if (promotion.has_start_time() &&
        (end.seconds() < start.seconds() ||
         (end.seconds() == start.seconds() && end.nanos() < start.nanos()))) {
      return InvalidField(field("end_time"), "must not be before start_time");
    }
  }
  return absl::OkStatus();
}

bool IsTrimmedSpace(char32_t c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x00A0 || c == 0x3000;
}

}  // namespace

absl::Status ValidateRoomId(absl::string_view field, absl::string_view room_id) {
  return ValidateId(field, room_id, kMaxRoomIdChars);
}

std::string_view TrimQuestionText(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size()) {
    const text::Utf8Sequence seq = text::DecodeSequence(text, begin);
    if (seq.kind != text::Utf8Kind::kValid || !IsTrimmedSpace(seq.code_point)) break;
    begin += seq.length;
  }
  size_t end = text.size();
  while (end > begin) {
    // Step back to the start of the last character (skip continuation bytes).
    size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    const text::Utf8Sequence seq = text::DecodeSequence(text, start);
    if (seq.kind != text::Utf8Kind::kValid || start + seq.length != end ||
        !IsTrimmedSpace(seq.code_point)) {
      break;
    }
    end = start;
  }
  return text.substr(begin, end - begin);
}

absl::Status ValidateQuestion(const v1::Question& question) {
  AIGC_RETURN_IF_ERROR(
      ValidateId("question.question_id", question.question_id(), kMaxQuestionIdChars));
  AIGC_RETURN_IF_ERROR(
      ValidateLength("question.viewer_id", question.viewer_id(), 1, kMaxViewerIdChars));
  if (const size_t bad = text::FindInvalidUtf8(question.text()); bad != std::string_view::npos) {
    return InvalidField("question.text", absl::StrCat("not valid UTF-8 at byte ", bad));
  }
  const std::string_view text = TrimQuestionText(question.text());
  AIGC_RETURN_IF_ERROR(ValidateLength("question.text", absl::string_view(text.data(), text.size()),
                                      1, kMaxQuestionChars));
  if (question.has_asked_time()) {
    AIGC_RETURN_IF_ERROR(ValidateTimestamp("question.asked_time", question.asked_time()));
  }
  return absl::OkStatus();
}

absl::Status ValidateProductKnowledge(const v1::ProductKnowledge& knowledge,
                                      absl::string_view prefix) {
  auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, ".", name); };
  if (!knowledge.has_product()) return InvalidField(field("product"), "required");
  // The catalogue's Product bounds, shared with the recommender.
  AIGC_RETURN_IF_ERROR(ValidateProduct(knowledge.product(), field("product")));
  AIGC_RETURN_IF_ERROR(
      ValidateLength(field("size_fit_notes"), knowledge.size_fit_notes(), 0, kMaxNotesChars));
  AIGC_RETURN_IF_ERROR(
      ValidateLength(field("shipping_info"), knowledge.shipping_info(), 0, kMaxNotesChars));
  AIGC_RETURN_IF_ERROR(
      ValidateEntryCount(field("promotions"), knowledge.promotions_size(), kMaxPromotions));
  for (int i = 0; i < knowledge.promotions_size(); ++i) {
    AIGC_RETURN_IF_ERROR(
        ValidatePromotion(absl::StrCat(field("promotions"), "[", i, "]"), knowledge.promotions(i)));
  }
  AIGC_RETURN_IF_ERROR(
      ValidateLength(field("care_instructions"), knowledge.care_instructions(), 0, kMaxNotesChars));
  AIGC_RETURN_IF_ERROR(ValidateEntryCount(field("faqs"), knowledge.faqs_size(), kMaxFaqs));
  for (int i = 0; i < knowledge.faqs_size(); ++i) {
    const std::string faq = absl::StrCat(field("faqs"), "[", i, "]");
    AIGC_RETURN_IF_ERROR(ValidateLength(absl::StrCat(faq, ".question"),
                                        knowledge.faqs(i).question(), 1, kMaxFaqQuestionChars));
    AIGC_RETURN_IF_ERROR(ValidateLength(absl::StrCat(faq, ".answer"), knowledge.faqs(i).answer(), 1,
                                        kMaxFaqAnswerChars));
  }
  return absl::OkStatus();
}

absl::Status ValidateSessionStart(const v1::SessionStart& start) {
  AIGC_RETURN_IF_ERROR(ValidateRoomId("start.room_id", start.room_id()));
  if (start.has_product_knowledge()) {
    return ValidateProductKnowledge(start.product_knowledge(), "start.product_knowledge");
  }
  return absl::OkStatus();
}

absl::Status ValidateSwitchProduct(const v1::SwitchProduct& request) {
  switch (request.product_case()) {
    case v1::SwitchProduct::kProductId:
      if (request.product_id().empty())
        return InvalidField("switch_product.product_id", "required");
      return absl::OkStatus();
    case v1::SwitchProduct::kProductKnowledge:
      return ValidateProductKnowledge(request.product_knowledge(),
                                      "switch_product.product_knowledge");
    case v1::SwitchProduct::PRODUCT_NOT_SET:
      break;
  }
  return InvalidField("switch_product.product",
                      "exactly one of product_id, product_knowledge "
                      "must be set");
}

absl::Status CheckMessageOrder(const v1::LiveQARequest& request, bool session_started) {
  const bool is_start = request.payload_case() == v1::LiveQARequest::kStart;
  if (!session_started && !is_start) {
    return absl::FailedPreconditionError("the first LiveQA message must carry `start`");
  }
  if (session_started && is_start) {
    return absl::FailedPreconditionError("`start` is allowed in the first LiveQA message only");
  }
  return absl::OkStatus();
}

}  // namespace aigc::copy_live
