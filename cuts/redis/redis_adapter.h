// hiredis' asynchronous API on the SDK's event loop: the adapter that
// hiredis' adapters/*.h provide for libev or libuv, for pylogen::EventLoop.
//
// A RedisWatch is owned by its caller (one per connection, at a stable
// address: hiredis keeps a pointer to it) and allocates nothing. AttachToLoop
// points the context's ev hooks at it: addRead/delRead/addWrite/delWrite
// become loop.Watch() of the context's fd with the matching bits (Unwatch()
// when none is left), and hiredis' cleanup, called when it frees the context,
// unwatches the fd and clears `ac`. So `ac` is the live context, or nullptr
// once hiredis freed it (a lost connection, a failed connect,
// redisAsyncFree()). hiredis 0.14 has no timer hook: timeouts are the
// caller's.
//
// One worker process, the loop's thread only.
#ifndef PYLOGEN_CUTS_REDIS_REDIS_ADAPTER_H_
#define PYLOGEN_CUTS_REDIS_REDIS_ADAPTER_H_

#include <async.h>

#include <cstdint>

#include "pylogen/event_cut.h"

namespace pylogen::cuts {

struct RedisWatch {
  EventLoop* loop = nullptr;
  redisAsyncContext* ac = nullptr;  // the context attached; nullptr once freed
  int fd = -1;
  std::uint32_t events = 0;  // EventLoop bits being watched
  int watch_error = 0;       // the last errno of loop.Watch(), 0 when none
};

// Attaches `ac` (fresh from redisAsyncConnect, without error) to `loop`
// through `watch`. REQUIRES: ac->ev.data == nullptr.
void AttachToLoop(redisAsyncContext* ac, EventLoop& loop, RedisWatch& watch);

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_REDIS_REDIS_ADAPTER_H_
