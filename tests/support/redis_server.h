// A redis-server of the test's own, for the Redis CUT's tests: the Debian
// /usr/bin/redis-server on 127.0.0.1 and a free port, in a fresh directory,
// with persistence off. It can be killed (-9) and started again on the same
// port; it is always stopped by the destructor. No skip: when redis-server is
// missing, the constructor throws "install redis-server
// (scripts/install-deps.sh --test)", which fails the test.
//
// Call() talks to it through a connection of the test's own (hiredis'
// blocking API), opened when the server starts and counted in its
// connected_clients.
//
// Thread safety: one thread at a time (the test's).
#ifndef PYLOGEN_TESTS_SUPPORT_REDIS_SERVER_H_
#define PYLOGEN_TESTS_SUPPORT_REDIS_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

struct redisContext;

namespace pylogen::testing {

class RedisServer {
 public:
  RedisServer();  // starts, and waits until it answers PING
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }

  // kill -9, and waits for its end. Call() fails until Restart().
  void Kill();
  // Starts it again on the same port (empty: nothing was saved).
  void Restart();

  // Runs a command; the reply as text: a status or a string as is, an
  // integer in decimal, an error as its message, nil as "(nil)", an array as
  // its elements joined by '\n'. Throws std::runtime_error when the server
  // does not answer.
  std::string Call(const std::vector<std::string>& words);
  // An INFO field as an integer ("connected_clients", "total_connections_received").
  std::int64_t Info(const std::string& field);

 private:
  void Start();
  void Stop();

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  redisContext* client_ = nullptr;
};

}  // namespace pylogen::testing

#endif  // PYLOGEN_TESTS_SUPPORT_REDIS_SERVER_H_
