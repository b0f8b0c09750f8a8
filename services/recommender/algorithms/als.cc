#include "services/recommender/algorithms/als.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <utility>

#include "Eigen/Cholesky"
#include "Eigen/Core"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "glog/logging.h"
#include "services/recommender/algorithms/internal/factors.h"
#include "services/recommender/algorithms/internal/factors_als.h"
#include "services/recommender/algorithms/internal/helpers.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using internal::FactorMatrix;
using internal::History;

// Bounds shared by the ParamSpecs and the archive checks in LoadAls.
constexpr int kMaxFactors = 512;
constexpr double kMaxIterations = 100;
constexpr double kMinRegularization = 1e-6;  // > 0 keeps every solve positive definite.
constexpr double kMaxRegularization = 1e6;
constexpr double kMaxAlpha = 1e4;
constexpr double kMaxSeed = 4294967295.0;
// Loss and RMSE are finite and >= 0; nothing else is known of them.
constexpr double kMaxStat = std::numeric_limits<double>::max();
constexpr float kMinRating = 0.5f;
constexpr float kMaxRating = 5.0f;
// Initial factors ~ N(0, kInitStddev^2); the first half-step solves exactly,
// so only the direction of the start matters much.
constexpr float kInitStddev = 0.1f;

// Archive keys.
constexpr absl::string_view kItemFactorsKey = "als.item_factors";
constexpr absl::string_view kAlphaKey = "als.alpha";
constexpr absl::string_view kRegularizationKey = "als.regularization";
constexpr absl::string_view kLossKey = "als.loss";
constexpr absl::string_view kHasRatingsKey = "als.has_ratings";
constexpr absl::string_view kRatingMeanKey = "als.rating_mean";
constexpr absl::string_view kRatingRegularizationKey = "als.rating_regularization";
constexpr absl::string_view kTrainRmseKey = "als.train_rmse";
constexpr absl::string_view kRatingItemFactorsKey = "als.rating_item_factors";
constexpr absl::string_view kRatingItemBiasKey = "als.rating_item_bias";
constexpr absl::string_view kRatingItemCountsKey = "als.rating_item_counts";

// The explicit-rating factorisation r_ui ~ mean + b_u + b_i + p_u'q_i. Only
// the item side is kept: the user side is folded in from each request.
struct RatingFactors {
  double mean = 0;
  double regularization = 0;
  FactorMatrix item_factors;
  Eigen::VectorXf item_bias;
  // Training ratings per item; 0 marks an item the rating part knows nothing of.
  std::vector<int32_t> item_counts;
  double train_rmse = 0;
};

class AlsModel final : public RecModel {
 public:
  AlsModel(IdIndex users, IdIndex items, FactorMatrix item_factors, double alpha,
           double regularization, double loss, std::optional<RatingFactors> ratings)
      : RecModel(std::move(users), std::move(items)),
        item_factors_(std::move(item_factors)),
        alpha_(alpha),
        regularization_(regularization),
        loss_(loss),
        ratings_(std::move(ratings)),
        gram_(internal::Gram(item_factors_)),
        item_norms_(internal::RowNorms(item_factors_)) {}

  v1::Algorithm algorithm() const override { return v1::ALGORITHM_ALS; }

  void Score(const UserProfile& profile, absl::Span<float> scores) const override {
    CHECK_EQ(static_cast<int64_t>(scores.size()), items().size());
    Eigen::Map<Eigen::VectorXf> out(scores.data(), items().size());
    const History history = internal::UsableHistory(profile, items().size());
    if (history.items.empty()) {
      out.setZero();
      return;
    }
    const Eigen::VectorXf user =
        internal::SolveNormalEquations(FoldInEquations(history)).cast<float>();
    out.noalias() = item_factors_ * user;
  }

  absl::Status Similar(int32_t item, absl::Span<float> scores) const override {
    return internal::CosineSimilarities(item_factors_, item_norms_, item, scores);
  }

  // Hu, Koren & Volinsky (2008, section 5): with W_u the inverse of the
  // fold-in's lhs, score_ui = sum_j (y_i' W_u y_j) c_uj, so each history item
  // j contributes (y_i' W_u y_j) c_uj.
  Explanation Explain(const UserProfile& profile, int32_t item) const override {
    const History history = internal::UsableHistory(profile, items().size());
    if (item < 0 || item >= items().size() || history.items.empty()) return {};
    const Eigen::LLT<Eigen::MatrixXd> llt(FoldInEquations(history).lhs);
    if (llt.info() != Eigen::Success) return {};
    // W_u is symmetric, so y_i' W_u y_j = (W_u y_i)' y_j: one solve for all j.
    const Eigen::VectorXd weighted = llt.solve(item_factors_.row(item).transpose().cast<double>());
    std::vector<float> contributions(profile.items.size(), 0.0f);
    for (size_t e = 0; e < history.items.size(); ++e) {
      const int32_t j = history.items[e];
      if (j == item) continue;  // An item never explains itself.
      const double similarity = weighted.dot(item_factors_.row(j).transpose().cast<double>());
      contributions[history.entries[e]] =
          static_cast<float>(similarity * (1.0 + alpha_ * history.weights[e]));
    }
    return internal::ExplainByHistory(profile, [&](size_t entry) { return contributions[entry]; });
  }

  absl::StatusOr<RatingEstimate> PredictRating(const UserProfile& profile,
                                               int32_t item) const override {
    if (!ratings_.has_value()) {
      return absl::FailedPreconditionError("ALS model was trained without ratings");
    }
    if (item < -1 || item >= items().size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("item index ", item, " outside [-1, ", items().size(), ")"));
    }
    const History history = internal::UsableHistory(profile, items().size());
    std::vector<int32_t> rated;
    std::vector<float> values;
    for (size_t e = 0; e < history.items.size(); ++e) {
      if (!std::isfinite(history.ratings[e])) continue;
      rated.push_back(history.items[e]);
      values.push_back(history.ratings[e]);
    }
    // [b_u, p_u]; zeros without ratings, which leaves mean + b_i.
    const Eigen::VectorXd user =
        internal::BiasedRidgeSolve(ratings_->item_factors, ratings_->item_bias, rated, values,
                                   ratings_->mean, ratings_->regularization);
    double rating = ratings_->mean + user[0];
    bool baseline = rated.empty() || item < 0;
    if (item >= 0) {
      const int64_t k = ratings_->item_factors.cols();
      rating += ratings_->item_bias[item] +
                user.tail(k).dot(ratings_->item_factors.row(item).transpose().cast<double>());
      baseline = baseline || ratings_->item_counts[item] == 0;
    }
    return RatingEstimate{std::clamp(static_cast<float>(rating), kMinRating, kMaxRating), baseline};
  }

  std::map<std::string, double> Stats() const override {
    std::map<std::string, double> stats = {{"factors", static_cast<double>(item_factors_.cols())},
                                           {"loss", loss_}};
    if (ratings_.has_value()) {
      stats["rating_factors"] = static_cast<double>(ratings_->item_factors.cols());
      stats["train_rmse"] = ratings_->train_rmse;
    }
    return stats;
  }

 private:
  void SaveWeights(Archive& archive) const override {
    internal::PutFactors(archive, kItemFactorsKey, item_factors_);
    archive.PutNumber(kAlphaKey, alpha_);
    archive.PutNumber(kRegularizationKey, regularization_);
    archive.PutNumber(kLossKey, loss_);
    archive.PutNumber(kHasRatingsKey, ratings_.has_value() ? 1 : 0);
    if (!ratings_.has_value()) return;
    archive.PutNumber(kRatingMeanKey, ratings_->mean);
    archive.PutNumber(kRatingRegularizationKey, ratings_->regularization);
    archive.PutNumber(kTrainRmseKey, ratings_->train_rmse);
    internal::PutFactors(archive, kRatingItemFactorsKey, ratings_->item_factors);
    internal::PutFactors(archive, kRatingItemBiasKey, ratings_->item_bias);
    archive.PutInts(kRatingItemCountsKey, ratings_->item_counts);
  }

  internal::NormalEquations FoldInEquations(const History& history) const {
    return internal::ImplicitNormalEquations(gram_, item_factors_, history.items, history.weights,
                                             alpha_, regularization_);
  }

  const FactorMatrix item_factors_;
  const double alpha_;
  const double regularization_;
  const double loss_;
  const std::optional<RatingFactors> ratings_;
  // item_factors_' item_factors_, shared by every fold-in.
  const Eigen::MatrixXd gram_;
  const std::vector<float> item_norms_;
};

// Trains the explicit part on `by_user` (the rating matrix, non-empty).
// Steps done before it and the total are for progress reports.
absl::StatusOr<RatingFactors> TrainRatingFactors(const SparseMatrix& by_user,
                                                 const Hyperparameters& params,
                                                 const TrainContext& context, std::mt19937_64& rng,
                                                 int steps_before, int total_steps) {
  const int64_t k = params.GetInt("als.rating_factors");
  const int64_t iterations = params.GetInt("als.rating_iterations");
  RatingFactors part;
  part.regularization = params.Get("als.rating_regularization");
  part.mean = Eigen::Map<const Eigen::VectorXf>(by_user.valuePtr(), by_user.nonZeros())
                  .cast<double>()
                  .mean();
  SparseMatrix by_item = by_user.transpose();
  by_item.makeCompressed();
  FactorMatrix user_factors = internal::RandomFactors(by_user.rows(), k, kInitStddev, rng);
  Eigen::VectorXf user_bias = Eigen::VectorXf::Zero(by_user.rows());
  part.item_factors = FactorMatrix::Zero(by_user.cols(), k);
  part.item_bias = Eigen::VectorXf::Zero(by_user.cols());
  for (int64_t it = 0; it < iterations; ++it) {
    if (context.Cancelled()) return absl::CancelledError("als training cancelled");
    // Items first, users last: the final user rows are then exactly what
    // PredictRating's fold-in computes from the same ratings.
    internal::BiasedHalfStep(by_item, user_factors, user_bias, part.mean, part.regularization,
                             context.threads, part.item_factors, part.item_bias);
    internal::BiasedHalfStep(by_user, part.item_factors, part.item_bias, part.mean,
                             part.regularization, context.threads, user_factors, user_bias);
    part.train_rmse = internal::BiasedRmse(by_user, user_factors, user_bias, part.item_factors,
                                           part.item_bias, part.mean);
    context.Report(static_cast<double>(steps_before + it + 1) / total_steps,
                   absl::StrCat("als rating iteration ", it + 1, "/", iterations, ", train rmse ",
                                part.train_rmse));
  }
  part.item_counts.resize(by_item.rows());
  for (int64_t i = 0; i < by_item.rows(); ++i) {
    part.item_counts[i] = by_item.outerIndexPtr()[i + 1] - by_item.outerIndexPtr()[i];
  }
  return part;
}

}  // namespace

// Defaults. 64 factors and 15 sweeps are common practice for implicit ALS
// (the implicit library's defaults; the objective barely moves after ~10
// sweeps). Hu et al. (2008) used alpha = 40 on TV watch counts, but lambda
// and alpha interact with the data's scale, so both were measured on the
// MovieLens benchmark (80/20 per-user hold-out, every rating an event of
// weight 2, 64 factors): over alpha in {0.5 .. 100} x lambda in {0.1 .. 1000}
// recall@20 peaked at 0.34 for alpha 1-2 with lambda 20-30, against 0.24 for
// alpha 40, lambda 1. alpha 2 keeps event types apart (a purchase, weight 4,
// gets confidence 9; a view 3). A catalogue far smaller than MovieLens wants
// a smaller lambda. The explicit part uses weighted-lambda regularisation
// (Zhou et al. 2008: the penalty scales with the row's rating count), so one
// lambda suits light and heavy users; on the same split 20 factors with
// lambda 0.15 gave a held-out RMSE of 0.882 (best seen 0.877 with 100 factors,
// at 20 times the cost; 0.887 with 10).
std::vector<ParamSpec> AlsParams() {
  return {
      {.key = "als.factors",
       .default_value = 64,
       .min = 1,
       .max = kMaxFactors,
       .integer = true,
       .help = "Latent dimensions of the implicit factorisation."},
      {.key = "als.iterations",
       .default_value = 15,
       .min = 1,
       .max = kMaxIterations,
       .integer = true,
       .help = "Alternating sweeps, each solving every item and then every user exactly."},
      {.key = "als.regularization",
       .default_value = 30,
       .min = kMinRegularization,
       .max = kMaxRegularization,
       .integer = false,
       .help = "L2 penalty lambda on user and item factors."},
      {.key = "als.alpha",
       .default_value = 2,
       .min = 0,
       .max = kMaxAlpha,
       .integer = false,
       .help = "Confidence per unit of implicit weight: c_ui = 1 + alpha * w_ui."},
      {.key = "als.seed",
       .default_value = 42,
       .min = 0,
       .max = kMaxSeed,
       .integer = true,
       .help = "Seed of the random initial factors."},
      {.key = "als.rating_factors",
       .default_value = 20,
       .min = 1,
       .max = kMaxFactors,
       .integer = true,
       .help = "Latent dimensions of the explicit-rating factorisation (PredictRating)."},
      {.key = "als.rating_iterations",
       .default_value = 15,
       .min = 1,
       .max = kMaxIterations,
       .integer = true,
       .help = "Alternating sweeps of the explicit-rating factorisation."},
      {.key = "als.rating_regularization",
       .default_value = 0.15,
       .min = kMinRegularization,
       .max = kMaxRegularization,
       .integer = false,
       .help = "L2 penalty of the explicit part, times the rating count of each user or item."},
  };
}

absl::StatusOr<std::unique_ptr<RecModel>> TrainAls(const TrainingSet& set,
                                                   const Hyperparameters& params,
                                                   const TrainContext& context) {
  const int64_t k = params.GetInt("als.factors");
  const int64_t iterations = params.GetInt("als.iterations");
  const double regularization = params.Get("als.regularization");
  const double alpha = params.Get("als.alpha");
  std::mt19937_64 rng(static_cast<uint64_t>(params.GetInt("als.seed")));

  const SparseMatrix ratings = RatingMatrix(set);
  const bool has_ratings = ratings.nonZeros() > 0;
  const int total_steps =
      static_cast<int>(iterations + (has_ratings ? params.GetInt("als.rating_iterations") : 0));

  const SparseMatrix by_user = ImplicitMatrix(set);
  SparseMatrix by_item = by_user.transpose();
  by_item.makeCompressed();
  FactorMatrix user_factors = internal::RandomFactors(by_user.rows(), k, kInitStddev, rng);
  FactorMatrix item_factors = FactorMatrix::Zero(by_user.cols(), k);
  double loss = 0;
  for (int64_t it = 0; it < iterations; ++it) {
    if (context.Cancelled()) return absl::CancelledError("als training cancelled");
    internal::ImplicitHalfStep(by_item, user_factors, alpha, regularization, context.threads,
                               item_factors);
    internal::ImplicitHalfStep(by_user, item_factors, alpha, regularization, context.threads,
                               user_factors);
    loss = internal::ImplicitLoss(by_user, user_factors, item_factors, alpha, regularization);
    context.Report(static_cast<double>(it + 1) / total_steps,
                   absl::StrCat("als iteration ", it + 1, "/", iterations, ", loss ", loss));
  }

  std::optional<RatingFactors> rating_part;
  if (has_ratings) {
    AIGC_ASSIGN_OR_RETURN(
        rating_part, TrainRatingFactors(ratings, params, context, rng, static_cast<int>(iterations),
                                        total_steps));
  }
  return std::make_unique<AlsModel>(set.users, set.items, std::move(item_factors), alpha,
                                    regularization, loss, std::move(rating_part));
}

absl::StatusOr<std::unique_ptr<RecModel>> LoadAls(IdIndex users, IdIndex items,
                                                  const Archive& archive) {
  const int64_t n = items.size();
  AIGC_ASSIGN_OR_RETURN(FactorMatrix item_factors,
                        internal::GetFactors(archive, kItemFactorsKey, n, 1, kMaxFactors));
  AIGC_ASSIGN_OR_RETURN(const double alpha, internal::GetNumber(archive, kAlphaKey, 0, kMaxAlpha));
  AIGC_ASSIGN_OR_RETURN(
      const double regularization,
      internal::GetNumber(archive, kRegularizationKey, kMinRegularization, kMaxRegularization));
  AIGC_ASSIGN_OR_RETURN(const double loss, internal::GetNumber(archive, kLossKey, 0, kMaxStat));
  AIGC_ASSIGN_OR_RETURN(const double has_ratings,
                        internal::GetNumber(archive, kHasRatingsKey, 0, 1));
  std::optional<RatingFactors> rating_part;
  if (has_ratings == 1) {
    RatingFactors part;
    AIGC_ASSIGN_OR_RETURN(part.mean,
                          internal::GetNumber(archive, kRatingMeanKey, -kMaxStat, kMaxStat));
    AIGC_ASSIGN_OR_RETURN(part.regularization,
                          internal::GetNumber(archive, kRatingRegularizationKey, kMinRegularization,
                                              kMaxRegularization));
    AIGC_ASSIGN_OR_RETURN(part.train_rmse,
                          internal::GetNumber(archive, kTrainRmseKey, 0, kMaxStat));
    AIGC_ASSIGN_OR_RETURN(part.item_factors,
                          internal::GetFactors(archive, kRatingItemFactorsKey, n, 1, kMaxFactors));
    AIGC_ASSIGN_OR_RETURN(const FactorMatrix bias,
                          internal::GetFactors(archive, kRatingItemBiasKey, n, 1, 1));
    part.item_bias = bias.col(0);
    absl::StatusOr<std::vector<int32_t>> counts = archive.GetInts(kRatingItemCountsKey);
    if (!counts.ok()) {
      return absl::DataLossError(absl::StrCat("archive entry \"", kRatingItemCountsKey,
                                              "\" is unusable: ", counts.status().message()));
    }
    AIGC_RETURN_IF_ERROR(internal::CheckIndices(*counts, n, -1, kRatingItemCountsKey));
    if (std::any_of(counts->begin(), counts->end(), [](int32_t count) { return count < 0; })) {
      return absl::DataLossError(
          absl::StrCat("archive entry \"", kRatingItemCountsKey, "\" holds a negative count"));
    }
    part.item_counts = *std::move(counts);
    rating_part = std::move(part);
  } else if (has_ratings != 0) {
    return absl::DataLossError(
        absl::StrCat("archive entry \"", kHasRatingsKey, "\" holds ", has_ratings));
  }
  return std::make_unique<AlsModel>(std::move(users), std::move(items), std::move(item_factors),
                                    alpha, regularization, loss, std::move(rating_part));
}

}  // namespace aigc::recommender
