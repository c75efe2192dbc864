// Redis: one Redis command per operation, through hiredis' asynchronous API
// on the process' event loop (an event-driven CUT, pylogen/event_cut.h).
//
// Each virtual user (closed model) or event slot (opened model) owns one
// connection: N users of a process hold N connections. They are opened in
// setup(), which waits for them at most connect_timeout; a server that is
// down then is no setup error, it shows in the timed operations. A dropped
// connection is reopened by the user's next operation.
//
// Per operation, one request named options.name (default: the command's
// first word, upper-cased):
//   rc 0    a reply of any non-error type
//   rc 1    an error reply; its text, cut to the record's capacity
//   rc 2    a transport error (connect refused, connection lost, protocol
//           error): hiredis' short message (errstr)
//   rc 3    no reply within timeout ("no reply within timeout 10s"), or no
//           connection within connect_timeout; the user's connection is
//           then dropped
//   rc 100  the --lengths token is not a byte count while the command holds
//           "{payload}" (nothing is sent)
// bytes_out is the command's RESP size, bytes_in the reply's (rebuilt from
// the parsed reply, redis/redis_reply.h).
//
// Timeouts: hiredis 0.14 has no timer hook; one loop timer is armed at the
// earliest deadline and, when it fires, scans the users. The per-operation
// path allocates nothing in this code (hiredis copies the command into its
// own buffer).
//
// One instance per worker process, the loop's thread only.
#ifndef PYLOGEN_CUTS_REDIS_REDIS_CUT_H_
#define PYLOGEN_CUTS_REDIS_REDIS_CUT_H_

#include <async.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "pylogen/event_cut.h"
#include "pylogen/requests.h"
#include "redis/redis_adapter.h"
#include "redis/redis_command.h"
#include "redis/redis_options.h"
#include "redis/redis_reply.h"

namespace pylogen::cuts {

class RedisCut : public EventClassUnderTest {
 public:
  static constexpr int kRcErrorReply = 1;
  static constexpr int kRcTransport = 2;
  static constexpr int kRcNoReply = 3;
  static constexpr int kRcBadLength = 100;

  void setup() override;
  void start(Operation& op) override;
  void cancel(Operation& op) override;
  void teardown() override;

  const RedisOptions& options() const { return options_; }

 private:
  // One virtual user: its connection and the operation it has in flight.
  struct User {
    RedisCut* cut = nullptr;
    RedisWatch watch;        // watch.ac: the connection, nullptr when none
    bool connected = false;  // watch.ac finished connecting
    Operation* op = nullptr;
    std::size_t request = 0;
    std::int64_t sent_ns = 0;
    std::int64_t deadline_ns = 0;  // of op's reply (or of the connect)
  };

  bool Connect(User& u);
  void WaitConnected(std::int64_t deadline_ns);
  void Drop(User& u);
  void Send(User& u);
  void Finish(User& u, int rc, std::string_view error);
  void Expire(User& u);
  void Arm(std::int64_t deadline_ns);
  void ScanDeadlines();
  std::string_view Format(const char* format, double seconds);

  static void OnConnect(const redisAsyncContext* ac, int status);
  static void OnReply(redisAsyncContext* ac, void* reply, void* privdata);
  static void OnTimer(void* arg);

  RedisOptions options_;
  std::optional<CommandTemplate> command_;
  std::vector<User> users_;  // sized once in setup(): hiredis holds pointers into it
  EventLoop::TimerId timer_ = 0;
  std::int64_t timer_due_ = 0;
  char error_[kErrorCapacity] = {};  // a message formatted or copied here
};

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_REDIS_REDIS_CUT_H_
