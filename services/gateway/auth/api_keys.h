// The gateway's API keys: the key file, its parsed form and the reloadable
// store the gateway authenticates against.
//
// Key file format (docs/gateway.md, "API keys"): UTF-8 text, one key per line.
// Everything from a `#` to the end of its line is a comment; blank lines are
// ignored; a UTF-8 byte order mark at the start is ignored. A key line has
// five fields separated by spaces or tabs:
//
//   sha256:<hash> <client_name> <role> <rate_per_second> <burst>
//
//   hash             64 lower-case hex digits: SHA-256 of the key's bytes.
//   client_name      1..64 characters of [A-Za-z0-9._-]. Several lines may
//                    name the same client (one client, several keys, e.g.
//                    while rotating); each key has its own rate limit.
//   role             `user` or `admin` (admin keys may also call
//                    GatewayAdminService).
//   rate_per_second  Sustained requests per second, a finite number > 0
//                    (fractions allowed: 0.5 = one request every 2 s).
//   burst            Requests allowed at once (bucket size), a finite
//                    number >= 1.
//
// e.g. `sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 shop-web user 50
// 100`
//
// Keys never appear in clear: the file holds their hashes and the only name
// of a key that this library logs or returns in errors is its key_id, the
// first 12 hex digits of the hash. An empty file (or one of comments only)
// is valid and authenticates nobody.
#ifndef AIGC_SERVICES_GATEWAY_AUTH_API_KEYS_H_
#define AIGC_SERVICES_GATEWAY_AUTH_API_KEYS_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace aigc::gateway_auth {

// One key of the key file.
struct ApiKey {
  std::string client_name;
  bool admin = false;
  double rate_per_second = 0;
  double burst = 0;
  // The first 12 hex digits of the key's SHA-256: names the key in logs, the
  // audit log and the rate limiter without revealing it.
  std::string key_id;
};

// Digits of the hash that make a key_id.
inline constexpr int kKeyIdLength = 12;

// The 64 lower-case hex digits of SHA-256(`key`).
std::string KeyHash(std::string_view key);

// The key_id of `key`: the first kKeyIdLength digits of KeyHash(key).
std::string KeyId(std::string_view key);

// OK when `name` is 1..64 characters of [A-Za-z0-9._-]; INVALID_ARGUMENT
// "client_name: <problem>" otherwise.
absl::Status ValidateClientName(std::string_view name);

// A fresh random key: "aigc_" followed by 32 random bytes in unpadded
// base64url (43 characters of [A-Za-z0-9_-]), safe in any header.
std::string GenerateKey();

// The key file line for `key` (which the line does not contain, only its
// hash): "sha256:<hash> <client_name> <role> <rate> <burst>", without a
// newline. `role` is "user" or "admin". Fails with INVALID_ARGUMENT naming
// the bad argument ("client_name", "role", "rate_per_second", "burst", or
// "key" when it is empty) under the rules of the file format, so that every
// line it returns parses.
absl::StatusOr<std::string> FormatKeyLine(std::string_view key, std::string_view client_name,
                                          std::string_view role, double rate_per_second,
                                          double burst);

// The key in a call's metadata: the value of `x-api-key` when present and not
// blank, else the token of an `authorization: Bearer <key>` header (scheme
// matched case-insensitively), both trimmed of surrounding spaces and tabs.
// nullopt when neither yields a key (absent, blank, or another scheme such as
// Basic). Pass nullopt for a header the call does not carry.
std::optional<std::string> PresentedKey(std::optional<std::string_view> x_api_key,
                                        std::optional<std::string_view> authorization);

// A parsed key file. Immutable, so it is safe to share between threads; the
// gateway holds one per call through ApiKeyStore::Current().
class ApiKeyTable {
 public:
  // Parses the key file format above. Fails with FAILED_PRECONDITION
  // "line N: <why>" for the first bad line (wrong number of fields, bad hash,
  // bad client name, unknown role, bad number, the same hash twice). Error
  // messages never quote a hash, only key_ids.
  static absl::StatusOr<std::shared_ptr<const ApiKeyTable>> Parse(std::string_view text);

  // The key whose hash is SHA-256(`presented_key`), or nullptr (also for an
  // empty key). The pointer lives as long as the table. Thread-safe.
  //
  // Lookup is by hash, so no comparison ever runs against a secret: what a
  // timing attacker could learn is about the hash of the key they presented,
  // which they already know. A constant-time compare is therefore not needed.
  const ApiKey* Find(std::string_view presented_key) const;

  // Keys in the table, all roles.
  int size() const { return static_cast<int>(keys_.size()); }
  // Of which admin keys.
  int admin_count() const { return admin_count_; }

 private:
  ApiKeyTable() = default;

  // Keyed by the 64 hex digits of the hash.
  absl::flat_hash_map<std::string, ApiKey> keys_;
  int admin_count_ = 0;
};

// The key file and the table parsed from it, reloadable while the gateway
// serves. Thread-safe.
class ApiKeyStore {
 public:
  // Reads and parses `path`. Fails with NOT_FOUND when the file does not
  // exist, FAILED_PRECONDITION "<path>: line N: <why>" when it does not parse
  // and FAILED_PRECONDITION "<path>: <why>" when it cannot be read.
  static absl::StatusOr<std::unique_ptr<ApiKeyStore>> Open(std::filesystem::path path);

  // Reads the file again. All-or-nothing: on success the new table replaces
  // the current one; on failure (same errors as Open) the current table and
  // loaded_time() stay. Callers holding the previous table keep using it
  // until they drop it. Concurrent reloads run one at a time.
  absl::Status Reload();

  // The table in effect. Cheap (a lock and a reference count), never null.
  std::shared_ptr<const ApiKeyTable> Current() const;

  // When the table in effect was read.
  absl::Time loaded_time() const;

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ApiKeyStore(std::filesystem::path path) : path_(std::move(path)) {}

  const std::filesystem::path path_;
  // Held for the whole of Reload, so that reads and swaps happen in order.
  absl::Mutex reload_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const ApiKeyTable> table_ ABSL_GUARDED_BY(mu_);
  absl::Time loaded_time_ ABSL_GUARDED_BY(mu_);
};

}  // namespace aigc::gateway_auth

#endif  // AIGC_SERVICES_GATEWAY_AUTH_API_KEYS_H_
