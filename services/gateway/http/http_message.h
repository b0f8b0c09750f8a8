// HTTP/1.1 requests and responses as the gateway's HTTP/JSON façade sees
// them, and the parser of a request's head (RFC 9112): request line, header
// fields (names case-insensitive) and a Content-Length body. Transfer codings
// (chunked bodies) are not supported.
#ifndef AIGC_SERVICES_GATEWAY_HTTP_HTTP_MESSAGE_H_
#define AIGC_SERVICES_GATEWAY_HTTP_HTTP_MESSAGE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aigc::gateway_http {

// Header fields in the order received (or to send); names are lower-case in
// a parsed request.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;     // case-sensitive, e.g. "POST"
  std::string target;     // as sent, e.g. "/v1/recommend?x=1"
  std::string path;       // the target's path, e.g. "/v1/recommend"
  int minor_version = 1;  // HTTP/1.<minor_version>: 0 or 1
  HeaderList headers;
  std::string body;

  // The value of the first header field named `name` (lower-case), or nullptr.
  const std::string* Header(std::string_view name) const;
  // Whether the connection stays open after the response: HTTP/1.1 unless
  // "connection: close", HTTP/1.0 only with "connection: keep-alive".
  bool KeepAlive() const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;  // besides content-length and connection, which the server sets
  std::string body;
};

// The bounds of one request; beyond them the request is refused.
struct ParseLimits {
  // Request line and header fields, terminating empty line included (431).
  std::size_t max_head_bytes = 16 << 10;
  // Header fields (431).
  std::size_t max_header_fields = 100;
  // Content-Length (413).
  std::size_t max_body_bytes = 4 << 20;
};

enum class ParseState { kIncomplete, kComplete, kError };

// What ParseHead found at the start of a buffer.
struct ParsedHead {
  ParseState state = ParseState::kIncomplete;
  // kComplete: the request without its body; head_bytes is the size of the
  // head in the buffer, content_length that of the body that follows it.
  HttpRequest request;
  std::size_t head_bytes = 0;
  std::size_t content_length = 0;
  // kComplete: the client sent "expect: 100-continue".
  bool expect_continue = false;
  // kError: the status to answer with (400, 413, 431, 501, 505) and why.
  int error_status = 0;
  std::string error_message;
};

// Parses the head of the request at the start of `buffer`: kIncomplete while
// the empty line that ends it has not arrived (and the head is within
// limits), kComplete with the request, or kError with the status to answer
// and close the connection with. Empty lines before the request line are
// skipped; lines may end in CRLF or a bare LF. Never reads past the head.
ParsedHead ParseHead(std::string_view buffer, const ParseLimits& limits);

// What ParseRequest found.
struct ParsedRequest {
  ParseState state = ParseState::kIncomplete;
  HttpRequest request;       // kComplete, body included
  std::size_t consumed = 0;  // kComplete: bytes of the buffer the request took
  int error_status = 0;      // kError, as ParsedHead
  std::string error_message;
};

// ParseHead, then the body: kComplete once the whole body is in `buffer`.
ParsedRequest ParseRequest(std::string_view buffer, const ParseLimits& limits);

// The reason phrase of an HTTP status code, e.g. "Not Found"; "Unknown" for
// codes it does not know.
std::string_view ReasonPhrase(int status);

// The response's bytes on the wire: status line, `response.headers`,
// content-length and connection (keep-alive or close), then the body.
std::string SerializeResponse(const HttpResponse& response, bool keep_alive);

}  // namespace aigc::gateway_http

#endif  // AIGC_SERVICES_GATEWAY_HTTP_HTTP_MESSAGE_H_
