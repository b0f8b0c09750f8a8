#include "services/copywriter/sampling/stop_matcher.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copywriter {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<StopMatcher> Matcher(std::vector<std::string> stops) {
  absl::StatusOr<std::unique_ptr<StopMatcher>> matcher = StopMatcher::Create(std::move(stops));
  EXPECT_TRUE(matcher.ok()) << matcher.status();
  return *std::move(matcher);
}

TEST(StopMatcherTest, HoldsBackAPartialStopSequenceAcrossDeltas) {
  auto matcher = Matcher({"<END>"});
  StopMatcher::Update update = matcher->Push("Hello <E");
  EXPECT_EQ(update.text, "Hello ");
  EXPECT_FALSE(update.stopped);
  update = matcher->Push("N");
  EXPECT_EQ(update.text, "");
  update = matcher->Push("D> and more");
  EXPECT_EQ(update.text, "");
  EXPECT_TRUE(update.stopped);
  EXPECT_EQ(update.stop_index, 0);
  EXPECT_TRUE(matcher->stopped());
}

TEST(StopMatcherTest, ReleasesHeldTextWhenItTurnsOutNotToBeAStop) {
  auto matcher = Matcher({"<END>"});
  EXPECT_EQ(matcher->Push("a <EN").text, "a ");
  const StopMatcher::Update update = matcher->Push("TRY");
  EXPECT_EQ(update.text, "<ENTRY");
  EXPECT_FALSE(update.stopped);
}

TEST(StopMatcherTest, FlushReleasesTheHeldTextAtTheEnd) {
  auto matcher = Matcher({"<END>"});
  EXPECT_EQ(matcher->Push("abc<EN").text, "abc");
  EXPECT_EQ(matcher->Flush(), "<EN");
}

TEST(StopMatcherTest, StopsOnChineseStopSequencesWithoutCuttingCharacters) {
  auto matcher = Matcher({"用户："});
  EXPECT_EQ(matcher->Push("好的，用").text, "好的，");
  const StopMatcher::Update update = matcher->Push("户：你好");
  EXPECT_EQ(update.text, "");
  EXPECT_TRUE(update.stopped);
}

TEST(StopMatcherTest, KeepsTheLongestPossibleStartWhenItOverlapsItself) {
  auto matcher = Matcher({"aab"});
  EXPECT_EQ(matcher->Push("aa").text, "");
  EXPECT_EQ(matcher->Push("a").text, "a");  // "aaa": only the last "aa" may start "aab".
  const StopMatcher::Update update = matcher->Push("b!");
  EXPECT_EQ(update.text, "");
  EXPECT_TRUE(update.stopped);
}

TEST(StopMatcherTest, TheStopThatStartsFirstWins) {
  auto matcher = Matcher({"cd", "bcde", "x"});
  const StopMatcher::Update update = matcher->Push("abcdex");
  EXPECT_EQ(update.text, "a");
  EXPECT_EQ(update.stop_index, 1);
}

TEST(StopMatcherTest, TextInTheSameDeltaBeforeTheStopIsReleased) {
  auto matcher = Matcher({"\n\n"});
  const StopMatcher::Update update = matcher->Push("第一段。\n\n第二段");
  EXPECT_EQ(update.text, "第一段。");
  EXPECT_TRUE(update.stopped);
}

TEST(StopMatcherTest, AfterAStopEverythingIsSwallowed) {
  auto matcher = Matcher({"END"});
  EXPECT_TRUE(matcher->Push("xEND").stopped);
  const StopMatcher::Update update = matcher->Push("more text");
  EXPECT_EQ(update.text, "");
  EXPECT_TRUE(update.stopped);
  EXPECT_EQ(matcher->Flush(), "");
}

TEST(StopMatcherTest, WithoutStopSequencesEverythingPassesThrough) {
  auto matcher = Matcher({});
  EXPECT_EQ(matcher->Push("abc").text, "abc");
  EXPECT_EQ(matcher->Flush(), "");
}

TEST(StopMatcherTest, RejectsBadStopSequencesNamingTheField) {
  const std::vector<std::string> too_many = {"a", "b", "c", "d", "e"};
  const std::vector<std::string> empty_entry = {"a", ""};
  const std::vector<std::string> too_long = {std::string(33, 'x')};
  for (const auto& stops : {too_many, empty_entry, too_long}) {
    absl::StatusOr<std::unique_ptr<StopMatcher>> matcher = StopMatcher::Create(stops);
    EXPECT_EQ(matcher.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(matcher.status().message()), HasSubstr("sampling.stop: "));
  }
  std::string thirty_two_chinese;
  for (int i = 0; i < 32; ++i) thirty_two_chinese += "好";  // 96 bytes, 32 characters.
  EXPECT_TRUE(StopMatcher::Create({thirty_two_chinese}).ok());
}

}  // namespace
}  // namespace aigc::copywriter
