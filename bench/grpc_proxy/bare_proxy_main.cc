// aigc-bare-proxy: relays unary gRPC calls to one backend as raw bytes
// (bare_proxy.h), to measure what a forwarding hop costs by itself.
//
//   aigc-bare-proxy --backend=127.0.0.1:50053 [--address=127.0.0.1:0] [--threads=1]
//
// Prints "aigc-bare-proxy serving grpc_port=N" when ready; stops on SIGTERM or
// SIGINT.
#include <pthread.h>

#include <csignal>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "bench/grpc_proxy/bare_proxy.h"
#include "common/cli/cli.h"

ABSL_FLAG(std::string, backend, "127.0.0.1:50053", "host:port every call is relayed to.");
ABSL_FLAG(std::string, address, "127.0.0.1:0",
          "host:port to listen on; port 0 picks a free one (printed when ready).");
ABSL_FLAG(int, threads, 1,
          "Threads, each with its own completion queue, 1..64; a call stays on one thread.");

int main(int argc, char** argv) {
  aigc::cli::InitBinary(argc, argv,
                        "Relays unary gRPC calls to --backend as raw bytes, to measure what a "
                        "forwarding hop costs by itself.\nUsage: aigc-bare-proxy "
                        "--backend=HOST:PORT [--address=127.0.0.1:0] [--threads=1]");
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before any thread starts
  auto proxy = aigc::cli::ValueOrExit(aigc::bench::BareProxy::Start(
      absl::GetFlag(FLAGS_address), absl::GetFlag(FLAGS_backend), absl::GetFlag(FLAGS_threads)));
  std::cout << "aigc-bare-proxy serving grpc_port=" << proxy->port() << std::endl;
  int signal = 0;
  sigwait(&stop, &signal);
  return 0;
}
