#include "services/copywriter/corpus/jsonl.h"

#include <string>
#include <vector>

#include "common/catalog/generator.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::copy_corpus {
namespace {

namespace v1 = ::aigc::common::v1;
namespace cv1 = ::aigc::copywriter::v1;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<CorpusExample> Examples() {
  CorpusExample copy;
  copy.kind = CorpusExample::kCopy;
  copy.prompt = "任务:文案 风格:活泼\n品牌:\"织屿\" \\ 路径\t制表";
  copy.completion = "主题行\n\n正文\x01控制字符 ¥199 – done";
  copy.language = v1::LANGUAGE_ZH;
  copy.style = cv1::COPY_STYLE_LIVELY;
  copy.channel = cv1::CHANNEL_EMAIL;
  copy.product_id = "sku-3-0001";
  CorpusExample qa;
  qa.kind = CorpusExample::kQa;
  qa.prompt = "task:qa\nQ:how much?";
  qa.completion = "It's ¥199.";
  qa.language = v1::LANGUAGE_EN;
  qa.intent = cv1::INTENT_PRICE;
  qa.product_id = "sku-3-0001";
  qa.question = "how much?";
  return {copy, qa};
}

TEST(JsonlTest, ExamplesRoundTrip) {
  const std::vector<CorpusExample> examples = Examples();
  const std::string text = ExamplesToJsonl(examples);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  const auto parsed = ParseExamplesJsonl(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, examples);
}

TEST(JsonlTest, WriterEscapesAndUsesEnumNames) {
  CorpusExample example = Examples()[1];
  example.completion = "a\"b\\c\nd\x1f";
  EXPECT_EQ(ExampleToJson(example),
            "{\"kind\":\"qa\",\"product_id\":\"sku-3-0001\",\"language\":\"LANGUAGE_EN\","
            "\"intent\":\"INTENT_PRICE\",\"question\":\"how much?\","
            "\"prompt\":\"task:qa\\nQ:how much?\",\"completion\":\"a\\\"b\\\\c\\nd\\u001f\"}");
}

TEST(JsonlTest, ReaderNamesTheBadLine) {
  const std::string good = ExampleToJson(Examples()[0]);
  const struct {
    std::string line;
    std::string problem;
  } cases[] = {
      {"not json", "not a JSON object"},
      {"{\"kind\":\"poem\"}", "kind"},
      {R"({"kind":"qa","product_id":"p","language":"LANGUAGE_EN","intent":"INTENT_PRICE","question":"q","prompt":"p"})",
       "completion: required"},
      {R"({"kind":"qa","product_id":"p","language":"LANGUAGE_XX","intent":"INTENT_PRICE","question":"q","prompt":"p","completion":"c"})",
       "language: unknown value"},
      {R"({"kind":"copy","product_id":"p","language":"LANGUAGE_ZH","style":"COPY_STYLE_LIVELY","prompt":"p","completion":"c"})",
       "channel: required"},
      {R"({"kind":"qa","product_id":7})", "product_id: must be a string"},
      {R"({"kind":"qa","extra":"x"})", "unknown key \"extra\""},
  };
  for (const auto& c : cases) {
    // Line 1 good, line 2 blank (skipped), line 3 bad.
    const auto parsed = ParseExamplesJsonl(good + "\n\n" + c.line + "\n");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.line;
    EXPECT_THAT(std::string(parsed.status().message()), StartsWith("line 3: ")) << c.line;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(c.problem)) << c.line;
  }
}

TEST(JsonlTest, ProductsAndKnowledgeRoundTripAsProtoJson) {
  const auto products = catalog::GenerateCatalog({.seed = 2, .products_per_category = 2});
  ASSERT_TRUE(products.ok());
  std::vector<cv1::ProductKnowledge> knowledge;
  for (const auto& product : *products) knowledge.push_back(catalog::MakeKnowledge(product, 2));

  const auto product_text = ProductsToJsonl(*products);
  ASSERT_TRUE(product_text.ok());
  EXPECT_THAT(*product_text, StartsWith("{\"id\":\"sku-0-0001\""));
  const auto read_products = ParseProductsJsonl(*product_text);
  ASSERT_TRUE(read_products.ok()) << read_products.status();
  ASSERT_EQ(read_products->size(), products->size());
  for (size_t i = 0; i < products->size(); ++i) {
    EXPECT_EQ((*read_products)[i].DebugString(), (*products)[i].DebugString());
  }
  // The same products print the same bytes, whatever the map order.
  EXPECT_EQ(*ProductsToJsonl(*read_products), *product_text);

  const auto knowledge_text = KnowledgeToJsonl(knowledge);
  ASSERT_TRUE(knowledge_text.ok());
  const auto read_knowledge = ParseKnowledgeJsonl(*knowledge_text);
  ASSERT_TRUE(read_knowledge.ok()) << read_knowledge.status();
  EXPECT_EQ(read_knowledge->size(), knowledge.size());

  EXPECT_THAT(std::string(ParseProductsJsonl("{}\n{\"price\":\"x\"}").status().message()),
              StartsWith("line 2: "));
}

TEST(JsonlTest, FilesRoundTripAndMissingDirectoriesFail) {
  const std::string path = ::testing::TempDir() + "/corpus_jsonl_test.jsonl";
  const auto stats = WriteTextFile(path, "价格\nab\n");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->lines, 2);
  EXPECT_EQ(stats->characters, 6);
  EXPECT_EQ(stats->bytes, 10);
  EXPECT_EQ(*ReadTextFile(path), "价格\nab\n");
  EXPECT_EQ(WriteTextFile("/nonexistent-dir/x.jsonl", "x").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(ReadTextFile("/nonexistent-dir/x.jsonl").status().message()),
              HasSubstr("/nonexistent-dir/x.jsonl"));
}

}  // namespace
}  // namespace aigc::copy_corpus
