// Advertising-law compliance filter for generated copy (China's Advertising
// Law, Article 9 style absolute claims: 最好, 第一, 国家级, 100%, "the best",
// ...), driven by a lexicon file.
//
// Lexicon file format (UTF-8, one row per line; the shipped default is
// services/copywriter/compliance/ad_law_lexicon.tsv):
//   # version: 2026-11                      <- required first non-empty line
//   # a tab-free line starting with '#' is a comment; blank lines are skipped
//   最好的<TAB>ad_law.superlative<TAB>很好的<TAB>zh
//   顶级<TAB>ad_law.absolute_term<TAB>优质<TAB>zh
//   第一<TAB>ad_law.superlative<TAB><TAB>zh  <- empty replacement = delete
//   第一时间<TAB>allow<TAB><TAB>zh           <- allow-list phrase
// Columns: term, rule_id, replacement, language. rule_id is "family.name"
// ([a-z][a-z0-9_]*, at most 32 distinct ids, as they may be metric labels) or
// the marker "allow": an allow-listed phrase contains a flagged term but is
// fine ("最近", "第一次", "at first"); it wins over the terms it contains
// because matching is leftmost-longest. language is "zh" or "en" and records
// which copy the row is for; both match by the same rules (TermMatcher):
// case- and width-insensitive, word boundaries at ASCII letters/digits (so
// Chinese terms match as substrings, "best" is flagged but "bestseller" is
// not: a sales-rank noun, not a superlative claim about the product).
// Terms must be unique after folding, and no replacement may contain a
// flagged term.
//
// Rewriting: each flagged term is replaced by its replacement (a capital
// first letter is kept: "Best" -> "Great") or deleted. The result is scanned
// again, because a deletion can join two halves into a new term ("第最一" ->
// "第一"), up to kMaxRewritePasses passes. Offsets always refer to the text as
// generated: a term formed by a rewrite reports the original span it covers
// (its `term` is the text as flagged, "第一" for "第最一").
#ifndef AIGC_SERVICES_COPYWRITER_COMPLIANCE_COMPLIANCE_FILTER_H_
#define AIGC_SERVICES_COPYWRITER_COMPLIANCE_COMPLIANCE_FILTER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "aigc/copywriter/v1/copywriter.pb.h"

namespace aigc::copy_compliance {

namespace internal {
struct Lexicon;
class RewriteStage;
}  // namespace internal

// Rewrite passes over one text; a term still present after them (only
// possible for deliberately nested constructions) leaves the report not
// passed.
inline constexpr int kMaxRewritePasses = 4;

// A checked text: the text to use and what was found.
struct CheckedText {
  std::string text;
  copywriter::v1::ComplianceReport report;
};

// Immutable after construction; all methods are thread-safe.
class ComplianceFilter {
 public:
  // Reads and parses the lexicon file at `path`. NOT_FOUND when it cannot be
  // opened; INVALID_ARGUMENT "lexicon line <n>: <problem>" for a bad row
  // (wrong field count, malformed rule id, unknown language, duplicate term,
  // flagged replacement) or a missing version line.
  static absl::StatusOr<std::unique_ptr<ComplianceFilter>> Load(const std::string& path);

  // Same as Load for lexicon text held in memory (tests, embedded defaults).
  static absl::StatusOr<std::unique_ptr<ComplianceFilter>> FromString(std::string_view text);

  ~ComplianceFilter();

  // Checks `text` (UTF-8; invalid bytes count as one character each and come
  // out as U+FFFD when the text is rewritten) in `mode`:
  // * REWRITE (and UNSPECIFIED): terms rewritten, findings REWRITTEN with
  //   their replacement; passed unless a term survived kMaxRewritePasses.
  // * DROP: when anything is flagged the text is empty, dropped and not
  //   passed, findings DROPPED; else the text is returned unchanged, passed.
  // * REPORT_ONLY: text unchanged, findings FLAGGED, passed iff none.
  // Findings are in text order (by start, then end offset), offsets in
  // characters of `text`. lexicon_version is always set.
  CheckedText Apply(std::string_view text, copywriter::v1::ComplianceMode mode) const;

  // True when `text` contains a flagged (not allow-listed) term. Cheaper than
  // Apply: stops at the first one and builds no report.
  bool Contains(std::string_view text) const;

  // The lexicon's "# version:" value, e.g. "2026-11".
  const std::string& version() const;

 private:
  friend class StreamingComplianceFilter;
  explicit ComplianceFilter(std::unique_ptr<internal::Lexicon> lexicon);

  std::unique_ptr<internal::Lexicon> lexicon_;
};

// The committed lexicon (ad_law_lexicon.tsv), compiled into the binary.
absl::StatusOr<std::unique_ptr<ComplianceFilter>> DefaultComplianceFilter();

// Rewrites a text that arrives as a stream of deltas (live replies, streamed
// copy) so that no flagged term ever reaches the client, in REWRITE mode.
// Each Push returns the part of the text that is now decided, rewritten; it
// holds back the shortest tail that could still be the start of a term or of
// an allow-listed phrase (after "最" it waits: "最好" is rewritten, "最近" is
// not), plus a character cut in two by the delta boundary. Flush releases the
// rest. The concatenated output equals ComplianceFilter::Apply(whole text,
// REWRITE).text, whatever the split, and report() then equals its report.
// One object per stream; not thread-safe. The filter must outlive it.
class StreamingComplianceFilter {
 public:
  explicit StreamingComplianceFilter(const ComplianceFilter& filter);
  ~StreamingComplianceFilter();

  // Takes the next delta (UTF-8) and returns the text that is safe to emit
  // now (possibly empty). Must not be called after Flush.
  std::string Push(std::string_view delta);

  // Ends the stream and returns the remaining text. report() is final after
  // it.
  std::string Flush();

  // Findings so far, in text order, offsets in characters of the
  // concatenated deltas; `passed` is meaningful after Flush.
  const copywriter::v1::ComplianceReport& report() const { return report_; }

 private:
  std::string Run(std::u32string_view chars, bool end_of_text);

  const ComplianceFilter& filter_;
  std::vector<std::unique_ptr<internal::RewriteStage>> passes_;
  std::string incomplete_utf8_;  // a character split across deltas
  int32_t consumed_chars_ = 0;
  copywriter::v1::ComplianceReport report_;
};

}  // namespace aigc::copy_compliance

#endif  // AIGC_SERVICES_COPYWRITER_COMPLIANCE_COMPLIANCE_FILTER_H_
