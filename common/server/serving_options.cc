#include "common/server/serving_options.h"

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

ABSL_FLAG(std::string, host, "127.0.0.1",
          "Address the gRPC and metrics listeners bind (IPv4 or IPv6 address, or "
          "host name); 0.0.0.0 (or ::) to serve on every interface.");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "On SIGTERM/SIGINT: how long in-flight RPCs may run before they are "
          "cancelled; new RPCs are refused at once. 0s..10m.");
ABSL_FLAG(int, max_message_bytes, 16 << 20,
          "Largest gRPC message received or sent, in bytes; 1 KiB..256 MiB.");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Minutes(1),
          "Interval of server keepalive pings on idle connections; 10s..2h.");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain to serve gRPC over TLS with (with --tls_key_file); empty = "
          "plaintext.");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file.");
ABSL_FLAG(absl::Duration, keepalive_timeout, absl::Seconds(20),
          "How long a keepalive ping may go unanswered before the connection "
          "is closed; 1s..10m.");

namespace aigc::server {
namespace {

constexpr int kMaxPort = 65535;

absl::Status CheckRange(absl::string_view flag, int64_t value, int64_t low, int64_t high) {
  if (value >= low && value <= high) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", value,
                                                 " is out of range [", low, ", ", high, "]"));
}

absl::Status CheckRange(absl::string_view flag, absl::Duration value, absl::Duration low,
                        absl::Duration high) {
  if (value >= low && value <= high) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, "=", absl::FormatDuration(value), " is out of range [",
                   absl::FormatDuration(low), ", ", absl::FormatDuration(high), "]"));
}

}  // namespace

absl::Status Validate(const ServingOptions& options) {
  if (options.host.empty()) {
    return absl::InvalidArgumentError("--host must not be empty");
  }
  AIGC_RETURN_IF_ERROR(CheckRange("port", options.port, 0, kMaxPort));
  AIGC_RETURN_IF_ERROR(CheckRange("metrics_port", options.metrics_port, 0, kMaxPort));
  if (options.port != 0 && options.port == options.metrics_port) {
    return absl::InvalidArgumentError(
        absl::StrCat("--port and --metrics_port are both ", options.port));
  }
  AIGC_RETURN_IF_ERROR(CheckRange("drain_timeout", options.drain_timeout,
                                  absl::ZeroDuration(), absl::Minutes(10)));
  AIGC_RETURN_IF_ERROR(
      CheckRange("max_message_bytes", options.max_message_bytes, 1 << 10, 256 << 20));
  AIGC_RETURN_IF_ERROR(CheckRange("keepalive_time", options.keepalive_time,
                                  absl::Seconds(10), absl::Hours(2)));
  AIGC_RETURN_IF_ERROR(CheckRange("keepalive_timeout", options.keepalive_timeout,
                                  absl::Seconds(1), absl::Minutes(10)));
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file and --tls_key_file go together: set both for TLS, neither for "
        "plaintext");
  }
  return absl::OkStatus();
}

absl::StatusOr<ServingOptions> ServingOptionsFromFlags() {
  ServingOptions options;
  options.host = absl::GetFlag(FLAGS_host);
  options.port = absl::GetFlag(FLAGS_port);
  options.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  options.keepalive_timeout = absl::GetFlag(FLAGS_keepalive_timeout);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  AIGC_RETURN_IF_ERROR(Validate(options));
  return options;
}

}  // namespace aigc::server
