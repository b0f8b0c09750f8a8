// The suite's one logging library: glog (see docs/architecture.md, "Logging").
//
// Debian's LibTorch already links glog and logs through it, so using glog for
// our own lines gives one format and one stream (stderr) for the whole process.
// Code logs with LOG(INFO) / LOG(WARNING) / LOG(ERROR) / VLOG(n) from
// <glog/logging.h>; binaries call InitLogging() once, first thing in main.
//
// Flags defined here: --log_level (info|warning|error, default info) and
// --verbosity (VLOG level, default 0).
#ifndef AIGC_COMMON_LOGGING_LOGGING_H_
#define AIGC_COMMON_LOGGING_LOGGING_H_

#include "absl/status/status.h"
#include "glog/logging.h"

namespace aigc::logging {

// Sends glog output to stderr and installs glog's crash handler, which prints a
// stack trace on SIGSEGV/SIGABRT/…. Call once, before any other thread starts.
void InitLogging(const char* argv0);

// Applies --log_level and --verbosity, which are known only after flag parsing.
// Fails with INVALID_ARGUMENT naming the flag when a value is not allowed.
absl::Status ApplyLoggingFlags();

}  // namespace aigc::logging

#endif  // AIGC_COMMON_LOGGING_LOGGING_H_
