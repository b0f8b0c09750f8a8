// Lower-case hex of digests and random bytes, shared by the auth library's
// files.
#ifndef AIGC_SERVICES_GATEWAY_AUTH_INTERNAL_HEX_H_
#define AIGC_SERVICES_GATEWAY_AUTH_INTERNAL_HEX_H_

#include <cstddef>
#include <string>

namespace aigc::gateway_auth::internal {

inline std::string HexOf(const unsigned char* bytes, size_t length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (size_t i = 0; i < length; ++i) {
    hex.push_back(kHex[bytes[i] >> 4]);
    hex.push_back(kHex[bytes[i] & 15]);
  }
  return hex;
}

}  // namespace aigc::gateway_auth::internal

#endif  // AIGC_SERVICES_GATEWAY_AUTH_INTERNAL_HEX_H_
