#include "bench/live_qa/live_report.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace aigc::live_bench {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kMs = 1'000'000;

// Room a: two generated replies and a hand-off; room b: one generated reply,
// one rejection, and a stream that failed at the end.
std::vector<RoomResult> TwoRooms() {
  RoomResult a;
  a.questions = 3;
  a.generated = 2;
  a.handed_off = 1;
  a.reply_chars = 40;
  a.decode_chars = 36;
  a.decode_ns = 260 * kMs;
  a.ttft_ns = {30 * kMs, 10 * kMs};
  a.total_ns = {200 * kMs, 100 * kMs};
  a.hand_off_ttft_ns = {1 * kMs};
  RoomResult b;
  b.questions = 2;
  b.generated = 1;
  b.rejected = {{"RESOURCE_EXHAUSTED", 1}};
  b.reply_chars = 20;
  b.decode_chars = 19;
  b.decode_ns = 130 * kMs;
  b.ttft_ns = {20 * kMs};
  b.total_ns = {150 * kMs};
  b.error = "UNAVAILABLE: server shutting down";
  return {a, b};
}

LevelReport Level(int rooms, absl::Duration measured, std::optional<int64_t> tokens) {
  LevelReport level;
  level.rooms = rooms;
  level.measured = measured;
  level.generated_tokens = tokens;
  return level;
}

TEST(SummarizeLevelTest, AddsTheRoomsCountsAndPoolsTheirLatencies) {
  const LevelReport level =
      SummarizeLevel(TwoRooms(), {"r-a", "r-b"}, absl::Seconds(2), /*generated_tokens=*/60);
  EXPECT_EQ(level.rooms, 2);
  EXPECT_EQ(level.questions, 5);
  EXPECT_EQ(level.generated, 3);
  EXPECT_EQ(level.handed_off, 1);
  EXPECT_EQ(level.rejected, 1);
  EXPECT_EQ(level.rejected_by_code.at("RESOURCE_EXHAUSTED"), 1);
  EXPECT_EQ(level.reply_chars, 60);
  EXPECT_DOUBLE_EQ(level.questions_per_s(), 2.5);
  EXPECT_DOUBLE_EQ(level.chars_per_s(), 30);
  EXPECT_DOUBLE_EQ(level.tokens_per_s().value(), 30);
  // TTFT samples 10, 20, 30 ms: nearest rank ceil(0.5 * 3) = 2 gives 20.
  EXPECT_EQ(level.ttft.count, 3);
  EXPECT_DOUBLE_EQ(level.ttft.p50_ms, 20);
  EXPECT_DOUBLE_EQ(level.ttft.p99_ms, 30);
  EXPECT_DOUBLE_EQ(level.total.p50_ms, 150);
  EXPECT_DOUBLE_EQ(level.total.max_ms, 200);
  EXPECT_EQ(level.hand_off_ttft.count, 1);
  EXPECT_DOUBLE_EQ(level.hand_off_ttft.p50_ms, 1);
  // (36 + 19) characters in (260 + 130) ms.
  EXPECT_NEAR(level.stream_decode_chars_per_s, 55 / 0.39, 1e-9);
  EXPECT_THAT(level.errors, ::testing::ElementsAre("room r-b: UNAVAILABLE: server shutting down"));
}

TEST(SummarizeLevelTest, NothingMeasuredGivesZeroRatesAndNoTokenRateWithoutMetrics) {
  const LevelReport level = SummarizeLevel({RoomResult{}}, {"r"}, absl::ZeroDuration(),
                                           /*generated_tokens=*/std::nullopt);
  EXPECT_EQ(level.questions_per_s(), 0);
  EXPECT_EQ(level.chars_per_s(), 0);
  EXPECT_EQ(level.stream_decode_chars_per_s, 0);
  EXPECT_FALSE(level.tokens_per_s().has_value());
  EXPECT_EQ(level.ttft.count, 0);
  EXPECT_TRUE(level.errors.empty());
}

TEST(SpeedupOverOneRoomTest, DividesByTheSingleRoomTokenRate) {
  // 100 tokens/s with one room, 450 tokens in 1.5 s = 300 tokens/s with eight.
  const std::vector<LevelReport> levels = {Level(1, absl::Seconds(1), 100),
                                           Level(8, absl::Milliseconds(1500), 450)};
  EXPECT_DOUBLE_EQ(SpeedupOverOneRoom(levels[1], levels).value(), 3);
  EXPECT_DOUBLE_EQ(SpeedupOverOneRoom(levels[0], levels).value(), 1);
}

TEST(SpeedupOverOneRoomTest, IsUnknownWithoutASingleRoomLevelOrTokenCounts) {
  const std::vector<LevelReport> no_single = {Level(8, absl::Seconds(1), 450)};
  EXPECT_FALSE(SpeedupOverOneRoom(no_single[0], no_single).has_value());
  const std::vector<LevelReport> no_tokens = {Level(1, absl::Seconds(1), std::nullopt),
                                              Level(8, absl::Seconds(1), std::nullopt)};
  EXPECT_FALSE(SpeedupOverOneRoom(no_tokens[1], no_tokens).has_value());
  const std::vector<LevelReport> zero_base = {Level(1, absl::Seconds(1), 0),
                                              Level(8, absl::Seconds(1), 450)};
  EXPECT_FALSE(SpeedupOverOneRoom(zero_base[1], zero_base).has_value());
}

TEST(FormatTableTest, OneRowPerLevelWithTheSpeedUpAndDashesForUnknowns) {
  std::vector<LevelReport> levels = {Level(1, absl::Seconds(1), 100),
                                     Level(8, absl::Milliseconds(1500), 450)};
  const std::string table = FormatTable(levels);
  EXPECT_THAT(table, StartsWith("| rooms | questions/s | tokens/s |"));
  EXPECT_THAT(table, HasSubstr("| 1 | 0.00 | 100.0 | 0.0 |"));
  EXPECT_THAT(table, HasSubstr("| 8 | 0.00 | 300.0 | 0.0 |"));
  EXPECT_THAT(table, HasSubstr("| 3.00× |\n"));
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 4);

  levels[0].generated_tokens.reset();
  levels[1].generated_tokens.reset();
  EXPECT_THAT(FormatTable(levels), HasSubstr("| 8 | 0.00 | - | 0.0 |"));
}

TEST(ReportToJsonTest, IsOneValidJsonObjectWithEveryLevel) {
  std::vector<LevelReport> levels = {
      Level(1, absl::Seconds(1), 100),
      SummarizeLevel(TwoRooms(), {"r-a", "r-b"}, absl::Seconds(2), std::nullopt)};
  const RunSettings settings{.target = "127.0.0.1:50052",
                             .metrics = true,
                             .duration = absl::Seconds(20),
                             .warmup = absl::Seconds(3),
                             .max_questions = 100,
                             .seed = 7,
                             .max_tokens = 0};
  const std::string json = ReportToJson(settings, levels);
  EXPECT_THAT(json, StartsWith(R"({"tool":"aigc-live-bench","target":"127.0.0.1:50052",)"));
  EXPECT_THAT(json, HasSubstr(R"("duration_s":20.000,"warmup_s":3.000,"max_questions":100,)"));
  EXPECT_THAT(json, HasSubstr(R"("generated_tokens":100,"tokens_per_s":100.000,)"));
  EXPECT_THAT(json, HasSubstr(R"("generated_tokens":null,"tokens_per_s":null,)"));
  EXPECT_THAT(json, HasSubstr(R"("rejected_by_code":{"RESOURCE_EXHAUSTED":1})"));
  EXPECT_THAT(json, HasSubstr(R"("ttft_ms":{"count":3,"mean":20.000,"p50":20.000,)"));
  EXPECT_THAT(json, HasSubstr(R"("failed_streams":1})"));
  EXPECT_EQ(json.find('\n'), std::string::npos);

  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  EXPECT_EQ(parsed.fields().at("levels").list_value().values_size(), 2);
}

TEST(LiveQaTokensFromMetricsTest, ReadsTheLiveQaSeriesOnly) {
  const std::string text =
      "# HELP aigc_generation_tokens_total Tokens generated.\n"
      "# TYPE aigc_generation_tokens_total counter\n"
      "aigc_generation_tokens_total{rpc=\"GenerateCopy\"} 500\n"
      "aigc_generation_tokens_total{rpc=\"LiveQA\"} 1234\n";
  EXPECT_EQ(LiveQaTokensFromMetrics(text).value(), 1234);
}

TEST(LiveQaTokensFromMetricsTest, AbsentSeriesCountsAsZero) {
  EXPECT_EQ(LiveQaTokensFromMetrics("aigc_generation_tokens_total{rpc=\"StreamCopy\"} 5\n").value(),
            0);
  EXPECT_EQ(LiveQaTokensFromMetrics("").value(), 0);
}

TEST(LiveQaTokensFromMetricsTest, MalformedTextIsAnError) {
  EXPECT_EQ(
      LiveQaTokensFromMetrics("aigc_generation_tokens_total{rpc=\"LiveQA\" 5\n").status().code(),
      absl::StatusCode::kInvalidArgument);
}

struct PortCase {
  const char* address;
  int port;  // 0 = rejected
};

class ParseMetricsPortTest : public ::testing::TestWithParam<PortCase> {};

TEST_P(ParseMetricsPortTest, AcceptsLoopbackAddressesAndBarePorts) {
  const absl::StatusOr<int> port = ParseMetricsPort(GetParam().address);
  if (GetParam().port == 0) {
    EXPECT_EQ(port.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(port.status().message()), StartsWith("--metrics: "));
  } else {
    EXPECT_EQ(port.value(), GetParam().port);
  }
}

INSTANTIATE_TEST_SUITE_P(Addresses, ParseMetricsPortTest,
                         ::testing::Values(PortCase{"127.0.0.1:9103", 9103},
                                           PortCase{"localhost:1", 1}, PortCase{"9103", 9103},
                                           PortCase{"127.0.0.1:65535", 65535},
                                           PortCase{"10.0.0.1:9103", 0}, PortCase{"127.0.0.1:0", 0},
                                           PortCase{"127.0.0.1:70000", 0},
                                           PortCase{"127.0.0.1:", 0}, PortCase{"abc", 0},
                                           PortCase{"", 0}));

}  // namespace
}  // namespace aigc::live_bench
