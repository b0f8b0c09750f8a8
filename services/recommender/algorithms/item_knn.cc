#include "services/recommender/algorithms/item_knn.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/internal/helpers.h"
#include "services/recommender/algorithms/internal/item_dot_products.h"
#include "services/recommender/algorithms/internal/neighbour_lists.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using internal::NeighbourLists;
constexpr float kNotProposed = -std::numeric_limits<float>::infinity();

class ItemKnnModel final : public RecModel {
 public:
  ItemKnnModel(IdIndex users, IdIndex items, NeighbourLists cosine, NeighbourLists pearson,
               std::vector<float> item_means, float global_mean)
      : RecModel(std::move(users), std::move(items)),
        cosine_(std::move(cosine)),
        pearson_(std::move(pearson)),
        item_means_(std::move(item_means)),
        global_mean_(global_mean) {}

  v1::Algorithm algorithm() const override { return v1::ALGORITHM_ITEM_KNN; }

  // Items that are no history item's neighbour are not proposed.
  void Score(const UserProfile& profile, absl::Span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), kNotProposed);
    for (size_t h = 0; h < profile.items.size(); ++h) {
      const auto neighbours = cosine_.Neighbours(profile.items[h]);
      const auto weights = cosine_.Weights(profile.items[h]);
      for (size_t n = 0; n < neighbours.size(); ++n) {
        float& score = scores[neighbours[n]];
        score = (score == kNotProposed ? 0.0f : score) + profile.weights[h] * weights[n];
      }
    }
  }

  absl::Status Similar(int32_t item, absl::Span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), kNotProposed);
    const auto neighbours = cosine_.Neighbours(item);
    const auto weights = cosine_.Weights(item);
    for (size_t n = 0; n < neighbours.size(); ++n) scores[neighbours[n]] = weights[n];
    return absl::OkStatus();
  }

  Explanation Explain(const UserProfile& profile, int32_t item) const override {
    return internal::ExplainByHistory(profile, [&](size_t h) {
      return profile.weights[h] * cosine_.Weight(profile.items[h], item);
    });
  }

  // Mean-centred item kNN regression:
  // r(u, i) = mean_i + sum_j s_ij (r_uj - mean_j) / sum_j |s_ij| over the
  // neighbours j of i the user rated.
  absl::StatusOr<RatingEstimate> PredictRating(const UserProfile& profile,
                                               int32_t item) const override {
    if (item_means_.empty()) {
      return absl::FailedPreconditionError("ITEM_KNN model was trained without ratings");
    }
    if (item < 0) return RatingEstimate{.rating = Clip(global_mean_), .baseline = true};
    absl::flat_hash_map<int32_t, float> rated;
    for (size_t h = 0; h < profile.items.size(); ++h) {
      if (!std::isnan(profile.ratings[h])) rated[profile.items[h]] = profile.ratings[h];
    }
    double numerator = 0;
    double denominator = 0;
    const auto neighbours = pearson_.Neighbours(item);
    const auto weights = pearson_.Weights(item);
    for (size_t n = 0; n < neighbours.size(); ++n) {
      auto it = rated.find(neighbours[n]);
      if (it == rated.end()) continue;
      numerator += weights[n] * (it->second - item_means_[neighbours[n]]);
      denominator += std::abs(weights[n]);
    }
    if (denominator == 0)
      return RatingEstimate{.rating = Clip(item_means_[item]), .baseline = true};
    return RatingEstimate{.rating = Clip(item_means_[item] + numerator / denominator),
                          .baseline = false};
  }

  std::map<std::string, double> Stats() const override {
    return {{"similarities", static_cast<double>(cosine_.neighbours.size())},
            {"rating_similarities", static_cast<double>(pearson_.neighbours.size())}};
  }

 protected:
  void SaveWeights(Archive& archive) const override {
    cosine_.Save(archive, "cosine");
    pearson_.Save(archive, "pearson");
    archive.PutFloats("item_means", 1, static_cast<int64_t>(item_means_.size()), item_means_);
    archive.PutNumber("global_mean", global_mean_);
  }

 private:
  static float Clip(double rating) { return static_cast<float>(std::clamp(rating, 0.5, 5.0)); }

  const NeighbourLists cosine_;
  // Empty rows and no means when the model was trained without ratings.
  const NeighbourLists pearson_;
  const std::vector<float> item_means_;
  const float global_mean_;
};

}  // namespace

std::vector<ParamSpec> ItemKnnParams() {
  return {
      {.key = "item_knn.neighbours",
       .default_value = 100,
       .min = 1,
       .max = 5000,
       .integer = true,
       .help = "Most similar items kept per item."},
      {.key = "item_knn.shrinkage",
       .default_value = 10,
       .min = 0,
       .max = 10000,
       .help = "Added to the cosine's denominator, damping similarities of rarely seen items."},
  };
}

absl::StatusOr<std::unique_ptr<RecModel>> TrainItemKnn(const TrainingSet& set,
                                                       const Hyperparameters& params,
                                                       const TrainContext& context) {
  const int k = static_cast<int>(params.GetInt("item_knn.neighbours"));
  const double shrinkage = params.Get("item_knn.shrinkage");
  const auto shrunk_cosine = [shrinkage](const internal::ItemDotProducts& dots) {
    return [&dots, shrinkage](int32_t i, int32_t j, double dot) {
      const double norms = std::sqrt(dots.squared_norms()[i] * dots.squared_norms()[j]);
      return norms == 0 ? 0.0 : dot / (norms + shrinkage);
    };
  };

  context.Report(0.0, "item_knn: cosine similarities");
  const SparseMatrix implicit = ImplicitMatrix(set);
  const internal::ItemDotProducts implicit_dots(implicit);
  NeighbourLists cosine =
      internal::TopNeighbours(implicit_dots, k, context.threads, shrunk_cosine(implicit_dots));
  if (context.Cancelled()) return absl::CancelledError("item_knn training cancelled");

  // Ratings centred on each item's mean (Pearson over the item's ratings).
  NeighbourLists pearson;
  pearson.offsets.assign(set.items.size() + 1, 0);
  std::vector<float> item_means;
  double global_mean = 0;
  SparseMatrix ratings = RatingMatrix(set);
  if (ratings.nonZeros() > 0) {
    context.Report(0.5, "item_knn: rating similarities");
    std::vector<double> sums(set.items.size(), 0.0);
    std::vector<int> counts(set.items.size(), 0);
    for (int32_t u = 0; u < ratings.outerSize(); ++u) {
      for (SparseMatrix::InnerIterator it(ratings, u); it; ++it) {
        sums[it.col()] += it.value();
        ++counts[it.col()];
        global_mean += it.value();
      }
    }
    global_mean /= static_cast<double>(ratings.nonZeros());
    item_means.resize(set.items.size());
    for (size_t i = 0; i < sums.size(); ++i) {
      item_means[i] = static_cast<float>(counts[i] > 0 ? sums[i] / counts[i] : global_mean);
    }
    for (int32_t u = 0; u < ratings.outerSize(); ++u) {
      for (SparseMatrix::InnerIterator it(ratings, u); it; ++it) {
        it.valueRef() -= item_means[it.col()];
      }
    }
    const internal::ItemDotProducts centred_dots(ratings);
    pearson =
        internal::TopNeighbours(centred_dots, k, context.threads, shrunk_cosine(centred_dots));
  }
  context.Report(1.0, absl::StrCat("item_knn: ", cosine.neighbours.size(), " similarities"));
  return std::make_unique<ItemKnnModel>(set.users, set.items, std::move(cosine), std::move(pearson),
                                        std::move(item_means), static_cast<float>(global_mean));
}

absl::StatusOr<std::unique_ptr<RecModel>> LoadItemKnn(IdIndex users, IdIndex items,
                                                      const Archive& archive) {
  AIGC_ASSIGN_OR_RETURN(NeighbourLists cosine,
                        NeighbourLists::Load(archive, "cosine", items.size(), items.size()));
  AIGC_ASSIGN_OR_RETURN(NeighbourLists pearson,
                        NeighbourLists::Load(archive, "pearson", items.size(), items.size()));
  AIGC_ASSIGN_OR_RETURN(FloatMatrix means, archive.GetFloats("item_means"));
  if (!means.values.empty()) {
    AIGC_RETURN_IF_ERROR(internal::CheckShape(means, 1, items.size(), "item_means"));
  }
  AIGC_ASSIGN_OR_RETURN(const double global_mean, archive.GetNumber("global_mean"));
  return std::make_unique<ItemKnnModel>(std::move(users), std::move(items), std::move(cosine),
                                        std::move(pearson), std::move(means.values),
                                        static_cast<float>(global_mean));
}

}  // namespace aigc::recommender
