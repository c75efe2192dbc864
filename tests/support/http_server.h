// A small HTTP/1.1 server for the Http CUT's tests, on 127.0.0.1 and an
// ephemeral port, one thread per connection, keep-alive by default.
//
// Routes (bodies up to a few MB):
//   /ok          200 "hello"
//   /missing     404 "not found" (and any path not listed here)
//   /echo        200 "<method> <body bytes>"
//   /slow        200 after 2 s (cut short when the server stops)
//   /drop-second 200 "kept", except the second request of a connection,
//                which is read and then answered by closing the connection
//   /drop        every request but a HEAD read and answered by closing the
//                connection (a HEAD gets 200)
//   /bytes/N     200, a body of N bytes ('b'), with Content-Length
//   /chunked/N   200, N bytes ('c') sent chunked, in chunks of ceil(N/3)
//                bytes, at most 64 KiB (several when N > 1), no trailer
//   /mirror      200, the request's body sent back (Content-Length)
//   /close       200 "closing" with "Connection: close", then the server
//                closes the connection
//   /interim     "100 Continue", "102 Processing" (a field), then 200 "after"
//   /until-close 200 with neither Content-Length nor chunking, a body
//                ended by closing the connection
//   /truncated   200 announcing a 10-byte body, 5 bytes of it ("short"),
//                then the connection closed
//   /early       413 "big!" as soon as the head is read, before the body;
//                the body is then read and the connection kept
//   /not-modified 304 with "Content-Length: 1234" and no body (as a 304
//                says the length of what it does not send)
// A HEAD request gets the head its GET would get, without the body. It
// counts connections and the raw bytes read and written, and keeps every
// request it parsed (with its raw head), for the tests to compare with what
// the CUT recorded.
//
// Thread safety: the accessors may be called from any thread.
#ifndef PYLOGEN_TESTS_SUPPORT_HTTP_SERVER_H_
#define PYLOGEN_TESTS_SUPPORT_HTTP_SERVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pylogen::testing {

struct SeenRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::size_t body_size = 0;
  std::string raw_head;  // as received: request line to the blank line, inclusive
  int connection = 0;    // 1-based accept order
  int index = 0;         // 1-based rank on its connection
};

class HttpServer {
 public:
  HttpServer();  // listens and serves until destroyed
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path) const;

  int connections() const { return connections_.load(); }
  std::uint64_t bytes_read() const { return bytes_read_.load(); }
  std::uint64_t bytes_written() const { return bytes_written_.load(); }
  std::vector<SeenRequest> requests() const;

 private:
  void AcceptLoop();
  void Serve(int fd, int connection);
  bool HandleOne(int fd, int connection, int index, std::string& buffer);
  bool Send(int fd, const std::string& bytes);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<std::uint64_t> bytes_read_{0};
  std::atomic<std::uint64_t> bytes_written_{0};
  mutable std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// A TCP port on 127.0.0.1 that refuses connections: bound, never listening,
// so that no other socket can take it while the object lives.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace pylogen::testing

#endif  // PYLOGEN_TESTS_SUPPORT_HTTP_SERVER_H_
