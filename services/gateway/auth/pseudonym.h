// Pseudonymous user ids for the gateway's logs: a user's id never appears in
// a log line, only a keyed hash of it that is stable for one secret, so one
// user's lines can be followed without learning who the user is.
#ifndef AIGC_SERVICES_GATEWAY_AUTH_PSEUDONYM_H_
#define AIGC_SERVICES_GATEWAY_AUTH_PSEUDONYM_H_

#include <string>
#include <string_view>

namespace aigc::gateway_auth {

// "u-" followed by the first 16 hex digits of HMAC-SHA256(secret, user_id).
// The same user and secret always give the same pseudonym; without the
// secret it cannot be linked back to the user id (no dictionary attack on
// short ids). Callers with no user id leave the field out rather than
// logging the pseudonym of "". Thread-safe.
std::string Pseudonym(std::string_view user_id, std::string_view secret);

// A fresh secret for Pseudonym: 32 random bytes as 64 lower-case hex digits.
// For a gateway started without one: pseudonyms then differ from run to run.
std::string RandomSecret();

}  // namespace aigc::gateway_auth

#endif  // AIGC_SERVICES_GATEWAY_AUTH_PSEUDONYM_H_
