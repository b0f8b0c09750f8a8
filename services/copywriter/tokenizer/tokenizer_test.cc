#include "services/copywriter/tokenizer/tokenizer.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copywriter {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A small zh/en corpus in the style of product copy; enough for a few hundred
// merges.
Tokenizer TrainedTokenizer() {
  const std::vector<std::string> texts = {
      "这款纯棉T恤透气舒适，适合夏天穿。",
      "纯棉面料，柔软亲肤，价格只要99元！",
      "Breathable cotton T-shirt, soft and comfortable.",
      "夏天必备的纯棉T恤，透气又舒适。",
      "Soft cotton dress for summer 夏季连衣裙 😀",
      "运动鞋 running shoes, light and comfortable",
      "欢迎来到直播间！今天的运动鞋只要199元。",
      "The comfortable cotton shirt for every day.",
  };
  BpeTrainOptions options;
  options.vocab_size = 600;
  options.special_tokens = {"<|pad|>", "<|sep|>", "<|eos|>"};
  options.min_pair_frequency = 2;
  absl::StatusOr<Tokenizer> tokenizer = TrainBpe(texts, options);
  EXPECT_TRUE(tokenizer.ok()) << tokenizer.status();
  return *std::move(tokenizer);
}

// A tokenizer without merges: every byte is its own token.
Tokenizer ByteTokenizer() {
  BpeTrainOptions options;
  options.vocab_size = 257;
  options.special_tokens = {"<|eos|>"};
  return *TrainBpe({}, options);
}

TEST(TokenizerTest, DecodeOfEncodeGivesBackTheText) {
  const Tokenizer tokenizer = TrainedTokenizer();
  ASSERT_FALSE(tokenizer.merges().empty());
  const absl::string_view texts[] = {
      "",
      "a",
      "纯棉T恤，透气舒适！",
      "这款纯棉T恤只要99元",
      "comfortable cotton",
      "  leading and trailing spaces  ",
      "tabs\tand\nnew lines\r\n",
      "全角　空格",
      "emoji 😀👍🏽 and 👨‍👩‍👧 families",
      "mixed混合 text文本 with 中文 and 123",
      "𠀀𠀁 rare ideographs",
      "Ünïcödé ½ €",
      "<|eos|> typed by a user",
  };
  for (absl::string_view text : texts) {
    absl::StatusOr<std::vector<int32_t>> ids = tokenizer.Encode(text);
    ASSERT_TRUE(ids.ok()) << text << ": " << ids.status();
    absl::StatusOr<std::string> decoded = tokenizer.Decode(*ids);
    ASSERT_TRUE(decoded.ok()) << text << ": " << decoded.status();
    EXPECT_EQ(*decoded, text);
  }
}

TEST(TokenizerTest, LearnedMergesShortenFrequentText) {
  const Tokenizer tokenizer = TrainedTokenizer();
  // "纯棉" (6 bytes) occurs in four texts, so it becomes few tokens.
  EXPECT_LT(tokenizer.Encode("纯棉")->size(), 6u);
}

struct InvalidCase {
  absl::string_view name;
  absl::string_view text;
  size_t offset;
};

TEST(TokenizerTest, EncodeRejectsInvalidUtf8NamingTheOffset) {
  const Tokenizer tokenizer = TrainedTokenizer();
  const InvalidCase cases[] = {
      {"stray continuation byte", "ab\x80", 2},      {"overlong", "\xC0\xAF", 0},
      {"overlong three bytes", "纯\xE0\x80\xAF", 3}, {"surrogate", "\xED\xB2\x80", 0},
      {"truncated character", "纯棉\xE6\xA3", 6},    {"above U+10FFFF", "x\xF4\x90\x80\x80", 1},
  };
  for (const InvalidCase& c : cases) {
    absl::StatusOr<std::vector<int32_t>> ids = tokenizer.Encode(c.text);
    EXPECT_EQ(ids.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(ids.status().message(), absl::StrCat("text: invalid UTF-8 at byte offset ", c.offset))
        << c.name;
  }
}

TEST(TokenizerTest, SpecialTokensAreNeverProducedFromText) {
  const Tokenizer tokenizer = TrainedTokenizer();
  const int32_t eos = *tokenizer.SpecialTokenId("<|eos|>");
  EXPECT_EQ(eos, 258);
  EXPECT_TRUE(tokenizer.IsSpecialToken(eos));
  const std::vector<int32_t> ids = *tokenizer.Encode("<|pad|><|sep|><|eos|>");
  for (int32_t id : ids) EXPECT_FALSE(tokenizer.IsSpecialToken(id)) << id;
  EXPECT_EQ(*tokenizer.Decode(ids), "<|pad|><|sep|><|eos|>");
}

TEST(TokenizerTest, SpecialTokensDecodeToEmptyText) {
  const Tokenizer tokenizer = TrainedTokenizer();
  const int32_t sep = *tokenizer.SpecialTokenId("<|sep|>");
  const int32_t eos = *tokenizer.SpecialTokenId("<|eos|>");
  EXPECT_EQ(*tokenizer.Decode(std::vector<int32_t>{'o', sep, 'k', eos}), "ok");
  EXPECT_EQ(*tokenizer.TokenBytes(eos), "<|eos|>");
}

TEST(TokenizerTest, UnknownSpecialTokenIsNotFound) {
  EXPECT_EQ(TrainedTokenizer().SpecialTokenId("<|bos|>").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(TokenizerTest, DecodeRejectsUnknownIdsNamingThePosition) {
  const Tokenizer tokenizer = TrainedTokenizer();
  absl::StatusOr<std::string> too_big = tokenizer.Decode(std::vector<int32_t>{'a', 600});
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_big.status().message()), StartsWith("ids[1]: unknown token id 600"));
  absl::StatusOr<std::string> negative = tokenizer.Decode(std::vector<int32_t>{-1});
  EXPECT_THAT(std::string(negative.status().message()), StartsWith("ids[0]: unknown token id -1"));
  EXPECT_EQ(tokenizer.TokenBytes(600).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(TokenizerTest, DigitsAreAlwaysSingleTokens) {
  const Tokenizer tokenizer = TrainedTokenizer();
  EXPECT_THAT(*tokenizer.Encode("199"), ElementsAre('1', '9', '9'));
  const std::vector<int32_t> price = *tokenizer.Encode("只要199元");
  EXPECT_THAT(price, Contains('1'));
  EXPECT_EQ(*tokenizer.Decode(price), "只要199元");
}

TEST(TokenizerTest, SaveThenLoadGivesTheSameTokenizer) {
  const Tokenizer tokenizer = TrainedTokenizer();
  const std::string path = absl::StrCat(::testing::TempDir(), "/copy_tokenizer_test.bpe");
  ASSERT_TRUE(tokenizer.Save(path).ok());
  absl::StatusOr<Tokenizer> loaded = Tokenizer::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Serialize(), tokenizer.Serialize());
  EXPECT_EQ(loaded->vocab_size(), tokenizer.vocab_size());
  const std::string text = "夏天必备的纯棉T恤 comfortable 😀";
  EXPECT_EQ(*loaded->Encode(text), *tokenizer.Encode(text));
  EXPECT_EQ(*loaded->SpecialTokenId("<|sep|>"), 257);
}

TEST(TokenizerTest, SerializedFormIsTheDocumentedText) {
  absl::StatusOr<Tokenizer> tokenizer = TrainBpe({"ab ab"}, [] {
    BpeTrainOptions options;
    options.vocab_size = 258;
    options.special_tokens = {"<|eos|>"};
    return options;
  }());
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  // Chunks "ab" and " ab": (a,b) occurs twice, the only pair reaching 2.
  EXPECT_EQ(tokenizer->Serialize(), "aigc-bpe v1\nspecials 1\n<|eos|>\nmerges 1\n97 98\n");
}

struct CorruptCase {
  absl::string_view contents;
  absl::string_view message;
};

TEST(TokenizerTest, ParseRejectsCorruptFilesNamingTheLine) {
  const CorruptCase cases[] = {
      {"", "line 1: unexpected end of file, expected the header"},
      {"hello\n", "line 1: expected header \"aigc-bpe v1\""},
      {"aigc-bpe v2\n", "line 1: unsupported version \"aigc-bpe v2\""},
      {"aigc-bpe v1\nspecials x\n", "line 2: expected \"specials <count>\""},
      {"aigc-bpe v1\nspecials 2\n<|a|>\n",
       "line 4: unexpected end of file, expected special token 2"},
      {"aigc-bpe v1\nspecials 2\n<|a|>\n<|a|>\n", "line 4: duplicate special token \"<|a|>\""},
      {"aigc-bpe v1\nspecials 1\n\n", "line 3: empty special token"},
      {"aigc-bpe v1\nspecials 0\nmerges -1\n", "line 3: expected \"merges <count>\""},
      {"aigc-bpe v1\nspecials 0\nmerges 1\n97\n", "line 4: expected \"<left id> <right id>\""},
      {"aigc-bpe v1\nspecials 1\n<|a|>\nmerges 1\n97 256\n",
       "line 5: merge for id 257 refers to id 256"},
      {"aigc-bpe v1\nspecials 0\nmerges 1\n97 300\n", "line 4: merge for id 256 refers to id 300"},
      {"aigc-bpe v1\nspecials 0\nmerges 2\n97 98\n97 98\n", "line 5: duplicate merge 97 98"},
      {"aigc-bpe v1\nspecials 0\nmerges 2\n97 98\n",
       "line 5: unexpected end of file, expected merge 2 of 2"},
      {"aigc-bpe v1\nspecials 0\nmerges 1\n97 98\nextra\n", "line 5: unexpected content"},
  };
  for (const CorruptCase& c : cases) {
    absl::StatusOr<Tokenizer> tokenizer = Tokenizer::Parse(c.contents);
    EXPECT_EQ(tokenizer.status().code(), absl::StatusCode::kInvalidArgument) << c.contents;
    EXPECT_THAT(std::string(tokenizer.status().message()), StartsWith(c.message)) << c.contents;
  }
}

TEST(TokenizerTest, LoadNamesThePathAndLineOfACorruptFile) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/copy_tokenizer_corrupt.bpe");
  std::ofstream(path) << "aigc-bpe v1\nspecials many\n";
  absl::StatusOr<Tokenizer> tokenizer = Tokenizer::Load(path);
  EXPECT_EQ(tokenizer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tokenizer.status().message()),
              StartsWith(absl::StrCat(path, ": line 2: ")));
}

TEST(TokenizerTest, LoadOfAMissingFileIsNotFound) {
  EXPECT_EQ(Tokenizer::Load("/nonexistent/tokenizer.bpe").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(StreamingDecoderTest, HoldsBackACharacterUntilAllItsBytesArrive) {
  const Tokenizer tokenizer = ByteTokenizer();
  StreamingDecoder decoder(tokenizer);
  // "好" is E5 A5 BD.
  EXPECT_EQ(*decoder.Push(0xE5), "");
  EXPECT_EQ(*decoder.Push(0xA5), "");
  EXPECT_EQ(*decoder.Push(0xBD), "好");
  EXPECT_EQ(*decoder.Push('a'), "a");
  EXPECT_EQ(decoder.Flush(), "");
}

TEST(StreamingDecoderTest, ReplacesBytesThatCanNeverFormACharacter) {
  const Tokenizer tokenizer = ByteTokenizer();
  StreamingDecoder decoder(tokenizer);
  EXPECT_EQ(*decoder.Push(0xFF), "\uFFFD");
  EXPECT_EQ(*decoder.Push(0xE5), "");
  EXPECT_EQ(*decoder.Push('x'), "\uFFFDx");  // E5 followed by ASCII.
  EXPECT_EQ(*decoder.Push(0xE5), "");
  EXPECT_EQ(decoder.Flush(), "\uFFFD");  // Generation ended mid-character.
  EXPECT_EQ(*decoder.Push('y'), "y");    // Flush reset the decoder.
}

TEST(StreamingDecoderTest, SpecialTokensAddNoText) {
  const Tokenizer tokenizer = ByteTokenizer();
  StreamingDecoder decoder(tokenizer);
  EXPECT_EQ(*decoder.Push(0xE5), "");
  EXPECT_EQ(*decoder.Push(*tokenizer.SpecialTokenId("<|eos|>")), "");
  EXPECT_EQ(*decoder.Push(0xA5), "");
  EXPECT_EQ(*decoder.Push(0xBD), "好");
}

TEST(StreamingDecoderTest, UnknownIdFailsAndKeepsTheState) {
  const Tokenizer tokenizer = ByteTokenizer();
  StreamingDecoder decoder(tokenizer);
  EXPECT_EQ(*decoder.Push(0xE5), "");
  EXPECT_EQ(decoder.Push(9999).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*decoder.Push(0xA5), "");
  EXPECT_EQ(*decoder.Push(0xBD), "好");
}

TEST(StreamingDecoderTest, DeltasOfATrainedTokenizerJoinToTheTextWithoutCuttingCharacters) {
  const Tokenizer tokenizer = TrainedTokenizer();
  const std::string text = "这款纯棉T恤透气舒适 😀 comfortable, 只要99元！";
  StreamingDecoder decoder(tokenizer);
  std::string joined;
  const std::vector<int32_t> ids = *tokenizer.Encode(text);
  for (int32_t id : ids) {
    const std::string delta = *decoder.Push(id);
    // A delta that cut a character would not re-encode.
    EXPECT_TRUE(tokenizer.Encode(delta).ok()) << delta;
    EXPECT_THAT(delta, Not(HasSubstr("\uFFFD")));
    joined += delta;
  }
  joined += decoder.Flush();
  EXPECT_EQ(joined, text);
}

}  // namespace
}  // namespace aigc::copywriter
