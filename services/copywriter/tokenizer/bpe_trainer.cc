// TrainBpe(): byte-level BPE training with incremental pair counts.
//
// The corpus is reduced to a table of distinct chunks with their frequencies.
// Pair counts are kept in a hash map, with an index from each pair to the
// chunks that contain it and a max-heap over (count, pair) with lazy deletion.
// A merge rewrites only the chunks that contain the pair and adjusts only the
// counts of pairs that touch a merged position, so training costs about the
// total size of the rewritten chunks rather than a corpus re-scan per merge.
#include <cstdint>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status/status.h"
#include "common/text/utf8.h"
#include "services/copywriter/tokenizer/internal/pair_key.h"
#include "services/copywriter/tokenizer/internal/pretokenize.h"
#include "services/copywriter/tokenizer/tokenizer.h"

namespace aigc::copywriter {
namespace {

using internal::PairKey;

constexpr int kMaxVocabSize = 1000000;

struct Chunk {
  std::vector<int32_t> symbols;
  int64_t count;
};

struct HeapEntry {
  int64_t count;
  uint64_t pair;
  // Max-heap order: higher count first, then the smaller (left, right).
  bool operator<(const HeapEntry& other) const {
    if (count != other.count) return count < other.count;
    return pair > other.pair;
  }
};

absl::Status ValidateOptions(const BpeTrainOptions& options) {
  absl::flat_hash_set<absl::string_view> seen;
  for (size_t i = 0; i < options.special_tokens.size(); ++i) {
    const std::string& special = options.special_tokens[i];
    const std::string field = absl::StrCat("bpe.special_tokens[", i, "]");
    if (special.empty()) return status::InvalidField(field, "must not be empty");
    if (special.find_first_of("\r\n") != std::string::npos) {
      return status::InvalidField(field, "must not contain a line break");
    }
    if (!seen.insert(special).second) {
      return status::InvalidField(field, absl::StrCat("duplicate of \"", special, "\""));
    }
  }
  const int min_vocab = Tokenizer::kNumByteTokens + static_cast<int>(options.special_tokens.size());
  if (options.vocab_size < min_vocab || options.vocab_size > kMaxVocabSize) {
    return status::InvalidField(
        "bpe.vocab_size",
        absl::StrCat("must be in [", min_vocab, " (256 bytes + ", options.special_tokens.size(),
                     " special tokens), ", kMaxVocabSize, "], got ", options.vocab_size));
  }
  if (options.min_pair_frequency < 1) {
    return status::InvalidField("bpe.min_pair_frequency",
                                absl::StrCat("must be >= 1, got ", options.min_pair_frequency));
  }
  return absl::OkStatus();
}

class BpeTrainer {
 public:
  explicit BpeTrainer(std::vector<Chunk> chunks) : chunks_(std::move(chunks)) {
    merged_in_step_.assign(chunks_.size(), -1);
    for (size_t c = 0; c < chunks_.size(); ++c) {
      const std::vector<int32_t>& s = chunks_[c].symbols;
      for (size_t i = 0; i + 1 < s.size(); ++i) {
        AddPair(PairKey(s[i], s[i + 1]), static_cast<int32_t>(c), chunks_[c].count);
      }
    }
    for (const auto& [pair, count] : pair_counts_) heap_.push({count, pair});
  }

  // Returns the most frequent pair (smallest on ties) and its count, or count 0
  // when no pair is left.
  HeapEntry PopBest() {
    while (!heap_.empty()) {
      const HeapEntry top = heap_.top();
      heap_.pop();
      const auto it = pair_counts_.find(top.pair);
      if (it != pair_counts_.end() && it->second == top.count) return top;
    }
    return {0, 0};
  }

  // Replaces every occurrence of `pair` by `new_id` and updates the counts.
  void Merge(uint64_t pair, int32_t new_id, int step) {
    const int32_t left = internal::PairLeft(pair);
    const int32_t right = internal::PairRight(pair);
    // Taken out of the index: new pairs all contain new_id, never `pair`.
    const std::vector<int32_t> containing = std::move(chunk_index_[pair]);
    chunk_index_.erase(pair);
    delta_.clear();
    for (const int32_t c : containing) {
      if (merged_in_step_[c] == step) continue;  // Indexed more than once.
      merged_in_step_[c] = step;
      MergeInChunk(c, left, right, new_id);
    }
    for (const auto& [changed, delta] : delta_) {
      int64_t& count = pair_counts_[changed];
      count += delta;
      if (count == 0) {
        pair_counts_.erase(changed);
      } else {
        heap_.push({count, changed});
      }
    }
  }

 private:
  void AddPair(uint64_t pair, int32_t chunk, int64_t count) {
    pair_counts_[pair] += count;
    std::vector<int32_t>& chunks = chunk_index_[pair];
    if (chunks.empty() || chunks.back() != chunk) chunks.push_back(chunk);
  }

  // Rewrites one chunk. Only pairs with a merged position change: those are
  // subtracted from the old symbols and added from the new ones.
  void MergeInChunk(int32_t c, int32_t left, int32_t right, int32_t new_id) {
    std::vector<int32_t>& old_symbols = chunks_[c].symbols;
    const int64_t count = chunks_[c].count;
    const size_t n = old_symbols.size();
    in_merge_.assign(n, 0);
    new_symbols_.clear();
    for (size_t i = 0; i < n;) {
      if (i + 1 < n && old_symbols[i] == left && old_symbols[i + 1] == right) {
        in_merge_[i] = in_merge_[i + 1] = 1;
        new_symbols_.push_back(new_id);
        i += 2;
      } else {
        new_symbols_.push_back(old_symbols[i]);
        i += 1;
      }
    }
    if (new_symbols_.size() == n) return;  // The index entry was stale.
    for (size_t i = 0; i + 1 < n; ++i) {
      if (in_merge_[i] || in_merge_[i + 1]) {
        delta_[PairKey(old_symbols[i], old_symbols[i + 1])] -= count;
      }
    }
    for (size_t i = 0; i + 1 < new_symbols_.size(); ++i) {
      if (new_symbols_[i] == new_id || new_symbols_[i + 1] == new_id) {
        const uint64_t pair = PairKey(new_symbols_[i], new_symbols_[i + 1]);
        delta_[pair] += count;
        std::vector<int32_t>& chunks = chunk_index_[pair];
        if (chunks.empty() || chunks.back() != c) chunks.push_back(c);
      }
    }
    old_symbols.swap(new_symbols_);
  }

  std::vector<Chunk> chunks_;
  absl::flat_hash_map<uint64_t, int64_t> pair_counts_;
  // Pair -> chunks that contain (or once contained) it; may hold duplicates.
  absl::flat_hash_map<uint64_t, std::vector<int32_t>> chunk_index_;
  std::priority_queue<HeapEntry> heap_;  // Entries not matching pair_counts_ are stale.
  std::vector<int> merged_in_step_;      // Per chunk: the last step that rewrote it.
  // Scratch reused across merges.
  absl::flat_hash_map<uint64_t, int64_t> delta_;
  std::vector<uint8_t> in_merge_;
  std::vector<int32_t> new_symbols_;
};

}  // namespace

absl::StatusOr<Tokenizer> TrainBpe(const std::vector<std::string>& texts,
                                   const BpeTrainOptions& options) {
  AIGC_RETURN_IF_ERROR(ValidateOptions(options));
  absl::flat_hash_map<absl::string_view, int64_t> chunk_counts;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (const size_t bad = aigc::text::FindInvalidUtf8(texts[i]); bad != std::string_view::npos) {
      return status::InvalidField(absl::StrCat("texts[", i, "]"),
                                  absl::StrCat("invalid UTF-8 at byte offset ", bad));
    }
    for (absl::string_view chunk : internal::SplitIntoChunks(texts[i])) {
      if (chunk.size() > 1) ++chunk_counts[chunk];  // A single byte has no pair.
    }
  }
  std::vector<Chunk> chunks;
  chunks.reserve(chunk_counts.size());
  for (const auto& [text, count] : chunk_counts) {
    std::vector<int32_t> symbols;
    symbols.reserve(text.size());
    for (const char byte : text) symbols.push_back(static_cast<uint8_t>(byte));
    chunks.push_back({std::move(symbols), count});
  }
  BpeTrainer trainer(std::move(chunks));

  const int32_t first_merge_id =
      Tokenizer::kNumByteTokens + static_cast<int32_t>(options.special_tokens.size());
  const int wanted = options.vocab_size - first_merge_id;
  std::vector<std::pair<int32_t, int32_t>> merges;
  merges.reserve(wanted);
  for (int step = 0; step < wanted; ++step) {
    const HeapEntry best = trainer.PopBest();
    if (best.count < options.min_pair_frequency) break;
    merges.emplace_back(internal::PairLeft(best.pair), internal::PairRight(best.pair));
    trainer.Merge(best.pair, first_merge_id + step, step);
    if (options.progress) options.progress(step + 1, wanted);
  }
  return Tokenizer(options.special_tokens, std::move(merges));
}

}  // namespace aigc::copywriter
