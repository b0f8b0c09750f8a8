// RecModel: one trained recommendation model, and the registry that trains,
// saves and loads every algorithm.
//
// Models work in their own index spaces (the users and items they were
// trained on). At request time the service maps a user's live history to a
// UserProfile, so every model reacts to an event at once: item-based models
// read the history directly and latent-factor models fold it in.
#ifndef AIGC_SERVICES_RECOMMENDER_ALGORITHMS_MODEL_H_
#define AIGC_SERVICES_RECOMMENDER_ALGORITHMS_MODEL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "aigc/recommender/v1/recommender.pb.h"
#include "services/recommender/core/archive.h"
#include "services/recommender/core/id_index.h"
#include "services/recommender/core/training_set.h"

namespace aigc::recommender {

// A user's history in a model's item indices, as of now.
struct UserProfile {
  // The model's index of the user, or -1 when the model never saw them.
  int32_t user = -1;
  // Distinct item indices, oldest first.
  std::vector<int32_t> items;
  // Implicit strength per entry of `items` (> 0; see ImplicitWeight).
  std::vector<float> weights;
  // Explicit rating per entry of `items`, NaN when unrated.
  std::vector<float> ratings;
};

// Why a model recommends an item.
struct Explanation {
  aigc::recommender::v1::ReasonType type = aigc::recommender::v1::REASON_TYPE_PERSONALIZED;
  // History items behind the recommendation, strongest first, at most 3.
  std::vector<int32_t> items;
  // For REASON_TYPE_ATTRIBUTE_MATCH: the content token matched, e.g.
  // "tag:comedy".
  std::string token;
};

// A predicted explicit rating.
struct RatingEstimate {
  float rating = 0;
  // True when the model knows too little of the user or item to personalise.
  bool baseline = true;
};

// A trained model. Immutable once built, so every const method is
// thread-safe.
class RecModel {
 public:
  virtual ~RecModel() = default;

  virtual aigc::recommender::v1::Algorithm algorithm() const = 0;
  const IdIndex& users() const { return users_; }
  const IdIndex& items() const { return items_; }

  // Writes a relevance score for each model item into `scores`
  // (items().size() entries); higher is better, comparable only within one
  // call; -infinity marks an item the model does not propose at all. History
  // items are scored like any other (the caller filters them).
  virtual void Score(const UserProfile& profile, absl::Span<float> scores) const = 0;

  // Writes each item's similarity to `item` into `scores` (items().size()
  // entries; -infinity = not similar at all; `item` itself is scored like
  // any other). UNIMPLEMENTED for algorithms without item similarity (user
  // kNN).
  virtual absl::Status Similar(int32_t item, absl::Span<float> scores) const;

  // Writes each item's similarity to an item the model never saw, described
  // by its content tokens (ItemTokens), into `scores` (-infinity = not
  // similar). NOT_FOUND when no token is known to the model; UNIMPLEMENTED
  // unless the algorithm is content-based.
  virtual absl::Status SimilarToTokens(const std::vector<std::string>& tokens,
                                       absl::Span<float> scores) const;

  // Why `item` suits `profile`. The default cites no item
  // (REASON_TYPE_PERSONALIZED).
  virtual Explanation Explain(const UserProfile& profile, int32_t item) const;

  // Predicted rating of `item` by `profile`'s user (`item` may be -1: unknown
  // to the model). UNIMPLEMENTED unless the algorithm predicts ratings.
  virtual absl::StatusOr<RatingEstimate> PredictRating(const UserProfile& profile,
                                                       int32_t item) const;

  // Statistics worth logging and reporting, e.g. {"neighbours": 100}.
  virtual std::map<std::string, double> Stats() const { return {}; }

  // Writes everything Load needs into `archive` (ids included).
  void Save(Archive& archive) const;

 protected:
  RecModel(IdIndex users, IdIndex items) : users_(std::move(users)), items_(std::move(items)) {}
  virtual void SaveWeights(Archive& archive) const = 0;

 private:
  IdIndex users_;
  IdIndex items_;
};

// One tunable parameter of an algorithm, "<algorithm>.<name>".
struct ParamSpec {
  std::string key;
  double default_value = 0;
  double min = 0;
  double max = 0;
  bool integer = false;
  std::string help;
};

// Parameter values for training: every registered ParamSpec at its default
// unless overridden. Immutable and thread-safe once parsed.
class Hyperparameters {
 public:
  // Every parameter at its default.
  Hyperparameters();
  // Overrides "<algorithm>.<name>" -> text, as TrainRequest.hyperparameters.
  // INVALID_ARGUMENT "hyperparameters[<key>]" for an unknown key, a value
  // that does not parse, is not an integer where one is needed, or lies
  // outside the spec's [min, max].
  static absl::StatusOr<Hyperparameters> Parse(const std::map<std::string, std::string>& overrides);

  // The value of a registered key; a key no ParamSpec declares is a bug and
  // aborts.
  double Get(absl::string_view key) const;
  int64_t GetInt(absl::string_view key) const { return static_cast<int64_t>(Get(key)); }

 private:
  std::map<std::string, double, std::less<>> values_;
};

// Progress and cancellation of one training run. Both callbacks may be
// empty.
struct TrainContext {
  // Called with the fraction done in [0, 1] and a short status line; from the
  // training thread.
  std::function<void(double fraction, absl::string_view message)> progress;
  // Polled between steps; true stops training with CANCELLED.
  std::function<bool()> cancelled;
  // Worker threads the algorithm may use (>= 1).
  int threads = 1;

  void Report(double fraction, absl::string_view message) const {
    if (progress) progress(fraction, message);
  }
  bool Cancelled() const { return cancelled && cancelled(); }
};

// Every algorithm this build can train, in proto enum order.
std::vector<aigc::recommender::v1::Algorithm> TrainableAlgorithms();

// Every ParamSpec of every algorithm.
const std::vector<ParamSpec>& AllParamSpecs();

// Short lower-case name used in model names and parameter keys, e.g. "ease",
// "item_knn"; "" for ALGORITHM_UNSPECIFIED.
std::string AlgorithmName(aigc::recommender::v1::Algorithm algorithm);

// Parses AlgorithmName's output or the enum name ("ALGORITHM_EASE");
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<aigc::recommender::v1::Algorithm> ParseAlgorithm(absl::string_view text,
                                                                absl::string_view field);

// Trains `algorithm` on `set`. INVALID_ARGUMENT when the set cannot train it
// (e.g. no ratings for a rating model), CANCELLED when `context` asks,
// UNIMPLEMENTED for an algorithm this build does not train.
absl::StatusOr<std::unique_ptr<RecModel>> TrainModel(aigc::recommender::v1::Algorithm algorithm,
                                                     const TrainingSet& set,
                                                     const Hyperparameters& params,
                                                     const TrainContext& context);

// Rebuilds a model saved with RecModel::Save. DATA_LOSS when the archive is
// incomplete or inconsistent.
absl::StatusOr<std::unique_ptr<RecModel>> LoadModel(const Archive& archive);

}  // namespace aigc::recommender

#endif  // AIGC_SERVICES_RECOMMENDER_ALGORITHMS_MODEL_H_
