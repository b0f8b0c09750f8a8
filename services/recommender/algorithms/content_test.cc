#include "services/recommender/algorithms/content.h"

#include <cmath>

#include "gtest/gtest.h"
#include "services/recommender/algorithms/testing/tiny_sets.h"

namespace aigc::recommender {
namespace {

namespace v1 = aigc::recommender::v1;
using testing::MakeSet;
using testing::ProfileOf;
using testing::ScoresOf;
using testing::SimilarOf;
using testing::Train;

// a {x, y}, b {x}, c {y, z}. idf = ln(3 / df) + 1: x, y 1 + ln 1.5; z 1 + ln 3.
TrainingSet Tagged() {
  TrainingSet set = MakeSet({{"u0", "a"}, {"u0", "b"}, {"u1", "c"}});
  set.item_tokens = {{"tag:x", "tag:y"}, {"tag:x"}, {"tag:y", "tag:z"}};
  return set;
}

TEST(ContentTest, SimilarityIsTfIdfCosine) {
  auto model = Train(v1::ALGORITHM_CONTENT, Tagged(), {{"content.min_items", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const double xy = 1 + std::log(1.5);
  const double z = 1 + std::log(3.0);
  const auto similar = SimilarOf(**model, "a");
  EXPECT_NEAR(similar.at("b"), 1 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(similar.at("c"), (1 / std::sqrt(2.0)) * xy / std::sqrt(xy * xy + z * z), 1e-6);
  EXPECT_NEAR(similar.at("a"), 1.0, 1e-6);
}

TEST(ContentTest, ScoresAgainstTheWeightedHistoryProfile) {
  auto model = Train(v1::ALGORITHM_CONTENT, Tagged(), {{"content.min_items", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  // A profile of b alone is the unit vector x: a scores 1/sqrt2, c 0.
  const auto scores = ScoresOf(**model, ProfileOf(**model, {"b"}));
  EXPECT_NEAR(scores.at("a"), 1 / std::sqrt(2.0), 1e-6);
  EXPECT_EQ(scores.at("c"), 0.0f);
}

TEST(ContentTest, ExplainsByTheStrongestSharedToken) {
  auto model = Train(v1::ALGORITHM_CONTENT, Tagged(), {{"content.min_items", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  const Explanation explanation =
      (*model)->Explain(ProfileOf(**model, {"b"}), (*model)->items().Find("a"));
  EXPECT_EQ(explanation.type, v1::REASON_TYPE_ATTRIBUTE_MATCH);
  EXPECT_EQ(explanation.token, "tag:x");
}

TEST(ContentTest, DropsTokensOfASingleItem) {
  auto model = Train(v1::ALGORITHM_CONTENT, Tagged());  // min_items 2: z goes
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->Stats().at("tokens"), 2);
  EXPECT_NEAR(SimilarOf(**model, "c").at("a"), 1 / std::sqrt(2.0), 1e-6);
}

TEST(ContentTest, MatchesAnUnseenItemByItsTokens) {
  auto model = Train(v1::ALGORITHM_CONTENT, Tagged(), {{"content.min_items", "1"}});
  ASSERT_TRUE(model.ok()) << model.status();
  // {x, unknown}: the vector is x alone (unknown tokens drop out), so it
  // scores like b: a 1/sqrt2, b 1, c not proposed (no shared token).
  std::vector<float> scores(3);
  ASSERT_TRUE((*model)->SimilarToTokens({"tag:x", "tag:unknown"}, absl::MakeSpan(scores)).ok());
  EXPECT_NEAR(scores[(*model)->items().Find("a")], 1 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(scores[(*model)->items().Find("b")], 1.0, 1e-6);
  EXPECT_TRUE(std::isinf(scores[(*model)->items().Find("c")]));
  EXPECT_EQ((*model)->SimilarToTokens({"tag:unknown"}, absl::MakeSpan(scores)).code(),
            absl::StatusCode::kNotFound);
}

TEST(ContentTest, FailsWithoutAttributes) {
  auto model = Train(v1::ALGORITHM_CONTENT, MakeSet({{"u0", "a"}}));
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace aigc::recommender
