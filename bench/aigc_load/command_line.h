// Flag checking that lets aigc-load exit with its own status for bad flags.
#ifndef AIGC_BENCH_AIGC_LOAD_COMMAND_LINE_H_
#define AIGC_BENCH_AIGC_LOAD_COMMAND_LINE_H_

#include "absl/status/status.h"

namespace aigc::load {

// Checks the flags on a command line before absl parses it (absl, through
// aigc::cli::InitBinary, exits 1 on a bad flag; aigc-load exits 2). Accepts
// absl's forms: --name=value, -name=value, --name value, --name and --noname
// for booleans, and "--" ending the flags. Returns INVALID_ARGUMENT
// "--name: ..." for a flag no linked code defines, or a value that the flag's
// type cannot parse. Arguments that are not flags, and the contents of
// --flagfile, are left to absl. Sets each flag it checks to its value (parsing
// the line again gives the same values). Not thread-safe with other flag
// access.
absl::Status CheckCommandLine(int argc, char** argv);

}  // namespace aigc::load

#endif  // AIGC_BENCH_AIGC_LOAD_COMMAND_LINE_H_
