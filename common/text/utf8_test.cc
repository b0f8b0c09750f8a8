#include "common/text/utf8.h"

#include <string_view>

#include "gtest/gtest.h"

namespace aigc::text {
namespace {

struct InvalidCase {
  std::string_view name;
  std::string_view text;
  size_t offset;
};

TEST(FindInvalidUtf8Test, ReportsTheOffsetOfTheFirstBadSequence) {
  const InvalidCase cases[] = {
      {"stray continuation byte", "\x80", 0},
      {"overlong two-byte NUL", "ab\xC0\x80", 2},
      {"overlong three-byte slash", "\xE0\x80\xAF", 0},
      {"UTF-16 surrogate", "x\xED\xA0\x80", 1},
      {"truncated at the end", "\xE5\xA5\xBD\xE5\xA5", 3},
      {"truncated before ASCII",
       "ok\xE5\xA5"
       "A",
       2},
      {"above U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"lead byte F5", "\xF5\x80\x80\x80", 0},
      {"byte FF", "a\xFF", 1},
  };
  for (const InvalidCase& c : cases) {
    EXPECT_EQ(FindInvalidUtf8(c.text), c.offset) << c.name;
  }
}

TEST(FindInvalidUtf8Test, AcceptsWellFormedTextOfEveryLength) {
  // 1-byte, 2-byte, 3-byte (incl. U+FFFF), 4-byte (incl. U+10FFFF).
  EXPECT_EQ(FindInvalidUtf8("a\xC3\xBC\xE5\xA5\xBD\xEF\xBF\xBF\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"),
            std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8(""), std::string_view::npos);
}

TEST(DecodeSequenceTest, DecodesCodePointsAndFlagsIncompleteSequences) {
  const Utf8Sequence hao = DecodeSequence("\xE5\xA5\xBD", 0);
  EXPECT_EQ(hao.kind, Utf8Kind::kValid);
  EXPECT_EQ(hao.length, 3);
  EXPECT_EQ(hao.code_point, U'好');

  const Utf8Sequence partial = DecodeSequence("\xF0\x9F", 0);
  EXPECT_EQ(partial.kind, Utf8Kind::kIncomplete);
  EXPECT_EQ(partial.length, 2);

  EXPECT_EQ(DecodeSequence("\xC1\xBF", 0).kind, Utf8Kind::kInvalid);
}

TEST(DecodeUtf8Test, ReplacesEveryBadByteAndRoundTripsGoodText) {
  EXPECT_EQ(DecodeUtf8("a\xE5\xA5\xBD"), U"a好");
  EXPECT_EQ(DecodeUtf8("\x80x"), U"\uFFFDx");
  EXPECT_EQ(DecodeUtf8("x\xE5\xA5"), U"x\uFFFD\uFFFD");  // truncated at the end
  EXPECT_EQ(EncodeUtf8(U"a好😀"), "a\xE5\xA5\xBD\xF0\x9F\x98\x80");
  std::string surrogate;
  AppendUtf8(0xD800, &surrogate);
  EXPECT_EQ(surrogate, "\xEF\xBF\xBD");
}

TEST(DecodeUtf8PrefixTest, LeavesACutCharacterForTheNextDelta) {
  std::u32string out;
  EXPECT_EQ(DecodeUtf8Prefix("ab\xE5\xA5", &out), 2u);
  EXPECT_EQ(out, U"ab");
  EXPECT_EQ(DecodeUtf8Prefix("\xE5\xA5\xBD", &out), 3u);
  EXPECT_EQ(out, U"ab好");
}

}  // namespace
}  // namespace aigc::text
