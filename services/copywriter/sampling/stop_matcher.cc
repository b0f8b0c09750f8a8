#include "services/copywriter/sampling/stop_matcher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace aigc::copywriter {
namespace {

// UTF-8 characters in `text`: the bytes that are not continuation bytes.
int CountCharacters(absl::string_view text) {
  return static_cast<int>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

absl::StatusOr<std::unique_ptr<StopMatcher>> StopMatcher::Create(
    std::vector<std::string> stop_sequences) {
  if (stop_sequences.size() > kMaxStopSequences) {
    return status::InvalidField(
        "sampling.stop",
        absl::StrCat("at most ", kMaxStopSequences, " entries, got ", stop_sequences.size()));
  }
  for (size_t i = 0; i < stop_sequences.size(); ++i) {
    const int characters = CountCharacters(stop_sequences[i]);
    if (characters < 1 || characters > kMaxStopCharacters) {
      return status::InvalidField("sampling.stop",
                                  absl::StrCat("entry ", i, " must be 1..", kMaxStopCharacters,
                                               " characters long, got ", characters));
    }
  }
  return std::unique_ptr<StopMatcher>(new StopMatcher(std::move(stop_sequences)));
}

StopMatcher::Update StopMatcher::Push(absl::string_view delta) {
  Update update;
  if (stopped_) {
    update.stopped = true;
    return update;
  }
  held_.append(delta.data(), delta.size());
  // Everything released earlier had no suffix that starts a stop sequence, so
  // any occurrence lies entirely inside held_.
  size_t first = std::string::npos;
  for (size_t i = 0; i < stop_sequences_.size(); ++i) {
    const size_t pos = held_.find(stop_sequences_[i]);
    if (pos < first) {
      first = pos;
      update.stop_index = static_cast<int>(i);
    }
  }
  if (first != std::string::npos) {
    update.text = held_.substr(0, first);
    update.stopped = stopped_ = true;
    held_.clear();
    return update;
  }
  const size_t keep = LongestPendingPrefix();
  update.text = held_.substr(0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return update;
}

std::string StopMatcher::Flush() { return std::exchange(held_, std::string()); }

size_t StopMatcher::LongestPendingPrefix() const {
  size_t longest = 0;
  for (const std::string& stop : stop_sequences_) {
    // Only suffixes shorter than the stop can be a proper prefix of it.
    for (size_t length = std::min(held_.size(), stop.size() - 1); length > longest; --length) {
      const absl::string_view suffix = absl::string_view(held_).substr(held_.size() - length);
      if (absl::StartsWith(stop, suffix)) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

}  // namespace aigc::copywriter
