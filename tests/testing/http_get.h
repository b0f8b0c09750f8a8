#ifndef AIGC_TESTS_TESTING_HTTP_GET_H_
#define AIGC_TESTS_TESTING_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace aigc::testing {

// Fetches http://127.0.0.1:<port><path> with a plain HTTP/1.0 GET and returns
// the body. Fails when the connection fails, the status is not 200 or the
// answer takes longer than `timeout`.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path,
                                    absl::Duration timeout = absl::Seconds(5));

}  // namespace aigc::testing

#endif  // AIGC_TESTS_TESTING_HTTP_GET_H_
