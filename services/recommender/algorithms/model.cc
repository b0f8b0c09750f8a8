#include "services/recommender/algorithms/model.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/status.h"
#include "glog/logging.h"
#include "services/recommender/algorithms/als.h"
#include "services/recommender/algorithms/bpr.h"
#include "services/recommender/algorithms/content.h"
#include "services/recommender/algorithms/ease.h"
#include "services/recommender/algorithms/hybrid.h"
#include "services/recommender/algorithms/item_knn.h"
#include "services/recommender/algorithms/popularity.h"
#include "services/recommender/algorithms/user_knn.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

using TrainFn = absl::StatusOr<std::unique_ptr<RecModel>> (*)(const TrainingSet&,
                                                              const Hyperparameters&,
                                                              const TrainContext&);
using LoadFn = absl::StatusOr<std::unique_ptr<RecModel>> (*)(IdIndex users, IdIndex items,
                                                             const Archive&);

struct AlgorithmEntry {
  v1::Algorithm algorithm;
  const char* name;
  std::vector<ParamSpec> (*params)();
  TrainFn train;
  LoadFn load;
};

// Every trainable algorithm. HYBRID is not here: it blends loaded models at
// request time and has no weights of its own.
const std::vector<AlgorithmEntry>& Registry() {
  static const auto* registry = new std::vector<AlgorithmEntry>{
      {v1::ALGORITHM_POPULARITY, "popularity", PopularityParams, TrainPopularity, LoadPopularity},
      {v1::ALGORITHM_ITEM_KNN, "item_knn", ItemKnnParams, TrainItemKnn, LoadItemKnn},
      {v1::ALGORITHM_USER_KNN, "user_knn", UserKnnParams, TrainUserKnn, LoadUserKnn},
      {v1::ALGORITHM_EASE, "ease", EaseParams, TrainEase, LoadEase},
      {v1::ALGORITHM_ALS, "als", AlsParams, TrainAls, LoadAls},
      {v1::ALGORITHM_BPR, "bpr", BprParams, TrainBpr, LoadBpr},
      {v1::ALGORITHM_CONTENT, "content", ContentParams, TrainContent, LoadContent},
  };
  return *registry;
}

const AlgorithmEntry* FindEntry(v1::Algorithm algorithm) {
  for (const AlgorithmEntry& entry : Registry()) {
    if (entry.algorithm == algorithm) return &entry;
  }
  return nullptr;
}

const ParamSpec* FindSpec(absl::string_view key) {
  for (const ParamSpec& spec : AllParamSpecs()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

}  // namespace

absl::Status RecModel::Similar(int32_t, absl::Span<float>) const {
  return absl::UnimplementedError(
      absl::StrCat(v1::Algorithm_Name(algorithm()), " has no item similarity"));
}

absl::Status RecModel::SimilarToTokens(const std::vector<std::string>&, absl::Span<float>) const {
  return absl::UnimplementedError(
      absl::StrCat(v1::Algorithm_Name(algorithm()), " does not match content tokens"));
}

Explanation RecModel::Explain(const UserProfile&, int32_t) const { return {}; }

absl::StatusOr<RatingEstimate> RecModel::PredictRating(const UserProfile&, int32_t) const {
  return absl::UnimplementedError(
      absl::StrCat(v1::Algorithm_Name(algorithm()), " does not predict ratings"));
}

void RecModel::Save(Archive& archive) const {
  archive.PutText("algorithm", AlgorithmName(algorithm()));
  archive.PutStrings("user_ids", users_.ids());
  archive.PutStrings("item_ids", items_.ids());
  SaveWeights(archive);
}

Hyperparameters::Hyperparameters() {
  for (const ParamSpec& spec : AllParamSpecs()) values_[spec.key] = spec.default_value;
}

absl::StatusOr<Hyperparameters> Hyperparameters::Parse(
    const std::map<std::string, std::string>& overrides) {
  Hyperparameters params;
  for (const auto& [key, text] : overrides) {
    const std::string field = absl::StrCat("hyperparameters[", key, "]");
    const ParamSpec* spec = FindSpec(key);
    if (spec == nullptr) return status::InvalidField(field, "unknown parameter");
    double value = 0;
    if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
      return status::InvalidField(field, absl::StrCat("not a number: \"", text, "\""));
    }
    if (spec->integer && value != std::floor(value)) {
      return status::InvalidField(field, absl::StrCat("must be an integer, got ", text));
    }
    if (value < spec->min || value > spec->max) {
      return status::InvalidField(
          field, absl::StrCat("must be in [", spec->min, ", ", spec->max, "], got ", text));
    }
    params.values_[key] = value;
  }
  return params;
}

double Hyperparameters::Get(absl::string_view key) const {
  auto it = values_.find(key);
  CHECK(it != values_.end()) << "no ParamSpec declares " << key;
  return it->second;
}

std::vector<v1::Algorithm> TrainableAlgorithms() {
  std::vector<v1::Algorithm> algorithms;
  for (const AlgorithmEntry& entry : Registry()) algorithms.push_back(entry.algorithm);
  return algorithms;
}

const std::vector<ParamSpec>& AllParamSpecs() {
  static const auto* specs = [] {
    auto* all = new std::vector<ParamSpec>;
    for (const AlgorithmEntry& entry : Registry()) {
      for (ParamSpec& spec : entry.params()) all->push_back(std::move(spec));
    }
    for (ParamSpec& spec : HybridParams()) all->push_back(std::move(spec));
    return all;
  }();
  return *specs;
}

std::string AlgorithmName(v1::Algorithm algorithm) {
  if (algorithm == v1::ALGORITHM_HYBRID) return "hybrid";
  const AlgorithmEntry* entry = FindEntry(algorithm);
  return entry == nullptr ? "" : entry->name;
}

absl::StatusOr<v1::Algorithm> ParseAlgorithm(absl::string_view text, absl::string_view field) {
  v1::Algorithm algorithm;
  if (v1::Algorithm_Parse(std::string(text), &algorithm) &&
      algorithm != v1::ALGORITHM_UNSPECIFIED) {
    return algorithm;
  }
  for (int value = v1::Algorithm_MIN; value <= v1::Algorithm_MAX; ++value) {
    const auto candidate = static_cast<v1::Algorithm>(value);
    if (!v1::Algorithm_IsValid(value) || candidate == v1::ALGORITHM_UNSPECIFIED) continue;
    if (AlgorithmName(candidate) == absl::AsciiStrToLower(text)) return candidate;
  }
  std::vector<std::string> names;
  for (const AlgorithmEntry& entry : Registry()) names.emplace_back(entry.name);
  names.emplace_back("hybrid");
  return status::InvalidField(
      field, absl::StrCat("unknown algorithm \"", text, "\"; one of ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<std::unique_ptr<RecModel>> TrainModel(v1::Algorithm algorithm,
                                                     const TrainingSet& set,
                                                     const Hyperparameters& params,
                                                     const TrainContext& context) {
  const AlgorithmEntry* entry = FindEntry(algorithm);
  if (entry == nullptr) {
    return absl::UnimplementedError(
        absl::StrCat(v1::Algorithm_Name(algorithm), " has no training of its own"));
  }
  if (set.users.size() == 0 || set.items.size() == 0 || set.interactions.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot train ", entry->name, ": no interactions"));
  }
  return entry->train(set, params, context);
}

absl::StatusOr<std::unique_ptr<RecModel>> LoadModel(const Archive& archive) {
  AIGC_ASSIGN_OR_RETURN(const std::string name, archive.GetText("algorithm"));
  AIGC_ASSIGN_OR_RETURN(std::vector<std::string> user_ids, archive.GetStrings("user_ids"));
  AIGC_ASSIGN_OR_RETURN(std::vector<std::string> item_ids, archive.GetStrings("item_ids"));
  IdIndex users(std::move(user_ids));
  IdIndex items(std::move(item_ids));
  for (const AlgorithmEntry& entry : Registry()) {
    if (name == entry.name) return entry.load(std::move(users), std::move(items), archive);
  }
  return absl::DataLossError(absl::StrCat("archive holds unknown algorithm \"", name, "\""));
}

}  // namespace aigc::recommender
