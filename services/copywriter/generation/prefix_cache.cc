#include "services/copywriter/generation/prefix_cache.h"

#include <algorithm>
#include <utility>

#include "common/status/status.h"

namespace aigc::copywriter {

PrefixCache::PrefixCache(int capacity, int min_shared_tokens)
    : capacity_(std::max(0, capacity)), min_shared_tokens_(std::max(1, min_shared_tokens)) {}

PrefixCache::~PrefixCache() = default;

std::optional<PrefixCache::Hit> PrefixCache::Find(const copy_lm::LanguageModel& model,
                                                  std::span<const int32_t> prompt) {
  auto best = entries_.end();
  size_t best_length = 0;
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->model != &model) continue;
    const size_t limit = std::min(it->prompt.size(), prompt.size() - 1);
    const size_t shared = static_cast<size_t>(
        std::mismatch(prompt.begin(), prompt.begin() + limit, it->prompt.begin()).first -
        prompt.begin());
    if (shared > best_length) {
      best = it;
      best_length = shared;
    }
  }
  if (best == entries_.end() || static_cast<int>(best_length) < min_shared_tokens_) {
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, best);
  return Hit{.state = entries_.front().state.get(), .length = static_cast<int>(best_length)};
}

absl::Status PrefixCache::Insert(const copy_lm::LanguageModel& model,
                                 std::shared_ptr<const void> model_owner,
                                 std::span<const int32_t> prompt,
                                 const copy_lm::DecodeState& state) {
  if (capacity_ == 0) return absl::OkStatus();
  entries_.remove_if([&](const Entry& entry) {
    return entry.model != &model ||
           std::equal(entry.prompt.begin(), entry.prompt.end(), prompt.begin(), prompt.end());
  });
  std::unique_ptr<copy_lm::DecodeState> copy = model.NewDecodeState();
  AIGC_RETURN_IF_ERROR(model.CopyState(state, state.length(), *copy));
  entries_.push_front(Entry{.model = &model,
                            .model_owner = std::move(model_owner),
                            .prompt = std::vector<int32_t>(prompt.begin(), prompt.end()),
                            .state = std::move(copy)});
  if (static_cast<int>(entries_.size()) > capacity_) entries_.pop_back();
  return absl::OkStatus();
}

}  // namespace aigc::copywriter
