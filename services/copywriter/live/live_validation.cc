#include "services/copywriter/live/live_validation.h"

#include <algorithm>
#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "common/text/utf8.h"
#include "services/recommender/validation/validation.h"

namespace aigc::copy_live {
namespace {

using status::InvalidField;

// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62'135'596'800;
constexpr int64_t kMaxTimestampSeconds = 253'402'300'799;

size_t CountChars(absl::string_view text) {
  return text::DecodeUtf8(std::string_view(text.data(), text.size())).size();
}

// Shows a client's value in a message, escaped and cut short.
std::string Quote(absl::string_view value) {
  constexpr size_t kMaxShown = 32;
  if (value.size() <= kMaxShown) return absl::StrCat("\"", absl::CEscape(value), "\"");
  return absl::StrCat("\"", absl::CEscape(value.substr(0, kMaxShown)), "\"...");
}

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '-';
}

// 1..max_chars characters of [A-Za-z0-9_.:-].
absl::Status ValidateId(absl::string_view field, absl::string_view id, size_t max_chars) {
  if (id.empty()) return InvalidField(field, "required");
  const std::string rule = absl::StrCat("must be 1..", max_chars, " characters of [A-Za-z0-9_.:-]");
  const auto bad = std::find_if_not(id.begin(), id.end(), IsIdChar);
  if (bad != id.end()) {
    return InvalidField(field, absl::StrCat(rule, ", got a disallowed character at offset ",
                                            bad - id.begin(), " of ", Quote(id)));
  }
  // Only ASCII passed, so bytes are characters.
  if (id.size() > max_chars) {
    return InvalidField(field, absl::StrCat(rule, ", got ", id.size(), " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateLength(absl::string_view field, absl::string_view text, size_t min_chars,
                            size_t max_chars) {
  const size_t chars = CountChars(text);
  if (chars >= min_chars && chars <= max_chars) return absl::OkStatus();
  if (chars == 0) return InvalidField(field, "required");
  return InvalidField(
      field, absl::StrCat("must be ", min_chars, "..", max_chars, " characters, got ", chars));
}

absl::Status ValidateEntryCount(absl::string_view field, int size, int max_entries) {
  if (size <= max_entries) return absl::OkStatus();
  return InvalidField(field, absl::StrCat("at most ", max_entries, " entries, got ", size));
}

absl::Status ValidateTimestamp(absl::string_view field, const google::protobuf::Timestamp& t) {
  if (t.seconds() >= kMinTimestampSeconds && t.seconds() <= kMaxTimestampSeconds &&
      t.nanos() >= 0 && t.nanos() <= 999'999'999) {
    return absl::OkStatus();
  }
  return InvalidField(field, absl::StrCat("not a valid Timestamp, got seconds=", t.seconds(),
                                          " nanos=", t.nanos()));
}

absl::Status ValidateMoney(absl::string_view field, const common::v1::Money& money) {
  if (money.amount_minor() < 0) {
    return InvalidField(absl::StrCat(field, ".amount_minor"),
                        absl::StrCat("must be >= 0, got ", money.amount_minor()));
  }
  const std::string& code = money.currency_code();
  if (code.size() != 3 ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return InvalidField(
        absl::StrCat(field, ".currency_code"),
        absl::StrCat("must be an ISO-4217 code of exactly 3 letters A-Z, got ", Quote(code)));
  }
  return absl::OkStatus();
}

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
  AIGC_RETURN_IF_ERROR(recommender::ValidateProduct(knowledge.product(), field("product")));
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
