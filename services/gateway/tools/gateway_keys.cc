// aigc-gateway-keys: makes API keys for the gateway. Prints a new random key
// once (it is stored nowhere) and the line that admits it to the key file,
// which holds only the key's hash; or, with --hash_only, the line for a key
// that already exists.
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "common/cli/cli.h"
#include "services/gateway/auth/api_keys.h"

ABSL_FLAG(std::string, client, "",
          "Client the key belongs to (required): 1..64 characters of [A-Za-z0-9._-]. Several "
          "keys may share a client.");
ABSL_FLAG(std::string, role, "user", "user, or admin (may also call GatewayAdminService).");
ABSL_FLAG(double, rate, 50, "Sustained requests per second allowed (> 0, fractions allowed).");
ABSL_FLAG(double, burst, 100, "Requests allowed at once, the token bucket's size (>= 1).");
ABSL_FLAG(std::string, hash_only, "",
          "Print only the key file line for this existing key instead of making a new one. "
          "\"-\" reads the key from the first line of stdin (keeps it out of shell history "
          "and the process list).");

namespace aigc::gateway_auth {
namespace {

std::string KeyFromStdin() {
  std::string key;
  if (!std::getline(std::cin, key)) cli::ExitWithReason("--hash_only=-: no key on stdin");
  if (!key.empty() && key.back() == '\r') key.pop_back();
  return key;
}

int Run() {
  const std::string client = absl::GetFlag(FLAGS_client);
  if (client.empty()) cli::ExitWithReason("--client is required");
  std::string key = absl::GetFlag(FLAGS_hash_only);
  const bool existing = !key.empty();
  if (key == "-") key = KeyFromStdin();
  if (!existing) key = GenerateKey();
  const std::string line =
      cli::ValueOrExit(FormatKeyLine(key, client, absl::GetFlag(FLAGS_role),
                                     absl::GetFlag(FLAGS_rate), absl::GetFlag(FLAGS_burst)));
  if (!existing) std::printf("key: %s\n", key.c_str());
  std::printf("%s\n", line.c_str());
  if (!existing) {
    std::fprintf(stderr,
                 "Give the key to %s now: it is shown only this once. Append the second line to "
                 "the gateway's key file and call GatewayAdminService/ReloadApiKeys (key_id %s).\n",
                 client.c_str(), KeyId(key).c_str());
  }
  return 0;
}

}  // namespace
}  // namespace aigc::gateway_auth

int main(int argc, char** argv) {
  aigc::cli::InitBinary(
      argc, argv,
      "Makes an API key for aigc-gateway: prints \"key: <key>\" (shown only this once) and the "
      "line to append to the key file (only the key's SHA-256 is in it).\n"
      "Usage: aigc-gateway-keys --client=NAME [--role=user|admin] [--rate=50] [--burst=100]\n"
      "       aigc-gateway-keys --client=NAME --hash_only=KEY|- [--role=...] [--rate=...] "
      "[--burst=...]");
  return aigc::gateway_auth::Run();
}
