#include "common/metrics/process_collector.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "gtest/gtest.h"

namespace aigc::metrics {
namespace {

std::map<std::string, double> CollectValues() {
  std::map<std::string, double> values;
  for (const prometheus::MetricFamily& family : ProcessCollector().Collect()) {
    EXPECT_EQ(family.metric.size(), 1u) << family.name;
    const prometheus::ClientMetric& metric = family.metric.front();
    values[family.name] = family.type == prometheus::MetricType::Counter
                              ? metric.counter.value
                              : metric.gauge.value;
  }
  return values;
}

TEST(ProcessCollectorTest, ReportsEveryStandardSeries) {
  const auto values = CollectValues();
  for (const char* name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes",
        "process_virtual_memory_bytes", "process_start_time_seconds", "process_open_fds",
        "process_max_fds"}) {
    EXPECT_TRUE(values.count(name)) << name;
  }
}

TEST(ProcessCollectorTest, ResidentMemoryAgreesWithTheKernelsPeak) {
  rusage usage{};
  ASSERT_EQ(getrusage(RUSAGE_SELF, &usage), 0);
  const double peak_bytes = static_cast<double>(usage.ru_maxrss) * 1024;
  const double resident = CollectValues().at("process_resident_memory_bytes");
  EXPECT_GT(resident, 1 << 20);
  EXPECT_LE(resident, peak_bytes * 1.05);
}

TEST(ProcessCollectorTest, StartTimeIsRecentAndCpuTimeGrows) {
  const double now = std::chrono::duration<double>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const auto before = CollectValues();
  EXPECT_LE(before.at("process_start_time_seconds"), now + 1);
  EXPECT_GT(before.at("process_start_time_seconds"), now - 3600);

  volatile double sink = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
  while (std::chrono::steady_clock::now() < until) sink = sink + 1;
  EXPECT_GT(CollectValues().at("process_cpu_seconds_total"),
            before.at("process_cpu_seconds_total"));
}

TEST(ProcessCollectorTest, OpenFdsCountsANewlyOpenedFile) {
  const double before = CollectValues().at("process_open_fds");
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(CollectValues().at("process_open_fds"), before + 1);
  std::fclose(file);
}

}  // namespace
}  // namespace aigc::metrics
