#include "bench/aigc_load/command_line.h"

#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace aigc::load {
namespace {

// absl's own flags, with meanings of their own (help, flag files); absl checks
// them itself.
bool IsAbslBuiltin(absl::string_view name) {
  for (const absl::string_view builtin :
       {"help", "helpfull", "helpshort", "helppackage", "helpmatch", "helpon", "version",
        "only_check_args", "flagfile", "fromenv", "tryfromenv", "undefok", "h"}) {
    if (name == builtin) return true;
  }
  return false;
}

absl::Status BadFlag(absl::string_view name, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", problem));
}

}  // namespace

absl::Status CheckCommandLine(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;  // positional: absl reports it
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const size_t equals = arg.find('=');
    const absl::string_view name = arg.substr(0, equals);
    if (IsAbslBuiltin(name)) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && absl::StartsWith(name, "no") && equals == absl::string_view::npos) {
      absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>()) continue;
    }
    if (flag == nullptr) return BadFlag(name, "unknown flag (see --help)");
    absl::string_view value;
    if (equals != absl::string_view::npos) {
      value = arg.substr(equals + 1);
    } else if (flag->IsOfType<bool>()) {
      value = "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return BadFlag(name, "missing value");
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      // absl says "Illegal value '...' specified for flag '...'", then "; "
      // and the type's own explanation when it has one: keep only that.
      const size_t detail = error.find("; ");
      return BadFlag(name, absl::StrCat("bad value \"", value, "\"",
                                        detail == std::string::npos
                                            ? ""
                                            : absl::StrCat(" (", error.substr(detail + 2), ")")));
    }
  }
  return absl::OkStatus();
}

}  // namespace aigc::load
