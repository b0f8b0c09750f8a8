// Recently prefilled prompts of one BatchDecoder, so that a request whose
// prompt starts like an earlier one's copies that prefix's key/value cache
// (LanguageModel::CopyState) instead of computing it again. Live Q&A prompts
// are the room's knowledge followed by the question, so a room's later
// questions only compute their last line; copy requests for one product
// share its facts.
//
// Holds at most `capacity` prompts (the least recently used is evicted),
// each as a decode state of its model; inserting a prompt of another model
// version evicts the old version's entries, so a hot reload frees the old
// model. Not thread-safe.
#ifndef AIGC_SERVICES_COPYWRITER_GENERATION_PREFIX_CACHE_H_
#define AIGC_SERVICES_COPYWRITER_GENERATION_PREFIX_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "services/copywriter/lm/language_model.h"

namespace aigc::copywriter {

class PrefixCache {
 public:
  // capacity >= 0 (0 = caches nothing); min_shared_tokens >= 1.
  PrefixCache(int capacity, int min_shared_tokens);
  ~PrefixCache();
  PrefixCache(const PrefixCache&) = delete;
  PrefixCache& operator=(const PrefixCache&) = delete;

  struct Hit {
    // Holds a prompt whose first `length` tokens are the request's; valid
    // until the next Insert.
    const copy_lm::DecodeState* state = nullptr;
    int length = 0;
  };

  // The cached prompt of `model` sharing the longest prefix with `prompt`,
  // if that prefix has at least min_shared_tokens tokens. The prefix is kept
  // shorter than `prompt`: its last token is always computed, for the
  // logits that follow it.
  std::optional<Hit> Find(const copy_lm::LanguageModel& model, std::span<const int32_t> prompt);

  // Remembers a copy of `state`, which holds exactly `prompt` for `model`;
  // `model_owner` keeps the model alive while the entry lives.
  absl::Status Insert(const copy_lm::LanguageModel& model, std::shared_ptr<const void> model_owner,
                      std::span<const int32_t> prompt, const copy_lm::DecodeState& state);

  int size() const { return static_cast<int>(entries_.size()); }

 private:
  struct Entry {
    const copy_lm::LanguageModel* model;
    std::shared_ptr<const void> model_owner;
    std::vector<int32_t> prompt;
    std::unique_ptr<copy_lm::DecodeState> state;
  };

  const int capacity_;
  const int min_shared_tokens_;
  std::list<Entry> entries_;  // most recently used first
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_GENERATION_PREFIX_CACHE_H_
