#ifndef AIGC_TESTS_TESTING_SUBPROCESS_H_
#define AIGC_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace aigc::testing {

// A child process whose stdout and stderr are captured. The destructor kills
// (SIGKILL) and reaps it if it is still running, so a failing test never leaves
// servers behind. Thread-safe.
class Subprocess {
 public:
  // Starts `binary` with `args` (argv[0] is set to the binary's path).
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::string& binary, const std::vector<std::string>& args);
  ~Subprocess();

  // Waits until stdout holds a complete line containing `needle` and returns
  // that line. Fails with DEADLINE_EXCEEDED after `timeout`, or FAILED_PRECONDITION
  // when the process closes stdout first; both messages include its stderr.
  absl::StatusOr<std::string> WaitForLine(absl::string_view needle, absl::Duration timeout);

  // Sends `signal` to the process.
  void Signal(int signal);

  // Waits for the process to end and returns its exit status: the exit code,
  // or 128 + the signal number when a signal ended it. nullopt on timeout.
  // Once it returns a status, stdout_text() and stderr_text() are complete.
  std::optional<int> WaitForExit(absl::Duration timeout);

  std::string stdout_text() const;
  std::string stderr_text() const;
  pid_t pid() const { return pid_; }

 private:
  Subprocess(pid_t pid, int stdout_fd, int stderr_fd);
  void ReadOutput(int stdout_fd, int stderr_fd);

  const pid_t pid_;
  mutable absl::Mutex mu_;
  std::string stdout_ ABSL_GUARDED_BY(mu_);
  std::string stderr_ ABSL_GUARDED_BY(mu_);
  bool output_closed_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<int> exit_status_ ABSL_GUARDED_BY(mu_);
  std::thread reader_;
};

// The ports a serving binary printed in its ready line.
struct ServingPorts {
  int grpc_port = 0;
  int metrics_port = 0;
};

// Reads "... grpc_port=<n> metrics_port=<m>" from a ready line.
absl::StatusOr<ServingPorts> ParseReadyLine(absl::string_view line);

}  // namespace aigc::testing

#endif  // AIGC_TESTS_TESTING_SUBPROCESS_H_
