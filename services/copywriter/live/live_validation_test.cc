#include "services/copywriter/live/live_validation.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_live {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::Question MakeQuestion(const std::string& id, const std::string& viewer,
                          const std::string& text) {
  v1::Question question;
  question.set_question_id(id);
  question.set_viewer_id(viewer);
  question.set_text(text);
  return question;
}

v1::ProductKnowledge ValidKnowledge() {
  v1::ProductKnowledge knowledge;
  knowledge.mutable_product()->set_id("sku-1");
  knowledge.mutable_product()->set_title("连衣裙");
  return knowledge;
}

TEST(ValidateQuestionTest, AcceptsAWellFormedQuestion) {
  EXPECT_TRUE(ValidateQuestion(MakeQuestion("q-1", "viewer:7", "这件多少钱？")).ok());
  // 500 characters of 3 bytes each after trimming is still within bounds.
  std::string longest;
  for (int i = 0; i < 500; ++i) longest += "钱";
  EXPECT_TRUE(ValidateQuestion(MakeQuestion("q-1", "v", "\u3000 " + longest + " \n")).ok());
}

TEST(ValidateQuestionTest, NamesTheFirstBadField) {
  struct Case {
    v1::Question question;
    std::string message_start;
  };
  std::string too_long;
  for (int i = 0; i < 501; ++i) too_long += "钱";
  const std::vector<Case> cases = {
      {MakeQuestion("", "v", "hi"), "question.question_id: required"},
      {MakeQuestion("q 1", "v", "hi"), "question.question_id: must be 1..64 characters"},
      {MakeQuestion(std::string(65, 'q'), "v", "hi"), "question.question_id: must be 1..64"},
      {MakeQuestion("q1", "", "hi"), "question.viewer_id: required"},
      {MakeQuestion("q1", "v", " \t\u3000"), "question.text: required"},
      {MakeQuestion("q1", "v", too_long), "question.text: must be 1..500 characters, got 501"},
      {MakeQuestion("q1", "v", "ab\xff"), "question.text: not valid UTF-8 at byte 2"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ValidateQuestion(c.question);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message_start;
    EXPECT_THAT(std::string(status.message()), StartsWith(c.message_start));
  }
}

TEST(TrimQuestionTextTest, TrimsAsciiAndIdeographicSpaceOnly) {
  EXPECT_EQ(TrimQuestionText("\u3000 多少钱 \u00a0\n"), "多少钱");
  EXPECT_EQ(TrimQuestionText("多 少"), "多 少");
  EXPECT_EQ(TrimQuestionText("   "), "");
  EXPECT_EQ(TrimQuestionText("钱\xe4"), "钱\xe4");  // a truncated character is kept
}

TEST(ValidateRoomIdTest, AcceptsThePatternAndRejectsOthers) {
  EXPECT_TRUE(ValidateRoomId("room_id", "Room_1.a:b-c").ok());
  EXPECT_EQ(ValidateRoomId("start.room_id", "").message(), "start.room_id: required");
  EXPECT_THAT(std::string(ValidateRoomId("room_id", "直播间").message()), HasSubstr("offset 0"));
  EXPECT_FALSE(ValidateRoomId("room_id", std::string(129, 'r')).ok());
  EXPECT_TRUE(ValidateRoomId("room_id", std::string(128, 'r')).ok());
}

TEST(ValidateProductKnowledgeTest, NamesFieldsUnderThePrefix) {
  EXPECT_TRUE(ValidateProductKnowledge(ValidKnowledge(), "p").ok());
  struct Case {
    std::string name;
    v1::ProductKnowledge knowledge;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({"no product", v1::ProductKnowledge(), "p.product: required"});
  cases.push_back({"no id", ValidKnowledge(), "p.product.id: required"});
  cases.back().knowledge.mutable_product()->clear_id();
  cases.push_back({"notes", ValidKnowledge(), "p.shipping_info: must be at most 500 characters"});
  cases.back().knowledge.set_shipping_info(std::string(501, 'x'));
  cases.push_back({"promotions", ValidKnowledge(), "p.promotions: at most 10 entries, got 11"});
  for (int i = 0; i < 11; ++i) cases.back().knowledge.add_promotions()->set_description("满减");
  cases.push_back({"final price", ValidKnowledge(), "p.promotions[0].final_price.amount_minor:"});
  auto* promotion = cases.back().knowledge.add_promotions();
  promotion->set_description("第二件半价");
  promotion->mutable_final_price()->set_amount_minor(-1);
  promotion->mutable_final_price()->set_currency_code("CNY");
  cases.push_back({"end before start", ValidKnowledge(), "p.promotions[0].end_time:"});
  promotion = cases.back().knowledge.add_promotions();
  promotion->set_description("满299减30");
  promotion->mutable_start_time()->set_seconds(200);
  promotion->mutable_end_time()->set_seconds(100);
  cases.push_back({"faq question", ValidKnowledge(), "p.faqs[0].question: required"});
  cases.back().knowledge.add_faqs()->set_answer("可以");
  for (const Case& c : cases) {
    const absl::Status status = ValidateProductKnowledge(c.knowledge, "p");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(std::string(status.message()), StartsWith(c.field)) << c.name;
  }
}

TEST(ValidateSessionStartTest, ChecksRoomIdAndInlineKnowledge) {
  v1::SessionStart start;
  EXPECT_EQ(ValidateSessionStart(start).message(), "start.room_id: required");
  start.set_room_id("room-1");
  EXPECT_TRUE(ValidateSessionStart(start).ok());
  start.mutable_product_knowledge()->mutable_product()->set_id("sku-1");
  EXPECT_THAT(std::string(ValidateSessionStart(start).message()),
              StartsWith("start.product_knowledge.product.title: required"));
}

TEST(ValidateSwitchProductTest, NeedsExactlyOneProduct) {
  EXPECT_THAT(std::string(ValidateSwitchProduct(v1::SwitchProduct()).message()),
              StartsWith("switch_product.product: exactly one"));
  v1::SwitchProduct by_id;
  by_id.set_product_id("");
  EXPECT_EQ(ValidateSwitchProduct(by_id).message(), "switch_product.product_id: required");
  by_id.set_product_id("sku-1");
  EXPECT_TRUE(ValidateSwitchProduct(by_id).ok());
  v1::SwitchProduct inline_knowledge;
  *inline_knowledge.mutable_product_knowledge() = ValidKnowledge();
  EXPECT_TRUE(ValidateSwitchProduct(inline_knowledge).ok());
}

TEST(CheckMessageOrderTest, StartComesFirstAndOnlyFirst) {
  v1::LiveQARequest start;
  start.mutable_start()->set_room_id("room-1");
  v1::LiveQARequest question;
  question.mutable_question()->set_text("hi");
  const v1::LiveQARequest keep_alive;
  EXPECT_TRUE(CheckMessageOrder(start, /*session_started=*/false).ok());
  EXPECT_EQ(CheckMessageOrder(question, false).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckMessageOrder(keep_alive, false).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckMessageOrder(start, true).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckMessageOrder(question, true).ok());
  EXPECT_TRUE(CheckMessageOrder(keep_alive, true).ok());
}

}  // namespace
}  // namespace aigc::copy_live
