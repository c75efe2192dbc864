// PairEcho: a complete event-driven CUT written out of pylogen's tree. Each
// virtual user owns a connected pair of sockets; an operation writes the
// current length's number of bytes into one end and completes when they
// have all been read back from the other, waiting on the event loop — never
// blocking the process, so one process serves --concurrency users at once.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "pylogen/cut.h"

class PairEcho : public pylogen::EventClassUnderTest {
 public:
  void setup() override {
    users_.resize(concurrency());
    for (User& u : users_) {
      if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, u.fds) != 0) {
        throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
      }
      u.cut = this;
    }
    buffer_.assign(1 << 16, 'x');
  }

  void teardown() override {
    for (User& u : users_) {
      close(u.fds[0]);
      close(u.fds[1]);
    }
  }

  void start(pylogen::Operation& op) override {
    User& u = users_[op.user()];
    u.op = &op;
    u.left = static_cast<std::size_t>(op.length_value());
    u.request = op.Begin("ECHO");
    std::size_t chunk = u.left < buffer_.size() ? u.left : buffer_.size();
    ssize_t sent = u.left == 0 ? 0 : write(u.fds[0], buffer_.data(), chunk);
    if (sent < 0) {
      Finish(u, 1, std::strerror(errno));
      return;
    }
    u.unsent = u.left - static_cast<std::size_t>(sent);
    if (u.left == 0) {
      Finish(u, 0, "");
      return;
    }
    loop().Watch(u.fds[1], pylogen::EventLoop::kReadable, &PairEcho::OnReadable, &u);
  }

  void cancel(pylogen::Operation& op) override { loop().Unwatch(users_[op.user()].fds[1]); }

 private:
  struct User {
    PairEcho* cut = nullptr;
    int fds[2] = {-1, -1};
    pylogen::Operation* op = nullptr;
    std::size_t request = 0;
    std::size_t left = 0;    // bytes still to read back
    std::size_t unsent = 0;  // bytes still to write
  };

  static void OnReadable(void* arg, int fd, std::uint32_t) {
    User& u = *static_cast<User*>(arg);
    PairEcho& cut = *u.cut;
    ssize_t got = read(fd, cut.buffer_.data(), cut.buffer_.size());
    if (got <= 0) {
      if (got < 0 && errno == EAGAIN) return;
      cut.loop().Unwatch(fd);
      cut.Finish(u, 2, got == 0 ? "closed" : std::strerror(errno));
      return;
    }
    u.op->request(u.request).AddBytes(static_cast<std::uint64_t>(got), 0);
    u.left -= static_cast<std::size_t>(got);
    if (u.unsent != 0) cut.SendMore(u);
    if (u.left != 0) return;
    cut.loop().Unwatch(fd);
    cut.Finish(u, 0, "");
  }

  void SendMore(User& u) {
    std::size_t chunk = u.unsent < buffer_.size() ? u.unsent : buffer_.size();
    ssize_t sent = write(u.fds[0], buffer_.data(), chunk);
    if (sent > 0) u.unsent -= static_cast<std::size_t>(sent);
  }

  void Finish(User& u, int rc, const char* error) {
    pylogen::Operation& op = *u.op;
    op.request(u.request).AddBytes(0, static_cast<std::uint64_t>(op.length_value()));
    op.End(u.request, rc, error);
    u.op = nullptr;
    op.Complete();
  }

  std::vector<User> users_;
  std::string buffer_;
};

PYLOGEN_REGISTER_CUT(PairEcho);
