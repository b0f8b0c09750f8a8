#include "services/copywriter/live/coalescer.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "common/text/utf8.h"

namespace aigc::copy_live {
namespace {

// Characters that carry no meaning for "is this the same question".
bool IsNoise(char32_t c) {
  if (c < 0x80) {
    return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  }
  return (c >= 0x0080 && c <= 0x00BF) ||    // Latin-1 punctuation, symbols, NBSP
         (c >= 0x2000 && c <= 0x206F) ||    // general punctuation, spaces, ZWJ
         (c >= 0x2190 && c <= 0x2BFF) ||    // arrows, symbols, dingbats (☀ ✨ ❤)
         (c >= 0x3000 && c <= 0x303F) ||    // CJK punctuation (，。「」、 ideographic space)
         (c >= 0xFE00 && c <= 0xFE6F) ||    // variation selectors, vertical and small forms
         (c >= 0xFF5F && c <= 0xFF65) ||    // half-width CJK punctuation
         (c >= 0x1F000 && c <= 0x1FAFF) ||  // emoji and pictographs, skin tones
         (c >= 0xE0000 && c <= 0xE007F) ||  // emoji tag sequences
         c == text::kReplacementChar;
}

char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII forms
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  return c;
}

absl::flat_hash_set<std::u32string_view> Bigrams(std::u32string_view text) {
  absl::flat_hash_set<std::u32string_view> bigrams;
  for (size_t i = 0; i + 1 < text.size(); ++i) bigrams.insert(text.substr(i, 2));
  return bigrams;
}

}  // namespace

std::u32string NormalizeQuestion(std::string_view text) {
  std::u32string out;
  for (char32_t c : text::DecodeUtf8(text)) {
    c = Fold(c);
    if (!IsNoise(c)) out.push_back(c);
  }
  return out;
}

double BigramJaccard(std::u32string_view a, std::u32string_view b) {
  if (a.size() < 2 || b.size() < 2) return a == b ? 1.0 : 0.0;
  const auto bigrams_a = Bigrams(a);
  const auto bigrams_b = Bigrams(b);
  const size_t shared = static_cast<size_t>(std::count_if(
      bigrams_a.begin(), bigrams_a.end(), [&](auto bigram) { return bigrams_b.contains(bigram); }));
  return static_cast<double>(shared) /
         static_cast<double>(bigrams_a.size() + bigrams_b.size() - shared);
}

absl::StatusOr<std::unique_ptr<QuestionCoalescer>> QuestionCoalescer::Create(
    CoalescerOptions options) {
  if (options.window <= absl::ZeroDuration()) {
    return status::InvalidField("window", "must be > 0");
  }
  if (!(options.similarity_threshold > 0.0 && options.similarity_threshold <= 1.0)) {
    return status::InvalidField("similarity_threshold", "must be in (0, 1]");
  }
  if (options.max_pending_questions < 1) {
    return status::InvalidField("max_pending_questions", "must be >= 1");
  }
  if (!options.clock) return status::InvalidField("clock", "required");
  return std::unique_ptr<QuestionCoalescer>(new QuestionCoalescer(std::move(options)));
}

absl::StatusOr<QuestionCoalescer::Admission> QuestionCoalescer::Admit(
    absl::string_view question_id, std::string_view text,
    absl::FunctionRef<absl::Status()> may_start_new_reply) {
  const absl::Time now = options_.clock();
  std::u32string normalized = NormalizeQuestion(text);
  absl::MutexLock lock(&mu_);
  if (held_questions_ >= options_.max_pending_questions) {
    return absl::ResourceExhaustedError("too many questions waiting for a reply in this session");
  }
  PendingGroup* best = nullptr;
  double best_similarity = 0.0;
  if (options_.merge_similar && !normalized.empty()) {
    for (PendingGroup& pending : groups_) {
      if (now - pending.group.first_asked >= options_.window) continue;
      const double similarity =
          pending.normalized == normalized ? 1.0 : BigramJaccard(pending.normalized, normalized);
      if (similarity >= options_.similarity_threshold && similarity > best_similarity) {
        best = &pending;
        best_similarity = similarity;
      }
    }
  }
  if (best != nullptr) {
    best->group.coalesced_question_ids.emplace_back(question_id);
    ++held_questions_;
    return Admission{/*joined=*/true, best->group.question_id};
  }
  AIGC_RETURN_IF_ERROR(may_start_new_reply());
  groups_.push_back(PendingGroup{Group{std::string(question_id), {}, now}, std::move(normalized)});
  ++held_questions_;
  return Admission{/*joined=*/false, std::string(question_id)};
}

std::vector<QuestionCoalescer::Group> QuestionCoalescer::PopFront(size_t count) {
  std::vector<Group> taken;
  taken.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    held_questions_ -= 1 + static_cast<int>(groups_.front().group.coalesced_question_ids.size());
    taken.push_back(std::move(groups_.front().group));
    groups_.pop_front();
  }
  return taken;
}

std::optional<QuestionCoalescer::Group> QuestionCoalescer::TakeOldest() {
  absl::MutexLock lock(&mu_);
  if (groups_.empty()) return std::nullopt;
  return std::move(PopFront(1).front());
}

std::vector<QuestionCoalescer::Group> QuestionCoalescer::TakeAll() {
  absl::MutexLock lock(&mu_);
  return PopFront(groups_.size());
}

}  // namespace aigc::copy_live
