#include "tests/testing/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace aigc::testing {

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    const std::string& binary, const std::vector<std::string>& args) {
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::vector<std::string> argv_storage{binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    // Unblock what a test harness may have blocked; the binary sets its own mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(binary.c_str(), argv.data());
    const std::string reason = absl::StrCat("exec ", binary, ": ", std::strerror(errno), "\n");
    (void)!write(STDERR_FILENO, reason.data(), reason.size());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  return std::unique_ptr<Subprocess>(new Subprocess(pid, out[0], err[0]));
}

Subprocess::Subprocess(pid_t pid, int stdout_fd, int stderr_fd)
    : pid_(pid), reader_([this, stdout_fd, stderr_fd] { ReadOutput(stdout_fd, stderr_fd); }) {}

Subprocess::~Subprocess() {
  if (!WaitForExit(absl::ZeroDuration()).has_value()) {
    kill(pid_, SIGKILL);
    WaitForExit(absl::Seconds(10));
  }
  reader_.join();
}

void Subprocess::ReadOutput(int stdout_fd, int stderr_fd) {
  pollfd fds[2] = {{stdout_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        absl::MutexLock lock(&mu_);
        (i == 0 ? stdout_ : stderr_).append(buffer, n);
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  absl::MutexLock lock(&mu_);
  output_closed_ = true;
}

absl::StatusOr<std::string> Subprocess::WaitForLine(absl::string_view needle,
                                                    absl::Duration timeout) {
  const std::string wanted(needle);
  absl::MutexLock lock(&mu_);
  const auto has_line_or_closed = [this, &wanted]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const size_t at = stdout_.find(wanted);
    return output_closed_ || (at != std::string::npos && stdout_.find('\n', at) != std::string::npos);
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(&has_line_or_closed), timeout)) {
    return absl::DeadlineExceededError(absl::StrCat("no line with '", wanted, "' within ",
                                                    absl::FormatDuration(timeout),
                                                    "; stderr:\n", stderr_));
  }
  const size_t at = stdout_.find(wanted);
  if (at == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("stdout closed without a line with '", wanted, "'; stderr:\n", stderr_));
  }
  const size_t begin = stdout_.rfind('\n', at);
  const size_t start = begin == std::string::npos ? 0 : begin + 1;
  return stdout_.substr(start, stdout_.find('\n', at) - start);
}

void Subprocess::Signal(int signal) {
  if (!WaitForExit(absl::ZeroDuration()).has_value()) kill(pid_, signal);
}

std::optional<int> Subprocess::WaitForExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (exit_status_.has_value()) return exit_status_;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        // What the process wrote last may still sit in the pipes: let the
        // reader drain them, so callers see the whole output.
        mu_.AwaitWithTimeout(absl::Condition(&output_closed_), absl::Seconds(5));
        return exit_status_;
      }
    }
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

std::string Subprocess::stdout_text() const {
  absl::MutexLock lock(&mu_);
  return stdout_;
}

std::string Subprocess::stderr_text() const {
  absl::MutexLock lock(&mu_);
  return stderr_;
}

absl::StatusOr<ServingPorts> ParseReadyLine(absl::string_view line) {
  ServingPorts ports;
  bool have_grpc = false;
  bool have_metrics = false;
  for (absl::string_view field : absl::StrSplit(line, ' ')) {
    const std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(field, '=');
    if (kv.first == "grpc_port") have_grpc = absl::SimpleAtoi(kv.second, &ports.grpc_port);
    if (kv.first == "metrics_port") {
      have_metrics = absl::SimpleAtoi(kv.second, &ports.metrics_port);
    }
  }
  if (!have_grpc || !have_metrics) {
    return absl::InvalidArgumentError(absl::StrCat("not a ready line: '", line, "'"));
  }
  return ports;
}

}  // namespace aigc::testing
