#include "tests/testing/prometheus_text.h"

#include <cmath>

#include "gtest/gtest.h"

namespace aigc::testing {
namespace {

constexpr char kExposition[] = R"(# HELP requests_total Requests.
# TYPE requests_total counter
requests_total{code="OK",method="Get"} 3
requests_total{code="Unimplemented",method="Get"} 1
latency_seconds_bucket{le="+Inf",path="a \"quoted\" \\ value"} 7
up 1 1700000000000
temperature -Inf
)";

TEST(PrometheusTextTest, ParsesNamesLabelsValuesAndEscapes) {
  const auto samples = ParsePrometheusText(kExposition);
  ASSERT_TRUE(samples.ok()) << samples.status();
  ASSERT_EQ(samples->size(), 5u);
  EXPECT_EQ((*samples)[0].name, "requests_total");
  EXPECT_EQ((*samples)[0].labels.at("code"), "OK");
  EXPECT_EQ((*samples)[0].value, 3);
  EXPECT_EQ((*samples)[2].labels.at("path"), "a \"quoted\" \\ value");
  EXPECT_EQ((*samples)[3].value, 1);
  EXPECT_TRUE(std::isinf((*samples)[4].value));
}

TEST(PrometheusTextTest, FindSampleMatchesALabelSubsetAndRejectsAmbiguity) {
  const auto samples = ParsePrometheusText(kExposition);
  ASSERT_TRUE(samples.ok());
  EXPECT_EQ(FindSample(*samples, "requests_total", {{"code", "Unimplemented"}}), 1);
  EXPECT_EQ(FindSample(*samples, "requests_total"), std::nullopt);
  EXPECT_EQ(FindSample(*samples, "requests_total", {{"code", "NotFound"}}), std::nullopt);
  EXPECT_EQ(FindSample(*samples, "up"), 1);
}

TEST(PrometheusTextTest, RejectsMalformedLinesNamingThem) {
  for (const char* text : {"broken{code=\"OK\" 1", "novalue", "x{a=\"b\"} notanumber"}) {
    const auto samples = ParsePrometheusText(text);
    EXPECT_EQ(samples.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace aigc::testing
