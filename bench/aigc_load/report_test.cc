#include "bench/aigc_load/report.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace aigc::load {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using ::testing::HasSubstr;

Struct ParseJson(const std::string& json) {
  Struct parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return parsed;
}

const Value& Field(const Struct& object, const std::string& name) {
  static const Value* const kMissing = new Value();
  const auto it = object.fields().find(name);
  EXPECT_NE(it, object.fields().end()) << "no field " << name;
  return it == object.fields().end() ? *kMissing : it->second;
}

LevelResult SampleLevel() {
  LevelResult level;
  level.concurrency = 8;
  level.warmup_requests = 40;
  level.requests = 1000;
  level.ok = 997;
  level.errors = {{"UNAVAILABLE", 3}};
  level.duration = absl::Milliseconds(2500);
  level.latency = {997, 1.5, 1.25, 2.5, 4.125, 9.000001};
  level.counters = {{"accepted_events", 5000}};
  return level;
}

RunReport SampleReport() {
  RunReport report;
  report.target = "127.0.0.1:50051";
  report.workload = "recommend";
  report.method = "aigc.recommender.v1.RecommenderService/Recommend";
  report.params = {{"concurrency", std::vector<int64_t>{1, 8}},
                   {"duration_s", 2.5},
                   {"user_ids", std::string("u%d:1..671")},
                   {"count", int64_t{10}},
                   {"verbose", false}};
  report.levels = {SampleLevel()};
  return report;
}

TEST(ReportToJsonTest, HoldsEveryFieldWithItsValue) {
  const Struct json = ParseJson(ReportToJson(SampleReport()));
  EXPECT_EQ(Field(json, "tool").string_value(), "aigc-load");
  EXPECT_EQ(Field(json, "target").string_value(), "127.0.0.1:50051");
  EXPECT_EQ(Field(json, "workload").string_value(), "recommend");
  EXPECT_EQ(Field(json, "method").string_value(),
            "aigc.recommender.v1.RecommenderService/Recommend");
  EXPECT_FALSE(Field(json, "interrupted").bool_value());

  const Struct& params = Field(json, "params").struct_value();
  ASSERT_EQ(Field(params, "concurrency").list_value().values_size(), 2);
  EXPECT_EQ(Field(params, "concurrency").list_value().values(1).number_value(), 8);
  EXPECT_EQ(Field(params, "duration_s").number_value(), 2.5);
  EXPECT_EQ(Field(params, "user_ids").string_value(), "u%d:1..671");
  EXPECT_EQ(Field(params, "count").number_value(), 10);
  EXPECT_FALSE(Field(params, "verbose").bool_value());

  ASSERT_EQ(Field(json, "levels").list_value().values_size(), 1);
  const Struct& level = Field(json, "levels").list_value().values(0).struct_value();
  EXPECT_EQ(Field(level, "concurrency").number_value(), 8);
  EXPECT_EQ(Field(level, "warmup_requests").number_value(), 40);
  EXPECT_EQ(Field(level, "requests").number_value(), 1000);
  EXPECT_EQ(Field(level, "ok").number_value(), 997);
  EXPECT_EQ(Field(Field(level, "errors").struct_value(), "UNAVAILABLE").number_value(), 3);
  EXPECT_EQ(Field(level, "duration_s").number_value(), 2.5);
  EXPECT_EQ(Field(level, "qps").number_value(), 400);  // 1000 requests / 2.5 s
  const Struct& latency = Field(level, "latency_ms").struct_value();
  EXPECT_EQ(Field(latency, "mean").number_value(), 1.5);
  EXPECT_EQ(Field(latency, "p50").number_value(), 1.25);
  EXPECT_EQ(Field(latency, "p90").number_value(), 2.5);
  EXPECT_EQ(Field(latency, "p99").number_value(), 4.125);
  EXPECT_EQ(Field(latency, "max").number_value(), 9.000001);  // nanoseconds survive
  const Struct& accepted =
      Field(Field(level, "counters").struct_value(), "accepted_events").struct_value();
  EXPECT_EQ(Field(accepted, "total").number_value(), 5000);
  EXPECT_EQ(Field(accepted, "per_s").number_value(), 2000);  // 5000 / 2.5 s
  EXPECT_FALSE(Field(level, "interrupted").bool_value());
}

TEST(ReportToJsonTest, IsOneLineThatStartsWithTheTool) {
  const std::string json = ReportToJson(SampleReport());
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_EQ(json.rfind(R"({"tool":"aigc-load","target":)", 0), 0u);
}

TEST(ReportToJsonTest, EscapesQuotesBackslashesAndControlCharacters) {
  RunReport report = SampleReport();
  report.target = "a\"b\\c\nd\x01";
  report.params = {{"service", std::string("服务")}};
  const Struct json = ParseJson(ReportToJson(report));
  EXPECT_EQ(Field(json, "target").string_value(), "a\"b\\c\nd\x01");
  EXPECT_EQ(Field(Field(json, "params").struct_value(), "service").string_value(), "服务");
}

TEST(ReportToJsonTest, AnEmptyRunIsStillComplete) {
  RunReport report;
  report.interrupted = true;
  const Struct json = ParseJson(ReportToJson(report));
  EXPECT_TRUE(Field(json, "interrupted").bool_value());
  EXPECT_EQ(Field(json, "levels").list_value().values_size(), 0);
  EXPECT_EQ(Field(json, "params").struct_value().fields_size(), 0);
}

TEST(FormatLevelLineTest, SaysRateCountsErrorsLatencyAndCounters) {
  const std::string line = FormatLevelLine("recommend", SampleLevel());
  EXPECT_THAT(line, HasSubstr("recommend c=8: 400.0 req/s, 1000 requests, 3 failed"));
  EXPECT_THAT(line, HasSubstr("(UNAVAILABLE 3)"));
  EXPECT_THAT(line, HasSubstr("p50 1.250 p90 2.500 p99 4.125 max 9.000 mean 1.500"));
  EXPECT_THAT(line, HasSubstr("accepted_events 5000 (2000.0/s)"));
  EXPECT_THAT(line, ::testing::Not(HasSubstr("interrupted")));
}

TEST(ExitCodeForTest, IsZeroOnlyWhenNoMeasuredRequestFailed) {
  RunReport report = SampleReport();
  EXPECT_EQ(ExitCodeFor(report), 1);
  report.levels[0].errors.clear();
  report.levels[0].ok = report.levels[0].requests;
  EXPECT_EQ(ExitCodeFor(report), 0);
  report.levels.clear();
  EXPECT_EQ(ExitCodeFor(report), 0);
}

}  // namespace
}  // namespace aigc::load
