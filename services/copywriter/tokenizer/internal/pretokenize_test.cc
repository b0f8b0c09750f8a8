#include "services/copywriter/tokenizer/internal/pretokenize.h"

#include <vector>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copywriter::internal {
namespace {

using ::testing::ElementsAreArray;

struct SplitCase {
  absl::string_view text;
  std::vector<absl::string_view> chunks;
};

TEST(SplitIntoChunksTest, FollowsTheDocumentedRules) {
  const SplitCase cases[] = {
      {"", {}},
      {"hello world", {"hello", " world"}},
      {"a  b", {"a", " ", " b"}},
      {"  x", {" ", " x"}},
      {"end ", {"end", " "}},
      {"\n\nHi", {"\n\n", "Hi"}},
      {"价格199元", {"价格", "1", "9", "9", "元"}},
      {"纯棉T恤，透气！", {"纯棉", "T", "恤", "，", "透气", "！"}},
      {"全角　空格", {"全角", "　", "空格"}},
      {"😀👍ok", {"😀", "👍", "ok"}},
      {"US$9.9", {"US", "$", "9", ".", "9"}},
      {"𠀀𠀁中", {"𠀀𠀁中"}},
      {"x \t y", {"x", " \t", " y"}},
  };
  for (const SplitCase& c : cases) {
    EXPECT_THAT(SplitIntoChunks(c.text), ElementsAreArray(c.chunks)) << c.text;
  }
}

}  // namespace
}  // namespace aigc::copywriter::internal
