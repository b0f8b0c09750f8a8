// The serving flags every binary of the suite shares, and their validation.
//
//   --host             address to bind, gRPC and metrics (default 127.0.0.1)
//   --port             gRPC port; 0 picks a free one        (default per service)
//   --metrics_port     /metrics HTTP port; 0 picks a free one (default per service)
//   --drain_timeout    how long SIGTERM waits for in-flight RPCs (default 10s)
//   --max_message_bytes, --keepalive_time, --keepalive_timeout
//   --tls_cert_file, --tls_key_file   serve gRPC over TLS (both, or neither: plaintext)
// plus absl's --flagfile, --help and --version.
#ifndef AIGC_COMMON_SERVER_SERVING_OPTIONS_H_
#define AIGC_COMMON_SERVER_SERVING_OPTIONS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

// The ports' defaults differ per service (see docs/architecture.md), so each
// binary defines these two flags itself, once, with AIGC_DEFINE_PORT_FLAGS.
ABSL_DECLARE_FLAG(int, port);
ABSL_DECLARE_FLAG(int, metrics_port);

#define AIGC_DEFINE_PORT_FLAGS(default_port, default_metrics_port)                  \
  ABSL_FLAG(int, port, default_port,                                                \
            "gRPC port to listen on, 0..65535; 0 picks a free port. The bound "     \
            "port is printed on stdout.");                                          \
  ABSL_FLAG(int, metrics_port, default_metrics_port,                                \
            "HTTP port of the Prometheus /metrics endpoint, 0..65535; 0 picks a "   \
            "free port. The bound port is printed on stdout.")

namespace aigc::server {

struct ServingOptions {
  // Address both listeners bind: an IPv4 or IPv6 address, or a host name.
  std::string host = "127.0.0.1";
  // gRPC port; 0 = pick a free one.
  int port = 0;
  // Prometheus /metrics port; 0 = pick a free one.
  int metrics_port = 0;
  // After SIGTERM/SIGINT: stop accepting, let in-flight RPCs finish for at most
  // this long, then cancel what is left and exit 0.
  absl::Duration drain_timeout = absl::Seconds(10);
  // Largest request and response message, in bytes.
  int max_message_bytes = 16 << 20;
  // Server-initiated HTTP/2 keepalive pings on idle connections, and how long a
  // ping may go unanswered before the connection is closed.
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // PEM certificate chain and private key: gRPC is served over TLS when both
  // are set, in plaintext when neither is (e.g. behind a mesh that terminates
  // TLS). The metrics endpoint stays plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Returns OK, or INVALID_ARGUMENT whose message names the flag and its bound,
// e.g. "--port=70000 is out of range [0, 65535]".
absl::Status Validate(const ServingOptions& options);

// Reads the serving flags (after absl::ParseCommandLine) and validates them.
absl::StatusOr<ServingOptions> ServingOptionsFromFlags();

}  // namespace aigc::server

#endif  // AIGC_COMMON_SERVER_SERVING_OPTIONS_H_
