// A dictionary matcher over code points: a trie of folded terms (FoldChar),
// scanned leftmost-longest. Shared by the compliance filter (lexicon terms)
// and the grounding checker (material, colour, brand... surface forms).
//
// Matching rules, the same for every term:
// * Characters are compared after FoldChar, so ASCII letters match
//   case-insensitively and full-width ASCII matches its ASCII form.
// * Word boundaries apply where a term begins or ends with a word character
//   (IsWordChar, ASCII letter/digit): the neighbouring text character on that
//   side must not be a word character. So "best" matches in "the best," and
//   in "最best" but not in "bestseller"; "NO.1" does not match in "NO.12".
//   Chinese characters are not word characters, so Chinese terms match as
//   plain substrings.
// * Scanning takes, at the leftmost position where any term matches, the
//   longest term that matches there, then continues after it.
//
// Lookup cost is O(length of the longest match) per text position. A built
// matcher is immutable and safe to use from any number of threads.
#ifndef AIGC_SERVICES_COPYWRITER_COMPLIANCE_TERM_MATCHER_H_
#define AIGC_SERVICES_COPYWRITER_COMPLIANCE_TERM_MATCHER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace aigc::copy_compliance {

class TermMatcher {
 public:
  struct Match {
    std::size_t start = 0;  // in code points of the scanned text
    std::size_t end = 0;    // exclusive
    int id = 0;             // the id given to Add
  };

  // Adds `term` (code points, any case) with `id` >= 0. Returns the id of the
  // term already present when its folded form was added before (the term is
  // then not added), else nullopt. An empty term is ignored.
  std::optional<int> Add(std::u32string_view term, int id);

  // Returns the longest term starting at text[pos] that satisfies the word
  // boundaries, or nullopt. `before` is the character preceding text[0] in
  // the document (0 when text starts the document); the end of `text` counts
  // as the end of the document. Requires pos < text.size().
  std::optional<Match> LongestAt(std::u32string_view text, std::size_t pos,
                                 char32_t before = 0) const;

  // True when more text after `text` could still change what matches at pos:
  // text[pos..end) is a proper prefix of a term that may start at pos, or a
  // whole term ending in a word character (the next character decides the
  // boundary). Streaming callers hold such tails back.
  bool CouldExtend(std::u32string_view text, std::size_t pos, char32_t before = 0) const;

  // All matches of a whole document, leftmost-longest, non-overlapping, in
  // text order.
  std::vector<Match> FindAll(std::u32string_view text) const;

 private:
  // Child of `node` on folded character `c`, or -1.
  int32_t Child(int32_t node, char32_t c) const;
  bool StartAllowed(std::u32string_view text, std::size_t pos, char32_t before) const;

  // Node 0 is the root; terminal_[n] is the id of the term ending at n or -1.
  std::vector<int> terminal_ = {-1};
  std::vector<bool> has_children_ = {false};
  absl::flat_hash_map<uint64_t, int32_t> children_;
};

}  // namespace aigc::copy_compliance

#endif  // AIGC_SERVICES_COPYWRITER_COMPLIANCE_TERM_MATCHER_H_
