#include "redis/redis_cut.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "common/byte_count.h"

namespace pylogen::cuts {

void RedisCut::setup() {
  options_ = ParseRedisOptions(extra());
  command_.emplace(options_.command);
  users_.resize(concurrency());
  for (User& u : users_) {
    u.cut = this;
    Connect(u);  // a failure shows in the user's first operation
  }
  WaitConnected(loop().Now() + options_.connect_timeout_ns);
}

void RedisCut::teardown() {
  if (timer_ != 0) loop().CancelTimer(timer_);
  timer_ = 0;
  for (User& u : users_) Drop(u);
}

void RedisCut::start(Operation& op) {
  User& u = users_[op.user()];
  u.op = &op;
  u.request = op.Begin(options_.name);
  std::size_t payload = 0;
  if (command_->uses_payload()) {
    std::optional<std::size_t> bytes = ParseByteCount(op.length());
    if (!bytes) {
      int n = std::snprintf(error_, sizeof error_, "length '%.*s' is not a byte count",
                            static_cast<int>(std::min<std::size_t>(op.length().size(), 24)),
                            op.length().data());
      Finish(u, kRcBadLength, std::string_view(error_, std::clamp<int>(n, 0, sizeof error_ - 1)));
      return;
    }
    payload = *bytes;
  }
  op.request(u.request).AddBytes(0, command_->Build(op.op_count(), payload));
  if (u.watch.ac == nullptr && !Connect(u)) {
    Finish(u, kRcTransport, error_);
    return;
  }
  Send(u);
}

void RedisCut::cancel(Operation& op) {
  User& u = users_[op.user()];
  if (u.op != &op) return;
  u.op = nullptr;
  Drop(u);  // its reply, if it ever came, must not be taken for the next one's
}

// Opens u's connection, without waiting. False (and the message in error_)
// when it failed at once.
bool RedisCut::Connect(User& u) {
  redisAsyncContext* ac = redisAsyncConnect(options_.host.c_str(), options_.port);
  if (ac == nullptr) {
    CopyBounded(error_, sizeof error_, "cannot allocate a connection");
    return false;
  }
  if (ac->err != 0) {
    CopyBounded(error_, sizeof error_, ac->errstr);
    redisAsyncFree(ac);
    return false;
  }
  ac->data = &u;
  u.connected = false;
  AttachToLoop(ac, loop(), u.watch);
  redisAsyncSetConnectCallback(ac, &RedisCut::OnConnect);  // watches for the connect
  return true;
}

// Setup only: runs the connects of every user until each is done or failed,
// or until `deadline_ns`; drops those still connecting then. The loop is not
// running yet, so this polls the sockets itself.
void RedisCut::WaitConnected(std::int64_t deadline_ns) {
  std::vector<pollfd> fds;
  std::vector<User*> waiting;
  while (true) {
    fds.clear();
    waiting.clear();
    for (User& u : users_) {
      if (u.watch.ac == nullptr || u.connected) continue;
      fds.push_back({u.watch.fd, POLLOUT, 0});
      waiting.push_back(&u);
    }
    std::int64_t left_ns = deadline_ns - loop().Now();
    if (fds.empty() || left_ns <= 0) break;
    int ms = static_cast<int>(std::min<std::int64_t>((left_ns + 999'999) / 1'000'000, 60'000));
    if (poll(fds.data(), fds.size(), ms) < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents != 0) redisAsyncHandleWrite(waiting[i]->watch.ac);
    }
  }
  for (User& u : users_) {
    if (!u.connected) Drop(u);
  }
}

// Frees u's connection, if any. Callbacks still pending are called with no
// reply; they find no operation when the caller detached it first.
void RedisCut::Drop(User& u) {
  if (u.watch.ac != nullptr) redisAsyncFree(u.watch.ac);  // clears u.watch.ac (cleanup)
  u.connected = false;
}

void RedisCut::Send(User& u) {
  CommandTemplate& c = *command_;
  if (redisAsyncCommandArgv(u.watch.ac, &RedisCut::OnReply, &u, c.argc(), c.argv(), c.argvlen()) !=
      REDIS_OK) {
    Finish(u, kRcTransport,
           u.watch.ac->errstr[0] != '\0' ? u.watch.ac->errstr : "command not sent");
    return;
  }
  if (int error = u.watch.watch_error; error != 0) {
    // The loop could not watch the connection: the command would never go
    // out. Said now, not as a timeout later.
    u.watch.watch_error = 0;
    Operation* op = u.op;
    u.op = nullptr;  // the pending callback, called by Drop(), finds nothing
    Drop(u);
    u.op = op;
    Finish(u, kRcTransport, std::strerror(error));
    return;
  }
  u.sent_ns = loop().Now();
  u.deadline_ns = u.sent_ns + (u.connected ? options_.timeout_ns : options_.connect_timeout_ns);
  Arm(u.deadline_ns);
}

void RedisCut::Finish(User& u, int rc, std::string_view error) {
  Operation& op = *u.op;
  u.op = nullptr;
  op.End(u.request, rc, error);
  op.Complete();
}

void RedisCut::OnConnect(const redisAsyncContext* ac, int status) {
  User& u = *static_cast<User*>(ac->data);
  if (status != REDIS_OK) return;  // hiredis frees it: a pending command gets no reply (rc 2)
  u.connected = true;
  if (u.op != nullptr) {
    // `timeout` is for the reply: it counts from now, once connected.
    u.deadline_ns = u.cut->loop().Now() + u.cut->options_.timeout_ns;
    u.cut->Arm(u.deadline_ns);
  }
}

void RedisCut::OnReply(redisAsyncContext* ac, void* reply, void* privdata) {
  User& u = *static_cast<User*>(privdata);
  if (u.op == nullptr) return;  // timed out or cancelled: already reported
  if (reply == nullptr) {
    u.cut->Finish(u, kRcTransport, ac->err != 0 ? ac->errstr : "connection lost");
    return;
  }
  const redisReply& r = *static_cast<const redisReply*>(reply);
  u.op->request(u.request).AddBytes(ReplyBytes(r), 0);
  if (r.type == REDIS_REPLY_ERROR) {
    u.cut->Finish(u, kRcErrorReply, std::string_view(r.str, r.len));
  } else {
    u.cut->Finish(u, 0, {});
  }
}

// The one timer stays armed at or before the earliest deadline: a new
// deadline later than it (the usual case, all timeouts being equal) costs a
// comparison.
void RedisCut::Arm(std::int64_t deadline_ns) {
  if (timer_ != 0 && timer_due_ <= deadline_ns) return;
  if (timer_ != 0) loop().CancelTimer(timer_);
  timer_due_ = deadline_ns;
  timer_ = loop().AddTimer(std::max<std::int64_t>(0, deadline_ns - loop().Now()),
                           &RedisCut::OnTimer, this);
}

void RedisCut::OnTimer(void* arg) {
  auto& cut = *static_cast<RedisCut*>(arg);
  cut.timer_ = 0;
  cut.ScanDeadlines();
}

void RedisCut::ScanDeadlines() {
  std::int64_t now = loop().Now();
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (User& u : users_) {
    if (u.op == nullptr) continue;
    if (u.deadline_ns <= now) {
      Expire(u);
    } else {
      next = std::min(next, u.deadline_ns);
    }
  }
  if (next != std::numeric_limits<std::int64_t>::max()) Arm(next);
}

// u's operation is past its deadline: it fails with rc 3 and the connection
// is dropped (a late reply would otherwise be taken for the next command's).
void RedisCut::Expire(User& u) {
  bool connecting = !u.connected;
  Operation& op = *u.op;
  u.op = nullptr;
  Drop(u);
  std::string_view text =
      connecting
          ? Format("not connected within connect_timeout %gs",
                   static_cast<double>(options_.connect_timeout_ns) / 1e9)
          : Format("no reply within timeout %gs", static_cast<double>(options_.timeout_ns) / 1e9);
  op.End(u.request, kRcNoReply, text);
  op.Complete();
}

std::string_view RedisCut::Format(const char* format, double seconds) {
  int n = std::snprintf(error_, sizeof error_, format, seconds);
  return std::string_view(error_,
                          static_cast<std::size_t>(std::clamp<int>(n, 0, sizeof error_ - 1)));
}

}  // namespace pylogen::cuts
