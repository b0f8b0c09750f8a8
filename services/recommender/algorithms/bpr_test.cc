#include "services/recommender/algorithms/bpr.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/recommender/algorithms/internal/factors_bpr.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using testing::MakeSet;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::SimilarOf;
using testing::Train;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

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

const std::map<std::string, std::string> kSmall = {{"bpr.factors", "8"}, {"bpr.epochs", "200"}};

// Unseen item ids of `profile`, best first.
std::vector<std::string> UnseenRanking(const RecModel& model, const UserProfile& profile) {
  const auto scores = ScoresOf(model, profile);
  std::vector<std::string> unseen;
  for (const auto& [id, score] : scores) {
    const int32_t index = model.items().Find(id);
    if (std::find(profile.items.begin(), profile.items.end(), index) == profile.items.end()) {
      unseen.push_back(id);
    }
  }
  std::stable_sort(unseen.begin(), unseen.end(), [&](const std::string& a, const std::string& b) {
    return scores.at(a) > scores.at(b);
  });
  return unseen;
}

// A BPR archive written by hand, as RecModel::Save lays it out: users u0 u1,
// items p q r t with two factors each, p = [1, 0], q = [0.5, 1], r = [1, 1],
// t = [-1, 0], item biases [0.1, 0, 0, -0.1]. `omit` names a key to leave
// out.
Archive HandArchive(const std::string& omit = "") {
  Archive archive;
  archive.PutText("algorithm", "bpr");
  archive.PutStrings("user_ids", {"u0", "u1"});
  archive.PutStrings("item_ids", {"p", "q", "r", "t"});
  const auto put_number = [&](const std::string& key, double value) {
    if (key != omit) archive.PutNumber(key, value);
  };
  const auto put_floats = [&](const std::string& key, int64_t rows, int64_t cols,
                              std::vector<float> values) {
    if (key != omit) archive.PutFloats(key, rows, cols, std::move(values));
  };
  put_floats("bpr.user_factors", 2, 2, {1, 0, 0, 1});
  put_floats("bpr.item_factors", 4, 2, {1, 0, 0.5, 1, 1, 1, -1, 0});
  put_floats("bpr.item_bias", 4, 1, {0.1f, 0, 0, -0.1f});
  put_number("bpr.learning_rate", 0.05);
  put_number("bpr.regularization", 0.01);
  put_number("bpr.seed", 7);
  put_number("bpr.loss", 0.3);
  return archive;
}

std::unique_ptr<RecModel> LoadHand() {
  auto model = LoadModel(HandArchive());
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

TEST(BprStepTest, OneFactorStepMatchesTheHandComputation) {
  // user 1, positive 0.5, negative -0.5, biases 0: x = 1 * (0.5 + 0.5) = 1,
  // g = 1 / (1 + e) = 0.2689414. With lr 0.1 and reg 0.1:
  //   user     = 1    + 0.1 (g * 1    - 0.1 * 1)    = 1.0168941
  //   positive = 0.5  + 0.1 (g * 1    - 0.1 * 0.5)  = 0.5218941
  //   negative = -0.5 + 0.1 (-g * 1   + 0.1 * 0.5)  = -0.5218941
  //   biases   = 0    +/- 0.1 g                     = +/-0.0268941
  // and the step returns ln sigma(1) = -0.3132617.
  Eigen::RowVectorXf user(1), positive(1), negative(1);
  user << 1.0f;
  positive << 0.5f;
  negative << -0.5f;
  float positive_bias = 0;
  float negative_bias = 0;
  const double log_likelihood =
      internal::BprStep(user, positive, negative, positive_bias, negative_bias, 0.1f, 0.1f);
  EXPECT_NEAR(log_likelihood, -0.3132617, 1e-6);
  EXPECT_NEAR(user(0), 1.0168941, 1e-6);
  EXPECT_NEAR(positive(0), 0.5218941, 1e-6);
  EXPECT_NEAR(negative(0), -0.5218941, 1e-6);
  EXPECT_NEAR(positive_bias, 0.0268941, 1e-6);
  EXPECT_NEAR(negative_bias, -0.0268941, 1e-6);
}

TEST(BprStepTest, UserStepMovesOnlyTheUser) {
  // Same triple: only user = 1.0168941 changes.
  Eigen::RowVectorXf user(1), positive(1), negative(1);
  user << 1.0f;
  positive << 0.5f;
  negative << -0.5f;
  EXPECT_NEAR(internal::BprUserStep(user, positive, negative, 0, 0, 0.1f, 0.1f), -0.3132617, 1e-6);
  EXPECT_NEAR(user(0), 1.0168941, 1e-6);
  EXPECT_EQ(positive(0), 0.5f);
  EXPECT_EQ(negative(0), -0.5f);
}

TEST(BprStepTest, NegativeSamplingNeverReturnsAPositive) {
  std::mt19937_64 rng(1);
  const std::vector<int32_t> positives = {0, 2, 3};
  std::vector<int> drawn(5, 0);
  for (int n = 0; n < 200; ++n) {
    const int32_t item = internal::SampleNegative(5, positives, rng);
    ASSERT_TRUE(item == 1 || item == 4) << item;
    ++drawn[item];
  }
  EXPECT_GT(drawn[1], 50);  // uniform over the two: ~100 each
  EXPECT_GT(drawn[4], 50);
  const std::vector<int32_t> everything = {0, 1, 2};
  EXPECT_EQ(internal::SampleNegative(3, everything, rng), -1);
}

TEST(BprTest, RecommendsTheUnseenItemOfTheUsersOwnGroup) {
  auto model = Train(v1::ALGORITHM_BPR, TwoGroups(), kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(UnseenRanking(**model, ProfileOf(**model, {"a0", "a1", "a2"}, 0)).front(), "a3");
  EXPECT_EQ(UnseenRanking(**model, ProfileOf(**model, {"b0", "b1", "b2"}, 4)).front(), "b3");
}

TEST(BprTest, NewUserWithATrainedUsersHistoryRanksLikeThatUser) {
  // The new user's vector is folded in from zero, the trained user's from
  // their trained vector; both rank their group's unseen item above the
  // other group's four.
  auto model = Train(v1::ALGORITHM_BPR, TwoGroups(), kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  const auto known = UnseenRanking(**model, ProfileOf(**model, {"b0", "b1", "b2"}, 4));
  const auto fresh = UnseenRanking(**model, ProfileOf(**model, {"b0", "b1", "b2"}, -1));
  ASSERT_EQ(fresh.size(), 5u);
  EXPECT_EQ(fresh.front(), "b3");
  EXPECT_EQ(fresh.front(), known.front());
}

TEST(BprTest, ABrandNewUserWithTwoEventsIsPersonalised) {
  auto model = Train(v1::ALGORITHM_BPR, TwoGroups(), kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  const auto ranking = UnseenRanking(**model, ProfileOf(**model, {"a0", "a1"}));
  ASSERT_EQ(ranking.size(), 6u);
  EXPECT_EQ(std::set<std::string>(ranking.begin(), ranking.begin() + 2),
            (std::set<std::string>{"a2", "a3"}));
}

TEST(BprTest, FoldInIsDeterministicPerProfile) {
  auto a = Train(v1::ALGORITHM_BPR, TwoGroups(), kSmall);
  auto b = Train(v1::ALGORITHM_BPR, TwoGroups(), kSmall);
  ASSERT_TRUE(a.ok() && b.ok());
  const UserProfile profile = ProfileOf(**a, {"a0", "b1", "a2"});
  EXPECT_EQ(ScoresOf(**a, profile), ScoresOf(**a, profile));
  EXPECT_EQ(ScoresOf(**a, profile), ScoresOf(**b, profile));
}

TEST(BprTest, AnEventChangesTheNextScores) {
  auto model = Train(v1::ALGORITHM_BPR, TwoGroups(), kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  const auto before = ScoresOf(**model, ProfileOf(**model, {"a0"}));
  const auto after = ScoresOf(**model, ProfileOf(**model, {"a0", "b0", "b1"}));
  EXPECT_GT(after.at("b2") - after.at("a1"), before.at("b2") - before.at("a1"));
}

TEST(BprTest, EmptyProfileScoresAllZeros) {
  auto model = Train(v1::ALGORITHM_BPR, TwoGroups(), kSmall);
  ASSERT_TRUE(model.ok()) << model.status();
  for (const auto& [id, score] : ScoresOf(**model, ProfileOf(**model, {}, 0))) {
    EXPECT_EQ(score, 0.0f) << id;
  }
}

TEST(BprTest, TrainingLossFallsAndProgressIsReportedPerEpoch) {
  auto params = Hyperparameters::Parse({{"bpr.factors", "8"}, {"bpr.epochs", "100"}});
  ASSERT_TRUE(params.ok()) << params.status();
  std::vector<std::string> messages;
  TrainContext context;
  context.progress = [&](double, absl::string_view message) { messages.emplace_back(message); };
  auto model = TrainModel(v1::ALGORITHM_BPR, TwoGroups(), *params, context);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_EQ(messages.size(), 100u);
  EXPECT_TRUE(absl::StartsWith(messages[0], "bpr epoch 1/100, loss ")) << messages[0];
  EXPECT_TRUE(absl::StartsWith(messages[99], "bpr epoch 100/100, loss ")) << messages[99];
  // The first epoch starts near ln 2 = 0.69 (random small factors); 100
  // epochs separate seen from unseen items well.
  double first_loss = 0;
  ASSERT_TRUE(absl::SimpleAtod(messages[0].substr(messages[0].rfind(' ') + 1), &first_loss));
  EXPECT_GT(first_loss, 0.6);
  EXPECT_LT((*model)->Stats().at("loss"), 0.4);
  EXPECT_EQ((*model)->Stats().at("factors"), 8);
}

TEST(BprTest, CancellationStopsBetweenEpochs) {
  auto params = Hyperparameters::Parse({{"bpr.epochs", "50"}});
  ASSERT_TRUE(params.ok()) << params.status();
  int reports = 0;
  TrainContext context;
  context.progress = [&](double, absl::string_view) { ++reports; };
  context.cancelled = [&] { return reports >= 2; };
  const auto model = TrainModel(v1::ALGORITHM_BPR, TwoGroups(), *params, context);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(reports, 2);
}

TEST(BprTest, SimilarIsTheCosineOfItemFactors) {
  // r = [1, 1]: cos(r, p) = 1/sqrt2, cos(r, q) = 1.5 / (sqrt2 sqrt1.25),
  // cos(r, t) = -1/sqrt2.
  const auto model = LoadHand();
  ASSERT_NE(model, nullptr);
  const auto similar = SimilarOf(*model, "r");
  EXPECT_NEAR(similar.at("r"), 1.0, 1e-6);
  EXPECT_NEAR(similar.at("p"), 1 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(similar.at("q"), 1.5 / std::sqrt(2.0 * 1.25), 1e-6);
  EXPECT_NEAR(similar.at("t"), -1 / std::sqrt(2.0), 1e-6);
  std::vector<float> scores(4);
  EXPECT_EQ(model->Similar(-1, absl::MakeSpan(scores)).code(), absl::StatusCode::kInvalidArgument);
}

TEST(BprTest, ExplanationCitesHistoryItemsPointingTheSameWay) {
  // For r: q (0.95) before p (0.71); t (-0.71) is never cited.
  const auto model = LoadHand();
  ASSERT_NE(model, nullptr);
  const Explanation explanation =
      model->Explain(ProfileOf(*model, {"p", "t", "q"}), model->items().Find("r"));
  EXPECT_EQ(explanation.type, v1::REASON_TYPE_SIMILAR_TO_HISTORY);
  EXPECT_EQ(explanation.items,
            (std::vector<int32_t>{model->items().Find("q"), model->items().Find("p")}));
  const Explanation none = model->Explain(ProfileOf(*model, {"t", "r"}), model->items().Find("r"));
  EXPECT_EQ(none.type, v1::REASON_TYPE_PERSONALIZED);
  EXPECT_TRUE(none.items.empty());
}

TEST(BprTest, FoldInLearnsToPreferTheHistoryItems) {
  // A profile of p alone in the hand model: the fold-in pushes the user
  // towards p's factors, away from t's; p then outscores t.
  const auto model = LoadHand();
  ASSERT_NE(model, nullptr);
  const auto scores = ScoresOf(*model, ProfileOf(*model, {"p"}));
  EXPECT_GT(scores.at("p"), scores.at("q"));
  EXPECT_GT(scores.at("p"), scores.at("t"));
  EXPECT_GT(scores.at("r"), scores.at("t"));
}

TEST(BprTest, SaveWriteReadLoadGivesIdenticalAnswers) {
  auto trained = Train(v1::ALGORITHM_BPR, TwoGroups(), kSmall);
  ASSERT_TRUE(trained.ok()) << trained.status();
  Archive archive;
  (*trained)->Save(archive);
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / "bpr.bin";
  ASSERT_TRUE(archive.WriteFile(path).ok());
  auto read = Archive::ReadFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(read.ok()) << read.status();
  auto loaded = LoadModel(*read);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const RecModel& a = **trained;
  const RecModel& b = **loaded;
  EXPECT_EQ(b.algorithm(), v1::ALGORITHM_BPR);
  EXPECT_EQ(a.Stats(), b.Stats());
  for (int32_t user : {-1, 2}) {
    const UserProfile profile = ProfileOf(a, {"a0", "b2", "a1"}, user);
    EXPECT_EQ(ScoresOf(a, profile), ScoresOf(b, profile));
    EXPECT_EQ(a.Explain(profile, 3).items, b.Explain(profile, 3).items);
  }
  EXPECT_EQ(SimilarOf(a, "b1"), SimilarOf(b, "b1"));
}

TEST(BprTest, InconsistentArchivesAreDataLoss) {
  std::vector<std::pair<std::string, Archive>> cases;
  for (const char* key : {"bpr.user_factors", "bpr.item_factors", "bpr.item_bias",
                          "bpr.learning_rate", "bpr.regularization", "bpr.seed", "bpr.loss"}) {
    cases.emplace_back(absl::StrCat("missing ", key), HandArchive(key));
  }
  const auto corrupt = [&](const std::string& name, const std::function<void(Archive&)>& edit) {
    Archive archive = HandArchive();
    edit(archive);
    cases.emplace_back(name, std::move(archive));
  };
  corrupt("more user ids", [](Archive& a) { a.PutStrings("user_ids", {"u0", "u1", "u2"}); });
  corrupt("fewer item ids", [](Archive& a) { a.PutStrings("item_ids", {"p", "q", "r"}); });
  corrupt("user factor columns",
          [](Archive& a) { a.PutFloats("bpr.user_factors", 2, 3, std::vector<float>(6)); });
  corrupt("bias rows", [](Archive& a) { a.PutFloats("bpr.item_bias", 3, 1, {0, 0, 0}); });
  corrupt("infinite factor", [](Archive& a) {
    a.PutFloats("bpr.item_factors", 4, 2,
                {1, 0, 0, 1, 1, std::numeric_limits<float>::infinity(), 0, 0});
  });
  corrupt("seed not an integer", [](Archive& a) { a.PutNumber("bpr.seed", 1.5); });
  corrupt("zero learning rate", [](Archive& a) { a.PutNumber("bpr.learning_rate", 0); });
  corrupt("NaN loss", [](Archive& a) { a.PutNumber("bpr.loss", kNaN); });
  corrupt("bias as ints", [](Archive& a) { a.PutInts("bpr.item_bias", {0, 0, 0, 0}); });
  for (const auto& [name, archive] : cases) {
    const auto loaded = LoadModel(archive);
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss)
        << name << ": " << loaded.status();
  }
}

TEST(BprParamsTest, OutOfRangeValuesAreRejectedNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"bpr.factors", "0"},       {"bpr.factors", "3.5"},     {"bpr.epochs", "0"},
      {"bpr.learning_rate", "0"}, {"bpr.learning_rate", "2"}, {"bpr.regularization", "-1"},
      {"bpr.seed", "4294967296"},
  };
  for (const auto& [key, value] : bad) {
    const auto parsed = Hyperparameters::Parse({{key, value}});
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << key << "=" << value;
    EXPECT_TRUE(
        absl::StrContains(parsed.status().message(), absl::StrCat("hyperparameters[", key, "]")))
        << parsed.status();
  }
  EXPECT_TRUE(Hyperparameters::Parse({{"bpr.regularization", "0"}, {"bpr.seed", "0"}}).ok());
}

}  // namespace
}  // namespace aigc::recommender
