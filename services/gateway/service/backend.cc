#include "services/gateway/service/backend.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status/status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace aigc::gateway {
namespace {

// "a.b.c.d:port" with each part in range.
bool IsIpv4HostPort(absl::string_view entry) {
  const std::vector<absl::string_view> host_port = absl::StrSplit(entry, ':');
  if (host_port.size() != 2) return false;
  int port = 0;
  if (!absl::SimpleAtoi(host_port[1], &port) || port < 1 || port > 65535) return false;
  const std::vector<absl::string_view> octets = absl::StrSplit(host_port[0], '.');
  if (octets.size() != 4) return false;
  for (const absl::string_view octet : octets) {
    int value = 0;
    if (octet.empty() || !absl::SimpleAtoi(octet, &value) || value < 0 || value > 255) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<ChannelSpec> MakeChannelSpec(const BackendOptions& options) {
  const std::string target(absl::StripAsciiWhitespace(options.target));
  if (target.empty()) return status::InvalidField("target", "must not be empty");
  if (options.max_attempts < 1 || options.max_attempts > 5) {
    return status::InvalidField("max_attempts", "must be in 1..5");
  }
  ChannelSpec spec;
  const std::vector<absl::string_view> entries = absl::StrSplit(target, ',');
  if (entries.size() == 1) {
    spec.target = target;
  } else {
    for (const absl::string_view entry : entries) {
      if (!IsIpv4HostPort(entry)) {
        return status::InvalidField(
            "target", absl::StrCat("a list of addresses must be ip:port entries, got \"", entry,
                                   "\" (use one DNS name for a name that resolves to several)"));
      }
    }
    spec.target = absl::StrCat("ipv4:", target);
  }
  std::vector<std::string> names;
  for (const std::string& method : options.idempotent_methods) {
    names.push_back(
        absl::StrCat(R"({"service":")", options.service, R"(","method":")", method, R"("})"));
  }
  std::string method_config;
  if (options.max_attempts > 1 && !names.empty()) {
    method_config =
        absl::StrCat(R"(,"methodConfig":[{"name":[)", absl::StrJoin(names, ","),
                     R"(],"retryPolicy":{"maxAttempts":)", options.max_attempts,
                     R"(,"initialBackoff":"0.01s","maxBackoff":"0.2s","backoffMultiplier":2,)"
                     R"("retryableStatusCodes":["UNAVAILABLE"]}}])");
  }
  spec.service_config_json =
      absl::StrCat(R"({"loadBalancingConfig":[{"round_robin":{}}])", method_config, "}");
  return spec;
}

absl::StatusOr<std::unique_ptr<Backend>> Backend::Create(std::string name,
                                                         const BackendOptions& options) {
  absl::StatusOr<ChannelSpec> spec = MakeChannelSpec(options);
  if (!spec.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, "_", spec.status().message()));
  }
  if (options.breaker.failure_threshold < 1) {
    return status::InvalidField("breaker.failure_threshold", "must be >= 1");
  }
  grpc::ChannelArguments arguments;
  arguments.SetServiceConfigJSON(spec->service_config_json);
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  auto channel =
      grpc::CreateCustomChannel(spec->target, grpc::InsecureChannelCredentials(), arguments);
  return std::unique_ptr<Backend>(
      new Backend(std::move(name), options.service, std::move(channel), options.breaker));
}

}  // namespace aigc::gateway
