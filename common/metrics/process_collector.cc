#include "common/metrics/process_collector.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

namespace aigc::metrics {
namespace {

// The fields of /proc/self/stat that we report (see proc(5)).
struct ProcStat {
  double cpu_seconds = 0;
  double start_seconds_after_boot = 0;
  double virtual_memory_bytes = 0;
  double resident_memory_bytes = 0;
};

std::optional<ProcStat> ReadProcStat() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  // The command name (field 2) may hold spaces; the fields we need follow its ')'.
  const size_t after_name = line.rfind(')');
  if (after_name == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(after_name + 2));
  // Field 3 is the first one after the name; read up to field 24 (rss).
  std::string value[22];
  for (std::string& v : value) {
    if (!(fields >> v)) return std::nullopt;
  }
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcStat stat;
  stat.cpu_seconds = (std::stod(value[14 - 3]) + std::stod(value[15 - 3])) / ticks_per_second;
  stat.start_seconds_after_boot = std::stod(value[22 - 3]) / ticks_per_second;
  stat.virtual_memory_bytes = std::stod(value[23 - 3]);
  stat.resident_memory_bytes = std::stod(value[24 - 3]) * page_bytes;
  return stat;
}

std::optional<double> ReadBootTimeSeconds() {
  std::ifstream file("/proc/stat");
  std::string key;
  double value = 0;
  while (file >> key) {
    if (key == "btime" && file >> value) return value;
    file.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

std::optional<double> CountOpenFds() {
  std::error_code error;
  std::filesystem::directory_iterator it("/proc/self/fd", error);
  if (error) return std::nullopt;
  double count = 0;
  for (const auto& entry : it) {
    (void)entry;
    ++count;
  }
  return count;
}

prometheus::MetricFamily Family(std::string name, std::string help,
                                prometheus::MetricType type, double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return prometheus::MetricFamily{std::move(name), std::move(help), type, {metric}};
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;
  if (const std::optional<ProcStat> stat = ReadProcStat()) {
    families.push_back(Family("process_cpu_seconds_total",
                              "Total user and system CPU time spent in seconds.",
                              MetricType::Counter, stat->cpu_seconds));
    families.push_back(Family("process_resident_memory_bytes",
                              "Resident memory size in bytes.", MetricType::Gauge,
                              stat->resident_memory_bytes));
    families.push_back(Family("process_virtual_memory_bytes",
                              "Virtual memory size in bytes.", MetricType::Gauge,
                              stat->virtual_memory_bytes));
    if (const std::optional<double> boot = ReadBootTimeSeconds()) {
      families.push_back(Family("process_start_time_seconds",
                                "Start time of the process since unix epoch in seconds.",
                                MetricType::Gauge, *boot + stat->start_seconds_after_boot));
    }
  }
  if (const std::optional<double> fds = CountOpenFds()) {
    families.push_back(Family("process_open_fds", "Number of open file descriptors.",
                              MetricType::Gauge, *fds));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    families.push_back(Family("process_max_fds",
                              "Maximum number of open file descriptors.",
                              MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace aigc::metrics
