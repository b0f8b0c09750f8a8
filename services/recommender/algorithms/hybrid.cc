#include "services/recommender/algorithms/hybrid.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"

namespace aigc::recommender {

namespace v1 = aigc::recommender::v1;

namespace {

// Components and default weights, chosen on prototype splits of MovieLens
// (docs/benchmarks.md): EASE leads; ridge-weighted user kNN at a small weight
// costs it nothing there and ranks the items outside EASE's B.
constexpr std::pair<v1::Algorithm, double> kDefaultWeights[] = {
    {v1::ALGORITHM_POPULARITY, 0.0}, {v1::ALGORITHM_ITEM_KNN, 0.0}, {v1::ALGORITHM_USER_KNN, 0.1},
    {v1::ALGORITHM_EASE, 1.0},       {v1::ALGORITHM_ALS, 0.0},      {v1::ALGORITHM_BPR, 0.0},
    {v1::ALGORITHM_CONTENT, 0.0},
};

std::string WeightKey(v1::Algorithm algorithm) {
  return absl::StrCat("hybrid.", AlgorithmName(algorithm));
}

}  // namespace

std::vector<ParamSpec> HybridParams() {
  std::vector<ParamSpec> specs;
  for (const auto& [algorithm, weight] : kDefaultWeights) {
    specs.push_back({.key = WeightKey(algorithm),
                     .default_value = weight,
                     .min = 0,
                     .max = 100,
                     .help = absl::StrCat("Blend weight of ", AlgorithmName(algorithm),
                                          " in the hybrid (0 = left out).")});
  }
  return specs;
}

std::vector<std::pair<v1::Algorithm, double>> HybridWeights(const Hyperparameters& params) {
  std::vector<std::pair<v1::Algorithm, double>> weights;
  for (const auto& [algorithm, unused] : kDefaultWeights) {
    const double weight = params.Get(WeightKey(algorithm));
    if (weight > 0) weights.emplace_back(algorithm, weight);
  }
  return weights;
}

void AddStandardised(absl::Span<const float> scores, double weight, absl::Span<float> blended) {
  double sum = 0;
  double squares = 0;
  double lowest = std::numeric_limits<double>::infinity();
  int64_t count = 0;
  for (float s : scores) {
    if (!std::isfinite(s)) continue;
    sum += s;
    squares += static_cast<double>(s) * s;
    lowest = std::min<double>(lowest, s);
    ++count;
  }
  if (count == 0) return;
  const double mean = sum / static_cast<double>(count);
  const double variance = std::max(0.0, squares / static_cast<double>(count) - mean * mean);
  const double scale = variance > 0 ? weight / std::sqrt(variance) : 0.0;
  const auto floor = static_cast<float>((lowest - mean) * scale);
  for (size_t i = 0; i < scores.size(); ++i) {
    blended[i] += std::isfinite(scores[i]) ? static_cast<float>((scores[i] - mean) * scale) : floor;
  }
}

}  // namespace aigc::recommender
