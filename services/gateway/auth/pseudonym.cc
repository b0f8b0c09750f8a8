#include "services/gateway/auth/pseudonym.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "services/gateway/auth/internal/hex.h"

namespace aigc::gateway_auth {
namespace {

using internal::HexOf;

constexpr int kPseudonymHexDigits = 16;

}  // namespace

std::string Pseudonym(std::string_view user_id, std::string_view secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // HMAC takes a null key pointer for an empty key only on some OpenSSL
  // versions; a valid pointer works on all.
  static constexpr unsigned char kEmpty = 0;
  const void* key = secret.empty() ? static_cast<const void*>(&kEmpty) : secret.data();
  const unsigned char* data =
      user_id.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(user_id.data());
  CHECK(HMAC(EVP_sha256(), key, static_cast<int>(secret.size()), data, user_id.size(), mac,
             &length) != nullptr)
      << "HMAC-SHA256 failed";
  return absl::StrCat("u-", HexOf(mac, length).substr(0, kPseudonymHexDigits));
}

std::string RandomSecret() {
  unsigned char bytes[32];
  CHECK_EQ(RAND_bytes(bytes, sizeof(bytes)), 1) << "no randomness from OpenSSL";
  return HexOf(bytes, sizeof(bytes));
}

}  // namespace aigc::gateway_auth
