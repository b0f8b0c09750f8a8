#include "services/gateway/auth/api_keys.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "services/gateway/auth/internal/hex.h"

namespace aigc::gateway_auth {
namespace {

using internal::HexOf;

namespace fs = std::filesystem;

constexpr std::string_view kHashPrefix = "sha256:";
constexpr int kHashHexLength = 64;
constexpr int kMaxClientNameLength = 64;
constexpr std::string_view kBlanks = " \t";
// A value longer than this is not quoted in an error: it might be a key
// pasted into the wrong field, and errors end up in logs.
constexpr size_t kMaxQuotedLength = 12;

absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(kBlanks);
  if (begin == std::string_view::npos) return {};
  const size_t end = s.find_last_not_of(kBlanks);
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  while (true) {
    pos = line.find_first_not_of(kBlanks, pos);
    if (pos == std::string_view::npos) break;
    size_t end = line.find_first_of(kBlanks, pos);
    if (end == std::string_view::npos) end = line.size();
    fields.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return fields;
}

// `value` quoted for an error message, or only its length when it is long.
std::string Quote(std::string_view value) {
  if (value.size() > kMaxQuotedLength) {
    return absl::StrCat("a ", value.size(), "-character value (not shown)");
  }
  return absl::StrCat("\"", absl::CEscape(Absl(value)), "\"");
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The reason `name` is not a valid client name, or "" when it is.
std::string ClientNameProblem(std::string_view name) {
  if (name.empty() || name.size() > kMaxClientNameLength) {
    return absl::StrCat("must be 1..", kMaxClientNameLength, " characters, got ", name.size());
  }
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return absl::StrCat("must be characters of [A-Za-z0-9._-], got ", Quote(name));
  }
  return "";
}

std::string RateProblem(double rate) {
  if (!std::isfinite(rate) || rate <= 0) return "must be a finite number > 0";
  return "";
}

std::string BurstProblem(double burst) {
  if (!std::isfinite(burst) || burst < 1) return "must be a finite number >= 1";
  return "";
}

std::optional<bool> ParseRole(std::string_view role) {
  if (role == "user") return false;
  if (role == "admin") return true;
  return std::nullopt;
}

// Parses one key line into `hash` and `key`; returns the reason it is bad, or
// "" when it is good.
std::string ParseLine(std::string_view line, std::string* hash, ApiKey* key) {
  const std::vector<std::string_view> fields = SplitFields(line);
  if (fields.size() != 5) {
    return absl::StrCat(
        "expected 5 fields (sha256:<hash> <client_name> <role> <rate_per_second> <burst>), got ",
        fields.size());
  }
  const std::string_view hash_field = fields[0];
  if (!absl::StartsWith(Absl(hash_field), Absl(kHashPrefix)) ||
      hash_field.size() != kHashPrefix.size() + kHashHexLength ||
      !IsLowerHex(hash_field.substr(kHashPrefix.size()))) {
    return absl::StrCat("the first field must be sha256: followed by ", kHashHexLength,
                        " lower-case hex digits (the hash of the key, never the key itself)");
  }
  *hash = std::string(hash_field.substr(kHashPrefix.size()));
  key->key_id = hash->substr(0, kKeyIdLength);

  if (std::string problem = ClientNameProblem(fields[1]); !problem.empty()) {
    return absl::StrCat("client_name ", problem);
  }
  key->client_name = std::string(fields[1]);

  const std::optional<bool> admin = ParseRole(fields[2]);
  if (!admin) return absl::StrCat("role must be user or admin, got ", Quote(fields[2]));
  key->admin = *admin;

  if (!absl::SimpleAtod(Absl(fields[3]), &key->rate_per_second) ||
      !RateProblem(key->rate_per_second).empty()) {
    return absl::StrCat("rate_per_second ", RateProblem(-1), ", got ", Quote(fields[3]));
  }
  if (!absl::SimpleAtod(Absl(fields[4]), &key->burst) || !BurstProblem(key->burst).empty()) {
    return absl::StrCat("burst ", BurstProblem(0), ", got ", Quote(fields[4]));
  }
  return "";
}

// The shortest text that reads back as exactly `value` ("50", "0.1", "1e-07").
std::string ShortestDecimal(double value) {
  char buffer[32];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// The contents of `path`: NOT_FOUND when it does not exist,
// FAILED_PRECONDITION when it cannot be read.
absl::StatusOr<std::string> ReadKeyFile(const fs::path& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) {
    return absl::NotFoundError(absl::StrCat(path.string(), ": no such file"));
  }
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(path.string(), ": ", error.message()));
  }
  if (fs::is_directory(status)) {
    return absl::FailedPreconditionError(absl::StrCat(path.string(), ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat(path.string(), ": cannot open"));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::FailedPreconditionError(absl::StrCat(path.string(), ": read error"));
  return std::move(contents).str();
}

absl::StatusOr<std::shared_ptr<const ApiKeyTable>> LoadTable(const fs::path& path) {
  absl::StatusOr<std::string> text = ReadKeyFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::shared_ptr<const ApiKeyTable>> table = ApiKeyTable::Parse(*text);
  if (!table.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path.string(), ": ", table.status().message()));
  }
  return table;
}

}  // namespace

std::string KeyHash(std::string_view key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  CHECK_EQ(EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr), 1)
      << "SHA-256 failed";
  return HexOf(digest, length);
}

std::string KeyId(std::string_view key) { return KeyHash(key).substr(0, kKeyIdLength); }

absl::Status ValidateClientName(std::string_view name) {
  const std::string problem = ClientNameProblem(name);
  if (problem.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("client_name: ", problem));
}

std::string GenerateKey() {
  unsigned char bytes[32];
  CHECK_EQ(RAND_bytes(bytes, sizeof(bytes)), 1) << "no randomness from OpenSSL";
  // absl's web-safe base64 leaves the padding out.
  return absl::StrCat("aigc_", absl::WebSafeBase64Escape(absl::string_view(
                                   reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

absl::StatusOr<std::string> FormatKeyLine(std::string_view key, std::string_view client_name,
                                          std::string_view role, double rate_per_second,
                                          double burst) {
  if (key.empty()) return absl::InvalidArgumentError("key: must not be empty");
  if (absl::Status valid = ValidateClientName(client_name); !valid.ok()) return valid;
  if (!ParseRole(role)) {
    return absl::InvalidArgumentError(
        absl::StrCat("role: must be user or admin, got ", Quote(role)));
  }
  if (std::string problem = RateProblem(rate_per_second); !problem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("rate_per_second: ", problem));
  }
  if (std::string problem = BurstProblem(burst); !problem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("burst: ", problem));
  }
  return absl::StrCat(Absl(kHashPrefix), KeyHash(key), " ", Absl(client_name), " ", Absl(role), " ",
                      ShortestDecimal(rate_per_second), " ", ShortestDecimal(burst));
}

std::optional<std::string> PresentedKey(std::optional<std::string_view> x_api_key,
                                        std::optional<std::string_view> authorization) {
  if (x_api_key) {
    const std::string_view key = Trim(*x_api_key);
    if (!key.empty()) return std::string(key);
  }
  if (authorization) {
    constexpr std::string_view kBearer = "bearer";
    const std::string_view value = Trim(*authorization);
    if (value.size() > kBearer.size() && absl::StartsWithIgnoreCase(Absl(value), Absl(kBearer)) &&
        kBlanks.find(value[kBearer.size()]) != std::string_view::npos) {
      const std::string_view key = Trim(value.substr(kBearer.size()));
      if (!key.empty()) return std::string(key);
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::shared_ptr<const ApiKeyTable>> ApiKeyTable::Parse(std::string_view text) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.remove_prefix(kByteOrderMark.size());
  }
  std::shared_ptr<ApiKeyTable> table(new ApiKeyTable());
  // Line of each hash, to name both lines of a duplicate.
  absl::flat_hash_map<std::string, int> line_of_hash;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (const size_t hash_sign = line.find('#'); hash_sign != std::string_view::npos) {
      line = line.substr(0, hash_sign);
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) continue;

    std::string hash;
    ApiKey key;
    if (std::string problem = ParseLine(line, &hash, &key); !problem.empty()) {
      return absl::FailedPreconditionError(absl::StrCat("line ", line_number, ": ", problem));
    }
    const auto [it, inserted] = line_of_hash.emplace(hash, line_number);
    if (!inserted) {
      return absl::FailedPreconditionError(absl::StrCat("line ", line_number,
                                                        ": the same key as line ", it->second,
                                                        " (key_id ", key.key_id, ")"));
    }
    if (key.admin) ++table->admin_count_;
    table->keys_.emplace(std::move(hash), std::move(key));
  }
  return std::shared_ptr<const ApiKeyTable>(std::move(table));
}

const ApiKey* ApiKeyTable::Find(std::string_view presented_key) const {
  if (presented_key.empty()) return nullptr;
  const auto it = keys_.find(KeyHash(presented_key));
  return it == keys_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::unique_ptr<ApiKeyStore>> ApiKeyStore::Open(std::filesystem::path path) {
  absl::StatusOr<std::shared_ptr<const ApiKeyTable>> table = LoadTable(path);
  if (!table.ok()) return table.status();
  std::unique_ptr<ApiKeyStore> store(new ApiKeyStore(std::move(path)));
  store->table_ = *std::move(table);
  store->loaded_time_ = absl::Now();
  return store;
}

absl::Status ApiKeyStore::Reload() {
  absl::MutexLock reload_lock(&reload_mu_);
  absl::StatusOr<std::shared_ptr<const ApiKeyTable>> table = LoadTable(path_);
  if (!table.ok()) {
    // A file that went missing is a failed precondition of the reload, like
    // any other file that cannot be read (gateway.proto, ReloadApiKeys).
    if (absl::IsNotFound(table.status())) {
      return absl::FailedPreconditionError(table.status().message());
    }
    return table.status();
  }
  const absl::Time now = absl::Now();
  std::shared_ptr<const ApiKeyTable> previous;
  {
    absl::MutexLock lock(&mu_);
    previous = std::exchange(table_, *std::move(table));
    loaded_time_ = now;
  }
  // `previous` is destroyed here, outside mu_, if this was its last user.
  return absl::OkStatus();
}

std::shared_ptr<const ApiKeyTable> ApiKeyStore::Current() const {
  absl::ReaderMutexLock lock(&mu_);
  return table_;
}

absl::Time ApiKeyStore::loaded_time() const {
  absl::ReaderMutexLock lock(&mu_);
  return loaded_time_;
}

}  // namespace aigc::gateway_auth
