#include "services/copywriter/live/coalescer.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/text/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_live {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Normalized(std::string_view text) { return text::EncodeUtf8(NormalizeQuestion(text)); }

absl::Status Allow() { return absl::OkStatus(); }

TEST(NormalizeQuestionTest, StripsPunctuationSpacesAndEmojiAndFoldsWidthAndCase) {
  EXPECT_EQ(Normalized("Ｍ码 还有吗？？😊"), "m码还有吗");
  EXPECT_EQ(Normalized("  多少钱!!! "), "多少钱");
  EXPECT_EQ(Normalized("主播，好～❤️👍🏻"), "主播好");
  EXPECT_EQ(Normalized("Is it COTTON?"), "isitcotton");
  EXPECT_EQ(Normalized("😊😊"), "");
}

TEST(BigramJaccardTest, CountsSharedAdjacentPairs) {
  // {这件 件多 多少 少钱} vs the same plus {钱啊}: 4 / 5.
  EXPECT_DOUBLE_EQ(BigramJaccard(U"这件多少钱", U"这件多少钱啊"), 0.8);
  // {有m m码 码吗} vs {有l l码 码吗}: 1 / 5.
  EXPECT_DOUBLE_EQ(BigramJaccard(U"有m码吗", U"有l码吗"), 0.2);
  EXPECT_DOUBLE_EQ(BigramJaccard(U"好", U"好"), 1.0);
  EXPECT_DOUBLE_EQ(BigramJaccard(U"好", U"在"), 0.0);
}

class QuestionCoalescerTest : public ::testing::Test {
 protected:
  std::unique_ptr<QuestionCoalescer> Make(CoalescerOptions options = {}) {
    options.clock = [this] { return now_; };
    auto coalescer = QuestionCoalescer::Create(std::move(options));
    EXPECT_TRUE(coalescer.ok()) << coalescer.status();
    return *std::move(coalescer);
  }

  absl::Time now_ = absl::FromUnixSeconds(1000);
};

TEST_F(QuestionCoalescerTest, NearIdenticalQuestionJoinsTheWaitingReply) {
  auto coalescer = Make();
  auto first = coalescer->Admit("q1", "这件多少钱？", Allow);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->joined);
  EXPECT_EQ(first->reply_question_id, "q1");
  now_ += absl::Seconds(1);
  auto second = coalescer->Admit("q2", "这件多少钱啊", Allow);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->joined);
  EXPECT_EQ(second->reply_question_id, "q1");
  auto different = coalescer->Admit("q3", "有M码吗", Allow);
  ASSERT_TRUE(different.ok());
  EXPECT_FALSE(different->joined);

  auto group = coalescer->TakeOldest();
  ASSERT_TRUE(group.has_value());
  EXPECT_EQ(group->question_id, "q1");
  EXPECT_THAT(group->coalesced_question_ids, ElementsAre("q2"));
  EXPECT_EQ(group->first_asked, absl::FromUnixSeconds(1000));
}

TEST_F(QuestionCoalescerTest, QuestionAfterTheWindowOrAfterTheReplyStartedGetsItsOwnReply) {
  auto coalescer = Make();
  ASSERT_TRUE(coalescer->Admit("q1", "多少钱", Allow).ok());
  now_ += absl::Seconds(2);  // exactly the window: too late
  auto late = coalescer->Admit("q2", "多少钱", Allow);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->joined);

  ASSERT_EQ(coalescer->TakeOldest()->question_id, "q1");
  ASSERT_EQ(coalescer->TakeOldest()->question_id, "q2");
  auto after_start = coalescer->Admit("q3", "多少钱", Allow);
  ASSERT_TRUE(after_start.ok());
  // q1 is out of its window, q2's reply started: a new reply.
  EXPECT_FALSE(after_start->joined);
}

TEST_F(QuestionCoalescerTest, JoinsTheMostSimilarGroup) {
  auto coalescer = Make({.similarity_threshold = 0.4});
  // {ab bc cd de} vs {cd de ef fg}: 2 / 6, two groups.
  ASSERT_FALSE(coalescer->Admit("q1", "abcde", Allow)->joined);
  ASSERT_FALSE(coalescer->Admit("q2", "cdefg", Allow)->joined);
  // {bc cd de ef fg}: 3 / 6 with q1, 4 / 5 with q2.
  auto third = coalescer->Admit("q3", "bcdefg", Allow);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->joined);
  EXPECT_EQ(third->reply_question_id, "q2");
}

TEST_F(QuestionCoalescerTest, EmojiOnlyQuestionsNeverJoin) {
  auto coalescer = Make();
  ASSERT_TRUE(coalescer->Admit("q1", "👍", Allow).ok());
  auto second = coalescer->Admit("q2", "👍", Allow);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->joined);
}

TEST_F(QuestionCoalescerTest, RefusedNewReplyHoldsNothingButJoiningNeedsNoPermission) {
  auto coalescer = Make();
  auto refuse = [] { return absl::ResourceExhaustedError("room rate limit"); };
  auto refused = coalescer->Admit("q1", "多少钱", refuse);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(coalescer->TakeOldest().has_value());

  ASSERT_TRUE(coalescer->Admit("q2", "多少钱", Allow).ok());
  auto joined = coalescer->Admit("q3", "多少钱?", refuse);
  ASSERT_TRUE(joined.ok());
  EXPECT_TRUE(joined->joined);
}

TEST_F(QuestionCoalescerTest, GroupsAreTakenOldestFirst) {
  auto coalescer = Make();
  ASSERT_TRUE(coalescer->Admit("q1", "多少钱", Allow).ok());
  now_ += absl::Seconds(1);
  ASSERT_TRUE(coalescer->Admit("q2", "包邮吗", Allow).ok());
  ASSERT_TRUE(coalescer->Admit("q3", "多少钱？", Allow).ok());
  auto all = coalescer->TakeAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].question_id, "q1");
  EXPECT_THAT(all[0].coalesced_question_ids, ElementsAre("q3"));
  EXPECT_EQ(all[1].question_id, "q2");
  EXPECT_THAT(all[1].coalesced_question_ids, IsEmpty());
  EXPECT_FALSE(coalescer->TakeOldest().has_value());
}

TEST_F(QuestionCoalescerTest, WithoutMergingEveryQuestionGetsItsOwnReply) {
  auto coalescer = Make({.merge_similar = false});
  ASSERT_TRUE(coalescer->Admit("q1", "多少钱", Allow).ok());
  auto same = coalescer->Admit("q2", "多少钱", Allow);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(same->joined);
  EXPECT_EQ(coalescer->TakeOldest()->question_id, "q1");
  EXPECT_EQ(coalescer->TakeOldest()->question_id, "q2");
}

TEST_F(QuestionCoalescerTest, HeldQuestionsAreBounded) {
  auto coalescer = Make({.max_pending_questions = 2});
  ASSERT_TRUE(coalescer->Admit("q1", "多少钱", Allow).ok());
  ASSERT_TRUE(coalescer->Admit("q2", "多少钱", Allow).ok());
  EXPECT_EQ(coalescer->Admit("q3", "包邮吗", Allow).status().code(),
            absl::StatusCode::kResourceExhausted);
  ASSERT_EQ(coalescer->TakeOldest()->question_id, "q1");  // frees q1 and its member q2
  EXPECT_TRUE(coalescer->Admit("q3", "包邮吗", Allow).ok());
}

TEST(QuestionCoalescerOptionsTest, RejectsOutOfRangeOptions) {
  EXPECT_EQ(QuestionCoalescer::Create({.window = absl::ZeroDuration()}).status().message(),
            "window: must be > 0");
  EXPECT_EQ(QuestionCoalescer::Create({.similarity_threshold = 1.5}).status().message(),
            "similarity_threshold: must be in (0, 1]");
  EXPECT_EQ(QuestionCoalescer::Create({.max_pending_questions = 0}).status().message(),
            "max_pending_questions: must be >= 1");
}

}  // namespace
}  // namespace aigc::copy_live
