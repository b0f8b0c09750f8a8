#include "services/recommender/algorithms/model.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using testing::FourUsers;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::Train;

TEST(HyperparametersTest, DefaultsComeFromTheSpecs) {
  const Hyperparameters params;
  EXPECT_EQ(params.Get("ease.lambda"), 250);
  EXPECT_EQ(params.GetInt("item_knn.neighbours"), 100);
}

TEST(HyperparametersTest, OverridesParse) {
  auto params = Hyperparameters::Parse({{"ease.lambda", "250.5"}, {"item_knn.neighbours", "7"}});
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_EQ(params->Get("ease.lambda"), 250.5);
  EXPECT_EQ(params->GetInt("item_knn.neighbours"), 7);
}

TEST(HyperparametersTest, RejectionsNameTheKey) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"ease.lamda", "1"},             // unknown key
      {"ease.lambda", "much"},         // not a number
      {"ease.lambda", "nan"},          // not finite
      {"ease.lambda", "0"},            // below min
      {"item_knn.neighbours", "2.5"},  // not an integer
      {"item_knn.neighbours", "0"},    // below min
  };
  for (const auto& [key, value] : bad) {
    auto params = Hyperparameters::Parse({{key, value}});
    EXPECT_EQ(params.status().code(), absl::StatusCode::kInvalidArgument) << key << "=" << value;
    EXPECT_NE(params.status().message().find("hyperparameters[" + key + "]"), std::string::npos)
        << params.status();
  }
}

TEST(AlgorithmNamesTest, ParseBothSpellings) {
  EXPECT_EQ(*ParseAlgorithm("ease", "algorithm"), v1::ALGORITHM_EASE);
  EXPECT_EQ(*ParseAlgorithm("ALGORITHM_ITEM_KNN", "algorithm"), v1::ALGORITHM_ITEM_KNN);
  EXPECT_EQ(*ParseAlgorithm("Hybrid", "algorithm"), v1::ALGORITHM_HYBRID);
  const auto bad = ParseAlgorithm("magic", "--algorithms");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("--algorithms"), std::string::npos);
  EXPECT_EQ(ParseAlgorithm("ALGORITHM_UNSPECIFIED", "a").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AlgorithmName(v1::ALGORITHM_USER_KNN), "user_knn");
}

TEST(TrainModelTest, RefusesAnEmptySetAndHybrid) {
  EXPECT_EQ(Train(v1::ALGORITHM_EASE, TrainingSet{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Train(v1::ALGORITHM_HYBRID, FourUsers()).status().code(),
            absl::StatusCode::kUnimplemented);
}

class SaveLoadTest : public ::testing::TestWithParam<v1::Algorithm> {
 protected:
  std::filesystem::path Path() const {
    return std::filesystem::path(::testing::TempDir()) /
           ("model_" + AlgorithmName(GetParam()) + ".bin");
  }
};

TEST_P(SaveLoadTest, ALoadedModelScoresLikeTheTrainedOne) {
  TrainingSet set = FourUsers();
  set.item_tokens = {{"tag:x", "tag:y"}, {"tag:x"}, {"tag:y"}, {"tag:x"}};
  for (size_t n = 0; n < set.interactions.size(); ++n) {
    set.interactions[n].rating = 1.0f + static_cast<float>(n % 4);
  }
  auto trained = Train(GetParam(), set);
  ASSERT_TRUE(trained.ok()) << trained.status();
  Archive archive;
  (*trained)->Save(archive);
  ASSERT_TRUE(archive.WriteFile(Path()).ok());
  auto read = Archive::ReadFile(Path());
  ASSERT_TRUE(read.ok()) << read.status();
  auto loaded = LoadModel(*read);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->algorithm(), GetParam());
  EXPECT_EQ((*loaded)->users().ids(), (*trained)->users().ids());
  EXPECT_EQ((*loaded)->items().ids(), (*trained)->items().ids());
  for (const auto& history : std::vector<std::vector<std::string>>{{"a"}, {"b", "c"}, {"d"}}) {
    EXPECT_EQ(ScoresOf(**loaded, ProfileOf(**loaded, history)),
              ScoresOf(**trained, ProfileOf(**trained, history)));
  }
  std::filesystem::remove(Path());
}

TEST_P(SaveLoadTest, AnArchiveMissingWeightsIsDataLoss) {
  auto trained = Train(GetParam(), [] {
    TrainingSet set = FourUsers();
    set.item_tokens = {{"tag:x"}, {"tag:x"}, {"tag:y"}, {"tag:y"}};
    return set;
  }());
  ASSERT_TRUE(trained.ok()) << trained.status();
  Archive archive;
  (*trained)->Save(archive);
  // Shrinking the item ids makes every weight's shape inconsistent.
  archive.PutStrings("item_ids", {"a"});
  const auto loaded = LoadModel(archive);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << loaded.status();
}

INSTANTIATE_TEST_SUITE_P(Algorithms, SaveLoadTest,
                         ::testing::Values(v1::ALGORITHM_POPULARITY, v1::ALGORITHM_ITEM_KNN,
                                           v1::ALGORITHM_USER_KNN, v1::ALGORITHM_EASE,
                                           v1::ALGORITHM_ALS, v1::ALGORITHM_BPR,
                                           v1::ALGORITHM_CONTENT),
                         [](const auto& info) { return AlgorithmName(info.param); });

TEST(LoadModelTest, UnknownAlgorithmIsDataLoss) {
  Archive archive;
  archive.PutText("algorithm", "magic");
  archive.PutStrings("user_ids", {});
  archive.PutStrings("item_ids", {});
  EXPECT_EQ(LoadModel(archive).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace aigc::recommender
