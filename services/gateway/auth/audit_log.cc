#include "services/gateway/auth/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/text/json_string.h"
#include "glog/logging.h"

namespace aigc::gateway_auth {
namespace {

void AppendField(std::string_view name, std::string_view value, std::string* out) {
  if (out->size() > 1) out->push_back(',');
  text::AppendJsonString(name, *out);
  out->push_back(':');
  text::AppendJsonString(value, *out);
}

}  // namespace

std::string AuditLine(const AuditRecord& record) {
  std::string line = "{";
  AppendField("time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", record.time, absl::UTCTimeZone()),
              &line);
  AppendField("request_id", record.request_id, &line);
  AppendField("client", record.client, &line);
  AppendField("key_id", record.key_id, &line);
  AppendField("method", record.method, &line);
  AppendField("code", record.code, &line);
  double duration_ms = absl::ToDoubleMilliseconds(record.duration);
  if (!std::isfinite(duration_ms)) duration_ms = 0;  // JSON has no infinity.
  absl::StrAppend(&line, ",\"duration_ms\":", absl::StrFormat("%.3f", duration_ms));
  if (!record.user.empty()) AppendField("user", record.user, &line);
  if (!record.peer.empty()) AppendField("peer", record.peer, &line);
  line.push_back('}');
  return line;
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::filesystem::path& path) {
  if (path.empty()) return std::unique_ptr<AuditLog>(new AuditLog(path, -1));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.string(), ": cannot open for appending: ", std::strerror(errno)));
  }
  return std::unique_ptr<AuditLog>(new AuditLog(path, fd));
}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

void AuditLog::Record(const AuditRecord& record) {
  if (fd_ < 0) return;
  std::string line = AuditLine(record);
  line.push_back('\n');
  absl::MutexLock lock(&mu_);
  std::string_view rest = line;
  while (!rest.empty()) {
    const ssize_t written = ::write(fd_, rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      ++write_failures_;
      LOG_EVERY_N(ERROR, 1000) << "audit log " << path_.string()
                               << ": write failed: " << std::strerror(errno) << " ("
                               << write_failures_ << " line(s) lost so far)";
      return;
    }
    rest.remove_prefix(static_cast<size_t>(written));
  }
}

int64_t AuditLog::write_failures() const {
  absl::MutexLock lock(&mu_);
  return write_failures_;
}

}  // namespace aigc::gateway_auth
