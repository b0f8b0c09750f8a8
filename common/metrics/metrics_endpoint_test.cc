#include "common/metrics/metrics_endpoint.h"

#include "gtest/gtest.h"
#include "prometheus/counter.h"
#include "tests/testing/http_get.h"
#include "tests/testing/prometheus_text.h"

namespace aigc::metrics {
namespace {

TEST(MetricsEndpointTest, ServesTheRegistryAndProcessMetricsOverHttp) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto& family = prometheus::BuildCounter().Name("demo_total").Help("Demo.").Register(*registry);
  family.Add({{"kind", "a"}}).Increment(3);

  auto endpoint = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  ASSERT_GT((*endpoint)->port(), 0);

  const auto body = testing::HttpGet((*endpoint)->port(), "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  const auto samples = testing::ParsePrometheusText(*body);
  ASSERT_TRUE(samples.ok()) << samples.status();
  EXPECT_EQ(testing::FindSample(*samples, "demo_total", {{"kind", "a"}}), 3);
  EXPECT_TRUE(testing::FindSample(*samples, "process_cpu_seconds_total").has_value());
}

TEST(MetricsEndpointTest, FailsWithUnavailableNamingTheAddressWhenThePortIsTaken) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto first = MetricsEndpoint::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(first.ok());
  const int port = (*first)->port();
  const auto second = MetricsEndpoint::Start("127.0.0.1:" + std::to_string(port), registry);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("127.0.0.1:" + std::to_string(port)),
            std::string::npos);
}

}  // namespace
}  // namespace aigc::metrics
