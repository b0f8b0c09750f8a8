#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/copywriter/tokenizer/internal/pretokenize.h"
#include "services/copywriter/tokenizer/tokenizer.h"

namespace aigc::copywriter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Merge = std::pair<int32_t, int32_t>;
using Symbols = std::vector<int32_t>;

Symbols BytesOf(absl::string_view text) {
  Symbols symbols;
  for (char c : text) symbols.push_back(static_cast<uint8_t>(c));
  return symbols;
}

// Textbook BPE step: replaces occurrences of `merge` left to right.
Symbols ApplyMerge(const Symbols& symbols, Merge merge, int32_t new_id) {
  Symbols out;
  for (size_t i = 0; i < symbols.size(); ++i) {
    if (i + 1 < symbols.size() && symbols[i] == merge.first && symbols[i + 1] == merge.second) {
      out.push_back(new_id);
      ++i;
    } else {
      out.push_back(symbols[i]);
    }
  }
  return out;
}

// Textbook BPE training: recounts every pair of every chunk before each merge.
std::vector<Merge> ReferenceMerges(const std::vector<std::string>& texts, int num_merges,
                                   int32_t first_id) {
  std::vector<Symbols> chunks;
  for (const std::string& text : texts) {
    for (absl::string_view chunk : internal::SplitIntoChunks(text))
      chunks.push_back(BytesOf(chunk));
  }
  std::vector<Merge> merges;
  for (int step = 0; step < num_merges; ++step) {
    std::map<Merge, int64_t> counts;  // Ordered: the first maximum is the smallest pair.
    for (const Symbols& chunk : chunks) {
      for (size_t i = 0; i + 1 < chunk.size(); ++i) ++counts[{chunk[i], chunk[i + 1]}];
    }
    Merge best;
    int64_t best_count = 0;
    for (const auto& [pair, count] : counts) {
      if (count > best_count) std::tie(best, best_count) = std::tie(pair, count);
    }
    if (best_count < 1) break;
    merges.push_back(best);
    for (Symbols& chunk : chunks) chunk = ApplyMerge(chunk, best, first_id + step);
  }
  return merges;
}

// Pseudo-random texts over a few pieces that overlap a lot ("aaa", "好好").
std::vector<std::string> GeneratedTexts(int count) {
  const absl::string_view pieces[] = {"a", "b", "ab", " ", "好", "的", "1", "。", " ba"};
  uint64_t state = 12345;
  std::vector<std::string> texts;
  for (int t = 0; t < count; ++t) {
    std::string text;
    state = state * 6364136223846793005u + 1442695040888963407u;
    const int length = 1 + static_cast<int>((state >> 33) % 20);
    for (int i = 0; i < length; ++i) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      const auto& piece = pieces[(state >> 33) % std::size(pieces)];
      text.append(piece.data(), piece.size());
    }
    texts.push_back(std::move(text));
  }
  return texts;
}

BpeTrainOptions Options(int vocab_size, std::vector<std::string> specials,
                        int64_t min_pair_frequency) {
  BpeTrainOptions options;
  options.vocab_size = vocab_size;
  options.special_tokens = std::move(specials);
  options.min_pair_frequency = min_pair_frequency;
  return options;
}

// Chunks: "abab", " abc", "ab". Pair counts: (a,b)=4, (b,a)=1, (' ',a)=1,
// (b,c)=1. Merge 1: (97,98) -> 257 (one special before it). Then every pair
// occurs once: (32,257), (257,257), (257,99); ties go to the smaller pair.
TEST(TrainBpeTest, MergesTheMostFrequentPairFirstAndBreaksTiesBySmallerIds) {
  absl::StatusOr<Tokenizer> tokenizer =
      TrainBpe({"abab abc", "ab"}, Options(300, {"<|eos|>"}, /*min_pair_frequency=*/1));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  EXPECT_THAT(tokenizer->merges(),
              ElementsAre(Merge(97, 98), Merge(32, 257), Merge(257, 257), Merge(258, 99)));
  EXPECT_EQ(tokenizer->vocab_size(), 261);
  EXPECT_EQ(*tokenizer->TokenBytes(260), " abc");
}

TEST(TrainBpeTest, StopsWhenNoPairReachesTheMinimumFrequency) {
  absl::StatusOr<Tokenizer> tokenizer =
      TrainBpe({"abab abc", "ab"}, Options(300, {"<|eos|>"}, /*min_pair_frequency=*/2));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  EXPECT_THAT(tokenizer->merges(), ElementsAre(Merge(97, 98)));
  EXPECT_EQ(tokenizer->vocab_size(), 258);
}

// "好" is E5 A5 BD (229 165 189). In "好好好": (229,165)=3, (165,189)=3,
// (189,229)=2; the tie goes to (165,189) -> 256. Then E5 256 x3 gives
// (229,256)=3 -> 257, and 257 257 257 has (257,257) twice -> 258.
TEST(TrainBpeTest, LearnsChineseCharactersFromTheirBytes) {
  absl::StatusOr<Tokenizer> tokenizer = TrainBpe({"好好好"}, Options(1000, {}, 2));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  EXPECT_THAT(tokenizer->merges(), ElementsAre(Merge(165, 189), Merge(229, 256), Merge(257, 257)));
  EXPECT_THAT(*tokenizer->Encode("好好好"), ElementsAre(258, 257));
  EXPECT_THAT(*tokenizer->Encode("好"), ElementsAre(257));
}

TEST(TrainBpeTest, StopsAtTheRequestedVocabularySize) {
  absl::StatusOr<Tokenizer> tokenizer = TrainBpe({"好好好"}, Options(257, {}, 1));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  EXPECT_EQ(tokenizer->vocab_size(), 257);
  EXPECT_THAT(tokenizer->merges(), ElementsAre(Merge(165, 189)));
}

TEST(TrainBpeTest, NeverMergesDigits) {
  absl::StatusOr<Tokenizer> tokenizer =
      TrainBpe({"199 199 199 1999 ¥199 2024年 100%"}, Options(1000, {}, 1));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  ASSERT_FALSE(tokenizer->merges().empty());
  for (int32_t id = Tokenizer::kNumByteTokens; id < tokenizer->vocab_size(); ++id) {
    const std::string bytes = *tokenizer->TokenBytes(id);
    EXPECT_EQ(bytes.find_first_of("0123456789"), std::string::npos) << "token " << id;
  }
  EXPECT_THAT(*tokenizer->Encode("199"), ElementsAre('1', '9', '9'));
}

TEST(TrainBpeTest, ReportsProgressAfterEachMerge) {
  std::vector<std::pair<int, int>> calls;
  BpeTrainOptions options = Options(300, {"<|eos|>"}, 1);
  options.progress = [&calls](int done, int wanted) { calls.emplace_back(done, wanted); };
  ASSERT_TRUE(TrainBpe({"abab abc", "ab"}, options).ok());
  EXPECT_THAT(calls,
              ElementsAre(std::pair(1, 43), std::pair(2, 43), std::pair(3, 43), std::pair(4, 43)));
}

TEST(TrainBpeTest, IsDeterministic) {
  const std::vector<std::string> texts = {"纯棉T恤，透气舒适", "透气 breathable cotton",
                                          "舒适透气的纯棉", "cotton cotton 纯棉"};
  absl::StatusOr<Tokenizer> first = TrainBpe(texts, Options(400, {"<|eos|>"}, 1));
  absl::StatusOr<Tokenizer> second = TrainBpe(texts, Options(400, {"<|eos|>"}, 1));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->Serialize(), second->Serialize());
}

TEST(TrainBpeTest, IncrementalCountsGiveTheTextbookMerges) {
  const std::vector<std::string> texts = GeneratedTexts(300);
  absl::StatusOr<Tokenizer> tokenizer = TrainBpe(texts, Options(256 + 1 + 60, {"<|eos|>"}, 1));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  const std::vector<Merge> expected = ReferenceMerges(texts, 60, 257);
  ASSERT_GT(expected.size(), 20u);
  EXPECT_EQ(tokenizer->merges(), expected);
}

TEST(TrainBpeTest, EncodeEqualsApplyingMergesInRankOrder) {
  const std::vector<std::string> texts = GeneratedTexts(300);
  absl::StatusOr<Tokenizer> tokenizer = TrainBpe(texts, Options(256 + 60, {}, 1));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  for (const std::string& text : GeneratedTexts(50)) {
    Symbols expected;
    for (absl::string_view chunk : internal::SplitIntoChunks(text)) {
      Symbols symbols = BytesOf(chunk);
      for (size_t rank = 0; rank < tokenizer->merges().size(); ++rank) {
        symbols = ApplyMerge(symbols, tokenizer->merges()[rank], 256 + static_cast<int32_t>(rank));
      }
      expected.insert(expected.end(), symbols.begin(), symbols.end());
    }
    EXPECT_EQ(*tokenizer->Encode(text), expected) << text;
  }
}

struct BadOptionsCase {
  std::string name;
  std::vector<std::string> texts;
  BpeTrainOptions options;
  std::string message;
};

TEST(TrainBpeTest, RejectsBadOptionsAndTextsNamingTheField) {
  const BadOptionsCase cases[] = {
      {"vocabulary below bytes + specials",
       {"ab"},
       Options(258, {"<|a|>", "<|b|>", "<|c|>"}, 2),
       "bpe.vocab_size: must be in [259"},
      {"empty special",
       {"ab"},
       Options(300, {"<|a|>", ""}, 2),
       "bpe.special_tokens[1]: must not be empty"},
      {"duplicate special",
       {"ab"},
       Options(300, {"<|a|>", "<|a|>"}, 2),
       "bpe.special_tokens[1]: duplicate"},
      {"special with newline",
       {"ab"},
       Options(300, {"a\nb"}, 2),
       "bpe.special_tokens[0]: must not contain a line break"},
      {"zero min frequency", {"ab"}, Options(300, {}, 0), "bpe.min_pair_frequency"},
      {"invalid UTF-8",
       {"ok", "ab\xC0\x80"},
       Options(300, {}, 2),
       "texts[1]: invalid UTF-8 at byte offset 2"},
  };
  for (const BadOptionsCase& c : cases) {
    absl::StatusOr<Tokenizer> tokenizer = TrainBpe(c.texts, c.options);
    EXPECT_EQ(tokenizer.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(std::string(tokenizer.status().message()), HasSubstr(c.message)) << c.name;
  }
}

}  // namespace
}  // namespace aigc::copywriter
