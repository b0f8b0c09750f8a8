#include "services/copywriter/compliance/internal/rewrite_stage.h"
#include "common/text/utf8.h"

#include <algorithm>
#include <cstddef>


namespace aigc::copy_compliance::internal {

using text::EncodeUtf8;
namespace {

using copywriter::v1::ComplianceFinding;

bool IsAsciiLower(char32_t c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }

}  // namespace

bool RewriteStage::Push(const std::vector<TaggedChar>& in, bool end_of_text,
                        std::vector<TaggedChar>* out, std::vector<ComplianceFinding>* findings) {
  for (const TaggedChar& tagged : in) {
    pending_.push_back(tagged);
    pending_text_.push_back(tagged.c);
  }
  const TermMatcher& matcher = lexicon_.matcher;
  std::size_t hold = pending_.size();
  if (!end_of_text) {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (matcher.CouldExtend(pending_text_, i, before_)) {
        hold = i;
        break;
      }
    }
  }

  bool found = false;
  std::size_t pos = 0;
  while (pos < hold) {
    // Decided: the walk from pos ends before the held tail (or the text ends).
    const std::optional<TermMatcher::Match> match = matcher.LongestAt(pending_text_, pos, before_);
    if (!match || lexicon_.entries[match->id].allowed) {
      const std::size_t end = match ? match->end : pos + 1;
      out->insert(out->end(), pending_.begin() + pos, pending_.begin() + end);
      pos = end;
      continue;
    }
    found = true;
    const LexiconEntry& entry = lexicon_.entries[match->id];
    TaggedChar span = pending_[pos];
    for (std::size_t i = pos; i < match->end; ++i) {
      span.begin = std::min(span.begin, pending_[i].begin);
      span.end = std::max(span.end, pending_[i].end);
    }
    ComplianceFinding& finding = findings->emplace_back();
    finding.set_term(EncodeUtf8(std::u32string_view(pending_text_).substr(pos, match->end - pos)));
    finding.set_rule_id(entry.rule_id);
    finding.set_start_offset(span.begin);
    finding.set_end_offset(span.end);
    if (rewrite_) {
      finding.set_action(copywriter::v1::COMPLIANCE_ACTION_REWRITTEN);
      finding.set_replacement(EncodeUtf8(entry.replacement));
      for (std::size_t i = 0; i < entry.replacement.size(); ++i) {
        char32_t c = entry.replacement[i];
        // "Best choice" -> "Great choice": keep a capital at the start.
        if (i == 0 && IsAsciiUpper(pending_text_[pos]) && IsAsciiLower(c)) c -= 'a' - 'A';
        out->push_back(TaggedChar{c, span.begin, span.end});
      }
    } else {
      finding.set_action(copywriter::v1::COMPLIANCE_ACTION_FLAGGED);
      out->insert(out->end(), pending_.begin() + pos, pending_.begin() + match->end);
    }
    pos = match->end;
  }
  if (pos > 0) {
    before_ = pending_text_[pos - 1];
    pending_.erase(pending_.begin(), pending_.begin() + pos);
    pending_text_.erase(0, pos);
  }
  return found;
}

}  // namespace aigc::copy_compliance::internal
