// Stop sequences for streamed generation: decides which text may be shown now
// so that a client never sees any part of a stop sequence.
#ifndef AIGC_SERVICES_COPYWRITER_SAMPLING_STOP_MATCHER_H_
#define AIGC_SERVICES_COPYWRITER_SAMPLING_STOP_MATCHER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace aigc::copywriter {

// Fed the text deltas of one generation in order. Text that could be the
// beginning of a stop sequence is held back until the following text shows
// whether it is one; everything before is released at once. Matching is on
// bytes; when the stop sequences and the deltas are valid UTF-8, every
// released piece is too (a held suffix always starts where a stop sequence
// starts, at a character boundary). Not thread-safe; one per generated text.
class StopMatcher {
 public:
  // Bounds of aigc.copywriter.v1.SamplingParams.stop.
  static constexpr int kMaxStopSequences = 4;
  static constexpr int kMaxStopCharacters = 32;

  struct Update {
    // Text that is safe to show now, possibly empty.
    std::string text;
    // True once a stop sequence has appeared: `text` ends right before it and
    // generation should end. Later calls return empty text and stay stopped.
    bool stopped = false;
    // Which stop sequence ended the text (index into the constructor's list),
    // or -1.
    int stop_index = -1;
  };

  // Fails with INVALID_ARGUMENT "sampling.stop: ..." for more than
  // kMaxStopSequences entries or an entry not 1..kMaxStopCharacters UTF-8
  // characters long. An empty list never stops and holds nothing back.
  static absl::StatusOr<std::unique_ptr<StopMatcher>> Create(
      std::vector<std::string> stop_sequences);

  // Adds the next delta. If several stop sequences appear, the one that
  // starts first wins (on a tie, the lower index).
  Update Push(absl::string_view delta);

  // Ends the generation without a stop: returns the held-back text (empty
  // once stopped).
  std::string Flush();

  bool stopped() const { return stopped_; }

 private:
  explicit StopMatcher(std::vector<std::string> stop_sequences)
      : stop_sequences_(std::move(stop_sequences)) {}

  // Length of the longest suffix of held_ that is a proper prefix of some stop
  // sequence.
  size_t LongestPendingPrefix() const;

  const std::vector<std::string> stop_sequences_;
  std::string held_;  // Shorter than the longest stop sequence.
  bool stopped_ = false;
};

}  // namespace aigc::copywriter

#endif  // AIGC_SERVICES_COPYWRITER_SAMPLING_STOP_MATCHER_H_
