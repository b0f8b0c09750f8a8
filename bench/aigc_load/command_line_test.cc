#include "bench/aigc_load/command_line.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, test_level, 1, "An int flag for the test.");
ABSL_FLAG(absl::Duration, test_wait, absl::Seconds(1), "A duration flag for the test.");
ABSL_FLAG(bool, test_verbose, false, "A bool flag for the test.");

namespace aigc::load {
namespace {

using ::testing::HasSubstr;

absl::Status Check(std::vector<std::string> args) {
  args.insert(args.begin(), "aigc-load");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  return CheckCommandLine(static_cast<int>(argv.size()), argv.data());
}

TEST(CheckCommandLineTest, AcceptsAbslFlagForms) {
  EXPECT_TRUE(Check({"--test_level=3", "-test_wait=2s", "--test_verbose"}).ok());
  EXPECT_TRUE(Check({"--test_level", "4", "--notest_verbose", "--test_verbose=false"}).ok());
  EXPECT_TRUE(Check({"--help", "--flagfile=/nonexistent", "positional"}).ok());
  EXPECT_TRUE(Check({"--", "--no_such_flag"}).ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_test_level), 4);
  EXPECT_EQ(absl::GetFlag(FLAGS_test_wait), absl::Seconds(2));
}

TEST(CheckCommandLineTest, NamesAnUnknownFlag) {
  const absl::Status status = Check({"--test_level=1", "--concurency=8"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--concurency: unknown flag"));
  // "no" only negates booleans.
  EXPECT_THAT(Check({"--notest_level"}).message(), HasSubstr("--notest_level: unknown flag"));
}

TEST(CheckCommandLineTest, NamesAFlagWithAValueItsTypeCannotParse) {
  EXPECT_THAT(Check({"--test_level=many"}).message(),
              HasSubstr("--test_level: bad value \"many\""));
  EXPECT_THAT(Check({"--test_wait", "5x"}).message(), HasSubstr("--test_wait: bad value \"5x\""));
  EXPECT_THAT(Check({"--test_verbose=maybe"}).message(), HasSubstr("--test_verbose: bad value"));
  EXPECT_THAT(Check({"--test_level"}).message(), HasSubstr("--test_level: missing value"));
}

}  // namespace
}  // namespace aigc::load
