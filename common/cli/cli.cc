#include "common/cli/cli.h"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/internal/program_name.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/logging/logging.h"

#ifndef AIGC_VERSION
#define AIGC_VERSION "dev"
#endif

ABSL_FLAG(bool, mutex_deadlock_detection, false,
          "Check every absl::Mutex acquisition (the suite's and gRPC's) against a global "
          "lock-order graph and abort on a cycle: for hunting deadlocks. Debian's Abseil "
          "turns it on by default, at a cost on every lock, so binaries turn it off "
          "unless this is set.");

namespace aigc::cli {
namespace {

std::string& ProgramName() {
  static std::string* const name = new std::string("aigc");
  return *name;
}

}  // namespace

void InitBinary(int argc, char** argv, absl::string_view usage) {
  const absl::string_view path = argv[0];
  ProgramName() = std::string(path.substr(path.rfind('/') + 1));
  logging::InitLogging(argv[0]);

  absl::SetProgramUsageMessage(usage);
  absl::FlagsUsageConfig usage_config;
  // absl's default --help shows only flags defined in the binary's main file;
  // ours live in common/ too, and a user needs all of them.
  usage_config.contains_help_flags = [](absl::string_view) { return true; };
  usage_config.contains_helpshort_flags = [](absl::string_view) { return true; };
  usage_config.version_string = [] { return absl::StrCat(ProgramName(), " ", AIGC_VERSION, "\n"); };
  absl::SetFlagsUsageConfig(usage_config);

  // absl exits 1 after --help; asking for help is not an error. Help names
  // the program, which absl otherwise learns only in ParseCommandLine.
  absl::flags_internal::SetProgramInvocationName(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-help" || arg == "--helpfull" || arg == "-h") {
      absl::flags_internal::FlagsHelp(std::cout, "",
                                      absl::flags_internal::HelpFormat::kHumanReadable, usage);
      std::exit(0);
    }
  }
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    ExitWithReason(absl::StrCat("unexpected argument '", positional[1],
                                "' (flags take the form --name=value)"));
  }
  if (const absl::Status status = logging::ApplyLoggingFlags(); !status.ok()) {
    ExitWithReason(status.message());
  }
  absl::SetMutexDeadlockDetectionMode(absl::GetFlag(FLAGS_mutex_deadlock_detection)
                                          ? absl::OnDeadlockCycle::kAbort
                                          : absl::OnDeadlockCycle::kIgnore);
}

void ExitWithReason(absl::string_view reason) {
  std::cerr << ProgramName() << ": " << reason << std::endl;
  std::exit(1);
}

}  // namespace aigc::cli
