// A small HTTP/1.1 server on POSIX sockets for the gateway's HTTP/JSON
// façade: one poller thread accepts connections and watches the idle ones,
// a fixed pool of workers reads, handles and answers one request at a time
// per connection. Keep-alive with an idle timeout; Content-Length bodies
// only; everything bounded (head size, body size, connections).
//
//   auto server = HttpServer::Create({.port = 0}, [](const HttpRequest& r) {
//     return HttpResponse{.status = 200, .body = "hello"};
//   });
//   int port = (*server)->port();
//   ...
//   server->reset();  // stops: see ~HttpServer
#ifndef AIGC_SERVICES_GATEWAY_HTTP_HTTP_SERVER_H_
#define AIGC_SERVICES_GATEWAY_HTTP_HTTP_SERVER_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/gateway/http/http_message.h"

namespace aigc::gateway_http {

// Answers one request. Called on a worker thread, concurrently for requests
// on different connections; must be thread-safe. Should not throw (an
// exception is answered with 500).
using HttpHandler = std::function<HttpResponse(const HttpRequest& request)>;

// The response to a request the server refuses itself (status 400, 408, 413,
// 417, 431, 501, 503, 505) with a message saying why.
using HttpErrorRenderer = std::function<HttpResponse(int status, std::string_view message)>;

// A text/plain response whose body is the message: the default renderer.
HttpResponse PlainTextError(int status, std::string_view message);

struct HttpServerOptions {
  // Address to bind: an IPv4 or IPv6 address or a host name.
  std::string host = "127.0.0.1";
  // Port; 0 picks a free one (see HttpServer::port).
  int port = 0;
  // Requests handled at once (the worker pool), >= 1.
  int worker_threads = 8;
  // Open connections, >= 1; a connection beyond them is answered 503 and
  // closed.
  int max_connections = 256;
  // A kept-alive connection with no request for this long is closed.
  absl::Duration idle_timeout = absl::Seconds(30);
  // Once a request's first byte has arrived, the whole request must arrive
  // within this (else 408 and close); also bounds writing a response.
  absl::Duration request_timeout = absl::Seconds(30);
  ParseLimits limits;
  HttpErrorRenderer render_error = PlainTextError;
};

class HttpServer {
 public:
  // Binds host:port and starts serving with `handler`. Fails with
  // INVALID_ARGUMENT for invalid options and UNAVAILABLE when the address
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Create(HttpServerOptions options,
                                                            HttpHandler handler);

  // Stops: closes the listener and the idle connections, lets the requests
  // being handled finish (their responses say "connection: close"), drops
  // requests not yet fully received, and joins every thread.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port.
  int port() const { return port_; }

 private:
  struct Connection;

  HttpServer(HttpServerOptions options, HttpHandler handler, int listener, int port, int wake_read,
             int wake_write);

  void PollLoop();
  void WorkerLoop();
  // Reads, handles and answers requests on `connection` until it has no
  // complete request buffered; returns whether it stays open.
  bool Serve(Connection& connection);
  // Answers `response`; returns whether all of it was written.
  bool Send(Connection& connection, const std::string& bytes);
  void Close(std::unique_ptr<Connection> connection);
  void Wake();

  const HttpServerOptions options_;
  const HttpHandler handler_;
  const int listener_;
  const int port_;
  // The poller sleeps in poll(); a byte on this pipe wakes it.
  const int wake_read_;
  const int wake_write_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> open_connections_{0};

  absl::Mutex mu_;
  // Connections with bytes to read, for the workers.
  std::deque<std::unique_ptr<Connection>> ready_ ABSL_GUARDED_BY(mu_);
  // Kept-alive connections the workers hand back to the poller.
  std::vector<std::unique_ptr<Connection>> returned_ ABSL_GUARDED_BY(mu_);
  bool workers_stop_ ABSL_GUARDED_BY(mu_) = false;

  std::thread poller_;
  std::vector<std::thread> workers_;
};

}  // namespace aigc::gateway_http

#endif  // AIGC_SERVICES_GATEWAY_HTTP_HTTP_SERVER_H_
