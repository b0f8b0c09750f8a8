// Byte-level BPE tokenizer for the copywriter's language model: UTF-8 Chinese
// and English text, trained by us with TrainBpe().
//
// Token ids:
//   [0, 256)              the 256 single bytes (id == byte value);
//   [256, 256 + S)        the S special tokens, in the order given at training;
//   [256 + S, vocab_size) learned merges in rank order: merge k has id
//                         256 + S + k and joins two earlier non-special tokens.
//
// Pre-tokenisation. Before BPE, text is split into chunks and merges never
// cross a chunk boundary:
//   - a run of CJK ideographs (U+4E00..9FFF, extensions A..I, compatibility
//     ideographs) is one chunk;
//   - a run of ASCII letters is one chunk, together with one directly
//     preceding space (" hello"), so an English word has one spelling
//     whether or not it starts the text's first word;
//   - each ASCII digit is its own chunk, so no token ever spans two digits and
//     a price such as 199 is always the ids of '1', '9', '9' (the fact checker
//     relies on this);
//   - a run of whitespace (ASCII whitespace and U+3000 ideographic space) is
//     one chunk, minus a final space that leads a following ASCII word;
//   - every other code point (ASCII and full-width punctuation, kana, emoji,
//     symbols) is its own chunk.
//
// Special tokens are never produced by Encode(): text that spells one, such as
// a user typing "<|eos|>", is encoded as ordinary text. This is a security
// property (user input cannot end a turn or forge a separator); code that
// needs a special token asks SpecialTokenId() for its id.
#ifndef AIGC_SERVICES_COPYWRITER_TOKENIZER_TOKENIZER_H_
#define AIGC_SERVICES_COPYWRITER_TOKENIZER_TOKENIZER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace aigc::copywriter {

// Options of TrainBpe().
struct BpeTrainOptions {
  // Total vocabulary size: 256 bytes + special tokens + merges. Must be in
  // [256 + special_tokens.size(), 1000000]. Training stops earlier when no
  // pair reaches min_pair_frequency, giving a smaller vocabulary.
  int vocab_size = 8000;
  // Special tokens, e.g. "<|pad|>", "<|sep|>", "<|eos|>": non-empty, distinct,
  // without line breaks. Their ids follow the bytes in this order.
  std::vector<std::string> special_tokens;
  // A pair is merged only when it occurs at least this often (>= 1).
  int64_t min_pair_frequency = 2;
  // Called after each merge with (merges done, merges wanted); may be empty.
  std::function<void(int, int)> progress;
};

// An immutable trained tokenizer. Copyable and movable; all const methods are
// thread-safe (there is no internal cache).
class Tokenizer {
 public:
  static constexpr int kNumByteTokens = 256;

  // Format version written by Serialize() and the only one Parse() accepts.
  static constexpr absl::string_view kFileHeader = "aigc-bpe v1";

  // Returns the token ids of `text`. Fails with INVALID_ARGUMENT
  // "text: invalid UTF-8 at byte offset N" for ill-formed UTF-8 (stray
  // continuation bytes, overlong forms, surrogates, truncated sequences, code
  // points above U+10FFFF), N being the offset of the first bad sequence.
  // Decode(Encode(s)) == s for every valid UTF-8 s.
  absl::StatusOr<std::vector<int32_t>> Encode(absl::string_view text) const;

  // Returns the concatenated bytes of `ids`. Special tokens decode to empty
  // text (they are control symbols, never shown). Fails with INVALID_ARGUMENT
  // "ids[i]: unknown token id X ..." for an id outside [0, vocab_size()).
  // A sequence a model produced need not be valid UTF-8; use StreamingDecoder
  // for text that goes to a client.
  absl::StatusOr<std::string> Decode(std::span<const int32_t> ids) const;

  // Returns the id of the special token `name`; NOT_FOUND for other names.
  absl::StatusOr<int32_t> SpecialTokenId(absl::string_view name) const;

  bool IsSpecialToken(int32_t id) const;

  // Returns the bytes a token stands for (for a special token: its name), for
  // debugging. INVALID_ARGUMENT for an id outside [0, vocab_size()).
  absl::StatusOr<std::string> TokenBytes(int32_t id) const;

  int vocab_size() const { return static_cast<int>(token_bytes_.size()); }
  const std::vector<std::string>& special_tokens() const { return special_tokens_; }
  // The learned merges in rank order as (left id, right id).
  const std::vector<std::pair<int32_t, int32_t>>& merges() const { return merges_; }

  // Text form, one item per line:
  //   aigc-bpe v1
  //   specials <S>
  //   <special token 0>            (S lines, taken verbatim)
  //   merges <M>
  //   <left id> <right id>         (M lines; line k defines id 256 + S + k)
  std::string Serialize() const;

  // Parses Serialize()'s form. Fails with INVALID_ARGUMENT "line N: problem"
  // for a wrong header or version, bad counts, empty or duplicate special
  // tokens, a merge naming an unknown or special id, a duplicate merge,
  // missing lines or trailing content.
  static absl::StatusOr<Tokenizer> Parse(absl::string_view contents);

  // Writes Serialize() to `path` (errno-based status on failure).
  absl::Status Save(const std::string& path) const;

  // Reads and parses `path`: NOT_FOUND when it does not exist; Parse()'s
  // errors prefixed with the path ("<path>: line N: problem").
  static absl::StatusOr<Tokenizer> Load(const std::string& path);

 private:
  friend absl::StatusOr<Tokenizer> TrainBpe(const std::vector<std::string>& texts,
                                            const BpeTrainOptions& options);

  // Preconditions (checked by the callers): specials are valid and distinct,
  // each merge joins two existing non-special ids, no merge repeats.
  Tokenizer(std::vector<std::string> special_tokens,
            std::vector<std::pair<int32_t, int32_t>> merges);

  int32_t first_merge_id() const {
    return kNumByteTokens + static_cast<int32_t>(special_tokens_.size());
  }
  void EncodeChunk(absl::string_view chunk, std::vector<int32_t>& ids) const;

  std::vector<std::string> special_tokens_;
  std::vector<std::pair<int32_t, int32_t>> merges_;
  // Indexed by token id.
  std::vector<std::string> token_bytes_;
  // (left << 32 | right) -> id of the merged token; a smaller id is a higher
  // merge priority.
  absl::flat_hash_map<uint64_t, int32_t> merge_ids_;
};

// Trains a tokenizer on `texts` (each valid UTF-8). Deterministic: each step
// merges the most frequent adjacent pair within chunks, ties broken by the
// smaller (left id, right id). Fails with INVALID_ARGUMENT naming the option
// ("bpe.vocab_size", "bpe.special_tokens[i]", "bpe.min_pair_frequency") or the
// text ("texts[i]: invalid UTF-8 at byte offset N").
absl::StatusOr<Tokenizer> TrainBpe(const std::vector<std::string>& texts,
                                   const BpeTrainOptions& options);

// Turns token ids, fed one at a time as a model produces them, into text
// deltas that never cut a UTF-8 character: bytes of a character whose tokens
// have not all arrived are held back. Byte sequences that can never become
// valid UTF-8 are emitted as U+FFFD, so every delta is valid UTF-8.
// Not thread-safe; one per generated text. Keeps a reference to the
// tokenizer, which must outlive it.
class StreamingDecoder {
 public:
  explicit StreamingDecoder(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}

  // Adds one token and returns the text completed by it (possibly empty).
  // INVALID_ARGUMENT for an unknown id (the decoder's state is unchanged).
  absl::StatusOr<std::string> Push(int32_t id);

  // Returns what is still held back (an unfinished character becomes U+FFFD)
  // and resets the decoder for a new text.
  std::string Flush();

 private:
  const Tokenizer& tokenizer_;
  std::string pending_;  // At most 3 bytes: a prefix of one character.
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_TOKENIZER_TOKENIZER_H_
