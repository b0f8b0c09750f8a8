#include "services/copywriter/compliance/compliance_filter.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "common/text/utf8.h"
#include "services/copywriter/compliance/internal/lexicon.h"
#include "services/copywriter/compliance/internal/rewrite_stage.h"

namespace aigc::copy_compliance {

using text::AppendUtf8;
using text::DecodeUtf8;
using text::DecodeUtf8Prefix;
namespace {

using copywriter::v1::ComplianceFinding;
using copywriter::v1::ComplianceReport;
using internal::TaggedChar;

void SortFindings(ComplianceReport* report) {
  std::stable_sort(report->mutable_findings()->begin(), report->mutable_findings()->end(),
                   [](const ComplianceFinding& a, const ComplianceFinding& b) {
                     return std::pair(a.start_offset(), a.end_offset()) <
                            std::pair(b.start_offset(), b.end_offset());
                   });
}

}  // namespace

ComplianceFilter::ComplianceFilter(std::unique_ptr<internal::Lexicon> lexicon)
    : lexicon_(std::move(lexicon)) {}

ComplianceFilter::~ComplianceFilter() = default;

absl::StatusOr<std::unique_ptr<ComplianceFilter>> ComplianceFilter::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("compliance lexicon not found: ", path));
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  absl::StatusOr<std::unique_ptr<ComplianceFilter>> filter = FromString(contents.str());
  if (!filter.ok()) {
    return absl::Status(filter.status().code(),
                        absl::StrCat(path, ": ", filter.status().message()));
  }
  return filter;
}

absl::StatusOr<std::unique_ptr<ComplianceFilter>> ComplianceFilter::FromString(
    std::string_view text) {
  AIGC_ASSIGN_OR_RETURN(internal::Lexicon lexicon, internal::ParseLexicon(text));
  return std::unique_ptr<ComplianceFilter>(
      new ComplianceFilter(std::make_unique<internal::Lexicon>(std::move(lexicon))));
}

const std::string& ComplianceFilter::version() const { return lexicon_->version; }

bool ComplianceFilter::Contains(std::string_view text) const {
  const std::u32string chars = DecodeUtf8(text);
  std::size_t pos = 0;
  while (pos < chars.size()) {
    const std::optional<TermMatcher::Match> match = lexicon_->matcher.LongestAt(chars, pos);
    if (!match) {
      ++pos;
    } else if (lexicon_->entries[match->id].allowed) {
      pos = match->end;
    } else {
      return true;
    }
  }
  return false;
}

CheckedText ComplianceFilter::Apply(std::string_view text,
                                    copywriter::v1::ComplianceMode mode) const {
  CheckedText result;
  result.report.set_lexicon_version(lexicon_->version);
  if (!Contains(text)) {  // the common case: nothing to rewrite or report
    result.text = std::string(text);
    result.report.set_passed(true);
    return result;
  }
  if (mode == copywriter::v1::COMPLIANCE_MODE_REWRITE ||
      mode == copywriter::v1::COMPLIANCE_MODE_UNSPECIFIED) {
    StreamingComplianceFilter stream(*this);
    result.text = stream.Push(text);
    result.text += stream.Flush();
    result.report = stream.report();
    return result;
  }

  std::vector<TaggedChar> chars;
  int32_t offset = 0;
  for (char32_t c : DecodeUtf8(text)) {
    chars.push_back(TaggedChar{c, offset, offset + 1});
    ++offset;
  }
  internal::RewriteStage scan(*lexicon_, /*rewrite=*/false);
  std::vector<TaggedChar> unused;
  std::vector<ComplianceFinding> findings;
  scan.Push(chars, /*end_of_text=*/true, &unused, &findings);
  const bool drop = mode == copywriter::v1::COMPLIANCE_MODE_DROP;
  for (ComplianceFinding& finding : findings) {
    if (drop) finding.set_action(copywriter::v1::COMPLIANCE_ACTION_DROPPED);
    *result.report.add_findings() = std::move(finding);
  }
  result.report.set_passed(false);
  result.report.set_dropped(drop);
  if (!drop) result.text = std::string(text);
  return result;
}

StreamingComplianceFilter::StreamingComplianceFilter(const ComplianceFilter& filter)
    : filter_(filter) {
  for (int i = 0; i < kMaxRewritePasses; ++i) {
    passes_.push_back(std::make_unique<internal::RewriteStage>(*filter.lexicon_, true));
  }
  // The last stage only detects what the rewrite passes could not remove.
  passes_.push_back(std::make_unique<internal::RewriteStage>(*filter.lexicon_, false));
  report_.set_lexicon_version(filter.version());
}

StreamingComplianceFilter::~StreamingComplianceFilter() = default;

std::string StreamingComplianceFilter::Run(std::u32string_view chars, bool end_of_text) {
  std::vector<TaggedChar> text;
  text.reserve(chars.size());
  for (char32_t c : chars) {
    text.push_back(TaggedChar{c, consumed_chars_, consumed_chars_ + 1});
    ++consumed_chars_;
  }
  std::vector<ComplianceFinding> findings;
  for (const std::unique_ptr<internal::RewriteStage>& pass : passes_) {
    std::vector<TaggedChar> out;
    pass->Push(text, end_of_text, &out, &findings);
    text = std::move(out);
  }
  for (ComplianceFinding& finding : findings) *report_.add_findings() = std::move(finding);
  std::string out;
  for (const TaggedChar& c : text) AppendUtf8(c.c, &out);
  return out;
}

std::string StreamingComplianceFilter::Push(std::string_view delta) {
  incomplete_utf8_.append(delta);
  std::u32string chars;
  const std::size_t consumed = DecodeUtf8Prefix(incomplete_utf8_, &chars);
  incomplete_utf8_.erase(0, consumed);
  return Run(chars, /*end_of_text=*/false);
}

std::string StreamingComplianceFilter::Flush() {
  const std::string out = Run(DecodeUtf8(incomplete_utf8_), /*end_of_text=*/true);
  incomplete_utf8_.clear();
  SortFindings(&report_);
  const bool passed = std::none_of(report_.findings().begin(), report_.findings().end(),
                                   [](const ComplianceFinding& f) {
                                     return f.action() == copywriter::v1::COMPLIANCE_ACTION_FLAGGED;
                                   });
  report_.set_passed(passed);
  return out;
}

}  // namespace aigc::copy_compliance
