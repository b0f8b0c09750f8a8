#include "services/gateway/http/http_message.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::gateway_http {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;

TEST(ParseRequestTest, ParsesAPostWithItsBody) {
  const std::string wire =
      "POST /v1/recommend?debug=1 HTTP/1.1\r\nHost: gw\r\nX-Api-Key:  k1 \r\n"
      "Content-Length: 2\r\n\r\n{}GET";
  const ParsedRequest parsed = ParseRequest(wire, {});
  ASSERT_EQ(parsed.state, ParseState::kComplete) << parsed.error_message;
  EXPECT_EQ(parsed.request.method, "POST");
  EXPECT_EQ(parsed.request.target, "/v1/recommend?debug=1");
  EXPECT_EQ(parsed.request.path, "/v1/recommend");
  EXPECT_EQ(parsed.request.minor_version, 1);
  EXPECT_THAT(parsed.request.headers,
              ::testing::ElementsAre(Pair("host", "gw"), Pair("x-api-key", "k1"),
                                     Pair("content-length", "2")));
  ASSERT_NE(parsed.request.Header("x-api-key"), nullptr);
  EXPECT_EQ(*parsed.request.Header("x-api-key"), "k1");
  EXPECT_EQ(parsed.request.Header("X-Api-Key"), nullptr);  // names are lower-case
  EXPECT_EQ(parsed.request.body, "{}");
  EXPECT_EQ(parsed.consumed, wire.size() - 3);  // the next request's bytes stay
  EXPECT_TRUE(parsed.request.KeepAlive());
}

TEST(ParseRequestTest, AcceptsBareLineFeedsAndLeadingEmptyLines) {
  const ParsedRequest parsed = ParseRequest("\r\n\nGET / HTTP/1.0\n\n", {});
  ASSERT_EQ(parsed.state, ParseState::kComplete) << parsed.error_message;
  EXPECT_EQ(parsed.request.path, "/");
  EXPECT_EQ(parsed.request.minor_version, 0);
  EXPECT_FALSE(parsed.request.KeepAlive());
}

TEST(ParseRequestTest, AbsoluteFormTargetIsReducedToItsPath) {
  const ParsedRequest parsed =
      ParseRequest("POST http://gw:8080/v1/x HTTP/1.1\r\nhost: gw\r\n\r\n", {});
  ASSERT_EQ(parsed.state, ParseState::kComplete) << parsed.error_message;
  EXPECT_EQ(parsed.request.path, "/v1/x");
}

TEST(ParseRequestTest, ConnectionHeaderDecidesKeepAlive) {
  struct Case {
    const char* wire;
    bool keep_alive;
  };
  for (const Case& c : {
           Case{"GET / HTTP/1.1\r\nhost: h\r\nconnection: close\r\n\r\n", false},
           Case{"GET / HTTP/1.1\r\nhost: h\r\nConnection: Keep-Alive, Upgrade\r\n\r\n", true},
           Case{"GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n", true},
           Case{"GET / HTTP/1.0\r\n\r\n", false},
       }) {
    const ParsedRequest parsed = ParseRequest(c.wire, {});
    ASSERT_EQ(parsed.state, ParseState::kComplete) << c.wire;
    EXPECT_EQ(parsed.request.KeepAlive(), c.keep_alive) << c.wire;
  }
}

TEST(ParseRequestTest, IncompleteUntilHeadAndBodyHaveArrived) {
  for (const char* wire : {"", "POST", "POST /v1/x HTTP/1.1\r\nhost: h\r\n",
                           "POST /v1/x HTTP/1.1\r\nhost: h\r\ncontent-length: 5\r\n\r\n{}"}) {
    EXPECT_EQ(ParseRequest(wire, {}).state, ParseState::kIncomplete) << wire;
  }
}

TEST(ParseHeadTest, ReportsExpectContinueAndTheBodyLength) {
  const ParsedHead head = ParseHead(
      "POST /v1/x HTTP/1.1\r\nhost: h\r\nexpect: 100-continue\r\ncontent-length: 10\r\n\r\n", {});
  ASSERT_EQ(head.state, ParseState::kComplete) << head.error_message;
  EXPECT_TRUE(head.expect_continue);
  EXPECT_EQ(head.content_length, 10u);
}

TEST(ParseRequestTest, RefusesMalformedRequests) {
  struct Case {
    const char* wire;
    int status;
    const char* message;
  };
  for (const Case& c : {
           Case{"POST /v1/x\r\n\r\n", 400, "request line"},
           Case{"POST  /v1/x HTTP/1.1\r\nhost: h\r\n\r\n", 400, "request line"},
           Case{"PO(ST /v1/x HTTP/1.1\r\nhost: h\r\n\r\n", 400, "request line"},
           Case{"POST v1/x HTTP/1.1\r\nhost: h\r\n\r\n", 400, "path"},
           Case{"POST /v1/x HTTP/2.0\r\nhost: h\r\n\r\n", 505, "HTTP/2.0"},
           Case{"POST /v1/x HTTX/1.1\r\nhost: h\r\n\r\n", 400, "version"},
           Case{"POST /v1/x HTTP/1.1\r\n\r\n", 400, "host"},
           Case{"POST /v1/x HTTP/1.1\r\nhost: h\r\nbad header: 1\r\n\r\n", 400, "header field"},
           Case{"POST /v1/x HTTP/1.1\r\nhost: h\r\nno-colon\r\n\r\n", 400, "header field"},
           Case{"POST /v1/x HTTP/1.1\r\nhost: h\r\na: 1\r\n  folded\r\n\r\n", 400, "folding"},
           Case{"POST /v1/x HTTP/1.1\r\nhost: h\r\na: x\x01y\r\n\r\n", 400, "value"},
           Case{"POST /v1/x HTTP/1.1\r\nhost: h\r\ncontent-length: -1\r\n\r\n", 400,
                "content-length"},
           Case{"POST /v1/x HTTP/1.1\r\nhost: h\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n",
                400, "content-length"},
           Case{"POST /v1/x HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n", 501,
                "transfer-encoding"},
           Case{"POST /v1/x HTTP/1.1\r\nhost: h\r\nexpect: magic\r\n\r\n", 417, "expectation"},
       }) {
    const ParsedRequest parsed = ParseRequest(c.wire, {});
    ASSERT_EQ(parsed.state, ParseState::kError) << c.wire;
    EXPECT_EQ(parsed.error_status, c.status) << c.wire;
    EXPECT_THAT(parsed.error_message, HasSubstr(c.message)) << c.wire;
  }
}

TEST(ParseRequestTest, RefusesOversizedRequests) {
  const ParseLimits limits = {.max_head_bytes = 64, .max_header_fields = 2, .max_body_bytes = 8};
  // The head is refused as soon as it passes its bound, even unfinished.
  EXPECT_EQ(ParseRequest(std::string("GET /") + std::string(100, 'a'), limits).error_status, 431);
  EXPECT_EQ(ParseRequest("GET / HTTP/1.1\r\nhost: h\r\na: 1\r\nb: 2\r\n\r\n", limits).error_status,
            431);
  const ParsedRequest body =
      ParseRequest("POST / HTTP/1.1\r\nhost: h\r\ncontent-length: 9\r\n\r\n", limits);
  EXPECT_EQ(body.error_status, 413);
  EXPECT_THAT(body.error_message, HasSubstr("9 bytes exceeds 8"));
  // Too many digits to be a length at all.
  EXPECT_EQ(
      ParseRequest("POST / HTTP/1.1\r\nhost: h\r\ncontent-length: 99999999999999999999\r\n\r\n",
                   {.max_body_bytes = 8})
          .error_status,
      400);
  EXPECT_EQ(
      ParseRequest("POST / HTTP/1.1\r\nhost: h\r\ncontent-length: 8\r\n\r\n12345678", limits).state,
      ParseState::kComplete);
}

TEST(SerializeResponseTest, WritesStatusHeadersLengthAndConnection) {
  const HttpResponse response = {
      .status = 404, .headers = {{"content-type", "application/json"}}, .body = "{}"};
  EXPECT_EQ(SerializeResponse(response, true),
            "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n"
            "connection: keep-alive\r\n\r\n{}");
  EXPECT_THAT(SerializeResponse({.status = 429}, false),
              HasSubstr("429 Too Many Requests\r\ncontent-length: 0\r\nconnection: close\r\n"));
}

}  // namespace
}  // namespace aigc::gateway_http
