#include "common/logging/logging.h"

#include <csignal>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, log_level, "info",
          "Lowest severity that is logged: info, warning or error.");
ABSL_FLAG(int, verbosity, 0, "Verbose logging level (VLOG); 0 turns it off.");

namespace aigc::logging {

void InitLogging(const char* argv0) {
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv0);
  google::InstallFailureSignalHandler();
  // glog's crash handler also claims SIGTERM; shutdown is ours (common/server).
  std::signal(SIGTERM, SIG_DFL);
}

absl::Status ApplyLoggingFlags() {
  const std::string level = absl::AsciiStrToLower(absl::GetFlag(FLAGS_log_level));
  if (level == "info") {
    FLAGS_minloglevel = google::GLOG_INFO;
  } else if (level == "warning") {
    FLAGS_minloglevel = google::GLOG_WARNING;
  } else if (level == "error") {
    FLAGS_minloglevel = google::GLOG_ERROR;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--log_level=", level, " is not one of info, warning, error"));
  }
  const int verbosity = absl::GetFlag(FLAGS_verbosity);
  if (verbosity < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--verbosity=", verbosity, " must be >= 0"));
  }
  FLAGS_v = verbosity;
  return absl::OkStatus();
}

}  // namespace aigc::logging
