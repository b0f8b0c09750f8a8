#include "services/gateway/http/http_message.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace aigc::gateway_http {
namespace {

// RFC 9110 tchar: the characters of a method or a field name.
bool IsTokenChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Visible characters, spaces and tabs: what a field value may hold.
bool IsFieldValue(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t') return false;
    if (u == 0x7f) return false;
  }
  return true;
}

// Debian's absl::string_view is not std::string_view: these few helpers take
// the standard one.
std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = s.find(separator);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

ParsedHead Error(int status, std::string message) {
  ParsedHead head;
  head.state = ParseState::kError;
  head.error_status = status;
  head.error_message = std::move(message);
  return head;
}

// A Content-Length value: 1 to 18 digits (larger is refused as too large
// anyway, so it needs no overflow check).
std::optional<std::size_t> ParseContentLength(std::string_view value) {
  if (value.empty() || value.size() > 18) return std::nullopt;
  std::size_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

// Parses the request line into `request`; returns an error head or nullopt.
std::optional<ParsedHead> ParseRequestLine(std::string_view line, HttpRequest& request) {
  const std::vector<std::string_view> parts = Split(line, ' ');
  if (parts.size() != 3 || !IsToken(parts[0]) || parts[1].empty()) {
    return Error(400, "malformed request line");
  }
  request.method = std::string(parts[0]);
  std::string_view target = parts[1];
  for (char c : target) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return Error(400, "malformed request target");
  }
  request.target = std::string(target);
  // absolute-form (RFC 9112 3.2.2) is accepted: its authority is ignored.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (StartsWithIgnoreCase(target, scheme)) {
      target.remove_prefix(scheme.size());
      const std::size_t slash = target.find('/');
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  if (target.front() != '/') return Error(400, "request target must be a path");
  request.path = std::string(target.substr(0, target.find_first_of("?#")));
  const std::string_view version = parts[2];
  if (version == "HTTP/1.1") {
    request.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    request.minor_version = 0;
  } else if (version.size() == 8 && version.starts_with("HTTP/") &&
             absl::ascii_isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
             absl::ascii_isdigit(static_cast<unsigned char>(version[7]))) {
    return Error(505, absl::StrCat("HTTP version ", std::string(version), " is not supported"));
  } else {
    return Error(400, "malformed HTTP version");
  }
  return std::nullopt;
}

}  // namespace

const std::string* HttpRequest::Header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (field == name) return &value;
  }
  return nullptr;
}

bool HttpRequest::KeepAlive() const {
  bool close = minor_version == 0;
  for (const auto& [field, value] : headers) {
    if (field != "connection") continue;
    for (std::string_view option : Split(value, ',')) {
      option = TrimOws(option);
      if (EqualsIgnoreCase(option, "close")) return false;
      if (EqualsIgnoreCase(option, "keep-alive")) close = false;
    }
  }
  return !close;
}

ParsedHead ParseHead(std::string_view buffer, const ParseLimits& limits) {
  // Skip empty lines before the request line (RFC 9112 2.2).
  std::size_t pos = 0;
  while (pos < buffer.size() && (buffer[pos] == '\r' || buffer[pos] == '\n')) ++pos;
  const std::size_t start = pos;
  ParsedHead head;
  bool request_line = true;
  while (true) {
    const std::size_t eol = buffer.find('\n', pos);
    const std::size_t used = (eol == std::string_view::npos ? buffer.size() : eol + 1) - start;
    if (used > limits.max_head_bytes) {
      return Error(431, absl::StrCat("request line and header fields exceed ",
                                     limits.max_head_bytes, " bytes"));
    }
    if (eol == std::string_view::npos) return ParsedHead{};  // kIncomplete
    std::string_view line = buffer.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (request_line) {
      if (auto error = ParseRequestLine(line, head.request)) return *std::move(error);
      request_line = false;
      continue;
    }
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      return Error(400, "obsolete line folding in header fields");
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return Error(400, "malformed header field");
    }
    const std::string_view value = TrimOws(line.substr(colon + 1));
    if (!IsFieldValue(value)) return Error(400, "malformed header field value");
    if (head.request.headers.size() == limits.max_header_fields) {
      return Error(431, absl::StrCat("more than ", limits.max_header_fields, " header fields"));
    }
    std::string name(line.substr(0, colon));
    absl::AsciiStrToLower(&name);
    head.request.headers.emplace_back(std::move(name), std::string(value));
  }
  head.head_bytes = pos;

  std::optional<std::size_t> content_length;
  for (const auto& [field, value] : head.request.headers) {
    if (field == "transfer-encoding") {
      return Error(501, "transfer-encoding is not supported; send content-length");
    }
    if (field != "content-length") continue;
    // A list ("5, 5") or repeated fields must all agree (RFC 9110 8.6).
    for (std::string_view item : Split(value, ',')) {
      const std::optional<std::size_t> n = ParseContentLength(TrimOws(item));
      if (!n.has_value() || (content_length.has_value() && *content_length != *n)) {
        return Error(400, "invalid content-length");
      }
      content_length = n;
    }
  }
  head.content_length = content_length.value_or(0);
  if (head.content_length > limits.max_body_bytes) {
    return Error(413, absl::StrCat("body of ", head.content_length, " bytes exceeds ",
                                   limits.max_body_bytes, " bytes"));
  }
  if (head.request.minor_version == 1 && head.request.Header("host") == nullptr) {
    return Error(400, "an HTTP/1.1 request needs a host header field");
  }
  if (const std::string* expect = head.request.Header("expect")) {
    if (!EqualsIgnoreCase(*expect, "100-continue")) {
      return Error(417, absl::StrCat("unsupported expectation: ", *expect));
    }
    head.expect_continue = head.request.minor_version == 1;
  }
  head.state = ParseState::kComplete;
  return head;
}

ParsedRequest ParseRequest(std::string_view buffer, const ParseLimits& limits) {
  ParsedHead head = ParseHead(buffer, limits);
  ParsedRequest parsed;
  parsed.state = head.state;
  if (head.state == ParseState::kError) {
    parsed.error_status = head.error_status;
    parsed.error_message = std::move(head.error_message);
    return parsed;
  }
  if (head.state == ParseState::kIncomplete ||
      buffer.size() - head.head_bytes < head.content_length) {
    parsed.state = ParseState::kIncomplete;
    return parsed;
  }
  parsed.request = std::move(head.request);
  parsed.request.body = std::string(buffer.substr(head.head_bytes, head.content_length));
  parsed.consumed = head.head_bytes + head.content_length;
  return parsed;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 417:
      return "Expectation Failed";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string SerializeResponse(const HttpResponse& response, bool keep_alive) {
  std::string out = absl::StrCat("HTTP/1.1 ", response.status, " ",
                                 std::string(ReasonPhrase(response.status)), "\r\n");
  for (const auto& [field, value] : response.headers)
    absl::StrAppend(&out, field, ": ", value, "\r\n");
  absl::StrAppend(&out, "content-length: ", response.body.size(), "\r\n",
                  "connection: ", keep_alive ? "keep-alive" : "close", "\r\n\r\n");
  out += response.body;
  return out;
}

}  // namespace aigc::gateway_http
