#include "common/server/serving_options.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gtest/gtest.h"

AIGC_DEFINE_PORT_FLAGS(50099, 9199);

namespace aigc::server {
namespace {

TEST(ServingOptionsTest, DefaultsAreValid) {
  EXPECT_TRUE(Validate(ServingOptions{}).ok());
}

struct InvalidCase {
  std::string label;
  void (*mutate)(ServingOptions&);
  std::string message;
};

class InvalidServingOptionsTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidServingOptionsTest, IsRejectedNamingTheFlagAndItsBound) {
  ServingOptions options;
  GetParam().mutate(options);
  const absl::Status status = Validate(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, InvalidServingOptionsTest,
    ::testing::Values(
        InvalidCase{"EmptyHost", [](ServingOptions& o) { o.host = ""; },
                    "--host must not be empty"},
        InvalidCase{"NegativePort", [](ServingOptions& o) { o.port = -1; },
                    "--port=-1 is out of range [0, 65535]"},
        InvalidCase{"PortTooLarge", [](ServingOptions& o) { o.port = 65536; },
                    "--port=65536 is out of range [0, 65535]"},
        InvalidCase{"MetricsPortTooLarge", [](ServingOptions& o) { o.metrics_port = 70000; },
                    "--metrics_port=70000 is out of range [0, 65535]"},
        InvalidCase{"SamePorts",
                    [](ServingOptions& o) { o.port = o.metrics_port = 8080; },
                    "--port and --metrics_port are both 8080"},
        InvalidCase{"NegativeDrain",
                    [](ServingOptions& o) { o.drain_timeout = absl::Seconds(-1); },
                    "--drain_timeout=-1s is out of range [0, 10m]"},
        InvalidCase{"HugeMessages",
                    [](ServingOptions& o) { o.max_message_bytes = 512 << 20; },
                    "--max_message_bytes=536870912 is out of range [1024, 268435456]"},
        InvalidCase{"EagerKeepalive",
                    [](ServingOptions& o) { o.keepalive_time = absl::Seconds(1); },
                    "--keepalive_time=1s is out of range [10s, 2h]"}),
    [](const auto& info) { return info.param.label; });

TEST(ServingOptionsTest, BothPortsZeroMeansTwoEphemeralPortsAndIsValid) {
  ServingOptions options;
  options.port = 0;
  options.metrics_port = 0;
  EXPECT_TRUE(Validate(options).ok());
}

TEST(ServingOptionsFromFlagsTest, ReadsEveryFlag) {
  absl::FlagSaver restore_flags;
  EXPECT_EQ(ServingOptionsFromFlags()->port, 50099);  // the binary's default
  absl::SetFlag(&FLAGS_port, 1234);
  absl::SetFlag(&FLAGS_metrics_port, 0);
  const auto options = ServingOptionsFromFlags();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->port, 1234);
  EXPECT_EQ(options->metrics_port, 0);
  EXPECT_EQ(options->host, "127.0.0.1");
  EXPECT_EQ(options->drain_timeout, absl::Seconds(10));
}

TEST(ServingOptionsFromFlagsTest, RejectsAnOutOfRangeFlag) {
  absl::FlagSaver restore_flags;
  absl::SetFlag(&FLAGS_port, 99999);
  EXPECT_EQ(ServingOptionsFromFlags().status().message(),
            "--port=99999 is out of range [0, 65535]");
}

}  // namespace
}  // namespace aigc::server
