// aigc-load as a user runs it: the real binary against the real aigc-imagegen
// on ephemeral loopback ports. Checks the report and the exit status, not
// speed.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

namespace aigc::load {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using ::testing::HasSubstr;
using testing::Subprocess;

constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr absl::Duration kRunTimeout = absl::Seconds(60);

// Parses aigc-load's stdout (one JSON object on one line).
Struct ParseReport(const std::string& text) {
  Struct report;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &report);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << text;
  return report;
}

const Value& Field(const Struct& object, const std::string& name) {
  static const Value* const kMissing = new Value();
  const auto it = object.fields().find(name);
  EXPECT_NE(it, object.fields().end()) << "no field " << name;
  return it == object.fields().end() ? *kMissing : it->second;
}

// aigc-imagegen serving on 127.0.0.1 at an ephemeral port; killed by the
// Subprocess destructor if a test fails first.
class AigcLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server =
        Subprocess::Start(AIGC_IMAGEGEN_BIN, {"--host=127.0.0.1", "--port=0", "--metrics_port=0"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    const auto ready = server_->WaitForLine("grpc_port=", kStartTimeout);
    ASSERT_TRUE(ready.ok()) << ready.status();
    const auto ports = testing::ParseReadyLine(*ready);
    ASSERT_TRUE(ports.ok()) << ports.status();
    target_ = absl::StrCat("127.0.0.1:", ports->grpc_port);
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    server_->Signal(SIGTERM);
    EXPECT_EQ(server_->WaitForExit(absl::Seconds(15)), 0) << server_->stderr_text();
  }

  std::unique_ptr<Subprocess> server_;
  std::string target_;
};

// A finished aigc-load run.
struct LoadRun {
  std::optional<int> exit_status;
  std::string out;
  std::string err;
};

LoadRun RunLoad(const std::vector<std::string>& args) {
  LoadRun run;
  auto load = Subprocess::Start(AIGC_LOAD_BIN, args);
  EXPECT_TRUE(load.ok()) << load.status();
  if (!load.ok()) return run;
  run.exit_status = (*load)->WaitForExit(kRunTimeout);
  run.out = (*load)->stdout_text();
  run.err = (*load)->stderr_text();
  return run;
}

TEST_F(AigcLoadTest, HealthWorkloadSucceedsAtEveryLevelWithACompleteReport) {
  const LoadRun run = RunLoad({"--target=" + target_, "--workload=health", "--concurrency=1,4",
                               "--requests=300", "--duration=30s", "--warmup=20", "--progress=0"});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const Struct report = ParseReport(run.out);
  EXPECT_EQ(Field(report, "tool").string_value(), "aigc-load");
  EXPECT_EQ(Field(report, "target").string_value(), target_);
  EXPECT_EQ(Field(report, "workload").string_value(), "health");
  EXPECT_EQ(Field(report, "method").string_value(), "grpc.health.v1.Health/Check");
  EXPECT_FALSE(Field(report, "interrupted").bool_value());
  const Struct& params = Field(report, "params").struct_value();
  EXPECT_EQ(Field(params, "requests").number_value(), 300);
  EXPECT_EQ(Field(params, "warmup_requests").number_value(), 20);
  EXPECT_EQ(Field(params, "service").string_value(), "");

  const auto& levels = Field(report, "levels").list_value();
  ASSERT_EQ(levels.values_size(), 2);
  for (int i = 0; i < levels.values_size(); ++i) {
    SCOPED_TRACE(absl::StrCat("level ", i));
    const Struct& level = levels.values(i).struct_value();
    EXPECT_EQ(Field(level, "concurrency").number_value(), i == 0 ? 1 : 4);
    EXPECT_EQ(Field(level, "warmup_requests").number_value(), 20);
    EXPECT_EQ(Field(level, "requests").number_value(), 300);
    EXPECT_EQ(Field(level, "ok").number_value(), 300);
    EXPECT_EQ(Field(level, "errors").struct_value().fields_size(), 0);
    EXPECT_GT(Field(level, "duration_s").number_value(), 0);
    EXPECT_GT(Field(level, "qps").number_value(), 0);
    const Struct& latency = Field(level, "latency_ms").struct_value();
    EXPECT_GT(Field(latency, "mean").number_value(), 0);
    EXPECT_GT(Field(latency, "p50").number_value(), 0);
    EXPECT_LE(Field(latency, "p50").number_value(), Field(latency, "p90").number_value());
    EXPECT_LE(Field(latency, "p90").number_value(), Field(latency, "p99").number_value());
    EXPECT_LE(Field(latency, "p99").number_value(), Field(latency, "max").number_value());
    EXPECT_FALSE(Field(level, "interrupted").bool_value());
  }
  EXPECT_THAT(run.err, HasSubstr("health c=1: "));
  EXPECT_THAT(run.err, HasSubstr("health c=4: "));
}

TEST_F(AigcLoadTest, FailedRequestsAreCountedByCodeAndExitOne) {
  // aigc-imagegen does not serve the recommender: every call is UNIMPLEMENTED.
  const std::string output = ::testing::TempDir() + "/aigc_load_e2e_report.json";
  std::filesystem::remove(output);
  const LoadRun run =
      RunLoad({"--target=" + target_, "--workload=recommend", "--concurrency=2", "--requests=50",
               "--duration=30s", "--progress=0", "--output=" + output});
  ASSERT_EQ(run.exit_status, 1) << run.err;
  EXPECT_EQ(run.out, "");
  std::ifstream file(output);
  std::stringstream text;
  text << file.rdbuf();
  const Struct report = ParseReport(text.str());
  const auto& levels = Field(report, "levels").list_value();
  ASSERT_EQ(levels.values_size(), 1);
  const Struct& level = levels.values(0).struct_value();
  EXPECT_EQ(Field(level, "requests").number_value(), 50);
  EXPECT_EQ(Field(level, "ok").number_value(), 0);
  EXPECT_EQ(Field(Field(level, "errors").struct_value(), "UNIMPLEMENTED").number_value(), 50);
  EXPECT_THAT(run.err, HasSubstr("(UNIMPLEMENTED 50)"));
}

TEST_F(AigcLoadTest, SigintStopsTheRunEarlyAndStillReports) {
  auto load = Subprocess::Start(AIGC_LOAD_BIN,
                                {"--target=" + target_, "--workload=health", "--concurrency=2,4",
                                 "--requests=1000000000", "--duration=60s", "--progress=50ms"});
  ASSERT_TRUE(load.ok()) << load.status();
  // Signal once measurement is under way (its progress lines say so).
  for (int i = 0; i < 400 && (*load)->stderr_text().find("measuring") == std::string::npos; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_THAT((*load)->stderr_text(), HasSubstr("measuring"));
  (*load)->Signal(SIGINT);
  ASSERT_EQ((*load)->WaitForExit(absl::Seconds(20)), 0) << (*load)->stderr_text();
  const Struct report = ParseReport((*load)->stdout_text());
  EXPECT_TRUE(Field(report, "interrupted").bool_value());
  // The second level never started.
  const auto& levels = Field(report, "levels").list_value();
  ASSERT_EQ(levels.values_size(), 1);
  const Struct& level = levels.values(0).struct_value();
  EXPECT_TRUE(Field(level, "interrupted").bool_value());
  EXPECT_GT(Field(level, "requests").number_value(), 0);
  EXPECT_LT(Field(level, "requests").number_value(), 1e9);
  EXPECT_EQ(Field(level, "ok").number_value(), Field(level, "requests").number_value());
}

TEST_F(AigcLoadTest, ApiKeyIsSentButNeverPrinted) {
  // aigc-imagegen ignores the key; the report may only say that one was set.
  const std::string key = "aigc_e2e-secret-key";
  const LoadRun run =
      RunLoad({"--target=" + target_, "--workload=health", "--concurrency=1", "--requests=5",
               "--duration=30s", "--progress=10ms", "--api_key=" + key});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr(key)));
  EXPECT_THAT(run.err, ::testing::Not(HasSubstr(key)));
  const Struct report = ParseReport(run.out);
  EXPECT_TRUE(Field(Field(report, "params").struct_value(), "api_key_set").bool_value());
  const Struct& level = Field(report, "levels").list_value().values(0).struct_value();
  EXPECT_EQ(Field(level, "ok").number_value(), 5);
}

struct BadFlagCase {
  std::string name;
  std::vector<std::string> args;
  std::string message;
};

class AigcLoadBadFlagTest : public ::testing::TestWithParam<BadFlagCase> {};

TEST_P(AigcLoadBadFlagTest, ExitsTwoNamingTheFlag) {
  // No server needed: flags are checked before anything connects.
  std::vector<std::string> args = {"--target=127.0.0.1:1"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  const LoadRun run = RunLoad(args);
  EXPECT_EQ(run.exit_status, 2) << run.err;
  EXPECT_THAT(run.err, HasSubstr(GetParam().message));
  EXPECT_EQ(run.out, "");
}

INSTANTIATE_TEST_SUITE_P(
    Flags, AigcLoadBadFlagTest,
    ::testing::Values(
        BadFlagCase{"UnknownFlag", {"--concurency=8"}, "aigc-load: --concurency: unknown flag"},
        BadFlagCase{"UnparsableDuration", {"--duration=soon"}, "--duration: bad value \"soon\""},
        BadFlagCase{"ZeroConcurrency", {"--concurrency=1,0"}, "--concurrency: \"0\""},
        BadFlagCase{"ZeroRequests", {"--requests=0"}, "--requests: must be > 0"},
        BadFlagCase{"BadWarmup", {"--warmup=soon"}, "--warmup: \"soon\""},
        BadFlagCase{"UnknownWorkload", {"--workload=nope"}, "--workload: unknown workload"},
        BadFlagCase{"WorkloadFlag", {"--workload=recommend", "--count=0"}, "--count: must be"},
        BadFlagCase{"BadUserIds", {"--workload=write_events", "--user_ids=u1"}, "--user_ids:"},
        BadFlagCase{"TooManyCards",
                    {"--workload=gateway_product_cards", "--count=21"},
                    "--count: must be in [1, 20]"},
        BadFlagCase{"ApiKeyWithSpace", {"--api_key=two words"}, "--api_key: must be printable"}),
    [](const ::testing::TestParamInfo<BadFlagCase>& info) { return info.param.name; });

TEST(AigcLoadHelpTest, HelpListsTheWorkloadsAndExitsZero) {
  const LoadRun run = RunLoad({"--help"});
  EXPECT_EQ(run.exit_status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("write_events: "));
  EXPECT_THAT(run.out, HasSubstr("--concurrency"));
}

}  // namespace
}  // namespace aigc::load
