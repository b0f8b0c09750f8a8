#include "services/copywriter/tokenizer/tokenizer.h"

#include <cerrno>
#include <fstream>
#include <functional>
#include <queue>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status.h"
#include "common/text/utf8.h"
#include "services/copywriter/tokenizer/internal/pair_key.h"
#include "services/copywriter/tokenizer/internal/pretokenize.h"

namespace aigc::copywriter {
namespace {

using internal::PairKey;

// Bounds that keep a corrupt file from asking for absurd allocations.
constexpr int kMaxSpecialTokens = 10000;
constexpr int kMaxMerges = 1000000;

// Splits text into lines and counts them (1-based) for error messages. A final
// newline does not start another line.
class LineReader {
 public:
  explicit LineReader(absl::string_view text) : rest_(text) {}

  // Returns the next line, or false at the end of the text.
  bool Next(absl::string_view& line) {
    if (rest_.empty()) return false;
    const size_t end = rest_.find('\n');
    line = rest_.substr(0, end);
    rest_ = end == absl::string_view::npos ? absl::string_view() : rest_.substr(end + 1);
    ++line_number_;
    return true;
  }

  int line_number() const { return line_number_; }

 private:
  absl::string_view rest_;
  int line_number_ = 0;
};

absl::Status LineError(int line_number, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", problem));
}

// Parses "<keyword> <count>" with count in [0, max].
absl::StatusOr<int> ParseCountLine(absl::string_view line, int line_number,
                                   absl::string_view keyword, int max) {
  int count = 0;
  if (!absl::ConsumePrefix(&line, keyword) || !absl::ConsumePrefix(&line, " ") ||
      !absl::SimpleAtoi(line, &count) || count < 0 || count > max) {
    return LineError(line_number, absl::StrCat("expected \"", keyword,
                                               " <count>\" with count in [0, ", max, "]"));
  }
  return count;
}

}  // namespace

Tokenizer::Tokenizer(std::vector<std::string> special_tokens,
                     std::vector<std::pair<int32_t, int32_t>> merges)
    : special_tokens_(std::move(special_tokens)), merges_(std::move(merges)) {
  token_bytes_.reserve(kNumByteTokens + special_tokens_.size() + merges_.size());
  for (int byte = 0; byte < kNumByteTokens; ++byte) {
    token_bytes_.emplace_back(1, static_cast<char>(byte));
  }
  token_bytes_.insert(token_bytes_.end(), special_tokens_.begin(), special_tokens_.end());
  merge_ids_.reserve(merges_.size());
  for (const auto& [left, right] : merges_) {
    merge_ids_[PairKey(left, right)] = static_cast<int32_t>(token_bytes_.size());
    token_bytes_.push_back(token_bytes_[left] + token_bytes_[right]);
  }
}

bool Tokenizer::IsSpecialToken(int32_t id) const {
  return id >= kNumByteTokens && id < first_merge_id();
}

absl::StatusOr<std::vector<int32_t>> Tokenizer::Encode(absl::string_view text) const {
  if (const size_t bad = aigc::text::FindInvalidUtf8({text.data(), text.size()});
      bad != std::string_view::npos) {
    return status::InvalidField("text", absl::StrCat("invalid UTF-8 at byte offset ", bad));
  }
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 2 + 1);
  for (absl::string_view chunk : internal::SplitIntoChunks(text)) EncodeChunk(chunk, ids);
  return ids;
}

// Applies merges by priority inside one chunk: the symbols form a linked list
// and a min-heap holds candidate (merge id, position) pairs, so a chunk of n
// bytes costs O(n log n). Equal ids pop leftmost first, which matches the
// left-to-right merging done in training. Stale heap entries are skipped by
// re-checking the pair at the position.
void Tokenizer::EncodeChunk(absl::string_view chunk, std::vector<int32_t>& ids) const {
  const int n = static_cast<int>(chunk.size());
  if (n == 1 || merge_ids_.empty()) {
    for (char c : chunk) ids.push_back(static_cast<uint8_t>(c));
    return;
  }
  constexpr int32_t kRemoved = -1;
  std::vector<int32_t> symbols(n);
  std::vector<int> prev(n);
  std::vector<int> next(n);
  for (int i = 0; i < n; ++i) {
    symbols[i] = static_cast<uint8_t>(chunk[i]);
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  using Candidate = std::pair<int32_t, int>;  // (merge id, left position)
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  const auto merged_id = [&](int pos) -> int32_t {
    if (pos < 0 || next[pos] < 0) return kRemoved;
    const auto it = merge_ids_.find(PairKey(symbols[pos], symbols[next[pos]]));
    return it == merge_ids_.end() ? kRemoved : it->second;
  };
  const auto push_candidate = [&](int pos) {
    if (const int32_t id = merged_id(pos); id != kRemoved) heap.emplace(id, pos);
  };
  for (int i = 0; i + 1 < n; ++i) push_candidate(i);
  while (!heap.empty()) {
    const auto [id, pos] = heap.top();
    heap.pop();
    if (symbols[pos] == kRemoved || merged_id(pos) != id) continue;
    const int right = next[pos];
    symbols[pos] = id;
    symbols[right] = kRemoved;
    next[pos] = next[right];
    if (next[pos] >= 0) prev[next[pos]] = pos;
    push_candidate(prev[pos]);
    push_candidate(pos);
  }
  for (int pos = 0; pos >= 0; pos = next[pos]) ids.push_back(symbols[pos]);
}

absl::StatusOr<std::string> Tokenizer::Decode(std::span<const int32_t> ids) const {
  std::string text;
  for (size_t i = 0; i < ids.size(); ++i) {
    const int32_t id = ids[i];
    if (id < 0 || id >= vocab_size()) {
      return status::InvalidField(
          absl::StrCat("ids[", i, "]"),
          absl::StrCat("unknown token id ", id, " (vocabulary size ", vocab_size(), ")"));
    }
    if (!IsSpecialToken(id)) text += token_bytes_[id];
  }
  return text;
}

absl::StatusOr<int32_t> Tokenizer::SpecialTokenId(absl::string_view name) const {
  for (size_t i = 0; i < special_tokens_.size(); ++i) {
    if (special_tokens_[i] == name) return kNumByteTokens + static_cast<int32_t>(i);
  }
  return absl::NotFoundError(absl::StrCat("no special token \"", name, "\""));
}

absl::StatusOr<std::string> Tokenizer::TokenBytes(int32_t id) const {
  if (id < 0 || id >= vocab_size()) {
    return status::InvalidField(
        "id", absl::StrCat("unknown token id ", id, " (vocabulary size ", vocab_size(), ")"));
  }
  return token_bytes_[id];
}

std::string Tokenizer::Serialize() const {
  std::string out = absl::StrCat(kFileHeader, "\nspecials ", special_tokens_.size(), "\n");
  for (const std::string& special : special_tokens_) absl::StrAppend(&out, special, "\n");
  absl::StrAppend(&out, "merges ", merges_.size(), "\n");
  for (const auto& [left, right] : merges_) absl::StrAppend(&out, left, " ", right, "\n");
  return out;
}

absl::StatusOr<Tokenizer> Tokenizer::Parse(absl::string_view contents) {
  LineReader reader(contents);
  absl::string_view line;
  // Reads the next line or fails naming what was expected there.
  const auto next_line = [&](absl::string_view expected) -> absl::Status {
    if (reader.Next(line)) return absl::OkStatus();
    return LineError(reader.line_number() + 1,
                     absl::StrCat("unexpected end of file, expected ", expected));
  };

  AIGC_RETURN_IF_ERROR(next_line("the header"));
  if (line != kFileHeader) {
    return LineError(
        reader.line_number(),
        absl::StartsWith(line, "aigc-bpe ")
            ? absl::StrCat("unsupported version \"", line, "\", expected \"", kFileHeader, "\"")
            : absl::StrCat("expected header \"", kFileHeader, "\""));
  }

  AIGC_RETURN_IF_ERROR(next_line("\"specials <count>\""));
  AIGC_ASSIGN_OR_RETURN(const int num_specials,
                        ParseCountLine(line, reader.line_number(), "specials", kMaxSpecialTokens));
  std::vector<std::string> specials;
  absl::flat_hash_set<absl::string_view> seen_specials;
  for (int i = 0; i < num_specials; ++i) {
    AIGC_RETURN_IF_ERROR(next_line(absl::StrCat("special token ", i + 1, " of ", num_specials)));
    if (line.empty()) return LineError(reader.line_number(), "empty special token");
    if (!seen_specials.insert(line).second) {
      return LineError(reader.line_number(),
                       absl::StrCat("duplicate special token \"", line, "\""));
    }
    specials.emplace_back(line);
  }

  AIGC_RETURN_IF_ERROR(next_line("\"merges <count>\""));
  AIGC_ASSIGN_OR_RETURN(const int num_merges,
                        ParseCountLine(line, reader.line_number(), "merges", kMaxMerges));
  const int32_t first_merge_id = kNumByteTokens + num_specials;
  std::vector<std::pair<int32_t, int32_t>> merges;
  merges.reserve(num_merges);
  absl::flat_hash_set<uint64_t> seen_merges;
  for (int i = 0; i < num_merges; ++i) {
    AIGC_RETURN_IF_ERROR(next_line(absl::StrCat("merge ", i + 1, " of ", num_merges)));
    const int32_t new_id = first_merge_id + i;
    const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
    int32_t ids[2] = {0, 0};
    if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &ids[0]) ||
        !absl::SimpleAtoi(fields[1], &ids[1])) {
      return LineError(reader.line_number(), "expected \"<left id> <right id>\"");
    }
    for (const int32_t id : ids) {
      const bool special = id >= kNumByteTokens && id < first_merge_id;
      if (id < 0 || id >= new_id || special) {
        return LineError(reader.line_number(),
                         absl::StrCat("merge for id ", new_id, " refers to id ", id,
                                      ", which is not an earlier byte or merge"));
      }
    }
    if (!seen_merges.insert(PairKey(ids[0], ids[1])).second) {
      return LineError(reader.line_number(), absl::StrCat("duplicate merge ", ids[0], " ", ids[1]));
    }
    merges.emplace_back(ids[0], ids[1]);
  }
  while (reader.Next(line)) {
    if (!line.empty())
      return LineError(reader.line_number(), "unexpected content after the merges");
  }
  return Tokenizer(std::move(specials), std::move(merges));
}

absl::Status Tokenizer::Save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << Serialize();
  if (out) out.close();
  if (!out) return absl::ErrnoToStatus(errno, absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<Tokenizer> Tokenizer::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open tokenizer file ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<Tokenizer> tokenizer = Parse(contents.str());
  if (!tokenizer.ok()) {
    return absl::Status(tokenizer.status().code(),
                        absl::StrCat(path, ": ", tokenizer.status().message()));
  }
  return tokenizer;
}

absl::StatusOr<std::string> StreamingDecoder::Push(int32_t id) {
  AIGC_ASSIGN_OR_RETURN(const std::string bytes, tokenizer_.TokenBytes(id));
  if (tokenizer_.IsSpecialToken(id)) return std::string();
  pending_ += bytes;
  std::string text;
  size_t pos = 0;
  while (pos < pending_.size()) {
    const aigc::text::Utf8Sequence seq = aigc::text::DecodeSequence(pending_, pos);
    if (seq.kind == aigc::text::Utf8Kind::kIncomplete) break;  // Wait for the rest.
    if (seq.kind == aigc::text::Utf8Kind::kValid) {
      text.append(pending_, pos, seq.length);
    } else {
      aigc::text::AppendUtf8(aigc::text::kReplacementChar, &text);
    }
    pos += seq.length;
  }
  pending_.erase(0, pos);
  return text;
}

std::string StreamingDecoder::Flush() {
  std::string text;
  // Push() leaves at most the prefix of one character.
  if (!pending_.empty()) aigc::text::AppendUtf8(aigc::text::kReplacementChar, &text);
  pending_.clear();
  return text;
}

}  // namespace aigc::copywriter
