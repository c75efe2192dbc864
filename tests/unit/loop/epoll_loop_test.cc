// The event loop: fd watches on real pipes, timers on a fake clock turned
// with RunOnce(0) (twice on the real clock, asserting counts and that a timer
// never fires before its deadline, never a wall-time bound), exceptions in
// callbacks, lag buckets.
#include "loop/epoll_loop.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <fstream>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.h"


namespace pylogen::loop {
namespace {

constexpr std::int64_t kMs = 1000000;

// ---- Helpers ----

std::int64_t fake_now = 0;
std::int64_t FakeNow() { return fake_now; }

std::unique_ptr<EpollLoop> RealLoop() {
  auto loop = EpollLoop::Create();
  EXPECT_TRUE(loop.has_value()) << loop.error();
  return std::move(*loop);
}

std::unique_ptr<EpollLoop> FakeLoop() {
  fake_now = 1000 * kMs;
  auto loop = EpollLoop::Create(&FakeNow);
  EXPECT_TRUE(loop.has_value()) << loop.error();
  return std::move(*loop);
}

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
    read = fds[0];
    write = fds[1];
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  void Put() { EXPECT_EQ(::write(write, "x", 1), 1); }
  void CloseRead() { Close(read); }
  void CloseWrite() { Close(write); }
  static void Close(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
};

struct Seen {
  int calls = 0;
  int fd = -1;
  std::uint32_t events = 0;
};

void RecordFd(void* arg, int fd, std::uint32_t events) {
  Seen* seen = static_cast<Seen*>(arg);
  ++seen->calls;
  seen->fd = fd;
  seen->events = events;
}

void Count(void* arg) { ++*static_cast<int*>(arg); }

// A timer that appends its tag to a shared list.
struct Tagged {
  std::vector<int>* order;
  int tag;
};
void AppendTag(void* arg) {
  Tagged* t = static_cast<Tagged*>(arg);
  t->order->push_back(t->tag);
}

// ---- Fd watches ----

TEST(EpollLoopFd, ReadablePipeDeliversReadableWithItsArg) {
  auto loop = RealLoop();
  Pipe p;
  Seen seen;
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, RecordFd, &seen), 0);
  EXPECT_EQ(loop->watched_fds(), 1u);
  EXPECT_EQ(loop->RunOnce(0), 0u);  // empty: not readable
  p.Put();
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(seen.fd, p.read);
  EXPECT_EQ(seen.events, EventLoop::kReadable);
  EXPECT_EQ(loop->RunOnce(0), 1u);  // level-triggered: still readable
  EXPECT_EQ(seen.calls, 2);
}

TEST(EpollLoopFd, EmptyPipeIsWritable) {
  auto loop = RealLoop();
  Pipe p;
  Seen seen;
  ASSERT_EQ(loop->Watch(p.write, EventLoop::kWritable, RecordFd, &seen), 0);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(seen.fd, p.write);
  EXPECT_EQ(seen.events, EventLoop::kWritable);
}

TEST(EpollLoopFd, UnwatchStopsDelivery) {
  auto loop = RealLoop();
  Pipe p;
  Seen seen;
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, RecordFd, &seen), 0);
  p.Put();
  loop->Unwatch(p.read);
  loop->Unwatch(p.read);  // no effect
  EXPECT_EQ(loop->watched_fds(), 0u);
  EXPECT_EQ(loop->RunOnce(0), 0u);
  EXPECT_EQ(seen.calls, 0);
}

TEST(EpollLoopFd, WatchAgainReplacesCallbackAndEvents) {
  auto loop = RealLoop();
  Pipe p;
  Seen first, second;
  ASSERT_EQ(loop->Watch(p.write, EventLoop::kReadable, RecordFd, &first), 0);
  EXPECT_EQ(loop->RunOnce(0), 0u);  // a write end never reads
  ASSERT_EQ(loop->Watch(p.write, EventLoop::kWritable, RecordFd, &second), 0);
  EXPECT_EQ(loop->watched_fds(), 1u);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(first.calls, 0);
  EXPECT_EQ(second.calls, 1);
  EXPECT_EQ(second.events, EventLoop::kWritable);
}

// Two loops (as two worker processes) sleep on one eventfd, each in a thread
// of its own: one write wakes one of them when they watch it exclusively,
// both otherwise. Exclusivity only applies to loops asleep in epoll_wait, so
// the write waits until the kernel shows both threads there.
bool SleepingInEpoll(pid_t tid) {
  std::ifstream wchan("/proc/self/task/" + std::to_string(tid) + "/wchan");
  std::string where;
  wchan >> where;
  return where.find("epoll") != std::string::npos;
}

int WokenByOneWrite(std::uint32_t events) {
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  EXPECT_GE(fd, 0);
  std::atomic<int> woken{0};
  std::atomic<pid_t> tids[2] = {0, 0};
  auto wait_once = [&](int i) {
    auto loop = RealLoop();
    auto count = [](void* arg, int, std::uint32_t got) {
      EXPECT_EQ(got, EventLoop::kReadable);  // kExclusive is never reported
      ++*static_cast<std::atomic<int>*>(arg);
    };
    EXPECT_EQ(loop->Watch(fd, events, count, &woken), 0);
    tids[i] = static_cast<pid_t>(syscall(SYS_gettid));
    loop->RunOnce(2000 * kMs);  // returns on its wake-up, or after 2 s
    loop->Unwatch(fd);
  };
  std::thread a(wait_once, 0), b(wait_once, 1);
  for (int i = 0; i < 5000; ++i) {
    if (tids[0] != 0 && tids[1] != 0 && SleepingInEpoll(tids[0]) && SleepingInEpoll(tids[1])) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::uint64_t one = 1;
  EXPECT_EQ(write(fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  a.join();
  b.join();
  close(fd);
  return woken;
}

TEST(EpollLoopFd, ExclusiveWatchesWakeOneOfSeveralLoops) {
  EXPECT_EQ(WokenByOneWrite(EventLoop::kReadable | EventLoop::kExclusive), 1);
  EXPECT_EQ(WokenByOneWrite(EventLoop::kReadable), 2);
}

TEST(EpollLoopFd, AnExclusiveWatchIsMadeAnewWhenChanged) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  auto loop = RealLoop();
  int calls = 0;
  auto count = [](void* arg, int, std::uint32_t) { ++*static_cast<int*>(arg); };
  ASSERT_EQ(loop->Watch(fds[0], EventLoop::kReadable | EventLoop::kExclusive, count, &calls), 0);
  ASSERT_EQ(loop->Watch(fds[0], EventLoop::kReadable, count, &calls), 0);  // MOD would fail
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  loop->RunOnce(0);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop->watched_fds(), 1u);
  loop->Unwatch(fds[0]);
  close(fds[0]);
  close(fds[1]);
}

TEST(EpollLoopFd, RegularFileIsRefusedWithEperm) {
  auto loop = RealLoop();
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  Seen seen;
  EXPECT_EQ(loop->Watch(fileno(file), EventLoop::kReadable, RecordFd, &seen), EPERM);
  EXPECT_EQ(loop->watched_fds(), 0u);
  std::fclose(file);
}

TEST(EpollLoopFd, BadFdIsRefusedWithEbadf) {
  auto loop = RealLoop();
  Seen seen;
  EXPECT_EQ(loop->Watch(-1, EventLoop::kReadable, RecordFd, &seen), EBADF);
  int closed;
  {
    Pipe p;
    closed = p.read;
  }
  EXPECT_EQ(loop->Watch(closed, EventLoop::kReadable, RecordFd, &seen), EBADF);
  EXPECT_EQ(loop->watched_fds(), 0u);
}

TEST(EpollLoopFd, NoDirectionOrNoCallbackIsEinval) {
  auto loop = RealLoop();
  Pipe p;
  Seen seen;
  EXPECT_EQ(loop->Watch(p.read, 0, RecordFd, &seen), EINVAL);
  EXPECT_EQ(loop->Watch(p.read, EventLoop::kError, RecordFd, &seen), EINVAL);
  EXPECT_EQ(loop->Watch(p.read, EventLoop::kReadable, nullptr, &seen), EINVAL);
  EXPECT_EQ(loop->watched_fds(), 0u);
}

TEST(EpollLoopFd, HangUpIsErrorWithReadable) {
  auto loop = RealLoop();
  Pipe p;
  Seen seen;
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, RecordFd, &seen), 0);
  p.CloseWrite();
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(seen.events, EventLoop::kError | EventLoop::kReadable);
}

TEST(EpollLoopFd, ClosedReaderIsErrorWithWritable) {
  auto loop = RealLoop();
  Pipe p;
  Seen seen;
  ASSERT_EQ(loop->Watch(p.write, EventLoop::kWritable, RecordFd, &seen), 0);
  p.CloseRead();
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(seen.events, EventLoop::kError | EventLoop::kWritable);
}

// Two ready fds whose callbacks each remove the other: whichever runs first,
// the other's event of the same turn is not delivered.
struct Rivals {
  EpollLoop* loop;
  int fds[2];
  int calls = 0;
};
void UnwatchRival(void* arg, int fd, std::uint32_t) {
  Rivals* r = static_cast<Rivals*>(arg);
  ++r->calls;
  r->loop->Unwatch(fd == r->fds[0] ? r->fds[1] : r->fds[0]);
}

TEST(EpollLoopFd, CallbackUnwatchingAnotherReadyFdPreventsItsDelivery) {
  auto loop = RealLoop();
  Pipe a, b;
  a.Put();
  b.Put();
  Rivals rivals{loop.get(), {a.read, b.read}};
  ASSERT_EQ(loop->Watch(a.read, EventLoop::kReadable, UnwatchRival, &rivals), 0);
  ASSERT_EQ(loop->Watch(b.read, EventLoop::kReadable, UnwatchRival, &rivals), 0);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(rivals.calls, 1);
  EXPECT_EQ(loop->watched_fds(), 1u);
}

// Two ready read ends whose callbacks each turn the other into a watch for
// writing only: the other's pending readable event is not delivered.
struct Turncoats {
  EpollLoop* loop;
  int fds[2];
  int calls = 0;
  Seen writers = {};
};
void WatchRivalForWriting(void* arg, int fd, std::uint32_t) {
  Turncoats* t = static_cast<Turncoats*>(arg);
  ++t->calls;
  t->loop->Watch(fd == t->fds[0] ? t->fds[1] : t->fds[0], EventLoop::kWritable, RecordFd,
                 &t->writers);
}

TEST(EpollLoopFd, WatchChangedInTheSameTurnGetsOnlyWhatItAsks) {
  auto loop = RealLoop();
  Pipe a, b;
  a.Put();
  b.Put();
  Turncoats t{loop.get(), {a.read, b.read}};
  ASSERT_EQ(loop->Watch(a.read, EventLoop::kReadable, WatchRivalForWriting, &t), 0);
  ASSERT_EQ(loop->Watch(b.read, EventLoop::kReadable, WatchRivalForWriting, &t), 0);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(t.calls, 1);
  EXPECT_EQ(t.writers.calls, 0);
}

// Two ready fds whose callbacks each close the other and watch a new, empty
// pipe under the same fd number: the old file's event of the same turn must
// not reach the new watch.
struct Swap {
  EpollLoop* loop;
  Pipe* pipes[2];
  int fresh_fds[2] = {-1, -1};
  Seen fresh = {};
  int old_calls = 0;
  bool same_number = false;
};
void ReplaceRival(void* arg, int fd, std::uint32_t) {
  Swap* s = static_cast<Swap*>(arg);
  if (s->old_calls++ > 0) return;
  Pipe* rival = s->pipes[0]->read == fd ? s->pipes[1] : s->pipes[0];
  int number = rival->read;
  s->loop->Unwatch(number);
  rival->CloseRead();
  // The lowest free numbers: the new read end takes `number`.
  s->same_number = pipe2(s->fresh_fds, O_CLOEXEC | O_NONBLOCK) == 0 && s->fresh_fds[0] == number;
  s->loop->Watch(number, EventLoop::kReadable, RecordFd, &s->fresh);
}

TEST(EpollLoopFd, FdClosedAndWatchedAgainInOneTurnGetsNoStaleEvent) {
  auto loop = RealLoop();
  Pipe a, b;
  a.Put();
  b.Put();
  Swap swap{.loop = loop.get(), .pipes = {&a, &b}};
  ASSERT_EQ(loop->Watch(a.read, EventLoop::kReadable, ReplaceRival, &swap), 0);
  ASSERT_EQ(loop->Watch(b.read, EventLoop::kReadable, ReplaceRival, &swap), 0);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  ASSERT_TRUE(swap.same_number);
  EXPECT_EQ(swap.old_calls, 1);
  EXPECT_EQ(swap.fresh.calls, 0);
  ASSERT_EQ(write(swap.fresh_fds[1], "x", 1), 1);
  EXPECT_EQ(loop->RunOnce(0), 2u);  // the survivor, and the new pipe now
  EXPECT_EQ(swap.fresh.calls, 1);
  loop->Unwatch(swap.fresh_fds[0]);
  close(swap.fresh_fds[0]);
  close(swap.fresh_fds[1]);
}

TEST(EpollLoopFd, FdClosedWithoutUnwatchCanBeWatchedAgain) {
  auto loop = RealLoop();
  Seen seen;
  Pipe old;
  ASSERT_EQ(loop->Watch(old.read, EventLoop::kReadable, RecordFd, &seen), 0);
  int number = old.read;
  old.CloseRead();  // the kernel drops the registration; the table still has it
  Pipe fresh;
  ASSERT_EQ(fresh.read, number);
  fresh.Put();
  EXPECT_EQ(loop->Watch(number, EventLoop::kReadable, RecordFd, &seen), 0);
  EXPECT_EQ(loop->watched_fds(), 1u);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(seen.fd, number);
}

struct SelfUnwatch {
  EpollLoop* loop;
  int calls = 0;
};
void UnwatchSelf(void* arg, int fd, std::uint32_t) {
  SelfUnwatch* s = static_cast<SelfUnwatch*>(arg);
  ++s->calls;
  s->loop->Unwatch(fd);
}

TEST(EpollLoopFd, CallbackMayUnwatchItsOwnFd) {
  auto loop = RealLoop();
  Pipe p;
  p.Put();
  SelfUnwatch self{loop.get()};
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, UnwatchSelf, &self), 0);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(loop->RunOnce(0), 0u);
  EXPECT_EQ(self.calls, 1);
  EXPECT_EQ(loop->watched_fds(), 0u);
}

// ---- Timers ----

TEST(EpollLoopTimer, FireInDeadlineOrder) {
  auto loop = FakeLoop();
  std::vector<int> order;
  Tagged t30{&order, 30}, t10{&order, 10}, t20{&order, 20};
  loop->AddTimer(30 * kMs, AppendTag, &t30);
  loop->AddTimer(10 * kMs, AppendTag, &t10);
  loop->AddTimer(20 * kMs, AppendTag, &t20);
  EXPECT_EQ(loop->pending_timers(), 3u);
  fake_now += 100 * kMs;
  EXPECT_EQ(loop->RunOnce(0), 3u);
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(loop->pending_timers(), 0u);
}

TEST(EpollLoopTimer, EqualDeadlinesFireInTheOrderAdded) {
  auto loop = FakeLoop();
  std::vector<int> order;
  std::vector<Tagged> tags;
  for (int i = 0; i < 8; ++i) tags.push_back({&order, i});
  for (int i = 0; i < 8; ++i) loop->AddTimer(i % 2 == 0 ? 5 * kMs : kMs, AppendTag, &tags[i]);
  fake_now += 5 * kMs;
  EXPECT_EQ(loop->RunOnce(0), 8u);
  EXPECT_EQ(order, (std::vector<int>{1, 3, 5, 7, 0, 2, 4, 6}));
}

TEST(EpollLoopTimer, NoTimerFiresBeforeItsDeadline) {
  auto loop = FakeLoop();
  int fired = 0;
  loop->AddTimer(10 * kMs, Count, &fired);
  fake_now += 10 * kMs - 1;
  EXPECT_EQ(loop->RunOnce(0), 0u);
  EXPECT_EQ(fired, 0);
  fake_now += 1;
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(fired, 1);
}

// On the real clock, one unbounded turn waits for the timer and ends with it
// (it would hang if the wait ignored the timer); the callback reads the clock.
struct Deadline {
  EventLoop* loop;
  std::int64_t not_before;
  std::int64_t fired_at = 0;
};
void NoteTime(void* arg) {
  Deadline* d = static_cast<Deadline*>(arg);
  d->fired_at = d->loop->Now();
}

TEST(EpollLoopTimer, OneUnboundedTurnEndsWithTheTimerNeverBeforeIt) {
  auto loop = RealLoop();
  Deadline d{loop.get(), loop->Now() + 2 * kMs};
  loop->AddTimer(2 * kMs, NoteTime, &d);
  EXPECT_EQ(loop->RunOnce(-1), 1u);
  EXPECT_GE(d.fired_at, d.not_before);
}

// A cancelled earlier timer must not end the wait: one turn still ends with
// the live one.
TEST(EpollLoopTimer, ACancelledTimerDoesNotEndTheWait) {
  auto loop = RealLoop();
  int fired = 0;
  ASSERT_TRUE(loop->CancelTimer(loop->AddTimer(kMs, Count, &fired)));
  loop->AddTimer(20 * kMs, Count, &fired);
  EXPECT_EQ(loop->RunOnce(-1), 1u);
  EXPECT_EQ(fired, 1);
}

TEST(EpollLoopTimer, CancelBeforeFiringPreventsIt) {
  auto loop = FakeLoop();
  int fired = 0;
  EventLoop::TimerId id = loop->AddTimer(kMs, Count, &fired);
  EXPECT_NE(id, 0u);
  EXPECT_TRUE(loop->CancelTimer(id));
  EXPECT_EQ(loop->pending_timers(), 0u);
  EXPECT_FALSE(loop->CancelTimer(id));  // twice
  fake_now += 2 * kMs;
  EXPECT_EQ(loop->RunOnce(0), 0u);
  EXPECT_EQ(fired, 0);
}

TEST(EpollLoopTimer, CancelAfterFiringIsFalse) {
  auto loop = FakeLoop();
  int fired = 0;
  EventLoop::TimerId id = loop->AddTimer(kMs, Count, &fired);
  fake_now += kMs;
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_FALSE(loop->CancelTimer(id));
}

TEST(EpollLoopTimer, UnknownIdsCancelNothingAndANullCallbackGetsNoTimer) {
  auto loop = FakeLoop();
  int fired = 0;
  loop->AddTimer(kMs, Count, &fired);
  EXPECT_FALSE(loop->CancelTimer(0));
  EXPECT_FALSE(loop->CancelTimer(12345));
  EXPECT_FALSE(loop->CancelTimer(~EventLoop::TimerId{0}));
  EXPECT_EQ(loop->AddTimer(kMs, nullptr, nullptr), 0u);
  EXPECT_EQ(loop->pending_timers(), 1u);
}

struct Canceller {
  EventLoop* loop;
  EventLoop::TimerId victim = 0;
  bool cancelled = false;
};
void CancelVictim(void* arg) {
  Canceller* c = static_cast<Canceller*>(arg);
  c->cancelled = c->loop->CancelTimer(c->victim);
}

TEST(EpollLoopTimer, CancelFromAnotherCallbackOfTheSamePass) {
  auto loop = FakeLoop();
  Canceller canceller{loop.get()};
  int fired = 0;
  loop->AddTimer(kMs, CancelVictim, &canceller);
  canceller.victim = loop->AddTimer(2 * kMs, Count, &fired);
  fake_now += 3 * kMs;
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_TRUE(canceller.cancelled);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(loop->pending_timers(), 0u);
}

TEST(EpollLoopTimer, CancelFromAnFdCallback) {
  auto loop = FakeLoop();
  Pipe p;
  p.Put();
  Canceller canceller{loop.get()};
  int fired = 0;
  canceller.victim = loop->AddTimer(0, Count, &fired);
  auto on_read = [](void* arg, int, std::uint32_t) { CancelVictim(arg); };
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, on_read, &canceller), 0);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_TRUE(canceller.cancelled);
  EXPECT_EQ(fired, 0);
}

// A timer re-arming itself with delay 0, `left` more times.
struct Rearm {
  EventLoop* loop;
  int left;
  int runs = 0;
};
void RearmSelf(void* arg) {
  Rearm* r = static_cast<Rearm*>(arg);
  ++r->runs;
  if (r->left-- > 0) r->loop->AddTimer(0, RearmSelf, r);
}

TEST(EpollLoopTimer, ZeroDelayRunsOnTheNextTurnNeverInsideAddTimer) {
  auto loop = FakeLoop();
  Rearm rearm{loop.get(), 3};
  loop->AddTimer(0, RearmSelf, &rearm);
  EXPECT_EQ(rearm.runs, 0);
  for (int turn = 1; turn <= 4; ++turn) {
    EXPECT_EQ(loop->RunOnce(0), 1u) << "turn " << turn;
    EXPECT_EQ(rearm.runs, turn);
  }
  EXPECT_EQ(loop->RunOnce(0), 0u);
  EXPECT_EQ(loop->pending_timers(), 0u);
}

TEST(EpollLoopTimer, NegativeDelayCountsAsZero) {
  auto loop = FakeLoop();
  int fired = 0;
  loop->AddTimer(-5 * kMs, Count, &fired);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(loop->lag().max_ns, 0);  // due now, not 5 ms ago
}

// Each timer notes the fake time of its own deadline when it fires.
struct Stamp {
  std::vector<std::int64_t>* deadlines;
  std::int64_t deadline;
  int fired = 0;
};
void NoteDeadline(void* arg) {
  Stamp* s = static_cast<Stamp*>(arg);
  ++s->fired;
  s->deadlines->push_back(s->deadline);
}

TEST(EpollLoopTimer, TenThousandTimersFireOnceEachInDeadlineOrder) {
  auto loop = FakeLoop();
  constexpr int kTimers = 10000;
  std::vector<std::int64_t> fired_deadlines;
  std::vector<Stamp> stamps(kTimers);
  std::uint64_t lcg = 12345;
  for (Stamp& s : stamps) {
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    std::int64_t delay = static_cast<std::int64_t>((lcg >> 33) % (1000 * kMs));
    s = Stamp{&fired_deadlines, fake_now + delay};
    loop->AddTimer(delay, NoteDeadline, &s);
  }
  EXPECT_EQ(loop->pending_timers(), static_cast<std::size_t>(kTimers));
  fake_now += 500 * kMs;
  std::size_t first = loop->RunOnce(0);
  fake_now += 500 * kMs;
  EXPECT_EQ(first + loop->RunOnce(0), static_cast<std::size_t>(kTimers));
  for (const Stamp& s : stamps) ASSERT_EQ(s.fired, 1);
  EXPECT_TRUE(std::is_sorted(fired_deadlines.begin(), fired_deadlines.end()));
  EXPECT_EQ(loop->pending_timers(), 0u);
  EXPECT_EQ(loop->heap_entries(), 0u);
}

TEST(EpollLoopTimer, AnOldIdCannotCancelTheNextTimerOfItsSlot) {
  auto loop = FakeLoop();
  int fired = 0;
  EventLoop::TimerId cancelled = loop->AddTimer(kMs, Count, &fired);
  ASSERT_TRUE(loop->CancelTimer(cancelled));
  EventLoop::TimerId second = loop->AddTimer(kMs, Count, &fired);
  ASSERT_EQ(second & 0xffffffffu, cancelled & 0xffffffffu);  // the same slot
  EXPECT_NE(second, cancelled);
  EXPECT_FALSE(loop->CancelTimer(cancelled));
  fake_now += kMs;
  EXPECT_EQ(loop->RunOnce(0), 1u);  // the slot's stale heap entry is skipped
  EventLoop::TimerId third = loop->AddTimer(kMs, Count, &fired);
  ASSERT_EQ(third & 0xffffffffu, second & 0xffffffffu);
  EXPECT_FALSE(loop->CancelTimer(second));  // fired before
  EXPECT_EQ(loop->pending_timers(), 1u);
  EXPECT_TRUE(loop->CancelTimer(third));
  EXPECT_EQ(fired, 1);
}

TEST(EpollLoopTimer, TheNextTimerOfACancelledSlotKeepsItsOwnDeadline) {
  auto loop = FakeLoop();
  int fired = 0;
  EventLoop::TimerId early = loop->AddTimer(kMs, Count, &fired);
  ASSERT_TRUE(loop->CancelTimer(early));
  EventLoop::TimerId late = loop->AddTimer(10 * kMs, Count, &fired);
  ASSERT_EQ(late & 0xffffffffu, early & 0xffffffffu);  // the same slot
  fake_now += kMs;
  EXPECT_EQ(loop->RunOnce(0), 0u);  // the cancelled timer's entry is due, not `late`
  EXPECT_EQ(fired, 0);
  fake_now += 9 * kMs;
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(fired, 1);
}

TEST(EpollLoopTimer, CancelledEntriesDoNotPileUpInTheHeap) {
  auto loop = FakeLoop();
  std::vector<int> order;
  std::vector<Tagged> tags;
  for (int i = 0; i < 5000; ++i) tags.push_back({&order, i});
  std::vector<EventLoop::TimerId> ids;
  for (Tagged& t : tags) ids.push_back(loop->AddTimer((5000 - t.tag) * kMs, AppendTag, &t));
  for (int i = 0; i < 5000; ++i) {
    if (i % 50 != 0) {
      ASSERT_TRUE(loop->CancelTimer(ids[i]));
    }
  }
  EXPECT_EQ(loop->pending_timers(), 100u);
  EXPECT_LE(loop->heap_entries(), 2 * 100u + 1024u);
  fake_now += 6000 * kMs;
  EXPECT_EQ(loop->RunOnce(0), 100u);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], 4950 - 50 * i);
}

// ---- One turn ----

TEST(EpollLoopTurn, ZeroWaitReturnsAtOnceWhenNothingIsDue) {
  auto loop = RealLoop();
  Pipe p;
  Seen seen;
  int fired = 0;
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, RecordFd, &seen), 0);
  loop->AddTimer(3600 * 1000 * kMs, Count, &fired);  // an hour: a wait would hang the test
  EXPECT_EQ(loop->RunOnce(0), 0u);
  EXPECT_EQ(loop->pending_timers(), 1u);
}

TEST(EpollLoopTurn, CountsFdAndTimerCallbacks) {
  auto loop = FakeLoop();
  Pipe p;
  p.Put();
  Seen seen;
  int fired = 0;
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, RecordFd, &seen), 0);
  loop->AddTimer(0, Count, &fired);
  loop->AddTimer(kMs, Count, &fired);
  EXPECT_EQ(loop->RunOnce(0), 2u);
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(fired, 1);
}

TEST(EpollLoopTurn, RecordsHowLateTimersFired) {
  auto loop = FakeLoop();
  int fired = 0;
  loop->AddTimer(kMs, Count, &fired);
  loop->AddTimer(2 * kMs, Count, &fired);
  fake_now += 2 * kMs + 1500;
  EXPECT_EQ(loop->RunOnce(0), 2u);
  const LagHistogram& lag = loop->lag();
  EXPECT_EQ(lag.count, 2u);
  EXPECT_EQ(lag.max_ns, kMs + 1500);
  EXPECT_EQ(lag.buckets[10], 1u);  // 1500 ns in [1024, 2048)
  EXPECT_EQ(lag.buckets[19], 1u);  // 1,001,500 ns in [2^19, 2^20)
}

void AddZeroTimer(void* arg, int, std::uint32_t) {
  static int fired = 0;
  static_cast<EventLoop*>(arg)->AddTimer(0, Count, &fired);
}

TEST(EpollLoopTurn, AZeroTimerAddedByAnFdCallbackRunsInTheSameTurn) {
  auto loop = FakeLoop();
  Pipe p;
  p.Put();
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, AddZeroTimer, loop.get()), 0);
  EXPECT_EQ(loop->RunOnce(0), 2u);
  EXPECT_EQ(loop->pending_timers(), 0u);
}

// A readable pipe whose callback adds a timer and cancels the previous one,
// and a timer re-arming itself: each turn runs both, adds and cancels.
struct Churn {
  EventLoop* loop;
  EventLoop::TimerId previous = 0;
  int fired = 0;
};
void AddAndCancel(void* arg, int, std::uint32_t) {
  Churn* c = static_cast<Churn*>(arg);
  c->loop->CancelTimer(c->previous);
  c->previous = c->loop->AddTimer(kMs, Count, &c->fired);
}

TEST(EpollLoopTurn, NoAllocationPerTurnAfterWarmUp) {
  auto loop = FakeLoop();
  Pipe p;
  p.Put();
  Churn churn{loop.get()};
  Rearm rearm{loop.get(), 1 << 30};
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, AddAndCancel, &churn), 0);
  loop->AddTimer(0, RearmSelf, &rearm);
  for (int i = 0; i < 100; ++i) loop->RunOnce(0);
  pylogen::testing::AllocationCounter::Start();
  std::size_t ran = 0;
  for (int i = 0; i < 10000; ++i) {
    fake_now += kMs / 2;
    ran += loop->RunOnce(0);
  }
  EXPECT_EQ(pylogen::testing::AllocationCounter::Stop(), 0u);
  EXPECT_EQ(ran, 20000u);
  EXPECT_EQ(churn.fired, 0);
}

// ---- Exceptions ----

void ThrowRuntime(void*) { throw std::runtime_error("boom"); }
void ThrowInt(void*) { throw 42; }
void ThrowLong(void*) { throw std::runtime_error(std::string(300, 'e')); }
void ThrowFromFd(void*, int, std::uint32_t) { throw std::logic_error("fd"); }

TEST(EpollLoopErrors, ThrowingCallbacksAreCountedAndTheLoopGoesOn) {
  auto loop = FakeLoop();
  int fired = 0;
  loop->AddTimer(kMs, ThrowRuntime, nullptr);
  loop->AddTimer(2 * kMs, ThrowInt, nullptr);
  loop->AddTimer(3 * kMs, Count, &fired);
  fake_now += 3 * kMs;
  EXPECT_EQ(loop->RunOnce(0), 3u);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(loop->callback_errors(), 2u);
  EXPECT_EQ(loop->first_callback_error(), "boom");
  Pipe p;
  p.Put();
  ASSERT_EQ(loop->Watch(p.read, EventLoop::kReadable, ThrowFromFd, nullptr), 0);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(loop->callback_errors(), 3u);
  EXPECT_EQ(loop->first_callback_error(), "boom");
}

TEST(EpollLoopErrors, UnknownExceptionAndBoundedMessage) {
  auto loop = FakeLoop();
  loop->AddTimer(0, ThrowInt, nullptr);
  EXPECT_EQ(loop->RunOnce(0), 1u);
  EXPECT_EQ(loop->first_callback_error(), "unknown exception");
  auto other = FakeLoop();
  other->AddTimer(0, ThrowLong, nullptr);
  EXPECT_EQ(other->RunOnce(0), 1u);
  EXPECT_EQ(other->first_callback_error(), std::string(127, 'e'));
}

// ---- LagHistogram ----

TEST(LagHistogram, BucketsArePowersOfTwo) {
  LagHistogram h;
  for (std::int64_t ns : {-3, 0, 1, 2, 3, 4, 1023, 1024}) h.Record(ns);
  h.Record(std::int64_t{1} << 50);  // beyond the last bucket: kept in it
  EXPECT_EQ(h.buckets[0], 3u);      // -3 (as 0), 0, 1
  EXPECT_EQ(h.buckets[1], 2u);      // 2, 3
  EXPECT_EQ(h.buckets[2], 1u);      // 4
  EXPECT_EQ(h.buckets[9], 1u);      // 1023
  EXPECT_EQ(h.buckets[10], 1u);     // 1024
  EXPECT_EQ(h.buckets[LagHistogram::kBuckets - 1], 1u);
  EXPECT_EQ(h.count, 9u);
  EXPECT_EQ(h.max_ns, std::int64_t{1} << 50);
}

TEST(LagHistogram, QuantileUpperBounds) {
  LagHistogram h;
  EXPECT_EQ(h.QuantileUpperBound(0.99), 0);
  for (int i = 0; i < 90; ++i) h.Record(100);  // bucket 6: [64, 128)
  for (int i = 0; i < 9; ++i) h.Record(5000);  // bucket 12: [4096, 8192)
  h.Record(3000000);                           // bucket 21: [2^21, 2^22)
  EXPECT_EQ(h.QuantileUpperBound(0.5), 128);
  EXPECT_EQ(h.QuantileUpperBound(0.85), 128);
  EXPECT_EQ(h.QuantileUpperBound(0.95), 8192);
  EXPECT_EQ(h.QuantileUpperBound(0.995), std::int64_t{1} << 22);
  EXPECT_EQ(h.QuantileUpperBound(1.0), std::int64_t{1} << 22);
  h.Record(std::int64_t{1} << 45);
  EXPECT_EQ(h.QuantileUpperBound(1.0), std::int64_t{1} << 45);  // open-ended last bucket
}

}  // namespace
}  // namespace pylogen::loop
