// The gateway's audit log: one JSON object per line per call, appended to a
// file, for "who called what, when, with which outcome".
//
// A line (keys in this order; `user` and `peer` only when known):
//
//   {"time":"2026-11-23T17:40:41.123Z","request_id":"5f0c…","client":"shop-web",
//    "key_id":"9f86d081884c","method":"/aigc.gateway.v1.GatewayService/Recommend",
//    "code":"OK","duration_ms":12.345,"user":"u-1c8e0b5a33f2d7e4","peer":"ipv4:127.0.0.1:53412"}
//
// What is never in it: API keys (a record has no field that could hold one;
// the key_id names the key) and user ids (only their Pseudonym()). A call
// refused before a key was matched has "client":"" and "key_id":"".
#ifndef AIGC_SERVICES_GATEWAY_AUTH_AUDIT_LOG_H_
#define AIGC_SERVICES_GATEWAY_AUTH_AUDIT_LOG_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace aigc::gateway_auth {

// One call, as the audit log records it.
struct AuditRecord {
  // When the call arrived; written as RFC 3339 UTC with milliseconds.
  absl::Time time;
  std::string request_id;
  // ApiKey::client_name and ApiKey::key_id of the key used; empty when no
  // key matched.
  std::string client;
  std::string key_id;
  // The full gRPC method name.
  std::string method;
  // The gRPC status code's name as written by the caller, e.g. "OK",
  // "UNAUTHENTICATED", "RESOURCE_EXHAUSTED".
  std::string code;
  // Time from arrival to the final status; written in milliseconds.
  absl::Duration duration;
  // Pseudonym() of the request's user id; empty = left out.
  std::string user;
  // The caller's address as gRPC reports it; empty = left out.
  std::string peer;
};

// The JSON line (without the newline) that AuditLog writes for `record`.
// Strings are escaped for JSON; bytes that are not UTF-8 become U+FFFD so
// that every line is valid JSON.
std::string AuditLine(const AuditRecord& record);

// Thread-safe: lines from concurrent Record calls never interleave.
class AuditLog {
 public:
  // Opens `path` for appending (created with mode 0640 if missing). An empty
  // path gives a disabled log whose Record does nothing. Fails with
  // FAILED_PRECONDITION "<path>: <why>" when the file cannot be opened; the
  // directory must exist.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::filesystem::path& path);

  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends AuditLine(record) and a newline in one write, so the line is on
  // disk (in the page cache) when Record returns. A failed write is counted
  // and logged (rate-limited), never thrown: auditing does not fail calls.
  void Record(const AuditRecord& record);

  bool enabled() const { return fd_ >= 0; }

  // Lines that could not be written.
  int64_t write_failures() const;

 private:
  AuditLog(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}

  const std::filesystem::path path_;
  // -1 when disabled.
  const int fd_;
  mutable absl::Mutex mu_;
  int64_t write_failures_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace aigc::gateway_auth

#endif  // AIGC_SERVICES_GATEWAY_AUTH_AUDIT_LOG_H_
