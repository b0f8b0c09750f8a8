#include "services/recommender/tools/tool_flags.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ToolFlagsTest, ParsesAlgorithmLists) {
  auto algorithms = ParseAlgorithmList("ease,ALGORITHM_ITEM_KNN,hybrid", "--algorithms");
  ASSERT_TRUE(algorithms.ok()) << algorithms.status();
  EXPECT_THAT(*algorithms,
              ElementsAre(v1::ALGORITHM_EASE, v1::ALGORITHM_ITEM_KNN, v1::ALGORITHM_HYBRID));
  EXPECT_THAT(ParseAlgorithmList("ease,magic", "--algorithms").status().message(),
              HasSubstr("--algorithms"));
  EXPECT_EQ(ParseAlgorithmList(",", "--algorithms").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ToolFlagsTest, ParsesHyperparameterLists) {
  auto params = ParseHyperparameterList("ease.lambda=100,item_knn.neighbours=5", "--h");
  ASSERT_TRUE(params.ok()) << params.status();
  EXPECT_EQ(params->Get("ease.lambda"), 100);
  EXPECT_EQ(params->GetInt("item_knn.neighbours"), 5);
  EXPECT_THAT(ParseHyperparameterList("ease.lambda", "--h").status().message(), HasSubstr("--h"));
  EXPECT_THAT(ParseHyperparameterList("ease.lambda=-1", "--h").status().message(),
              HasSubstr("hyperparameters[ease.lambda]"));
}

TEST(ToolFlagsTest, ParsesCutoffs) {
  EXPECT_THAT(*ParseCutoffs("10,20", "--k"), ElementsAre(10, 20));
  EXPECT_EQ(ParseCutoffs("10,0", "--k").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCutoffs("", "--k").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace aigc::recommender
