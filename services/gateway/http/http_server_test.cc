#include "services/gateway/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace aigc::gateway_http {
namespace {

using ::testing::HasSubstr;

struct Response {
  int status = 0;  // 0: the connection closed (or timed out) first
  std::string head;
  std::string body;
};

// A blocking loopback client; every read gives up after 10 s.
class Client {
 public:
  explicit Client(int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    const timeval timeout = {.tv_sec = 10, .tv_usec = 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~Client() { close(fd_); }

  bool connected() const { return connected_; }

  void Send(const std::string& bytes) {
    ASSERT_EQ(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }

  // The next response (a 100 Continue interim one included).
  Response Read() {
    Response response;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return response;
    }
    response.head = buffer_.substr(0, end + 4);
    buffer_.erase(0, end + 4);
    response.status = std::stoi(response.head.substr(9, 3));
    std::size_t length = 0;
    if (const std::size_t at = response.head.find("content-length: "); at != std::string::npos) {
      length = std::stoul(response.head.substr(at + 16));
    }
    while (buffer_.size() < length) {
      if (!Fill()) return {};
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  // Whether the server closed the connection (within the read timeout).
  bool Closed() {
    while (buffer_.empty()) {
      char c;
      const ssize_t n = recv(fd_, &c, 1, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
      if (n < 0) return false;
      buffer_ += c;
    }
    return false;
  }

 private:
  bool Fill() {
    char chunk[4096];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  const int fd_;
  bool connected_ = false;
  std::string buffer_;
};

// Answers with the method, path and body it was given.
HttpResponse Echo(const HttpRequest& request) {
  return {.status = 200,
          .headers = {{"content-type", "text/plain"}},
          .body = absl::StrCat(request.method, " ", request.path, " ", request.body)};
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options, HttpHandler handler = Echo) {
  options.host = "127.0.0.1";
  options.port = 0;
  auto server = HttpServer::Create(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(HttpServerTest, AnswersRequestsOnAKeptAliveConnection) {
  const auto server = StartServer({.worker_threads = 2});
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  Client client(server->port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    client.Send("POST /v1/echo HTTP/1.1\r\nhost: t\r\ncontent-length: 5\r\n\r\nhello");
    const Response response = client.Read();
    EXPECT_EQ(response.status, 200) << i;
    EXPECT_THAT(response.head, HasSubstr("connection: keep-alive"));
    EXPECT_EQ(response.body, "POST /v1/echo hello");
  }
}

TEST(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  const auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.Send(
      "POST /a HTTP/1.1\r\nhost: t\r\ncontent-length: 1\r\n\r\n1"
      "POST /b HTTP/1.1\r\nhost: t\r\ncontent-length: 1\r\n\r\n2");
  EXPECT_EQ(client.Read().body, "POST /a 1");
  EXPECT_EQ(client.Read().body, "POST /b 2");
}

TEST(HttpServerTest, ClosesAfterConnectionCloseAndHttp10) {
  const auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  for (const char* wire :
       {"GET /x HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n", "GET /x HTTP/1.0\r\n\r\n"}) {
    Client client(server->port());
    client.Send(wire);
    const Response response = client.Read();
    EXPECT_EQ(response.status, 200) << wire;
    EXPECT_THAT(response.head, HasSubstr("connection: close"));
    EXPECT_TRUE(client.Closed()) << wire;
  }
}

TEST(HttpServerTest, MalformedOrOversizedRequestIsRefusedAndClosed) {
  HttpServerOptions options;
  options.limits.max_body_bytes = 16;
  const auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  struct Case {
    std::string wire;
    int status;
  };
  for (const Case& c : {Case{"NOT HTTP\r\n\r\n", 400},
                        Case{"POST /x HTTP/1.1\r\nhost: t\r\ncontent-length: 17\r\n\r\n", 413},
                        Case{"GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", 431}}) {
    Client client(server->port());
    client.Send(c.wire);
    const Response response = client.Read();
    EXPECT_EQ(response.status, c.status);
    EXPECT_THAT(response.head, HasSubstr("connection: close"));
    EXPECT_TRUE(client.Closed());
  }
}

TEST(HttpServerTest, SendsContinueBeforeTheBody) {
  const auto server = StartServer({});
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.Send("POST /x HTTP/1.1\r\nhost: t\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n");
  EXPECT_EQ(client.Read().status, 100);
  client.Send("ok");
  EXPECT_EQ(client.Read().body, "POST /x ok");
}

TEST(HttpServerTest, ErrorsUseTheRenderer) {
  HttpServerOptions options;
  options.render_error = [](int status, std::string_view message) {
    return HttpResponse{.status = status, .body = absl::StrCat("custom: ", std::string(message))};
  };
  const auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.Send("GET /x HTTP/9.9\r\n\r\n");
  const Response response = client.Read();
  EXPECT_EQ(response.status, 505);
  EXPECT_THAT(response.body, HasSubstr("custom: HTTP version HTTP/9.9"));
}

TEST(HttpServerTest, ConnectionsBeyondTheBoundGet503) {
  const auto server = StartServer({.max_connections = 1});
  ASSERT_NE(server, nullptr);
  Client first(server->port());
  first.Send("GET /x HTTP/1.1\r\nhost: t\r\n\r\n");
  ASSERT_EQ(first.Read().status, 200);  // the first connection is open and counted
  Client second(server->port());
  EXPECT_EQ(second.Read().status, 503);
  EXPECT_TRUE(second.Closed());
  first.Send("GET /x HTTP/1.1\r\nhost: t\r\n\r\n");
  EXPECT_EQ(first.Read().status, 200);
}

TEST(HttpServerTest, IdleConnectionIsClosed) {
  const auto server = StartServer({.idle_timeout = absl::Milliseconds(100)});
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.Send("GET /x HTTP/1.1\r\nhost: t\r\n\r\n");
  EXPECT_EQ(client.Read().status, 200);
  EXPECT_TRUE(client.Closed());
}

TEST(HttpServerTest, HandlerExceptionIs500) {
  const auto server =
      StartServer({}, [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.Send("GET /x HTTP/1.1\r\nhost: t\r\n\r\n");
  EXPECT_EQ(client.Read().status, 500);
}

TEST(HttpServerTest, StopFinishesTheRequestInFlightAndClosesIdleConnections) {
  absl::Notification entered;
  absl::Notification release;
  auto server = StartServer({}, [&](const HttpRequest& request) {
    entered.Notify();
    release.WaitForNotification();
    return Echo(request);
  });
  ASSERT_NE(server, nullptr);
  Client idle(server->port());
  Client busy(server->port());
  busy.Send("POST /slow HTTP/1.1\r\nhost: t\r\ncontent-length: 1\r\n\r\nx");
  entered.WaitForNotification();
  std::thread stopper([&server] { server.reset(); });
  release.Notify();
  stopper.join();
  const Response response = busy.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "POST /slow x");
  // Closed after the answer, whether or not the stop had begun when the
  // handler returned.
  EXPECT_TRUE(busy.Closed());
  EXPECT_TRUE(idle.Closed());
}

TEST(HttpServerTest, CreateRefusesInvalidOptions) {
  EXPECT_FALSE(HttpServer::Create({.port = 70000}, Echo).ok());
  EXPECT_FALSE(HttpServer::Create({.worker_threads = 0}, Echo).ok());
  EXPECT_FALSE(HttpServer::Create({}, nullptr).ok());
}

}  // namespace
}  // namespace aigc::gateway_http
