#include "services/recommender/algorithms/als.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/recommender/algorithms/internal/factors.h"
#include "services/recommender/algorithms/internal/factors_als.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using internal::FactorMatrix;
using testing::MakeSet;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::SimilarOf;
using testing::Train;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

SparseMatrix Sparse(int rows, int cols, const std::vector<Eigen::Triplet<float, int32_t>>& cells) {
  SparseMatrix matrix(rows, cols);
  matrix.setFromTriplets(cells.begin(), cells.end());
  matrix.makeCompressed();
  return matrix;
}

// Two groups that never meet: users ua0..ua3 each saw three of a0..a3, users
// ub0..ub3 three of b0..b3. ua0 has not seen a3, ub0 not b3.
TrainingSet TwoGroups() {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const char* group : {"a", "b"}) {
    for (int u = 0; u < 4; ++u) {
      for (int i = 0; i < 4; ++i) {
        if (i != 3 - u) pairs.emplace_back(absl::StrCat("u", group, u), absl::StrCat(group, i));
      }
    }
  }
  return MakeSet(pairs);
}

// Few factors, and a penalty for eight users (the default suits MovieLens).
const std::map<std::string, std::string> kSmall = {{"als.factors", "4"},
                                                   {"als.iterations", "10"},
                                                   {"als.alpha", "40"},
                                                   {"als.regularization", "1"}};

// The unseen item with the highest score.
std::string TopUnseen(const RecModel& model, const UserProfile& profile) {
  const auto scores = ScoresOf(model, profile);
  std::string best;
  for (const auto& [id, score] : scores) {
    const bool seen = std::find(profile.items.begin(), profile.items.end(),
                                model.items().Find(id)) != profile.items.end();
    if (!seen && (best.empty() || score > scores.at(best))) best = id;
  }
  return best;
}

// An ALS archive written by hand, as RecModel::Save lays it out. Items
// p q r s t with one factor each, y = [1, 2, 3, 0, -1], alpha 1, lambda 1.
// The explicit part (with_ratings): mean 3, lambda 0.25, q = [1, -1, 0, 0, 2],
// item biases [0.5, 0, 0, -3, 3], training ratings per item [2, 2, 0, 1, 1].
// `omit` names a key to leave out.
Archive HandArchive(bool with_ratings, const std::string& omit = "") {
  Archive archive;
  const auto put_number = [&](const std::string& key, double value) {
    if (key != omit) archive.PutNumber(key, value);
  };
  const auto put_floats = [&](const std::string& key, std::vector<float> values) {
    if (key != omit) archive.PutFloats(key, 5, 1, std::move(values));
  };
  archive.PutText("algorithm", "als");
  archive.PutStrings("user_ids", {"u0"});
  archive.PutStrings("item_ids", {"p", "q", "r", "s", "t"});
  put_floats("als.item_factors", {1, 2, 3, 0, -1});
  put_number("als.alpha", 1);
  put_number("als.regularization", 1);
  put_number("als.loss", 7);
  put_number("als.has_ratings", with_ratings ? 1 : 0);
  if (with_ratings) {
    put_number("als.rating_mean", 3);
    put_number("als.rating_regularization", 0.25);
    put_number("als.train_rmse", 0.5);
    put_floats("als.rating_item_factors", {1, -1, 0, 0, 2});
    put_floats("als.rating_item_bias", {0.5, 0, 0, -3, 3});
    if (omit != "als.rating_item_counts") {
      archive.PutInts("als.rating_item_counts", {2, 2, 0, 1, 1});
    }
  }
  return archive;
}

std::unique_ptr<RecModel> LoadHand(bool with_ratings) {
  auto model = LoadModel(HandArchive(with_ratings));
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

UserProfile Rated(const RecModel& model,
                  const std::vector<std::pair<std::string, float>>& ratings) {
  UserProfile profile;
  for (const auto& [id, rating] : ratings) {
    profile.items.push_back(model.items().Find(id));
    profile.weights.push_back(2.0f);
    profile.ratings.push_back(rating);
  }
  return profile;
}

TEST(AlsSolveTest, OneFactorHalfStepMatchesTheHandSolution) {
  // k = 1, item factors y = [1, 2], alpha 2, lambda 1, so Y'Y = 5.
  // u0 saw item 0 with weight 1: c = 3; x = c y_0 / (Y'Y + (c - 1) y_0^2 + 1)
  //   = 3 / (5 + 2 + 1) = 0.375.
  // u1 saw item 1 with weight 0.5: c = 2; x = 2 * 2 / (5 + 1 * 4 + 1) = 0.4.
  // u2 saw nothing: x = 0.
  const SparseMatrix weights = Sparse(3, 2, {{0, 0, 1.0f}, {1, 1, 0.5f}});
  FactorMatrix items(2, 1);
  items << 1, 2;
  FactorMatrix users = FactorMatrix::Constant(3, 1, 9.0f);
  internal::ImplicitHalfStep(weights, items, /*alpha=*/2, /*lambda=*/1, /*threads=*/2, users);
  EXPECT_NEAR(users(0, 0), 0.375, 1e-6);
  EXPECT_NEAR(users(1, 0), 0.4, 1e-6);
  EXPECT_EQ(users(2, 0), 0.0f);
}

TEST(AlsSolveTest, TwoFactorNormalEquationsMatchTheHandSolution) {
  // Y = [[1, 0], [0, 1], [1, 1]]: Y'Y = [[2, 1], [1, 2]]. The user saw item 2
  // (weight 1, alpha 1, so c = 2), lambda 0.5:
  //   lhs = Y'Y + (c - 1) [1 1]'[1 1] + 0.5 I = [[3.5, 2], [2, 3.5]],
  //   rhs = c [1, 1] = [2, 2]; by symmetry x1 = x2 = 2 / 5.5.
  FactorMatrix items(3, 2);
  items << 1, 0, 0, 1, 1, 1;
  const std::vector<int32_t> seen = {2};
  const std::vector<float> weight = {1.0f};
  const internal::NormalEquations equations =
      internal::ImplicitNormalEquations(internal::Gram(items), items, seen, weight, 1.0, 0.5);
  EXPECT_NEAR(equations.lhs(0, 0), 3.5, 1e-12);
  EXPECT_NEAR(equations.lhs(0, 1), 2.0, 1e-12);
  EXPECT_NEAR(equations.lhs(1, 0), 2.0, 1e-12);
  EXPECT_NEAR(equations.lhs(1, 1), 3.5, 1e-12);
  EXPECT_NEAR(equations.rhs(0), 2.0, 1e-12);
  EXPECT_NEAR(equations.rhs(1), 2.0, 1e-12);
  const Eigen::VectorXd x = internal::SolveNormalEquations(equations);
  EXPECT_NEAR(x(0), 2.0 / 5.5, 1e-9);
  EXPECT_NEAR(x(1), 2.0 / 5.5, 1e-9);
}

TEST(AlsSolveTest, ImplicitLossMatchesTheHandValue) {
  // x = 1, y = [1, 2], item 0 seen with weight 1, alpha 2 (c = 3), lambda 1:
  // 3 (1 - 1)^2 + 1 (0 - 2)^2 + 1 (1 + 1 + 4) = 10.
  const SparseMatrix weights = Sparse(1, 2, {{0, 0, 1.0f}});
  FactorMatrix users(1, 1);
  users << 1;
  FactorMatrix items(2, 1);
  items << 1, 2;
  EXPECT_NEAR(internal::ImplicitLoss(weights, users, items, 2, 1), 10.0, 1e-9);
}

TEST(AlsSolveTest, BiasedRidgeSolveMatchesTheHandSolution) {
  // Item factors [1, -1], item biases [0.5, 0], mean 3, lambda 0.25; the user
  // rated 5 and 2.5, so the targets are 5 - 3 - 0.5 = 1.5 and -0.5. With
  // z = [1, q]: Z'Z = [[2, 0], [0, 2]], plus lambda n = 0.5 on the diagonal,
  // Z't = [1, 2]: b = 1 / 2.5 = 0.4, x = 2 / 2.5 = 0.8.
  FactorMatrix items(2, 1);
  items << 1, -1;
  Eigen::VectorXf bias(2);
  bias << 0.5f, 0.0f;
  const std::vector<int32_t> rated = {0, 1};
  const std::vector<float> ratings = {5.0f, 2.5f};
  const Eigen::VectorXd solution = internal::BiasedRidgeSolve(items, bias, rated, ratings, 3, 0.25);
  ASSERT_EQ(solution.size(), 2);
  EXPECT_NEAR(solution(0), 0.4, 1e-9);
  EXPECT_NEAR(solution(1), 0.8, 1e-9);
  EXPECT_EQ(internal::BiasedRidgeSolve(items, bias, {}, {}, 3, 0.25), Eigen::VectorXd::Zero(2));
}

TEST(AlsTest, ScoresAHandBuiltModelByFoldingInTheProfile) {
  // y = [1, 2, 3, 0, -1], Y'Y = 15, alpha 1, lambda 1. Profile p q t with
  // weight 1 each (c = 2): x = 2 (1 + 2 - 1) / (15 + (1 + 4 + 1) + 1) = 4/22.
  const auto model = LoadHand(false);
  ASSERT_NE(model, nullptr);
  const auto scores = ScoresOf(*model, ProfileOf(*model, {"p", "q", "t"}));
  const double x = 4.0 / 22.0;
  EXPECT_NEAR(scores.at("p"), x, 1e-6);
  EXPECT_NEAR(scores.at("q"), 2 * x, 1e-6);
  EXPECT_NEAR(scores.at("r"), 3 * x, 1e-6);
  EXPECT_EQ(scores.at("s"), 0.0f);
  EXPECT_NEAR(scores.at("t"), -x, 1e-6);
}

TEST(AlsTest, ImplicitWeightsRaiseTheConfidence) {
  // Profile p with weight 3: c = 4, x = 4 / (15 + 3 + 1) = 4/19.
  const auto model = LoadHand(false);
  ASSERT_NE(model, nullptr);
  UserProfile profile = ProfileOf(*model, {"p"});
  profile.weights = {3.0f};
  EXPECT_NEAR(ScoresOf(*model, profile).at("p"), 4.0 / 19.0, 1e-6);
}

TEST(AlsTest, EmptyProfileScoresAllZeros) {
  const auto model = LoadHand(false);
  ASSERT_NE(model, nullptr);
  for (const auto& [id, score] : ScoresOf(*model, UserProfile{})) EXPECT_EQ(score, 0.0f) << id;
}

TEST(AlsTest, ExplanationCitesHistoryItemsWithPositiveContribution) {
  // With k = 1, W_u = 1/22 for profile p q t, and history item j contributes
  // y_r W_u y_j c_j = 3 y_j 2 / 22 to r: q 12/22, p 6/22, t -6/22.
  const auto model = LoadHand(false);
  ASSERT_NE(model, nullptr);
  const UserProfile profile = ProfileOf(*model, {"p", "q", "t"});
  const Explanation explanation = model->Explain(profile, model->items().Find("r"));
  EXPECT_EQ(explanation.type, v1::REASON_TYPE_SIMILAR_TO_HISTORY);
  EXPECT_EQ(explanation.items,
            (std::vector<int32_t>{model->items().Find("q"), model->items().Find("p")}));
}

TEST(AlsTest, ExplanationIsPersonalizedWhenNoHistoryItemContributes) {
  // t's factor is negative, so p and q both count against it; s has no
  // factor; an item never explains itself.
  const auto model = LoadHand(false);
  ASSERT_NE(model, nullptr);
  const UserProfile profile = ProfileOf(*model, {"p", "q"});
  for (const char* id : {"t", "s"}) {
    const Explanation explanation = model->Explain(profile, model->items().Find(id));
    EXPECT_EQ(explanation.type, v1::REASON_TYPE_PERSONALIZED) << id;
    EXPECT_TRUE(explanation.items.empty()) << id;
  }
  EXPECT_TRUE(model->Explain(ProfileOf(*model, {"p"}), model->items().Find("p")).items.empty());
  EXPECT_EQ(model->Explain(UserProfile{}, 0).type, v1::REASON_TYPE_PERSONALIZED);
}

TEST(AlsTest, SimilarIsTheCosineOfItemFactors) {
  // One factor: the cosine is the product of the signs; s has norm 0.
  const auto model = LoadHand(false);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(SimilarOf(*model, "p"),
            (std::map<std::string, float>{{"p", 1}, {"q", 1}, {"r", 1}, {"s", 0}, {"t", -1}}));
  EXPECT_EQ(SimilarOf(*model, "s"),
            (std::map<std::string, float>{{"p", 0}, {"q", 0}, {"r", 0}, {"s", 0}, {"t", 0}}));
  std::vector<float> scores(5);
  EXPECT_EQ(model->Similar(5, absl::MakeSpan(scores)).code(), absl::StatusCode::kInvalidArgument);
}

TEST(AlsTest, RecommendsTheUnseenItemOfTheUsersOwnGroup) {
  const TrainingSet set = TwoGroups();
  auto model = Train(v1::ALGORITHM_ALS, set, kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(TopUnseen(**model, ProfileOf(**model, {"a0", "a1", "a2"}, 0)), "a3");
  EXPECT_EQ(TopUnseen(**model, ProfileOf(**model, {"b0", "b1", "b2"}, 4)), "b3");
}

TEST(AlsTest, NewUserWithATrainedUsersHistoryScoresLikeThatUser) {
  // ALS always folds the profile in, so the user index changes nothing.
  auto model = Train(v1::ALGORITHM_ALS, TwoGroups(), kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(ScoresOf(**model, ProfileOf(**model, {"a0", "a1", "a2"}, /*user=*/-1)),
            ScoresOf(**model, ProfileOf(**model, {"a0", "a1", "a2"}, /*user=*/0)));
}

TEST(AlsTest, ABrandNewUserWithTwoEventsIsPersonalised) {
  auto model = Train(v1::ALGORITHM_ALS, TwoGroups(), kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"b0", "b1"}));
  for (const char* unseen_b : {"b2", "b3"}) {
    for (const char* a : {"a0", "a1", "a2", "a3"}) EXPECT_GT(scores.at(unseen_b), scores.at(a));
  }
}

TEST(AlsTest, AnEventChangesTheNextScores) {
  auto model = Train(v1::ALGORITHM_ALS, TwoGroups(), kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  const auto before = ScoresOf(**model, ProfileOf(**model, {"a0"}));
  const auto after = ScoresOf(**model, ProfileOf(**model, {"a0", "b0"}));
  EXPECT_GT(after.at("b1"), before.at("b1"));
}

TEST(AlsTest, TrainingLossNeverIncreasesWithMoreIterations) {
  // Every half-step is an exact minimisation, so the objective cannot grow;
  // the same seed replays the same trajectory.
  double previous = std::numeric_limits<double>::infinity();
  for (const std::string iterations : {"1", "2", "3", "5", "8"}) {
    std::map<std::string, std::string> params = kSmall;
    params["als.iterations"] = iterations;
    auto model = Train(v1::ALGORITHM_ALS, TwoGroups(), params);
    ASSERT_TRUE(model.ok()) << model.status();
    const double loss = (*model)->Stats().at("loss");
    EXPECT_LE(loss, previous * (1 + 1e-5)) << iterations << " iterations";
    previous = loss;
  }
}

TEST(AlsTest, ThreadCountDoesNotChangeTheModel) {
  const TrainingSet set = TwoGroups();
  auto params = Hyperparameters::Parse(kSmall);
  ASSERT_TRUE(params.ok()) << params.status();
  TrainContext one_thread;
  TrainContext three_threads;
  three_threads.threads = 3;
  auto a = TrainModel(v1::ALGORITHM_ALS, set, *params, one_thread);
  auto b = TrainModel(v1::ALGORITHM_ALS, set, *params, three_threads);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ScoresOf(**a, ProfileOf(**a, {"a0", "b1"})),
            ScoresOf(**b, ProfileOf(**b, {"a0", "b1"})));
}

TEST(AlsTest, ReportsProgressPerIterationAndStopsWhenCancelled) {
  auto params = Hyperparameters::Parse({{"als.factors", "2"}, {"als.iterations", "3"}});
  ASSERT_TRUE(params.ok()) << params.status();
  std::vector<std::string> messages;
  std::vector<double> fractions;
  TrainContext context;
  context.progress = [&](double fraction, absl::string_view message) {
    fractions.push_back(fraction);
    messages.emplace_back(message);
  };
  ASSERT_TRUE(TrainModel(v1::ALGORITHM_ALS, TwoGroups(), *params, context).ok());
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_TRUE(absl::StartsWith(messages[0], "als iteration 1/3")) << messages[0];
  EXPECT_TRUE(absl::StartsWith(messages[2], "als iteration 3/3")) << messages[2];
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);

  // Cancelled after the first iteration's report: no second iteration runs.
  messages.clear();
  context.cancelled = [&] { return !messages.empty(); };
  const auto cancelled = TrainModel(v1::ALGORITHM_ALS, TwoGroups(), *params, context);
  EXPECT_EQ(cancelled.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(messages.size(), 1u);
}

TEST(AlsTest, SaveWriteReadLoadGivesIdenticalAnswers) {
  TrainingSet set = TwoGroups();
  for (size_t n = 0; n < set.interactions.size(); ++n) {
    set.interactions[n].rating = 1.0f + static_cast<float>(n % 5);
  }
  auto trained = Train(v1::ALGORITHM_ALS, set, kSmall);
  ASSERT_TRUE(trained.ok()) << trained.status();
  Archive archive;
  (*trained)->Save(archive);
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / "als.bin";
  ASSERT_TRUE(archive.WriteFile(path).ok());
  auto read = Archive::ReadFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(read.ok()) << read.status();
  auto loaded = LoadModel(*read);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const RecModel& a = **trained;
  const RecModel& b = **loaded;
  EXPECT_EQ(b.algorithm(), v1::ALGORITHM_ALS);
  EXPECT_EQ(a.Stats(), b.Stats());
  const UserProfile profile = Rated(a, {{"a0", 4.0f}, {"b2", kNaN}, {"a1", 2.5f}});
  EXPECT_EQ(ScoresOf(a, profile), ScoresOf(b, profile));
  EXPECT_EQ(SimilarOf(a, "a2"), SimilarOf(b, "a2"));
  EXPECT_EQ(a.Explain(profile, 3).items, b.Explain(profile, 3).items);
  for (int32_t item : {-1, 0, 5}) {
    auto x = a.PredictRating(profile, item);
    auto y = b.PredictRating(profile, item);
    ASSERT_TRUE(x.ok() && y.ok());
    EXPECT_EQ(x->rating, y->rating);
    EXPECT_EQ(x->baseline, y->baseline);
  }
}

TEST(AlsTest, HandArchiveWithoutRatingsLoads) {
  // The hand archive is what the tests below corrupt; it must load as is.
  EXPECT_TRUE(LoadModel(HandArchive(false)).ok());
  EXPECT_TRUE(LoadModel(HandArchive(true)).ok());
}

TEST(AlsTest, InconsistentArchivesAreDataLoss) {
  std::vector<std::pair<std::string, Archive>> cases;
  for (const std::string key :
       {"als.item_factors", "als.alpha", "als.regularization", "als.loss", "als.has_ratings",
        "als.rating_mean", "als.rating_regularization", "als.train_rmse", "als.rating_item_factors",
        "als.rating_item_bias", "als.rating_item_counts"}) {
    cases.emplace_back(absl::StrCat("missing ", key), HandArchive(true, key));
  }
  const auto corrupt = [&](const std::string& name, const std::function<void(Archive&)>& edit) {
    Archive archive = HandArchive(true);
    edit(archive);
    cases.emplace_back(name, std::move(archive));
  };
  corrupt("fewer item ids", [](Archive& a) { a.PutStrings("item_ids", {"p", "q"}); });
  corrupt("factor rows", [](Archive& a) { a.PutFloats("als.item_factors", 4, 1, {1, 2, 3, 4}); });
  corrupt("no factors", [](Archive& a) { a.PutFloats("als.item_factors", 5, 0, {}); });
  corrupt("too many factors",
          [](Archive& a) { a.PutFloats("als.item_factors", 5, 513, std::vector<float>(5 * 513)); });
  corrupt("NaN factor", [](Archive& a) {
    a.PutFloats("als.item_factors", 5, 1, {1, kNaN, 0, 0, 0});
  });
  corrupt("factor type", [](Archive& a) { a.PutText("als.item_factors", "1 2 3 0 -1"); });
  corrupt("zero lambda", [](Archive& a) { a.PutNumber("als.regularization", 0); });
  corrupt("negative alpha", [](Archive& a) { a.PutNumber("als.alpha", -1); });
  corrupt("has_ratings 2", [](Archive& a) { a.PutNumber("als.has_ratings", 2); });
  corrupt("rating factor rows", [](Archive& a) {
    a.PutFloats("als.rating_item_factors", 2, 1, {1, 2});
  });
  corrupt("bias columns",
          [](Archive& a) { a.PutFloats("als.rating_item_bias", 5, 2, std::vector<float>(10)); });
  corrupt("counts size", [](Archive& a) { a.PutInts("als.rating_item_counts", {1, 1}); });
  corrupt("negative count", [](Archive& a) {
    a.PutInts("als.rating_item_counts", {1, 1, -1, 1, 1});
  });
  for (const auto& [name, archive] : cases) {
    const auto loaded = LoadModel(archive);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss)
        << name << ": " << loaded.status();
  }
}

TEST(AlsRatingTest, PredictsHeldOutCellsOfARankOnePlusBiasesMatrix) {
  // r_ui = 3 + b_u + b_i + p_u q_i, fully known; five cells are held out. A
  // biases-only (or broken) model misses each of them by >= 0.2.
  const std::vector<float> p = {1.0f, -1.0f, 0.5f, -0.5f, 1.0f, 0.0f};
  const std::vector<float> q = {0.8f, -0.8f, 0.4f, -0.4f, 0.0f, 0.6f};
  const std::vector<float> user_bias = {0.3f, -0.2f, 0.0f, 0.1f, -0.3f, 0.2f};
  const std::vector<float> item_bias = {0.5f, -0.5f, 0.2f, -0.2f, 0.0f, 0.1f};
  const auto truth = [&](int u, int i) { return 3.0f + user_bias[u] + item_bias[i] + p[u] * q[i]; };
  const std::vector<std::pair<int, int>> held_out = {{0, 1}, {1, 0}, {2, 5}, {3, 0}, {4, 5}};
  const auto is_held_out = [&](int u, int i) {
    return std::find(held_out.begin(), held_out.end(), std::make_pair(u, i)) != held_out.end();
  };
  std::vector<std::pair<std::string, std::string>> pairs;
  for (int u = 0; u < 6; ++u) {
    for (int i = 0; i < 6; ++i) {
      if (!is_held_out(u, i)) pairs.emplace_back(absl::StrCat("u", u), absl::StrCat("m", i));
    }
  }
  TrainingSet set = MakeSet(pairs);
  for (Interaction& x : set.interactions) {
    x.rating =
        truth(std::stoi(set.users.Id(x.user).substr(1)), std::stoi(set.items.Id(x.item).substr(1)));
  }
  auto model = Train(v1::ALGORITHM_ALS, set,
                     {{"als.factors", "2"},
                      {"als.rating_factors", "1"},
                      {"als.rating_iterations", "60"},
                      {"als.rating_regularization", "0.0001"}});
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_LT((*model)->Stats().at("train_rmse"), 0.02);
  for (const auto& [u, i] : held_out) {
    UserProfile profile;  // the user's training ratings, folded in
    for (int j = 0; j < 6; ++j) {
      if (is_held_out(u, j)) continue;
      profile.items.push_back((*model)->items().Find(absl::StrCat("m", j)));
      profile.weights.push_back(2.0f);
      profile.ratings.push_back(truth(u, j));
    }
    const auto estimate =
        (*model)->PredictRating(profile, (*model)->items().Find(absl::StrCat("m", i)));
    ASSERT_TRUE(estimate.ok()) << estimate.status();
    EXPECT_NEAR(estimate->rating, truth(u, i), 0.1) << "u" << u << " m" << i;
    EXPECT_FALSE(estimate->baseline);
  }
}

TEST(AlsRatingTest, FoldsInRatingsAgainstAHandBuiltModel) {
  // Ratings p 5, q 2.5 against mean 3, q = [1, -1], b = [0.5, 0]: b_u 0.4,
  // p_u 0.8 (as in BiasedRidgeSolveMatchesTheHandSolution).
  const auto model = LoadHand(true);
  ASSERT_NE(model, nullptr);
  const UserProfile profile = Rated(*model, {{"p", 5.0f}, {"q", 2.5f}, {"r", kNaN}});
  const auto predict = [&](const UserProfile& who, int32_t item) {
    auto estimate = model->PredictRating(who, item);
    EXPECT_TRUE(estimate.ok()) << estimate.status();
    return estimate.ok() ? *estimate : RatingEstimate{};
  };
  const int32_t p = model->items().Find("p");
  const int32_t q = model->items().Find("q");
  const int32_t r = model->items().Find("r");
  const int32_t s = model->items().Find("s");
  const int32_t t = model->items().Find("t");
  // 3 + 0.4 + 0.5 + 0.8 * 1 and 3 + 0.4 + 0 - 0.8.
  EXPECT_NEAR(predict(profile, p).rating, 4.7f, 1e-5);
  EXPECT_FALSE(predict(profile, p).baseline);
  EXPECT_NEAR(predict(profile, q).rating, 2.6f, 1e-5);
  // r was never rated in training: mean + b_u, flagged as a baseline.
  EXPECT_NEAR(predict(profile, r).rating, 3.4f, 1e-5);
  EXPECT_TRUE(predict(profile, r).baseline);
  // An item unknown to the model: mean + b_u.
  EXPECT_NEAR(predict(profile, -1).rating, 3.4f, 1e-5);
  EXPECT_TRUE(predict(profile, -1).baseline);
  // 3 + 0.4 + 3 + 0.8 * 2 = 8 is clipped to 5.
  EXPECT_EQ(predict(profile, t).rating, 5.0f);
  EXPECT_FALSE(predict(profile, t).baseline);
  // No ratings (NaN only, or nothing): mean + b_i, clipped to [0.5, 5].
  const UserProfile unrated = Rated(*model, {{"p", kNaN}});
  EXPECT_NEAR(predict(unrated, p).rating, 3.5f, 1e-6);
  EXPECT_TRUE(predict(unrated, p).baseline);
  EXPECT_EQ(predict(UserProfile{}, s).rating, 0.5f);  // 3 - 3 = 0
  EXPECT_TRUE(predict(UserProfile{}, s).baseline);
  EXPECT_EQ(predict(UserProfile{}, t).rating, 5.0f);  // 3 + 3 = 6
  EXPECT_NEAR(predict(UserProfile{}, -1).rating, 3.0f, 1e-6);
  EXPECT_TRUE(predict(UserProfile{}, -1).baseline);
  EXPECT_EQ(model->PredictRating(profile, 5).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AlsRatingTest, WithoutRatingsPredictRatingIsFailedPrecondition) {
  auto trained = Train(v1::ALGORITHM_ALS, TwoGroups(), kSmall);
  ASSERT_TRUE(trained.ok()) << trained.status();
  const auto model = LoadHand(false);
  ASSERT_NE(model, nullptr);
  for (const RecModel* m : {trained->get(), model.get()}) {
    const auto estimate = m->PredictRating(UserProfile{}, 0);
    EXPECT_EQ(estimate.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(estimate.status().message(), "ALS model was trained without ratings");
    EXPECT_EQ(m->Stats().count("train_rmse"), 0u);
  }
}

TEST(AlsParamsTest, OutOfRangeValuesAreRejectedNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"als.factors", "0"},
      {"als.factors", "2.5"},
      {"als.factors", "513"},
      {"als.iterations", "0"},
      {"als.regularization", "0"},
      {"als.alpha", "-1"},
      {"als.seed", "-1"},
      {"als.rating_factors", "0"},
      {"als.rating_iterations", "101"},
      {"als.rating_regularization", "-0.1"},
  };
  for (const auto& [key, value] : bad) {
    const auto parsed = Hyperparameters::Parse({{key, value}});
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << key << "=" << value;
    EXPECT_TRUE(
        absl::StrContains(parsed.status().message(), absl::StrCat("hyperparameters[", key, "]")))
        << parsed.status();
  }
  const auto good = Hyperparameters::Parse({{"als.factors", "512"}, {"als.alpha", "0"}});
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->GetInt("als.factors"), 512);
}

}  // namespace
}  // namespace aigc::recommender
