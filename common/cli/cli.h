// Start-up of every binary of the suite, servers and tools alike: logging,
// --help/--version, absl flag parsing (with --flagfile) and one-line errors.
#ifndef AIGC_COMMON_CLI_CLI_H_
#define AIGC_COMMON_CLI_CLI_H_

#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace aigc::cli {

// Starts logging (common/logging) and parses the command line. `usage` is the
// first paragraph of --help. --help lists every flag of the binary; --version
// prints "<program> <version>". Both exit 0. On an unknown flag, a bad value,
// an unreadable --flagfile or a positional argument it prints one line saying
// why on stderr and exits 1.
void InitBinary(int argc, char** argv, absl::string_view usage);

// Prints "<program>: <reason>" on stderr and exits 1. For bad flag values found
// after InitBinary.
[[noreturn]] void ExitWithReason(absl::string_view reason);

// The value `value` holds; ExitWithReason with its status otherwise. For
// tools, whose every failure ends the run.
template <typename T>
T ValueOrExit(absl::StatusOr<T> value) {
  if (!value.ok()) ExitWithReason(value.status().ToString());
  return *std::move(value);
}

}  // namespace aigc::cli

#endif  // AIGC_COMMON_CLI_CLI_H_
