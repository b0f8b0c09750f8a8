#include "services/recommender/algorithms/user_knn.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "Eigen/Core"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "services/recommender/algorithms/internal/helpers.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;

// The training users' rows, kept to compare a live profile with.
struct UserRows {
  SparseMatrix by_user;  // users x items
  SparseMatrix by_item;  // items x users (the transpose)
  std::vector<float> norms;
};

UserRows IndexRows(SparseMatrix matrix) {
  UserRows rows;
  rows.by_user = std::move(matrix);
  rows.by_user.makeCompressed();
  rows.by_item = rows.by_user.transpose();
  rows.by_item.makeCompressed();
  rows.norms.resize(rows.by_user.rows());
  for (int32_t u = 0; u < rows.by_user.rows(); ++u) rows.norms[u] = rows.by_user.row(u).norm();
  return rows;
}

void SaveRows(const SparseMatrix& matrix, absl::string_view prefix, Archive& archive) {
  std::vector<int32_t> offsets(matrix.outerIndexPtr(), matrix.outerIndexPtr() + matrix.rows() + 1);
  std::vector<int32_t> columns(matrix.innerIndexPtr(), matrix.innerIndexPtr() + matrix.nonZeros());
  std::vector<float> values(matrix.valuePtr(), matrix.valuePtr() + matrix.nonZeros());
  archive.PutInts(absl::StrCat(prefix, ".offsets"), std::move(offsets));
  archive.PutInts(absl::StrCat(prefix, ".columns"), std::move(columns));
  archive.PutFloats(absl::StrCat(prefix, ".values"), 1, matrix.nonZeros(), std::move(values));
}

absl::StatusOr<SparseMatrix> LoadRows(const Archive& archive, absl::string_view prefix,
                                      int32_t rows, int32_t columns) {
  AIGC_ASSIGN_OR_RETURN(std::vector<int32_t> offsets,
                        archive.GetInts(absl::StrCat(prefix, ".offsets")));
  AIGC_ASSIGN_OR_RETURN(std::vector<int32_t> column_of,
                        archive.GetInts(absl::StrCat(prefix, ".columns")));
  AIGC_ASSIGN_OR_RETURN(FloatMatrix values, archive.GetFloats(absl::StrCat(prefix, ".values")));
  const auto size = static_cast<int64_t>(column_of.size());
  AIGC_RETURN_IF_ERROR(internal::CheckIndices(offsets, rows + 1, size + 1, prefix));
  AIGC_RETURN_IF_ERROR(internal::CheckIndices(column_of, size, columns, prefix));
  AIGC_RETURN_IF_ERROR(internal::CheckShape(values, 1, size, prefix));
  if (offsets.front() != 0 || offsets.back() != size ||
      !std::is_sorted(offsets.begin(), offsets.end())) {
    return absl::DataLossError(absl::StrCat("archive entries \"", prefix, ".*\" are inconsistent"));
  }
  std::vector<Eigen::Triplet<float, int32_t>> triplets;
  for (int32_t r = 0; r < rows; ++r) {
    for (int32_t n = offsets[r]; n < offsets[r + 1]; ++n) {
      triplets.emplace_back(r, column_of[n], values.values[n]);
    }
  }
  SparseMatrix matrix(rows, columns);
  matrix.setFromTriplets(triplets.begin(), triplets.end());
  return matrix;
}

// (X X^T + lambda I)^-1 over the training users' implicit rows X.
absl::StatusOr<Eigen::MatrixXf> RidgeInverse(const SparseMatrix& implicit, double lambda) {
  Eigen::MatrixXd gram = Eigen::MatrixXd(implicit.cast<double>() *
                                         SparseMatrix(implicit.transpose()).cast<double>());
  gram.diagonal().array() += lambda;
  AIGC_RETURN_IF_ERROR(internal::InvertInPlace(gram, "user_knn: X X^T + lambda I"));
  return Eigen::MatrixXf(gram.cast<float>());
}

class UserKnnModel final : public RecModel {
 public:
  // `ridge` is RidgeInverse's matrix for ridge weights, or empty for cosine
  // neighbours.
  UserKnnModel(IdIndex users, IdIndex items, SparseMatrix implicit, SparseMatrix ratings, int k,
               float shrinkage, Eigen::MatrixXf ridge)
      : RecModel(std::move(users), std::move(items)),
        implicit_(IndexRows(std::move(implicit))),
        ratings_(IndexRows(std::move(ratings))),
        k_(k),
        shrinkage_(shrinkage),
        ridge_(std::move(ridge)) {
    user_means_.assign(ratings_.by_user.rows(), 0.0f);
    for (int32_t u = 0; u < ratings_.by_user.rows(); ++u) {
      const auto nonzeros = ratings_.by_user.row(u).nonZeros();
      if (nonzeros > 0) user_means_[u] = ratings_.by_user.row(u).sum() / nonzeros;
    }
  }

  v1::Algorithm algorithm() const override { return v1::ALGORITHM_USER_KNN; }

  // score_j = sum over training users v of weight_v * x_vj. The weights are
  // the shrunk cosines of the k users most similar to the profile, or with
  // ridge weights those of every user (RidgeWeights). Items none of the
  // weighted users has are not proposed.
  void Score(const UserProfile& profile, absl::Span<float> scores) const override {
    constexpr float kNotProposed = -std::numeric_limits<float>::infinity();
    std::fill(scores.begin(), scores.end(), kNotProposed);
    const std::vector<std::pair<float, int32_t>> weighted =
        ridge_.size() > 0 ? RidgeWeights(profile) : Neighbours(profile, profile.weights, implicit_);
    for (const auto& [weight, v] : weighted) {
      for (SparseMatrix::InnerIterator it(implicit_.by_user, v); it; ++it) {
        float& score = scores[it.col()];
        score = (score == kNotProposed ? 0.0f : score) + weight * it.value();
      }
    }
  }

  Explanation Explain(const UserProfile&, int32_t) const override {
    return {.type = v1::REASON_TYPE_SIMILAR_USERS};
  }

  // Mean-centred user kNN regression over the k users most similar in their
  // ratings who rated `item`.
  absl::StatusOr<RatingEstimate> PredictRating(const UserProfile& profile,
                                               int32_t item) const override {
    if (ratings_.by_user.nonZeros() == 0) {
      return absl::FailedPreconditionError("USER_KNN model was trained without ratings");
    }
    std::vector<float> ratings;
    double mean = 0;
    for (float r : profile.ratings) {
      ratings.push_back(std::isnan(r) ? 0.0f : r);
      if (!std::isnan(r)) mean += r;
    }
    const auto rated = std::count_if(profile.ratings.begin(), profile.ratings.end(),
                                     [](float r) { return !std::isnan(r); });
    if (rated == 0) return RatingEstimate{.rating = Clip(global_mean()), .baseline = true};
    mean /= static_cast<double>(rated);
    if (item < 0) return RatingEstimate{.rating = Clip(mean), .baseline = true};
    double numerator = 0;
    double denominator = 0;
    for (const auto& [similarity, v] : Neighbours(profile, ratings, ratings_)) {
      const float r = ratings_.by_user.coeff(v, item);
      if (r == 0) continue;
      numerator += similarity * (r - user_means_[v]);
      denominator += std::abs(similarity);
    }
    if (denominator == 0) return RatingEstimate{.rating = Clip(mean), .baseline = true};
    return RatingEstimate{.rating = Clip(mean + numerator / denominator), .baseline = false};
  }

 protected:
  void SaveWeights(Archive& archive) const override {
    SaveRows(implicit_.by_user, "implicit", archive);
    SaveRows(ratings_.by_user, "ratings", archive);
    archive.PutNumber("neighbours", k_);
    archive.PutNumber("shrinkage", shrinkage_);
    if (ridge_.size() > 0) {
      archive.PutFloats("ridge", ridge_.rows(), ridge_.cols(),
                        std::vector<float>(ridge_.data(), ridge_.data() + ridge_.size()));
    }
  }

 private:
  static float Clip(double rating) { return static_cast<float>(std::clamp(rating, 0.5, 5.0)); }

  double global_mean() const {
    const auto n = ratings_.by_user.nonZeros();
    return n == 0 ? 0.0 : ratings_.by_user.sum() / static_cast<double>(n);
  }

  // The k training users most similar to the profile (the user themself
  // excluded), strongest first, by shrunk cosine between `values` over
  // profile.items and the rows of `rows`.
  std::vector<std::pair<float, int32_t>> Neighbours(const UserProfile& profile,
                                                    const std::vector<float>& values,
                                                    const UserRows& rows) const {
    absl::flat_hash_map<int32_t, double> dots;
    double profile_norm = 0;
    for (size_t h = 0; h < profile.items.size(); ++h) {
      profile_norm += static_cast<double>(values[h]) * values[h];
      for (SparseMatrix::InnerIterator it(rows.by_item, profile.items[h]); it; ++it) {
        if (it.col() != profile.user) dots[it.col()] += values[h] * it.value();
      }
    }
    profile_norm = std::sqrt(profile_norm);
    std::vector<std::pair<float, int32_t>> found;
    for (const auto& [v, dot] : dots) {
      const double norms = profile_norm * rows.norms[v];
      const double similarity = norms == 0 ? 0.0 : dot / (norms + shrinkage_);
      if (similarity > 0) found.emplace_back(static_cast<float>(similarity), v);
    }
    const auto stronger = [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    };
    const size_t keep = std::min<size_t>(found.size(), k_);
    std::partial_sort(found.begin(), found.begin() + keep, found.end(), stronger);
    found.resize(keep);
    return found;
  }

  // The ridge regression of the profile's row x on the other training users'
  // rows: w = argmin |x - sum_v w_v x_v|^2 + lambda |w|^2, v != the user, which
  // for a training user's own row is EASE's closed form over users (Steck
  // 2019, transposed). With P = ridge_ and z_v = x . x_v (z_u = 0), the inverse
  // without the user's row and column is P - P_:u P_u: / P_uu, so
  // w = P z - P_:u (P z)_u / P_uu. Returns the nonzero (weight, user) pairs.
  std::vector<std::pair<float, int32_t>> RidgeWeights(const UserProfile& profile) const {
    Eigen::VectorXf z = Eigen::VectorXf::Zero(ridge_.rows());
    for (size_t h = 0; h < profile.items.size(); ++h) {
      for (SparseMatrix::InnerIterator it(implicit_.by_item, profile.items[h]); it; ++it) {
        z[it.col()] += profile.weights[h] * it.value();
      }
    }
    const int32_t self = profile.user;
    if (self >= 0) z[self] = 0;
    Eigen::VectorXf w = ridge_ * z;  // P is symmetric
    if (self >= 0) w -= ridge_.col(self) * (w[self] / ridge_(self, self));
    std::vector<std::pair<float, int32_t>> weighted;
    for (int32_t v = 0; v < w.size(); ++v) {
      if (v != self && w[v] != 0) weighted.emplace_back(w[v], v);
    }
    return weighted;
  }

  const UserRows implicit_;
  const UserRows ratings_;
  std::vector<float> user_means_;
  const int k_;
  const float shrinkage_;
  const Eigen::MatrixXf ridge_;  // empty = cosine neighbours
};

}  // namespace

std::vector<ParamSpec> UserKnnParams() {
  return {
      {.key = "user_knn.neighbours",
       .default_value = 50,
       .min = 1,
       .max = 5000,
       .integer = true,
       .help = "Most similar training users whose items are blended."},
      {.key = "user_knn.shrinkage",
       .default_value = 10,
       .min = 0,
       .max = 10000,
       .help = "Added to the cosine's denominator, damping similarities to sparse users."},
      {.key = "user_knn.ridge_lambda",
       .default_value = 1200,
       .min = 0,
       .max = 1e7,
       .help = "> 0: recommendations weight every training user by a ridge regression of "
               "the history on the other users' rows with this L2 penalty (EASE over users); "
               "0: the user_knn.neighbours most similar users by shrunk cosine. Ratings are "
               "predicted from cosine neighbours either way."},
      {.key = "user_knn.ridge_max_users",
       .default_value = 20000,
       .min = 1,
       .max = 50000,
       .integer = true,
       .help = "Training with ridge weights fails rather than invert a users x users matrix "
               "over more users (20000 users = 1.6 GB); set user_knn.ridge_lambda=0 above."},
  };
}

absl::StatusOr<std::unique_ptr<RecModel>> TrainUserKnn(const TrainingSet& set,
                                                       const Hyperparameters& params,
                                                       const TrainContext& context) {
  SparseMatrix implicit = ImplicitMatrix(set);
  SparseMatrix ratings = RatingMatrix(set);
  Eigen::MatrixXf ridge;
  if (const double lambda = params.Get("user_knn.ridge_lambda"); lambda > 0) {
    if (set.users.size() > params.GetInt("user_knn.ridge_max_users")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "user_knn: ", set.users.size(),
          " users exceed user_knn.ridge_max_users; raise it or set user_knn.ridge_lambda=0"));
    }
    context.Report(0.1, absl::StrCat("user_knn: inverting ", set.users.size(), "x",
                                     set.users.size()));
    AIGC_ASSIGN_OR_RETURN(ridge, RidgeInverse(implicit, lambda));
  }
  context.Report(1.0, absl::StrCat("user_knn: ", set.users.size(), " users indexed"));
  return std::make_unique<UserKnnModel>(
      set.users, set.items, std::move(implicit), std::move(ratings),
      static_cast<int>(params.GetInt("user_knn.neighbours")),
      static_cast<float>(params.Get("user_knn.shrinkage")), std::move(ridge));
}

absl::StatusOr<std::unique_ptr<RecModel>> LoadUserKnn(IdIndex users, IdIndex items,
                                                      const Archive& archive) {
  AIGC_ASSIGN_OR_RETURN(SparseMatrix implicit,
                        LoadRows(archive, "implicit", users.size(), items.size()));
  AIGC_ASSIGN_OR_RETURN(SparseMatrix ratings,
                        LoadRows(archive, "ratings", users.size(), items.size()));
  AIGC_ASSIGN_OR_RETURN(const double k, archive.GetNumber("neighbours"));
  AIGC_ASSIGN_OR_RETURN(const double shrinkage, archive.GetNumber("shrinkage"));
  if (k < 1 || shrinkage < 0) return absl::DataLossError("user_knn parameters out of range");
  // Snapshots without "ridge" use cosine neighbours.
  Eigen::MatrixXf ridge;
  if (absl::StatusOr<FloatMatrix> stored = archive.GetFloats("ridge"); stored.ok()) {
    const int64_t n = users.size();
    AIGC_RETURN_IF_ERROR(internal::CheckShape(*stored, n, n, "ridge"));
    ridge = Eigen::Map<const Eigen::MatrixXf>(stored->values.data(), n, n);
  } else if (!absl::IsNotFound(stored.status())) {
    return stored.status();
  }
  return std::make_unique<UserKnnModel>(std::move(users), std::move(items), std::move(implicit),
                                        std::move(ratings), static_cast<int>(k),
                                        static_cast<float>(shrinkage), std::move(ridge));
}

}  // namespace aigc::recommender
