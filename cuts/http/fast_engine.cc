#include "http/fast_engine.h"

#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <stdexcept>
#include <vector>

#include "http/fast_request.h"

namespace pylogen::cuts {
namespace {

constexpr std::size_t kReadBuffer = 64 * 1024;
constexpr std::int64_t kNsPerMs = 1'000'000;

class FastEngine;

// One user's connection and its request in flight.
struct Connection {
  enum class Phase { kIdle, kConnecting, kSending, kReceiving };

  FastEngine* engine = nullptr;
  std::uint32_t user = 0;
  int fd = -1;
  Phase phase = Phase::kIdle;
  bool active = false;    // a request is in flight
  bool warmup = false;    // it is the warm-up's (nothing reported)
  bool reused = false;    // the connection has served an answer
  bool retried = false;   // the request was sent again on a new connection
  bool writable = false;  // watched writable too
  std::size_t address = 0;
  std::int64_t deadline = 0;          // the request's
  std::int64_t connect_deadline = 0;  // while connecting
  // The request: head then body, `sent` bytes of both written.
  const std::string* head = nullptr;
  std::string_view body;
  std::size_t sent = 0;
  bool head_only = false;  // a HEAD: the answer has no body
  // The answer.
  http_parser parser;
  bool got_bytes = false;
  bool headers_paused = false;  // the current answer's head is complete
  bool message_done = false;    // the final answer is complete
  bool interim_done = false;    // paused at the end of a 1xx answer
  bool keep_alive = true;
  std::uint64_t consumed = 0;       // answer bytes parsed so far
  std::uint64_t message_start = 0;  // where the current head began
  HttpOutcome outcome;
  EventLoop::TimerId report_timer = 0;
};

class FastEngine final : public HttpEngine {
 public:
  FastEngine(const HttpOptions& options, EventLoop& loop, std::uint32_t users,
             HttpEngineClient& client, FastTarget target)
      : options_(options),
        loop_(loop),
        client_(client),
        target_(std::move(target)),
        connections_(users),
        buffer_(kReadBuffer) {
    const std::string& method = options_.method;
    head_only_ = method == "HEAD";
    sends_body_ = method != "GET" && method != "HEAD" &&
                  (options_.body.has_value() || options_.SendsLengthBody());
    warmup_head_ = BuildFastRequestHead(options_, target_.host_header, target_.target, true, 0);
    for (std::uint32_t i = 0; i < users; ++i) {
      connections_[i].engine = this;
      connections_[i].user = i;
    }
    http_parser_settings_init(&settings_);
    settings_.on_headers_complete = &OnHeadersComplete;
    settings_.on_body = &OnBody;
    settings_.on_message_complete = &OnMessageComplete;
    Resolve();
  }

  ~FastEngine() override {
    if (timer_) loop_.CancelTimer(timer_);
    for (Connection& c : connections_) {
      if (c.report_timer) loop_.CancelTimer(c.report_timer);
      CloseFd(c);
    }
  }

  void WarmUp() override;
  void Start(std::uint32_t user, std::size_t length_index, std::string_view body) override;
  void Cancel(std::uint32_t user) override;

 private:
  struct Address {
    sockaddr_storage storage;
    socklen_t length;
  };

  void Resolve();
  const std::string& RequestHead(std::size_t length_index, std::size_t body_size);
  void Begin(Connection& c);
  void Connect(Connection& c);
  void Connected(Connection& c);
  void Send(Connection& c);
  void TrySend(Connection& c);
  void Read(Connection& c);
  void Parse(Connection& c, const char* data, std::size_t size);
  void Retry(Connection& c);
  void Fail(Connection& c, CURLcode code);
  void Succeed(Connection& c);
  void Finish(Connection& c);
  void CloseFd(Connection& c);
  void SetWritable(Connection& c, bool writable);
  void ArmTimer(std::int64_t deadline);
  void OnTimer();
  void OnEvent(Connection& c, std::uint32_t events);

  static void FdCallback(void* arg, int, std::uint32_t events) {
    auto* c = static_cast<Connection*>(arg);
    c->engine->OnEvent(*c, events);
  }
  static void TimerCallback(void* arg) { static_cast<FastEngine*>(arg)->OnTimer(); }
  static void ReportCallback(void* arg) {
    auto* c = static_cast<Connection*>(arg);
    c->report_timer = 0;
    HttpOutcome outcome = c->outcome;  // OnDone may start the user's next request
    c->engine->client_.OnDone(c->user, outcome);
  }
  static int OnHeadersComplete(http_parser* parser);
  static int OnBody(http_parser* parser, const char* at, std::size_t length);
  static int OnMessageComplete(http_parser* parser);

  HttpOptions options_;
  EventLoop& loop_;
  HttpEngineClient& client_;
  FastTarget target_;
  std::vector<Address> addresses_;  // empty: the host did not resolve
  std::vector<Connection> connections_;
  std::vector<char> buffer_;  // one read at a time, shared by the connections
  // Per length index (index 0 without a body). A deque: growing it keeps the
  // heads of requests in flight where they are (Connection::head points in).
  std::deque<std::string> heads_;
  std::vector<std::size_t> head_body_;  // the body size each was built for
  std::string warmup_head_;
  http_parser_settings settings_;
  bool head_only_ = false;
  bool sends_body_ = false;
  bool in_start_ = false;  // OnDone must wait for a loop callback
  bool warming_ = false;
  EventLoop::TimerId timer_ = 0;
  std::int64_t timer_deadline_ = 0;
};

void FastEngine::Resolve() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  std::string port = std::to_string(target_.port);
  addrinfo* found = nullptr;
  int rc = getaddrinfo(target_.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(target_.host.c_str(), port.c_str(), &hints, &found);
  }
  if (rc != 0) return;
  for (addrinfo* a = found; a; a = a->ai_next) {
    Address address{};
    std::memcpy(&address.storage, a->ai_addr, a->ai_addrlen);
    address.length = a->ai_addrlen;
    addresses_.push_back(address);
  }
  freeaddrinfo(found);
}

const std::string& FastEngine::RequestHead(std::size_t length_index, std::size_t body_size) {
  if (!sends_body_) length_index = 0, body_size = 0;
  if (heads_.size() <= length_index) {
    heads_.resize(length_index + 1);
    head_body_.resize(length_index + 1, 0);
  }
  std::string& head = heads_[length_index];
  if (head.empty() || head_body_[length_index] != body_size) {
    head = BuildFastRequestHead(options_, target_.host_header, target_.target, false, body_size);
    head_body_[length_index] = body_size;
  }
  return head;
}

void FastEngine::Start(std::uint32_t user, std::size_t length_index, std::string_view body) {
  Connection& c = connections_.at(user);
  in_start_ = true;
  c.active = true;
  c.warmup = false;
  c.retried = false;
  c.outcome = {};
  c.head = &RequestHead(length_index, body.size());
  c.body = sends_body_ ? body : std::string_view();
  c.head_only = head_only_;
  c.deadline = loop_.Now() + options_.timeout_ms * kNsPerMs;
  ArmTimer(c.deadline);
  Begin(c);
  in_start_ = false;
}

void FastEngine::Cancel(std::uint32_t user) {
  Connection& c = connections_.at(user);
  if (c.report_timer) loop_.CancelTimer(c.report_timer), c.report_timer = 0;
  CloseFd(c);
  c.active = false;
  c.phase = Connection::Phase::kIdle;
}

void FastEngine::Begin(Connection& c) {
  if (addresses_.empty()) return Fail(c, CURLE_COULDNT_RESOLVE_HOST);
  if (c.fd < 0) {
    c.address = 0;
    c.connect_deadline = loop_.Now() + options_.connect_timeout_ms * kNsPerMs;
    if (!c.warmup) ArmTimer(c.connect_deadline);
    return Connect(c);
  }
  Send(c);
}

// Tries the addresses in turn, from c.address.
void FastEngine::Connect(Connection& c) {
  for (; c.address < addresses_.size(); ++c.address) {
    const Address& a = addresses_[c.address];
    int fd = socket(a.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));  // as libcurl does
    int rc = connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length);
    if (rc != 0 && errno != EINPROGRESS) {
      close(fd);
      continue;
    }
    c.fd = fd;
    c.reused = false;
    c.writable = rc != 0;
    if (loop_.Watch(fd,
                    rc != 0 ? EventLoop::kReadable | EventLoop::kWritable : EventLoop::kReadable,
                    &FdCallback, &c) != 0) {
      CloseFd(c);
      return Fail(c, CURLE_COULDNT_CONNECT);
    }
    if (rc != 0) {
      c.phase = Connection::Phase::kConnecting;
      return;
    }
    return Connected(c);
  }
  Fail(c, CURLE_COULDNT_CONNECT);
}

void FastEngine::Connected(Connection& c) {
  c.connect_deadline = 0;
  Send(c);
}

void FastEngine::Send(Connection& c) {
  c.phase = Connection::Phase::kSending;
  c.sent = 0;
  c.got_bytes = false;
  c.headers_paused = false;
  c.message_done = false;
  c.interim_done = false;
  c.keep_alive = true;
  c.consumed = 0;
  c.message_start = 0;
  c.outcome.bytes_in = 0;
  http_parser_init(&c.parser, HTTP_RESPONSE);
  c.parser.data = &c;
  TrySend(c);
}

void FastEngine::TrySend(Connection& c) {
  const std::size_t total = c.head->size() + c.body.size();
  while (c.sent < total) {
    iovec parts[2];
    int count = 0;
    if (c.sent < c.head->size()) {
      parts[count++] = {const_cast<char*>(c.head->data() + c.sent), c.head->size() - c.sent};
      if (!c.body.empty()) parts[count++] = {const_cast<char*>(c.body.data()), c.body.size()};
    } else {
      std::size_t at = c.sent - c.head->size();
      parts[count++] = {const_cast<char*>(c.body.data() + at), c.body.size() - at};
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(count);
    ssize_t n = sendmsg(c.fd, &message, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return SetWritable(c, true);
      if (c.reused && !c.retried) return Retry(c);
      return Fail(c, CURLE_SEND_ERROR);
    }
    c.sent += static_cast<std::size_t>(n);
    c.outcome.bytes_out += static_cast<std::uint64_t>(n);
  }
  SetWritable(c, false);
  if (c.active) c.phase = Connection::Phase::kReceiving;
}

void FastEngine::SetWritable(Connection& c, bool writable) {
  if (c.writable == writable) return;
  c.writable = writable;
  std::uint32_t events = EventLoop::kReadable | (writable ? EventLoop::kWritable : 0);
  if (loop_.Watch(c.fd, events, &FdCallback, &c) != 0) Fail(c, CURLE_SEND_ERROR);
}

void FastEngine::OnEvent(Connection& c, std::uint32_t events) {
  if (c.phase == Connection::Phase::kConnecting) {
    if (!(events & (EventLoop::kWritable | EventLoop::kError))) return;
    int error = 0;
    socklen_t length = sizeof(error);
    if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) {
      CloseFd(c);
      ++c.address;
      return Connect(c);
    }
    return Connected(c);
  }
  int fd = c.fd;
  if ((events & EventLoop::kWritable) && c.phase == Connection::Phase::kSending) {
    TrySend(c);
    // Ended, or moved to a new connection (whose fd may have the same
    // number, and which is connecting: these events are the old socket's).
    if (c.fd != fd || !c.active || c.phase == Connection::Phase::kConnecting) return;
  }
  if (events & (EventLoop::kReadable | EventLoop::kError)) Read(c);
}

void FastEngine::Read(Connection& c) {
  ssize_t n = recv(c.fd, buffer_.data(), buffer_.size(), 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (!c.active) return CloseFd(c);
    if (!c.got_bytes && c.reused && !c.retried) return Retry(c);
    return Fail(c, CURLE_RECV_ERROR);
  }
  if (!c.active) return CloseFd(c);  // closed while idle, or bytes nobody asked for
  if (n == 0) {
    if (!c.got_bytes) {
      if (c.reused && !c.retried) return Retry(c);
      return Fail(c, CURLE_GOT_NOTHING);
    }
    c.keep_alive = false;
    http_parser_execute(&c.parser, &settings_, nullptr, 0);  // the end of a read-until-close body
    if (c.message_done) return Succeed(c);
    // As libcurl: a body cut short is a partial file, a head cut short a receive error.
    return Fail(c, c.headers_paused ? CURLE_PARTIAL_FILE : CURLE_RECV_ERROR);
  }
  c.got_bytes = true;
  Parse(c, buffer_.data(), static_cast<std::size_t>(n));
}

void FastEngine::Parse(Connection& c, const char* data, std::size_t size) {
  std::size_t at = 0;
  while (at < size) {
    std::size_t done = http_parser_execute(&c.parser, &settings_, data + at, size - at);
    http_errno error = HTTP_PARSER_ERRNO(&c.parser);
    if (error == HPE_PAUSED) {
      http_parser_pause(&c.parser, 0);
      if (c.interim_done) {
        // Paused after a 1xx answer's last byte: the next head starts here.
        c.interim_done = false;
        c.consumed += done;
        c.message_start = c.consumed;
        at += done;
        continue;
      }
      if (c.message_done) {
        // Bytes after the answer are none that was asked for: start afresh.
        if (at + done < size) c.keep_alive = false;
        return Succeed(c);
      }
      // Paused at the end of a head, on its last byte (not consumed yet).
      c.outcome.bytes_in += c.consumed + done + 1 - c.message_start;
      c.consumed += done;
      at += done;
      continue;
    }
    if (error != HPE_OK) {
      c.keep_alive = false;
      return Fail(c, c.headers_paused ? CURLE_RECV_ERROR : CURLE_WEIRD_SERVER_REPLY);
    }
    c.consumed += done;
    at += done;
    if (done == 0) break;
  }
}

int FastEngine::OnHeadersComplete(http_parser* parser) {
  auto* c = static_cast<Connection*>(parser->data);
  c->headers_paused = true;
  http_parser_pause(parser, 1);
  // 1: the answer has no body. http-parser cannot tell a HEAD's answer, and
  // reads the Content-Length (or chunks) of a 204 or 304, which have none.
  unsigned status = parser->status_code;
  return (c->head_only && status / 100 != 1) || status == 204 || status == 304 ? 1 : 0;
}

int FastEngine::OnBody(http_parser* parser, const char*, std::size_t length) {
  static_cast<Connection*>(parser->data)->outcome.bytes_in += length;
  return 0;
}

int FastEngine::OnMessageComplete(http_parser* parser) {
  auto* c = static_cast<Connection*>(parser->data);
  if (parser->status_code / 100 == 1 && parser->status_code != 101) {
    // An interim answer: its head is counted; the final one follows.
    c->headers_paused = false;
    c->interim_done = true;
    http_parser_pause(parser, 1);
    return 0;
  }
  c->message_done = true;
  c->outcome.status = parser->status_code;
  if (!http_should_keep_alive(parser)) c->keep_alive = false;
  http_parser_pause(parser, 1);
  return 0;
}

void FastEngine::Retry(Connection& c) {
  // As libcurl counts a resent request: every head sent, the body once (its
  // upload count starts again).
  if (c.sent > c.head->size()) c.outcome.bytes_out -= c.sent - c.head->size();
  CloseFd(c);
  c.retried = true;
  c.address = 0;
  c.connect_deadline = loop_.Now() + options_.connect_timeout_ms * kNsPerMs;
  if (!c.warmup) ArmTimer(c.connect_deadline);
  Connect(c);
}

void FastEngine::Fail(Connection& c, CURLcode code) {
  CloseFd(c);
  c.outcome.transport = code;
  c.outcome.status = 0;
  Finish(c);
}

void FastEngine::Succeed(Connection& c) {
  // An answer before the whole body went out (a 413, a 401): the server may
  // still be reading the rest as this request's, so the connection is not
  // reused, as libcurl does.
  if (c.sent < c.head->size() + c.body.size()) c.keep_alive = false;
  if (!c.keep_alive) {
    CloseFd(c);
  } else {
    c.reused = true;
  }
  c.outcome.transport = CURLE_OK;
  Finish(c);
}

void FastEngine::Finish(Connection& c) {
  c.active = false;
  c.phase = Connection::Phase::kIdle;
  c.connect_deadline = 0;
  if (c.warmup) return;
  if (in_start_) {
    c.report_timer = loop_.AddTimer(0, &ReportCallback, &c);
    return;
  }
  HttpOutcome outcome = c.outcome;  // OnDone may start the user's next request
  client_.OnDone(c.user, outcome);
}

void FastEngine::CloseFd(Connection& c) {
  if (c.fd < 0) return;
  loop_.Unwatch(c.fd);
  close(c.fd);
  c.fd = -1;
  c.writable = false;
  c.reused = false;
}

void FastEngine::ArmTimer(std::int64_t deadline) {
  if (warming_) return;
  if (timer_ && deadline >= timer_deadline_) return;
  if (timer_) loop_.CancelTimer(timer_);
  timer_deadline_ = deadline;
  timer_ = loop_.AddTimer(deadline - loop_.Now(), &TimerCallback, this);
}

void FastEngine::OnTimer() {
  timer_ = 0;
  std::int64_t now = loop_.Now();
  for (Connection& c : connections_) {
    if (!c.active || c.warmup) continue;
    bool connecting = c.connect_deadline != 0 && c.phase == Connection::Phase::kConnecting;
    if (c.deadline <= now || (connecting && c.connect_deadline <= now))
      Fail(c, CURLE_OPERATION_TIMEDOUT);
  }
  // OnDone may have started requests (and armed the timer): the earliest
  // deadline left.
  std::int64_t next = 0;
  for (const Connection& c : connections_) {
    if (!c.active || c.warmup) continue;
    std::int64_t d = c.deadline;
    if (c.phase == Connection::Phase::kConnecting && c.connect_deadline != 0)
      d = std::min(d, c.connect_deadline);
    if (next == 0 || d < next) next = d;
  }
  if (next != 0) ArmTimer(next);
}

void FastEngine::WarmUp() {
  if (addresses_.empty()) return;
  warming_ = true;
  std::int64_t start = loop_.Now();
  std::int64_t end = start + (options_.connect_timeout_ms + options_.timeout_ms) * kNsPerMs;
  // Each HEAD is bounded by `timeout`, as libcurl bounds each transfer: a
  // connection whose HEAD is unanswered then is closed, never reused with
  // that answer still to come.
  std::int64_t deadline = std::min(end, start + options_.timeout_ms * kNsPerMs);
  for (Connection& c : connections_) {
    if (c.active) continue;
    c.active = true;
    c.warmup = true;
    c.retried = true;  // no second attempt
    c.outcome = {};
    c.head = &warmup_head_;
    c.body = {};
    c.head_only = true;
    c.deadline = deadline;
    Begin(c);
  }
  std::vector<pollfd> polled;
  std::vector<Connection*> owners;
  for (;;) {
    polled.clear();
    owners.clear();
    std::int64_t now = loop_.Now();
    for (Connection& c : connections_) {
      if (!c.warmup || !c.active) continue;
      if (now >= end || now >= c.deadline ||
          (c.phase == Connection::Phase::kConnecting && now >= c.connect_deadline)) {
        CloseFd(c);
        c.active = false;
        continue;
      }
      short events = POLLIN;
      if (c.phase == Connection::Phase::kConnecting || c.writable) events |= POLLOUT;
      polled.push_back({c.fd, events, 0});
      owners.push_back(&c);
    }
    if (polled.empty()) break;
    int wait_ms =
        static_cast<int>(std::max<std::int64_t>(1, (std::min(end, deadline) - now) / kNsPerMs));
    if (poll(polled.data(), polled.size(), std::min(wait_ms, 100)) < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < polled.size(); ++i) {
      short r = polled[i].revents;
      if (!r || owners[i]->fd != polled[i].fd) continue;
      std::uint32_t events = ((r & POLLIN) ? EventLoop::kReadable : 0) |
                             ((r & POLLOUT) ? EventLoop::kWritable : 0) |
                             ((r & (POLLERR | POLLHUP)) ? EventLoop::kError : 0);
      OnEvent(*owners[i], events);
    }
  }
  for (Connection& c : connections_) {
    if (c.warmup && c.active) {
      CloseFd(c);
      c.active = false;
      c.phase = Connection::Phase::kIdle;
    }
    c.warmup = false;
  }
  warming_ = false;
}

}  // namespace

std::string FastEngineRefusal(const HttpOptions& options) {
  auto target = ParseFastTarget(options);
  return target ? std::string() : target.error();
}

std::unique_ptr<HttpEngine> MakeFastEngine(const HttpOptions& options, EventLoop& loop,
                                           std::uint32_t users, HttpEngineClient& client) {
  auto target = ParseFastTarget(options);
  if (!target) throw std::runtime_error("the fast engine cannot serve this: " + target.error());
  return std::make_unique<FastEngine>(options, loop, users, client, std::move(*target));
}

}  // namespace pylogen::cuts
