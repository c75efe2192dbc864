#include "redis/redis_adapter.h"

namespace pylogen::cuts {
namespace {

RedisWatch& Of(void* privdata) { return *static_cast<RedisWatch*>(privdata); }

void OnFd(void* arg, int /*fd*/, std::uint32_t events) {
  RedisWatch& w = Of(arg);
  // Reading first: it may free the context (EOF), which clears w.ac.
  if ((events & EventLoop::kReadable) && w.ac != nullptr) redisAsyncHandleRead(w.ac);
  if ((events & EventLoop::kWritable) && w.ac != nullptr) redisAsyncHandleWrite(w.ac);
}

void Update(RedisWatch& w, std::uint32_t events) {
  if (events == w.events) return;
  w.events = events;
  if (events == 0) {
    w.loop->Unwatch(w.fd);
    return;
  }
  if (int rc = w.loop->Watch(w.fd, events, &OnFd, &w); rc != 0) w.watch_error = rc;
}

void AddRead(void* p) { Update(Of(p), Of(p).events | EventLoop::kReadable); }
void DelRead(void* p) { Update(Of(p), Of(p).events & ~EventLoop::kReadable); }
void AddWrite(void* p) { Update(Of(p), Of(p).events | EventLoop::kWritable); }
void DelWrite(void* p) { Update(Of(p), Of(p).events & ~EventLoop::kWritable); }

void Cleanup(void* p) {
  RedisWatch& w = Of(p);
  Update(w, 0);
  w.ac = nullptr;
  w.fd = -1;
}

}  // namespace

void AttachToLoop(redisAsyncContext* ac, EventLoop& loop, RedisWatch& watch) {
  watch.loop = &loop;
  watch.ac = ac;
  watch.fd = ac->c.fd;
  watch.events = 0;
  watch.watch_error = 0;
  ac->ev.data = &watch;
  ac->ev.addRead = &AddRead;
  ac->ev.delRead = &DelRead;
  ac->ev.addWrite = &AddWrite;
  ac->ev.delWrite = &DelWrite;
  ac->ev.cleanup = &Cleanup;
}

}  // namespace pylogen::cuts
