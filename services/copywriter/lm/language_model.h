// The copywriter's language model (see lm_config.h for its shape): weights on
// a device, file round trips, and decoding with a key/value cache.
//
// Decoding works on DecodeStates, one per sequence (a copy request, a live
// Q&A stream). Prefill and Step take a batch of states of any lengths and run
// ONE forward pass for the whole batch: the caches are padded to the longest
// and the padding is masked, each new token at its own position, so the
// service can decode concurrent streams together. Results equal decoding each
// state alone up to float rounding.
#ifndef AIGC_SERVICES_COPYWRITER_LM_LANGUAGE_MODEL_H_
#define AIGC_SERVICES_COPYWRITER_LM_LANGUAGE_MODEL_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/runtime/device.h"
#include "services/copywriter/lm/lm_config.h"

namespace aigc::copy_lm {

class LanguageModel;

namespace internal {
struct LanguageModelAccess;
}  // namespace internal

// One sequence being decoded: the tokens it has consumed, held as the
// key/value cache of every layer (memory for context_length tokens, on the
// model's device, taken at the first Prefill or Step). Made by
// LanguageModel::NewDecodeState and usable only with that model. Not
// thread-safe: one call at a time may use a state.
class DecodeState {
 public:
  ~DecodeState();
  DecodeState(const DecodeState&) = delete;
  DecodeState& operator=(const DecodeState&) = delete;

  // Number of tokens consumed so far (0 for a new or reset state).
  int length() const;

  // Forgets the consumed tokens; the cache memory is kept for reuse.
  void Reset();

 private:
  friend class LanguageModel;
  struct Impl;
  explicit DecodeState(const LanguageModel* owner);

  std::unique_ptr<Impl> impl_;
};

// Next-token logits, one vector of vocab_size floats per state (in the order
// of the states given) or per position.
using LogitsBatch = std::vector<std::vector<float>>;

// Thread-compatible: const methods may run concurrently (on distinct
// DecodeStates); training (trainer.h) changes the weights and must not
// overlap with them.
class LanguageModel {
 public:
  // A model with freshly initialised weights (GPT-2 style: normal(0, 0.02),
  // residual projections scaled by 1/sqrt(2 * num_layers)), identical for the
  // same config and init_seed on every device. INVALID_ARGUMENT for a bad
  // config; FAILED_PRECONDITION when the device is unavailable.
  static absl::StatusOr<std::unique_ptr<LanguageModel>> Create(const LmConfig& config,
                                                               runtime::Device device,
                                                               uint64_t init_seed);

  // Reads a file written by Save onto `device`. NOT_FOUND when the file does
  // not exist, DATA_LOSS when it is not a readable archive or lacks or
  // misshapes a weight, INVALID_ARGUMENT when it is an archive of something
  // else or holds an invalid config.
  static absl::StatusOr<std::unique_ptr<LanguageModel>> Load(const std::filesystem::path& path,
                                                             runtime::Device device);

  ~LanguageModel();
  LanguageModel(const LanguageModel&) = delete;
  LanguageModel& operator=(const LanguageModel&) = delete;

  // Writes the config and weights to `path` (a LibTorch archive), replacing it
  // atomically (written beside it, then renamed). INTERNAL on a write error.
  absl::Status Save(const std::filesystem::path& path) const;

  const LmConfig& config() const;
  runtime::Device device() const;
  // Number of trainable parameters; equals ParameterCount(config()).
  int64_t parameter_count() const;

  // A new, empty state for this model.
  std::unique_ptr<DecodeState> NewDecodeState() const;

  // Starts each state afresh on its prompt (prompts may differ in length) and
  // returns the logits for the token after each prompt. Fails before touching
  // any state: INVALID_ARGUMENT when the sizes differ, the batch is empty, a
  // state is null, repeated or from another model, a prompt is empty, or a
  // token is outside [0, vocab_size) (the message names "prompts[i][j]");
  // OUT_OF_RANGE when a prompt is longer than context_length.
  absl::StatusOr<LogitsBatch> Prefill(std::span<DecodeState* const> states,
                                      const std::vector<std::vector<int32_t>>& tokens) const;

  // Like Prefill, but appends the tokens to what each state already holds
  // (e.g. the next turn of a live Q&A); a new state behaves as in Prefill.
  // OUT_OF_RANGE when a state would exceed context_length.
  absl::StatusOr<LogitsBatch> Extend(std::span<DecodeState* const> states,
                                     const std::vector<std::vector<int32_t>>& tokens) const;

  // Appends tokens[i] to states[i] and returns the logits for the token after
  // it; errors as for Extend (the message names "tokens[i]").
  absl::StatusOr<LogitsBatch> Step(std::span<DecodeState* const> states,
                                   std::span<const int32_t> tokens) const;

  // Makes `target` hold the first `length` tokens of `source` (both this
  // model's states; `target` loses what it held): a shared prompt prefix is
  // computed once and copied, instead of computed again. Continuing
  // `target` then gives what prefilling those tokens would, up to float
  // rounding. INVALID_ARGUMENT for a state of another model, the same state
  // twice, or `length` outside [0, source.length()].
  absl::Status CopyState(const DecodeState& source, int length, DecodeState& target) const;

  // Logits after every prefix of `tokens` (entry p predicts token p + 1),
  // computed over the whole sequence without a cache. INVALID_ARGUMENT for an
  // empty sequence or a bad token, OUT_OF_RANGE beyond context_length.
  absl::StatusOr<LogitsBatch> Logits(std::span<const int32_t> tokens) const;

 private:
  friend struct internal::LanguageModelAccess;
  struct Impl;
  explicit LanguageModel(std::unique_ptr<Impl> impl);

  absl::StatusOr<LogitsBatch> Advance(std::span<DecodeState* const> states,
                                      const std::vector<std::span<const int32_t>>& chunks,
                                      const char* field, bool restart) const;

  std::unique_ptr<Impl> impl_;
};

}  // namespace aigc::copy_lm

#endif  // AIGC_SERVICES_COPYWRITER_LM_LANGUAGE_MODEL_H_
