// The event loop of an event-driven worker process (DESIGN §9): the SDK's
// EventLoop (fd watches, one-shot timers) on epoll, plus what the host needs
// around it: one turn of the loop at a time, and how late its timers fired.
//
// One per process, created after fork, used by that process' single thread
// only. Level-triggered fd watches, indexed by fd. Timers live in a binary
// min-heap over a slab of timer entries with a free list: after warm-up,
// adding, firing and cancelling a timer allocates nothing. A cancelled timer
// frees its slab entry at once (a generation in its id keeps an old id from
// cancelling the slot's next timer); its heap entry is dropped when it
// reaches the top, or with all others when cancelled entries outnumber live
// ones. Waits with epoll_pwait2, so a timer's deadline is kept to the
// nanosecond the kernel gives (the host sets PR_SET_TIMERSLACK to 1 ns first).
//
// Callbacks may add and remove watches and timers (their own included) while
// the loop dispatches: a watch removed or replaced during a turn gets no
// event of that turn meant for its predecessor. A turn runs the fds first,
// then the timers: a timer added by an fd callback with delay 0 runs in the
// same turn, one added by a timer callback on a later turn, never in the pass
// that added it (a timer re-arming itself with delay 0 cannot starve the
// fds). An exception escaping a callback is caught: the loop counts it, keeps
// the first message, and goes on.
#ifndef PYLOGEN_LOOP_EPOLL_LOOP_H_
#define PYLOGEN_LOOP_EPOLL_LOOP_H_

#include <sys/epoll.h>

#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "pylogen/event_cut.h"

namespace pylogen::loop {

// Lateness of fired timers (fire time - deadline), in power-of-two buckets of
// nanoseconds: bucket i counts lateness in [2^i, 2^(i+1)) ns, bucket 0 also
// holds 0 and 1 ns. Plain data, copied into the process' slot.
struct LagHistogram {
  static constexpr int kBuckets = 40;  // up to 2^40 ns (~18 min)
  std::uint64_t buckets[kBuckets] = {};
  std::uint64_t count = 0;
  std::int64_t max_ns = 0;

  void Record(std::int64_t lateness_ns);
  // Upper bound of the bucket holding the q-quantile (0 < q <= 1): 2^(i+1)
  // for bucket i, the largest sample for the last, open-ended bucket; 0 when
  // empty.
  std::int64_t QuantileUpperBound(double q) const;
};

class EpollLoop final : public EventLoop {
 public:
  // The clock deadlines are kept on (monotonic ns). Tests pass a fake one and
  // turn the loop with RunOnce(0); the host keeps the default.
  using Clock = std::int64_t (*)();

  // Creates the epoll instance; an error names the syscall and errno
  // (epoll_pwait2 needs Linux 5.11).
  static std::expected<std::unique_ptr<EpollLoop>, std::string> Create(
      Clock clock = &MonotonicNanos);
  ~EpollLoop();
  EpollLoop(const EpollLoop&) = delete;
  EpollLoop& operator=(const EpollLoop&) = delete;

  // EINVAL when `events` asks for neither kReadable nor kWritable, or
  // `callback` is null.
  int Watch(int fd, std::uint32_t events, FdCallback callback, void* arg) override;
  void Unwatch(int fd) override;
  // A negative delay counts as 0. Returns 0 (no timer) when `callback` is null.
  TimerId AddTimer(std::int64_t delay_ns, TimerCallback callback, void* arg) override;
  bool CancelTimer(TimerId id) override;

  // One turn: waits until a watched fd is ready, the earliest timer is due,
  // or `max_wait_ns` passed (0: do not wait; negative: no bound), then runs
  // the ready fds' callbacks and every timer due by then (in deadline order,
  // first added first among equal deadlines). A signal does not end the wait
  // early. Returns the number of callbacks run.
  std::size_t RunOnce(std::int64_t max_wait_ns);

  // Timers added and not yet fired or cancelled; watched fds.
  std::size_t pending_timers() const { return live_timers_; }
  std::size_t watched_fds() const { return watched_; }
  // Entries in the timer heap, cancelled ones included until dropped: at most
  // about twice pending_timers(), however many timers are cancelled.
  std::size_t heap_entries() const { return heap_.size(); }

  const LagHistogram& lag() const { return lag_; }
  std::uint64_t callback_errors() const { return callback_errors_; }
  const std::string& first_callback_error() const { return first_callback_error_; }

 private:
  // Implementation state (fd table, timer slab and heap, epoll event
  // buffer): see epoll_loop.cc.
  struct FdWatch {
    FdCallback callback = nullptr;
    void* arg = nullptr;
    std::uint32_t events = 0;      // 0: not watched
    std::uint32_t generation = 0;  // bumped by every new registration
  };
  struct Timer {
    std::int64_t deadline_ns = 0;
    TimerCallback callback = nullptr;
    void* arg = nullptr;
    std::uint32_t generation = 0;  // bumped when the slot is freed
    bool live = false;
  };
  struct HeapEntry {
    std::int64_t deadline_ns;
    std::uint64_t sequence;  // FIFO among equal deadlines
    std::uint32_t index;     // into timers_
    std::uint32_t generation;
  };
  static constexpr int kMaxEvents = 256;

  EpollLoop(int epoll_fd, Clock clock);
  bool IsWatched(int fd) const;
  int Register(int fd, std::uint32_t events);
  int Add(int fd, std::uint32_t events);
  int Control(int op, int fd, std::uint32_t events, std::uint32_t generation);
  void Forget(int fd);
  std::size_t Dispatch(const epoll_event& event);
  int Wait(std::int64_t wait_ns);
  std::int64_t WaitNs(std::int64_t max_wait_ns);
  std::uint32_t AllocateTimer();
  void FreeTimer(std::uint32_t index);
  bool IsLive(const HeapEntry& entry) const;
  void PushHeap(const HeapEntry& entry);
  HeapEntry PopHeap();
  void DropDeadTop();
  void MaybeCompact();
  std::size_t RunDueTimers(std::int64_t now);
  std::size_t Fire(const HeapEntry& entry, std::int64_t now);
  template <class Fn>
  void Guarded(Fn&& fn);

  int epoll_fd_;  // owned
  Clock clock_;
  std::vector<FdWatch> fds_;  // indexed by fd
  std::size_t watched_ = 0;
  std::vector<Timer> timers_;  // the slab
  std::vector<std::uint32_t> free_timers_;
  std::vector<HeapEntry> heap_;  // min-heap on (deadline, sequence)
  std::uint64_t sequence_ = 0;
  std::size_t live_timers_ = 0;
  std::array<epoll_event, kMaxEvents> events_;
  LagHistogram lag_;
  std::uint64_t callback_errors_ = 0;
  std::string first_callback_error_;
};

}  // namespace pylogen::loop

#endif  // PYLOGEN_LOOP_EPOLL_LOOP_H_
