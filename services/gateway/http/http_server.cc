#include "services/gateway/http/http_server.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace aigc::gateway_http {
namespace {

constexpr std::size_t kReadChunkBytes = 64 << 10;
// The longest a thread sleeps in poll() before it looks at stopping_ again.
constexpr absl::Duration kPollSlice = absl::Milliseconds(100);

int PollTimeoutMs(absl::Duration timeout) {
  timeout = std::clamp(timeout, absl::ZeroDuration(), kPollSlice);
  return static_cast<int>(absl::ToInt64Milliseconds(absl::Ceil(timeout, absl::Milliseconds(1))));
}

// The listening socket on host:port (non-blocking, close-on-exec), and the
// bound port.
absl::StatusOr<std::pair<int, int>> Listen(const std::string& host, int port) {
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses); rc != 0) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", host, ": ", gai_strerror(rc)));
  }
  std::string error = "no address";
  int fd = -1;
  for (const addrinfo* a = addresses; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
      error = std::strerror(errno);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(addresses);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve HTTP on ", host, ":", port, ": ", error));
  }
  sockaddr_storage bound = {};
  socklen_t length = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  const int bound_port = bound.ss_family == AF_INET6
                             ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                             : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return std::make_pair(fd, bound_port);
}

}  // namespace

HttpResponse PlainTextError(int status, std::string_view message) {
  return {.status = status,
          .headers = {{"content-type", "text/plain; charset=utf-8"}},
          .body = absl::StrCat(std::string(message), "\n")};
}

struct HttpServer::Connection {
  explicit Connection(int fd) : fd(fd) {}
  ~Connection() { close(fd); }
  const int fd;
  // Bytes received and not yet consumed by a request.
  std::string buffer;
  // Since when the connection has waited for a request.
  absl::Time idle_since = absl::Now();
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(HttpServerOptions options,
                                                               HttpHandler handler) {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("port: ", options.port, " is out of range [0, 65535]"));
  }
  if (options.worker_threads < 1) return absl::InvalidArgumentError("worker_threads: must be >= 1");
  if (options.max_connections < 1) {
    return absl::InvalidArgumentError("max_connections: must be >= 1");
  }
  if (options.idle_timeout <= absl::ZeroDuration() ||
      options.request_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("idle_timeout, request_timeout: must be > 0");
  }
  if (handler == nullptr || options.render_error == nullptr) {
    return absl::InvalidArgumentError("handler, render_error: required");
  }
  absl::StatusOr<std::pair<int, int>> listener = Listen(options.host, options.port);
  if (!listener.ok()) return listener.status();
  int wake[2];
  if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) {
    close(listener->first);
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  return std::unique_ptr<HttpServer>(new HttpServer(
      std::move(options), std::move(handler), listener->first, listener->second, wake[0], wake[1]));
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler, int listener, int port,
                       int wake_read, int wake_write)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      listener_(listener),
      port_(port),
      wake_read_(wake_read),
      wake_write_(wake_write) {
  poller_ = std::thread([this] { PollLoop(); });
  for (int i = 0; i < options_.worker_threads; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

HttpServer::~HttpServer() {
  stopping_ = true;
  Wake();
  poller_.join();  // closes the idle connections
  {
    absl::MutexLock lock(&mu_);
    workers_stop_ = true;
  }
  for (std::thread& worker : workers_) worker.join();
  {
    absl::MutexLock lock(&mu_);
    for (auto& connection : returned_) Close(std::move(connection));
    returned_.clear();
  }
  close(listener_);
  close(wake_read_);
  close(wake_write_);
}

void HttpServer::Wake() {
  const char byte = 0;
  // A full pipe already wakes the poller.
  [[maybe_unused]] const ssize_t n = write(wake_write_, &byte, 1);
}

void HttpServer::Close(std::unique_ptr<Connection> connection) {
  connection.reset();
  --open_connections_;
}

void HttpServer::PollLoop() {
  std::vector<std::unique_ptr<Connection>> idle;
  std::vector<pollfd> fds;
  while (!stopping_) {
    {
      absl::MutexLock lock(&mu_);
      for (auto& connection : returned_) idle.push_back(std::move(connection));
      returned_.clear();
    }
    fds.assign({{.fd = listener_, .events = POLLIN, .revents = 0},
                {.fd = wake_read_, .events = POLLIN, .revents = 0}});
    absl::Time now = absl::Now();
    absl::Duration timeout = kPollSlice;
    for (const auto& connection : idle) {
      fds.push_back({.fd = connection->fd, .events = POLLIN, .revents = 0});
      timeout = std::min(timeout, connection->idle_since + options_.idle_timeout - now);
    }
    if (poll(fds.data(), fds.size(), PollTimeoutMs(timeout)) < 0 && errno != EINTR) {
      PLOG(ERROR) << "HTTP server: poll";
    }
    if (fds[1].revents != 0) {
      char drain[64];
      while (read(wake_read_, drain, sizeof drain) > 0) {
      }
    }
    if (stopping_) break;

    now = absl::Now();
    std::vector<std::unique_ptr<Connection>> still_idle;
    std::vector<std::unique_ptr<Connection>> ready;
    for (std::size_t i = 0; i < idle.size(); ++i) {
      if (fds[i + 2].revents != 0) {
        ready.push_back(std::move(idle[i]));
      } else if (now - idle[i]->idle_since >= options_.idle_timeout) {
        Close(std::move(idle[i]));
      } else {
        still_idle.push_back(std::move(idle[i]));
      }
    }
    idle = std::move(still_idle);
    if (!ready.empty()) {
      absl::MutexLock lock(&mu_);
      for (auto& connection : ready) ready_.push_back(std::move(connection));
    }

    if ((fds[0].revents & POLLIN) == 0) continue;
    while (true) {
      const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
          // E.g. out of file descriptors: try again a little later.
          PLOG(WARNING) << "HTTP server: accept";
          absl::SleepFor(absl::Milliseconds(10));
        }
        break;
      }
      auto connection = std::make_unique<Connection>(fd);
      if (open_connections_ >= options_.max_connections) {
        // Best effort, on a fresh socket whose send buffer is empty.
        const std::string refusal = SerializeResponse(
            options_.render_error(503, "too many connections; try again later"), false);
        [[maybe_unused]] const ssize_t n = send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL);
        shutdown(fd, SHUT_WR);
        continue;
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ++open_connections_;
      idle.push_back(std::move(connection));
    }
  }
  for (auto& connection : idle) Close(std::move(connection));
}

void HttpServer::WorkerLoop() {
  while (true) {
    std::unique_ptr<Connection> connection;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](HttpServer* server) ABSL_EXCLUSIVE_LOCKS_REQUIRED(server->mu_) {
            return !server->ready_.empty() || server->workers_stop_;
          },
          this));
      // After the stop, the connections queued before it are still served.
      if (ready_.empty()) return;
      connection = std::move(ready_.front());
      ready_.pop_front();
    }
    if (Serve(*connection) && !stopping_) {
      connection->idle_since = absl::Now();
      {
        absl::MutexLock lock(&mu_);
        returned_.push_back(std::move(connection));
      }
      Wake();
    } else {
      Close(std::move(connection));
    }
  }
}

bool HttpServer::Serve(Connection& connection) {
  absl::Time deadline = absl::Now() + options_.request_timeout;
  bool sent_continue = false;
  std::string chunk(kReadChunkBytes, '\0');
  while (true) {
    ParsedHead head = ParseHead(connection.buffer, options_.limits);
    if (head.state == ParseState::kError) {
      Send(connection,
           SerializeResponse(options_.render_error(head.error_status, head.error_message), false));
      return false;
    }
    if (head.state == ParseState::kComplete) {
      const std::size_t size = head.head_bytes + head.content_length;
      if (connection.buffer.size() >= size) {
        HttpRequest request = std::move(head.request);
        request.body = connection.buffer.substr(head.head_bytes, head.content_length);
        connection.buffer.erase(0, size);
        HttpResponse response;
        try {
          response = handler_(request);
        } catch (const std::exception& e) {
          LOG(ERROR) << "HTTP handler threw on " << request.path << ": " << e.what();
          response = options_.render_error(500, "internal error");
        }
        const bool keep_alive = request.KeepAlive() && !stopping_;
        if (!Send(connection, SerializeResponse(response, keep_alive)) || !keep_alive) {
          return false;
        }
        if (connection.buffer.empty()) return true;
        // A pipelined request follows.
        deadline = absl::Now() + options_.request_timeout;
        sent_continue = false;
        continue;
      }
      if (head.expect_continue && !sent_continue) {
        sent_continue = true;
        if (!Send(connection, "HTTP/1.1 100 Continue\r\n\r\n")) return false;
      }
    }
    const ssize_t n = recv(connection.fd, chunk.data(), chunk.size(), 0);
    if (n > 0) {
      connection.buffer.append(chunk.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return false;  // closed by the client; a partial request is dropped
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
    if (stopping_) return false;
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      if (!connection.buffer.empty()) {
        Send(connection,
             SerializeResponse(options_.render_error(408, "request not received in time"), false));
      }
      return false;
    }
    pollfd fd = {.fd = connection.fd, .events = POLLIN, .revents = 0};
    poll(&fd, 1, PollTimeoutMs(deadline - now));
  }
}

bool HttpServer::Send(Connection& connection, const std::string& bytes) {
  const absl::Time deadline = absl::Now() + options_.request_timeout;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(connection.fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
    const absl::Time now = absl::Now();
    if (now >= deadline) return false;
    pollfd fd = {.fd = connection.fd, .events = POLLOUT, .revents = 0};
    poll(&fd, 1, PollTimeoutMs(deadline - now));
  }
  return true;
}

}  // namespace aigc::gateway_http
