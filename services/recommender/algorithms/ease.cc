#include "services/recommender/algorithms/ease.h"

#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "Eigen/Core"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/internal/helpers.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
constexpr float kNotProposed = -std::numeric_limits<float>::infinity();
constexpr double kMaxRatingWeight = 0.35;  // keeps every entry of X positive

// An interaction's entry in EASE's input X: 1, or 1 + beta * (stars - 3) when
// the user rated the item, so a loved item says more about the user's taste
// than a disliked one. Stars are in [0.5, 5] and beta <= kMaxRatingWeight, so
// the entry stays positive.
float InputEntry(float rating, float rating_weight) {
  return std::isnan(rating) ? 1.0f : 1.0f + rating_weight * (rating - 3.0f);
}

// Adds `weight` to gram(a, b) for every content token items a and b share
// (a == b included): each token acts as a pseudo-user who interacted with
// every item carrying it, as in CEASE (Jeunen et al. 2020). Items seen by few
// users then borrow strength from items like them.
void AddSharedTokens(const TrainingSet& set, const std::vector<int32_t>& modelled, double weight,
                     Eigen::MatrixXd& gram) {
  if (weight == 0) return;
  std::unordered_map<std::string, std::vector<Eigen::Index>> rows_of_token;
  for (size_t row = 0; row < modelled.size(); ++row) {
    const auto item = static_cast<size_t>(modelled[row]);
    if (item >= set.item_tokens.size()) continue;
    for (const std::string& token : set.item_tokens[item]) {
      rows_of_token[token].push_back(static_cast<Eigen::Index>(row));
    }
  }
  for (const auto& [token, rows] : rows_of_token) {
    for (const Eigen::Index b : rows) {
      for (const Eigen::Index a : rows) gram(a, b) += weight;
    }
  }
}

// B restricted to the items EASE models; row-major, B[h][j] = how much having
// interacted with h recommends j.
class EaseModel final : public RecModel {
 public:
  EaseModel(IdIndex users, IdIndex items, std::vector<int32_t> modelled, std::vector<float> b,
            float rating_weight)
      : RecModel(std::move(users), std::move(items)),
        modelled_(std::move(modelled)),
        b_(std::move(b)),
        rating_weight_(rating_weight),
        row_of_(this->items().size(), -1) {
    for (size_t r = 0; r < modelled_.size(); ++r) row_of_[modelled_[r]] = static_cast<int32_t>(r);
  }

  v1::Algorithm algorithm() const override { return v1::ALGORITHM_EASE; }

  // EASE scores the history as it was trained: x_u B, x_u's entries from
  // InputEntry.
  void Score(const UserProfile& profile, absl::Span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), kNotProposed);
    std::vector<float> sums(modelled_.size(), 0.0f);
    for (size_t h = 0; h < profile.items.size(); ++h) {
      const int32_t row = row_of_[profile.items[h]];
      if (row < 0) continue;
      const float x = InputEntry(profile.ratings[h], rating_weight_);
      const float* b_row = &b_[static_cast<size_t>(row) * modelled_.size()];
      for (size_t j = 0; j < sums.size(); ++j) sums[j] += x * b_row[j];
    }
    for (size_t j = 0; j < sums.size(); ++j) scores[modelled_[j]] = sums[j];
  }

  absl::Status Similar(int32_t item, absl::Span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), kNotProposed);
    const int32_t row = row_of_[item];
    if (row < 0) return absl::OkStatus();
    const float* b_row = &b_[static_cast<size_t>(row) * modelled_.size()];
    for (size_t j = 0; j < modelled_.size(); ++j) scores[modelled_[j]] = b_row[j];
    return absl::OkStatus();
  }

  Explanation Explain(const UserProfile& profile, int32_t item) const override {
    const int32_t column = row_of_[item];
    return internal::ExplainByHistory(profile, [&](size_t h) {
      const int32_t row = row_of_[profile.items[h]];
      if (row < 0 || column < 0) return 0.0f;
      return InputEntry(profile.ratings[h], rating_weight_) *
             b_[static_cast<size_t>(row) * modelled_.size() + column];
    });
  }

  std::map<std::string, double> Stats() const override {
    return {{"modelled_items", static_cast<double>(modelled_.size())}};
  }

 protected:
  void SaveWeights(Archive& archive) const override {
    archive.PutInts("modelled_items", modelled_);
    const auto n = static_cast<int64_t>(modelled_.size());
    archive.PutFloats("b", n, n, b_);
    archive.PutNumber("rating_weight", rating_weight_);
  }

 private:
  const std::vector<int32_t> modelled_;  // model item index per row of B
  const std::vector<float> b_;
  const float rating_weight_;            // ease.rating_weight it was trained with
  std::vector<int32_t> row_of_;  // row of B per model item, -1 = not modelled
};

}  // namespace

std::vector<ParamSpec> EaseParams() {
  return {
      {.key = "ease.lambda",
       .default_value = 250,
       .min = 1e-3,
       .max = 1e7,
       .help = "L2 regularisation added to the Gram matrix's diagonal; 250 was best of "
               "100..1000 on the MovieLens hold-out (docs/benchmarks.md)."},
      {.key = "ease.dropout",
       .default_value = 0,
       .min = 0,
       .max = 0.9,
       .help = "Dropout rate p of the denoising variant (EDLAE, Steck 2020): each item's "
               "diagonal also gets p/(1-p) times its own Gram entry, so popular items are "
               "regularised more; 0 = plain EASE."},
      {.key = "ease.token_weight",
       .default_value = 16,
       .min = 0,
       .max = 1e6,
       .help = "Weight alpha of shared content tokens (genres, tags, category, brand...; "
               "CEASE, Jeunen et al. 2020): every pair of items adds alpha per token they "
               "share to the Gram matrix, as if each token were a user of all its items; 0 = "
               "interactions only. 16 adds 1.7-2.7 % NDCG@10 on MovieLens hold-out splits "
               "(docs/benchmarks.md)."},
      {.key = "ease.rating_weight",
       .default_value = 0.1,
       .min = 0,
       .max = kMaxRatingWeight,
       .help = "Weight beta of explicit ratings in X: a rated pair enters as 1 + beta * "
               "(stars - 3), any other interaction as 1; 0 = binary X. 0.1 adds 0.8 % NDCG@10 "
               "on the MovieLens hold-out (docs/benchmarks.md)."},
      {.key = "ease.min_item_users",
       .default_value = 2,
       .min = 1,
       .max = 1e6,
       .integer = true,
       .help = "Items with fewer distinct users are left out of B (EASE cannot learn them "
               "and B's size grows with the square of the item count)."},
      {.key = "ease.max_items",
       .default_value = 20000,
       .min = 1,
       .max = 50000,
       .integer = true,
       .help = "Training fails rather than build B over more items (20000 items = 1.6 GB)."},
  };
}

absl::StatusOr<std::unique_ptr<RecModel>> TrainEase(const TrainingSet& set,
                                                    const Hyperparameters& params,
                                                    const TrainContext& context) {
  const SparseMatrix x = BinaryMatrix(set);
  const SparseMatrix ratings = RatingMatrix(set);
  const auto rating_weight = static_cast<float>(params.Get("ease.rating_weight"));
  std::vector<int32_t> user_counts(set.items.size(), 0);
  for (int32_t u = 0; u < x.outerSize(); ++u) {
    for (SparseMatrix::InnerIterator it(x, u); it; ++it) ++user_counts[it.col()];
  }
  std::vector<int32_t> modelled;
  std::vector<int32_t> row_of(set.items.size(), -1);
  for (int32_t i = 0; i < set.items.size(); ++i) {
    if (user_counts[i] >= params.GetInt("ease.min_item_users")) {
      row_of[i] = static_cast<int32_t>(modelled.size());
      modelled.push_back(i);
    }
  }
  const auto n = static_cast<Eigen::Index>(modelled.size());
  if (n == 0) {
    return absl::InvalidArgumentError(
        "ease: no item has ease.min_item_users users; lower it or add interactions");
  }
  if (n > params.GetInt("ease.max_items")) {
    return absl::InvalidArgumentError(
        absl::StrCat("ease: ", n, " items exceed ease.max_items; raise ease.min_item_users"));
  }

  context.Report(0.05, absl::StrCat("ease: Gram matrix of ", n, " items"));
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(n, n);
  // X^T X, one user's row of X at a time; `ratings` has a subset of x's
  // entries, both sorted by item within a user.
  std::vector<std::pair<int32_t, double>> entries;  // (row of B, x_ui)
  for (int32_t u = 0; u < x.outerSize(); ++u) {
    entries.clear();
    SparseMatrix::InnerIterator rated(ratings, u);
    for (SparseMatrix::InnerIterator it(x, u); it; ++it) {
      while (rated && rated.col() < it.col()) ++rated;
      const float rating = rated && rated.col() == it.col()
                               ? rated.value()
                               : std::numeric_limits<float>::quiet_NaN();
      if (row_of[it.col()] >= 0) {
        entries.emplace_back(row_of[it.col()], InputEntry(rating, rating_weight));
      }
    }
    for (const auto& [a, x_a] : entries) {
      for (const auto& [b, x_b] : entries) gram(a, b) += x_a * x_b;
    }
  }
  AddSharedTokens(set, modelled, params.Get("ease.token_weight"), gram);
  const double dropout = params.Get("ease.dropout");
  gram.diagonal().array() =
      gram.diagonal().array() * (1.0 + dropout / (1.0 - dropout)) + params.Get("ease.lambda");
  if (context.Cancelled()) return absl::CancelledError("ease training cancelled");

  context.Report(0.2, absl::StrCat("ease: inverting ", n, "x", n));
  AIGC_RETURN_IF_ERROR(internal::InvertInPlace(gram, "ease: Gram matrix + lambda I"));
  const Eigen::MatrixXd& p = gram;
  if (context.Cancelled()) return absl::CancelledError("ease training cancelled");

  // B_hj = -P_hj / P_jj off the diagonal, 0 on it.
  std::vector<float> b(static_cast<size_t>(n) * n);
  for (Eigen::Index h = 0; h < n; ++h) {
    for (Eigen::Index j = 0; j < n; ++j) {
      b[h * n + j] = h == j ? 0.0f : static_cast<float>(-p(h, j) / p(j, j));
    }
  }
  context.Report(1.0, absl::StrCat("ease: B over ", n, " items"));
  return std::make_unique<EaseModel>(set.users, set.items, std::move(modelled), std::move(b),
                                     rating_weight);
}

absl::StatusOr<std::unique_ptr<RecModel>> LoadEase(IdIndex users, IdIndex items,
                                                   const Archive& archive) {
  AIGC_ASSIGN_OR_RETURN(std::vector<int32_t> modelled, archive.GetInts("modelled_items"));
  AIGC_RETURN_IF_ERROR(internal::CheckIndices(modelled, static_cast<int64_t>(modelled.size()),
                                              items.size(), "modelled_items"));
  AIGC_ASSIGN_OR_RETURN(FloatMatrix b, archive.GetFloats("b"));
  const auto n = static_cast<int64_t>(modelled.size());
  AIGC_RETURN_IF_ERROR(internal::CheckShape(b, n, n, "b"));
  // Snapshots written before ease.rating_weight existed were trained on the
  // binary X, which is rating weight 0.
  absl::StatusOr<double> rating_weight = archive.GetNumber("rating_weight");
  if (!rating_weight.ok() && !absl::IsNotFound(rating_weight.status())) {
    return rating_weight.status();
  }
  if (rating_weight.ok() && !(*rating_weight >= 0 && *rating_weight <= kMaxRatingWeight)) {
    return absl::DataLossError(absl::StrCat("ease archive: rating_weight ", *rating_weight,
                                            " outside [0, ", kMaxRatingWeight, "]"));
  }
  return std::make_unique<EaseModel>(std::move(users), std::move(items), std::move(modelled),
                                     std::move(b.values),
                                     static_cast<float>(rating_weight.value_or(0.0)));
}

}  // namespace aigc::recommender
