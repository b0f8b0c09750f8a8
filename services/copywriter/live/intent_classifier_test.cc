#include "services/copywriter/live/intent_classifier.h"

#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_live {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::unique_ptr<IntentClassifier> TrainOrDie(const std::vector<LabeledQuestion>& examples) {
  auto classifier = IntentClassifier::Train(examples);
  EXPECT_TRUE(classifier.ok()) << classifier.status();
  return *std::move(classifier);
}

TEST(IntentFeaturesTest, LowerCasesAsciiCollapsesSpacesAndListsOneToThreeGrams) {
  EXPECT_THAT(IntentFeatures("  A\t\tb "), ElementsAre("a", " ", "b", "a ", " b", "a b"));
  EXPECT_THAT(IntentFeatures("包邮吗"), ElementsAre("包", "邮", "吗", "包邮", "邮吗", "包邮吗"));
  EXPECT_THAT(IntentFeatures(" \u3000 "), ElementsAre());
}

TEST(IntentClassifierTest, PosteriorsFollowTheHandComputedCounts) {
  // Vocabulary {a, b}; each intent saw 1 gram. P(a|PRICE) = (1+1)/(1+2) = 2/3,
  // P(a|STOCK) = (0+1)/(1+2) = 1/3, equal priors.
  auto classifier = TrainOrDie({{"a", v1::INTENT_PRICE}, {"b", v1::INTENT_STOCK}});
  IntentPrediction a = classifier->Classify("a");
  EXPECT_EQ(a.intent, v1::INTENT_PRICE);
  EXPECT_NEAR(a.confidence, 2.0 / 3.0, 1e-12);
  // "aa": grams a, a, aa (unknown, skipped): (2/3)² : (1/3)² = 4 : 1.
  IntentPrediction aa = classifier->Classify("AA");
  EXPECT_EQ(aa.intent, v1::INTENT_PRICE);
  EXPECT_NEAR(aa.confidence, 0.8, 1e-12);
  EXPECT_EQ(classifier->Classify("b").intent, v1::INTENT_STOCK);
  // Nothing known and equal priors: the tie goes to the smaller intent.
  IntentPrediction unknown = classifier->Classify("zzz");
  EXPECT_EQ(unknown.intent, v1::INTENT_PRICE);
  EXPECT_NEAR(unknown.confidence, 0.5, 1e-12);
  EXPECT_THAT(classifier->intents(), ElementsAre(v1::INTENT_PRICE, v1::INTENT_STOCK));
}

TEST(IntentClassifierTest, UnknownQuestionGetsThePriorsChoice) {
  auto classifier =
      TrainOrDie({{"a", v1::INTENT_PRICE}, {"b", v1::INTENT_STOCK}, {"c", v1::INTENT_STOCK}});
  IntentPrediction unknown = classifier->Classify("？");
  EXPECT_EQ(unknown.intent, v1::INTENT_STOCK);
  EXPECT_NEAR(unknown.confidence, 2.0 / 3.0, 1e-12);
}

TEST(IntentClassifierTest, SeparatesChineseIntentsOnATinyTrainingSet) {
  auto classifier = TrainOrDie({
      {"这件多少钱", v1::INTENT_PRICE},
      {"到手价多少", v1::INTENT_PRICE},
      {"还有货吗", v1::INTENT_STOCK},
      {"M码还有吗", v1::INTENT_STOCK},
      {"上次买的开线了", v1::INTENT_COMPLAINT},
      {"质量太差了要退货", v1::INTENT_COMPLAINT},
  });
  EXPECT_EQ(classifier->Classify("那件多少钱").intent, v1::INTENT_PRICE);
  EXPECT_EQ(classifier->Classify("L码还有货吗").intent, v1::INTENT_STOCK);
  EXPECT_EQ(classifier->Classify("买的衣服开线了").intent, v1::INTENT_COMPLAINT);
}

TEST(IntentClassifierTest, TrainRejectsBadExamples) {
  EXPECT_EQ(IntentClassifier::Train({}).status().message(), "examples: must not be empty");
  const std::vector<LabeledQuestion> unspecified = {{"a", v1::INTENT_PRICE}, {"b", {}}};
  EXPECT_THAT(std::string(IntentClassifier::Train(unspecified).status().message()),
              StartsWith("examples[1].intent:"));
  const std::vector<LabeledQuestion> unknown = {{"a", static_cast<v1::Intent>(99)}};
  EXPECT_THAT(std::string(IntentClassifier::Train(unknown).status().message()),
              StartsWith("examples[0].intent:"));
  const std::vector<LabeledQuestion> blank = {{" \t", v1::INTENT_PRICE}};
  EXPECT_THAT(std::string(IntentClassifier::Train(blank).status().message()),
              StartsWith("examples[0].question:"));
  const std::vector<LabeledQuestion> one = {{"a", v1::INTENT_PRICE}};
  EXPECT_THAT(std::string(IntentClassifier::Train(one, {.smoothing = 0}).status().message()),
              StartsWith("smoothing:"));
}

TEST(IntentClassifierTest, SerializesToTheDocumentedFormatWhateverTheExampleOrder) {
  auto forward = TrainOrDie({{"ab", v1::INTENT_PRICE}, {"b", v1::INTENT_CARE}});
  auto backward = TrainOrDie({{"b", v1::INTENT_CARE}, {"ab", v1::INTENT_PRICE}});
  EXPECT_EQ(forward->Serialize(),
            "aigc-intent-nb 1\n"
            "smoothing 1\n"
            "intent 1 1 3\n"
            "intent 7 1 1\n"
            "gram 61 1:1\n"
            "gram 61,62 1:1\n"
            "gram 62 1:1 7:1\n");
  EXPECT_EQ(backward->Serialize(), forward->Serialize());
}

TEST(IntentClassifierTest, SaveAndLoadRoundTrip) {
  auto trained = TrainOrDie({{"包邮吗", v1::INTENT_SHIPPING},
                             {"多少钱", v1::INTENT_PRICE},
                             {"能机洗吗", v1::INTENT_CARE}});
  const std::string path = ::testing::TempDir() + "/intent_round_trip.txt";
  ASSERT_TRUE(trained->Save(path).ok());
  auto loaded = IntentClassifier::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->Serialize(), trained->Serialize());
  for (const char* question : {"包邮不", "钱", "手洗还是机洗", "xyz"}) {
    const IntentPrediction expected = trained->Classify(question);
    const IntentPrediction actual = (*loaded)->Classify(question);
    EXPECT_EQ(actual.intent, expected.intent) << question;
    EXPECT_DOUBLE_EQ(actual.confidence, expected.confidence) << question;
  }
  std::remove(path.c_str());
}

TEST(IntentClassifierTest, ParseNamesTheBadLine) {
  const std::string good_head = "aigc-intent-nb 1\nsmoothing 1\nintent 1 1 1\n";
  struct Case {
    std::string text;
    std::string message_start;
  };
  const std::vector<Case> cases = {
      {"", "line 1: empty file"},
      {"aigc-intent-nb 2\n", "line 1: expected \"aigc-intent-nb 1\""},
      {"aigc-intent-nb 1\nsmoothing -1\n", "line 2:"},
      {"aigc-intent-nb 1\nsmoothing 1\ngram 61 1:1\n", "line 3: expected at least one"},
      {"aigc-intent-nb 1\nsmoothing 1\nintent 0 1 1\n", "line 3: unknown intent 0"},
      {"aigc-intent-nb 1\nsmoothing 1\nintent 2 1 1\nintent 1 1 1\n", "line 4: intents must"},
      {good_head + "gram zz 1:1\n", "line 4: expected \"gram"},
      {good_head + "gram 61,62,63,64 1:1\n", "line 4: expected \"gram"},
      {good_head + "gram 61 3:1\n", "line 4: intent 3 has no"},
      {good_head + "gram 61 1:0\n", "line 4: bad count"},
      {good_head + "gram 61 1:1\ngram 61 1:1\n", "line 5: duplicate gram"},
      {good_head + "gram 61 1:2\n", "line 3: gram total 1 differs"},
  };
  for (const Case& c : cases) {
    const auto parsed = IntentClassifier::Parse(c.text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(parsed.status().message()), StartsWith(c.message_start)) << c.text;
  }
  EXPECT_TRUE(IntentClassifier::Parse(good_head + "gram 61 1:1\n").ok());
}

TEST(IntentClassifierTest, LoadOfAMissingFileIsNotFoundNamingThePath) {
  const auto loaded = IntentClassifier::Load("/nonexistent/intent.txt");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(loaded.status().message()), HasSubstr("/nonexistent/intent.txt"));
}

TEST(NeedsHandOffTest, ComplaintsAndOtherAlwaysAndLowConfidence) {
  EXPECT_TRUE(NeedsHandOff(v1::INTENT_COMPLAINT));
  EXPECT_TRUE(NeedsHandOff(v1::INTENT_OTHER));
  EXPECT_FALSE(NeedsHandOff(v1::INTENT_PRICE));
  EXPECT_TRUE(NeedsHandOff(IntentPrediction{v1::INTENT_COMPLAINT, 0.99}, 0.5));
  EXPECT_TRUE(NeedsHandOff(IntentPrediction{v1::INTENT_PRICE, 0.4}, 0.5));
  EXPECT_FALSE(NeedsHandOff(IntentPrediction{v1::INTENT_PRICE, 0.5}, 0.5));
}

}  // namespace
}  // namespace aigc::copy_live
