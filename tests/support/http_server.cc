#include "http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace pylogen::testing {
namespace {

// A socket bound to 127.0.0.1 on an ephemeral port, listening or not.
int BindLoopback(int* port, bool listening) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      (listening && listen(fd, 128) != 0) ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("bind/listen on 127.0.0.1 failed");
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return std::string(text);
}

// Parses "METHOD PATH HTTP/1.1\r\nName: value\r\n...". False when malformed.
bool ParseHead(std::string_view head, SeenRequest& request) {
  std::size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) return false;
  request.method = std::string(line.substr(0, sp1));
  request.path = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  while (eol != std::string_view::npos && eol + 2 < head.size()) {
    std::size_t next = head.find("\r\n", eol + 2);
    std::string_view field =
        head.substr(eol + 2, next == std::string_view::npos ? next : next - eol - 2);
    std::size_t colon = field.find(':');
    if (colon != std::string_view::npos) {
      request.headers[Lower(std::string(field.substr(0, colon)))] = Trim(field.substr(colon + 1));
    }
    eol = next;
  }
  return true;
}

}  // namespace

HttpServer::HttpServer() {
  listen_fd_ = BindLoopback(&port_, /*listening=*/true);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

HttpServer::~HttpServer() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
  }
  for (auto& thread : threads_) thread.join();
  for (int fd : open_fds_) close(fd);
  close(listen_fd_);
}

std::string HttpServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<SeenRequest> HttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

void HttpServer::AcceptLoop() {
  while (!stopping_) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_ || errno != EINTR) return;
      continue;
    }
    int connection = ++connections_;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    threads_.emplace_back([this, fd, connection] { Serve(fd, connection); });
  }
}

void HttpServer::Serve(int fd, int connection) {
  std::string buffer;
  for (int index = 1; !stopping_ && HandleOne(fd, connection, index, buffer); ++index) {
  }
  // Closed by the destructor, so that its shutdown pass never hits a reused fd.
  shutdown(fd, SHUT_RDWR);
}

// Reads one request (head and Content-Length body) and answers it. False
// when the connection is over.
bool HttpServer::HandleOne(int fd, int connection, int index, std::string& buffer) {
  auto fill = [&] {
    char chunk[16384];
    ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    bytes_read_ += static_cast<std::uint64_t>(n);
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return false;
  }
  SeenRequest request;
  request.connection = connection;
  request.index = index;
  if (!ParseHead(std::string_view(buffer).substr(0, head_end), request)) return false;
  std::size_t body = 0;
  if (auto it = request.headers.find("content-length"); it != request.headers.end()) {
    const std::string& text = it->second;
    auto parsed = std::from_chars(text.data(), text.data() + text.size(), body);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) return false;
  }
  if (request.path == "/early") {
    // Answers before reading the body, then reads it and keeps the connection.
    if (!Send(fd, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\n\r\nbig!")) return false;
  }
  while (buffer.size() < head_end + 4 + body) {
    if (!fill()) return false;
  }
  request.raw_head = buffer.substr(0, head_end + 4);
  if (request.path == "/early" || request.path == "/not-modified") {
    buffer.erase(0, head_end + 4 + body);
    request.body_size = body;
    bool early = request.path == "/early";
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(std::move(request));
    }
    // A 304 says the length of what it does not send.
    return early || Send(fd, "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n");
  }
  std::string mirror;
  if (request.path == "/mirror") mirror = buffer.substr(head_end + 4, body);
  buffer.erase(0, head_end + 4 + body);
  request.body_size = body;

  int status = 404;
  std::string payload = "not found";
  bool chunked = false;
  auto sized = [&](std::string_view prefix, std::size_t* n) {
    std::string_view path = request.path;
    if (!path.starts_with(prefix)) return false;
    path.remove_prefix(prefix.size());
    auto parsed = std::from_chars(path.data(), path.data() + path.size(), *n);
    return parsed.ec == std::errc() && parsed.ptr == path.data() + path.size();
  };
  std::size_t n = 0;
  if (request.path == "/ok") {
    status = 200, payload = "hello";
  } else if (request.path == "/echo") {
    status = 200, payload = request.method + " " + std::to_string(body);
  } else if (request.path == "/slow") {
    for (int i = 0; i < 200 && !stopping_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    status = 200, payload = "slow";
  } else if (request.path == "/mirror") {
    status = 200, payload = std::move(mirror);
  } else if (request.path == "/close") {
    status = 200, payload = "closing";
  } else if (sized("/bytes/", &n)) {
    status = 200, payload.assign(n, 'b');
  } else if (sized("/chunked/", &n)) {
    status = 200, payload.assign(n, 'c'), chunked = true;
  }
  if (request.path == "/truncated") {
    // Announces 10 bytes, sends 5, closes.
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(std::move(request));
    }
    Send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    return false;
  }
  if (request.path == "/interim" || request.path == "/until-close") {
    bool interim = request.path == "/interim";
    bool head_request = request.method == "HEAD";
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(std::move(request));
    }
    if (interim) {
      return Send(fd, "HTTP/1.1 100 Continue\r\n\r\n") &&
             Send(fd, "HTTP/1.1 102 Processing\r\nX-Step: 2\r\n\r\n") &&
             Send(fd, std::string("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") +
                          (head_request ? "" : "after"));
    }
    Send(fd, std::string("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n") +
                 (head_request ? "" : "a body read until the connection closes"));
    return false;
  }
  bool drop = (request.path == "/drop-second" && index == 2) ||
              (request.path == "/drop" && request.method != "HEAD");
  if (request.path == "/drop-second" || request.path == "/drop") status = 200, payload = "kept";
  bool close_after = request.headers["connection"] == "close" || request.path == "/close";
  bool head = request.method == "HEAD";
  {
    std::lock_guard lock(mutex_);
    seen_.push_back(std::move(request));
  }
  if (drop) return false;
  std::string response = "HTTP/1.1 " + std::to_string(status) +
                         (status == 200 ? " OK" : " Not Found") +
                         "\r\nContent-Type: text/plain\r\n";
  if (close_after) response += "Connection: close\r\n";
  if (!chunked) {
    response += "Content-Length: " + std::to_string(payload.size()) + "\r\n\r\n";
    if (!head) response += payload;
    return Send(fd, response) && !close_after;
  }
  response += "Transfer-Encoding: chunked\r\n\r\n";
  if (head) return Send(fd, response) && !close_after;
  // The head and each chunk sent apart, so that the client reads them in
  // several pieces.
  if (!Send(fd, response)) return false;
  std::size_t chunk =
      std::min<std::size_t>(65536, std::max<std::size_t>(1, (payload.size() + 2) / 3));
  for (std::size_t at = 0; at < payload.size(); at += chunk) {
    std::size_t size = std::min(chunk, payload.size() - at);
    char hex[32];
    int len = std::snprintf(hex, sizeof(hex), "%zx\r\n", size);
    if (!Send(fd,
              std::string(hex, static_cast<std::size_t>(len)) + payload.substr(at, size) + "\r\n"))
      return false;
  }
  return Send(fd, "0\r\n\r\n") && !close_after;
}

bool HttpServer::Send(int fd, const std::string& bytes) {
  // Counted before sending: the client may read the answer before send() returns.
  bytes_written_ += bytes.size();
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

RefusingPort::RefusingPort() : fd_(BindLoopback(&port_, /*listening=*/false)) {}

RefusingPort::~RefusingPort() { close(fd_); }

}  // namespace pylogen::testing
