#include "common/text/json_string.h"

#include "gtest/gtest.h"

namespace aigc::text {
namespace {

TEST(JsonStringTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a \"b\" \\ c"), R"("a \"b\" \\ c")");
  EXPECT_EQ(JsonString("line\nbreak\r\ttab"), R"("line\nbreak\r\ttab")");
  EXPECT_EQ(JsonString(std::string("\x01\x1f\x7f", 3)), R"("\u0001\u001f\u007f")");
}

TEST(JsonStringTest, KeepsUtf8AndReplacesWhatIsNot) {
  EXPECT_EQ(JsonString("连衣裙 ✓"), "\"连衣裙 ✓\"");
  EXPECT_EQ(JsonString("a\xff" "b"), "\"a\xef\xbf\xbd" "b\"");  // U+FFFD
  std::string out = "{";
  AppendJsonString("x", out);
  EXPECT_EQ(out, "{\"x\"");
}

}  // namespace
}  // namespace aigc::text
