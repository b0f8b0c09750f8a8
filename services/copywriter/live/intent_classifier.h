// Intent of a viewer's live-stream question (ReplyStarted.intent and
// intent_confidence): multinomial Naive Bayes over character n-grams.
//
// Features: the question's code points with ASCII letters lower-cased and
// every whitespace run turned into one space (trimmed at both ends); every
// 1-, 2- and 3-gram of that sequence, counted with multiplicity. Character
// n-grams need no word segmenter, which Chinese (written without spaces)
// would otherwise require. Naive Bayes was chosen over logistic regression
// because it trains in one counting pass, exactly and deterministically, and
// its model is plain counts that a text file holds without loss.
//
// Scoring: log P(intent) + Σ_grams log P(gram | intent), with add-`smoothing`
// (Lidstone) estimates P(g | c) = (count(g, c) + α) / (total(c) + α·|V|) and
// P(c) = questions(c) / questions. Grams never seen in training are skipped.
// Confidence is the winning intent's posterior (softmax of the scores).
//
// Immutable once built; Classify is thread-safe.
#ifndef AIGC_SERVICES_COPYWRITER_LIVE_INTENT_CLASSIFIER_H_
#define AIGC_SERVICES_COPYWRITER_LIVE_INTENT_CLASSIFIER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "aigc/copywriter/v1/copywriter.pb.h"

namespace aigc::copy_live {

namespace v1 = ::aigc::copywriter::v1;

// One training example.
struct LabeledQuestion {
  std::string question;
  v1::Intent intent = v1::INTENT_UNSPECIFIED;
};

struct IntentClassifierOptions {
  // Lidstone smoothing α, > 0 (1 = Laplace).
  double smoothing = 1.0;
};

struct IntentPrediction {
  v1::Intent intent = v1::INTENT_UNSPECIFIED;
  // Posterior of `intent`, in [0, 1].
  double confidence = 0.0;
};

// Whether a question of this intent always goes to the host
// (ReplyStarted.hand_off_to_human): COMPLAINT (the contract says "always") and
// OTHER (no knowledge-base fact answers it; a matching FAQ is the caller's
// reason to answer anyway).
bool NeedsHandOff(v1::Intent intent);

// NeedsHandOff(prediction.intent), or a confidence below `min_confidence`
// (the contract's "low confidence").
bool NeedsHandOff(const IntentPrediction& prediction, double min_confidence);

// The model's feature strings (UTF-8) of `question`, in text order: all
// 1-grams, then 2-grams, then 3-grams. Exposed for tests.
std::vector<std::string> IntentFeatures(std::string_view question);

class IntentClassifier {
 public:
  // Trains on `examples`. INVALID_ARGUMENT "examples" when empty,
  // "examples[i].intent" for UNSPECIFIED or an unknown value,
  // "examples[i].question" for a question without features (empty or only
  // whitespace), "smoothing" when not > 0. Deterministic: the same examples
  // in any order give the same model and the same Serialize() text.
  static absl::StatusOr<std::unique_ptr<IntentClassifier>> Train(
      std::span<const LabeledQuestion> examples, const IntentClassifierOptions& options = {});

  // Reads a model written by Serialize(). INVALID_ARGUMENT "line <n>: <problem>"
  // (1-based) for a malformed file or one of another format version.
  static absl::StatusOr<std::unique_ptr<IntentClassifier>> Parse(absl::string_view text);

  // Parse() of the file at `path`; NOT_FOUND when it cannot be opened, and
  // errors prefixed with the path.
  static absl::StatusOr<std::unique_ptr<IntentClassifier>> Load(const std::string& path);

  // The model as text (format below), byte-identical for equal models.
  //   aigc-intent-nb 1
  //   smoothing <α>
  //   intent <enum number> <questions> <gram total>     (one line per intent, ascending)
  //   gram <code points, hex, comma-separated> <intent number>:<count> ...
  //                                                    (grams ascending by UTF-8)
  std::string Serialize() const;

  // Writes Serialize() to `path`, replacing it.
  absl::Status Save(const std::string& path) const;

  // The most probable intent (ties: the smaller enum number) and its
  // posterior. A question without known grams gets the prior's choice.
  IntentPrediction Classify(std::string_view question) const;

  // The intents the model knows, ascending.
  std::vector<v1::Intent> intents() const;

 private:
  struct IntentStats {
    v1::Intent intent;
    int64_t questions = 0;
    int64_t gram_total = 0;
  };
  struct Model {
    double smoothing = 1.0;
    std::vector<IntentStats> intents;  // ascending by intent
    // gram -> count per entry of `intents`.
    absl::flat_hash_map<std::string, std::vector<int64_t>> counts;
  };

  explicit IntentClassifier(Model model);

  Model model_;
  // Derived at construction: log P(c), and log P(g | c) per gram.
  std::vector<double> log_prior_;
  absl::flat_hash_map<std::string, std::vector<double>> log_likelihood_;
};

}  // namespace aigc::copy_live

#endif  // AIGC_SERVICES_COPYWRITER_LIVE_INTENT_CLASSIFIER_H_
