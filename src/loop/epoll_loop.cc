#include "loop/epoll_loop.h"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace pylogen::loop {
namespace {

constexpr std::int64_t kNanosPerSecond = 1000000000;
constexpr std::size_t kErrorTextMax = 127;
// Cancelled heap entries tolerated beyond the live ones before a compaction.
constexpr std::size_t kCompactSlack = 1024;
constexpr std::uint32_t kInterest = EventLoop::kReadable | EventLoop::kWritable;

// epoll data: the fd in the low half, the watch's generation in the high one.
std::uint64_t PackData(int fd, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(fd);
}
int DataFd(std::uint64_t data) { return static_cast<int>(data & 0xffffffffu); }
std::uint32_t DataGeneration(std::uint64_t data) { return static_cast<std::uint32_t>(data >> 32); }

std::uint32_t ToEpoll(std::uint32_t events) {
  return ((events & EventLoop::kReadable) ? EPOLLIN : 0u) |
         ((events & EventLoop::kWritable) ? EPOLLOUT : 0u) |
         ((events & EventLoop::kExclusive) ? EPOLLEXCLUSIVE : 0u);
}

// What a watch of `interest` is told about `ready`: an error or hang-up comes
// with the asked directions, so that a reader reads its EOF.
std::uint32_t FromEpoll(std::uint32_t ready, std::uint32_t interest) {
  std::uint32_t out = ((ready & EPOLLIN) ? EventLoop::kReadable : 0u) |
                      ((ready & EPOLLOUT) ? EventLoop::kWritable : 0u);
  interest &= kInterest;
  if (ready & (EPOLLERR | EPOLLHUP)) out |= EventLoop::kError | interest;
  return out & (interest | EventLoop::kError);
}

EventLoop::TimerId MakeTimerId(std::uint32_t index, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | (std::uint64_t{index} + 1);
}
std::uint32_t TimerIndex(EventLoop::TimerId id) {
  return static_cast<std::uint32_t>(id & 0xffffffffu) - 1;  // id 0: UINT32_MAX
}
std::uint32_t TimerGeneration(EventLoop::TimerId id) {
  return static_cast<std::uint32_t>(id >> 32);
}

std::int64_t SaturatingAdd(std::int64_t now, std::int64_t delay) {
  if (delay > std::numeric_limits<std::int64_t>::max() - now) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return now + delay;
}

timespec ToTimespec(std::int64_t ns) {
  return timespec{static_cast<time_t>(ns / kNanosPerSecond),
                  static_cast<long>(ns % kNanosPerSecond)};
}

// Heap order: std::*_heap keep the greatest on top, so "greater" is "later".
bool Later(const auto& a, const auto& b) {
  if (a.deadline_ns != b.deadline_ns) return a.deadline_ns > b.deadline_ns;
  return a.sequence > b.sequence;
}

}  // namespace

// ---- LagHistogram ----

void LagHistogram::Record(std::int64_t lateness_ns) {
  std::uint64_t value = lateness_ns > 0 ? static_cast<std::uint64_t>(lateness_ns) : 0;
  int bucket = value <= 1 ? 0 : std::bit_width(value) - 1;
  ++buckets[std::min(bucket, kBuckets - 1)];
  ++count;
  max_ns = std::max(max_ns, static_cast<std::int64_t>(value));
}

std::int64_t LagHistogram::QuantileUpperBound(double q) const {
  if (count == 0) return 0;
  double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count));
  std::uint64_t rank = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(wanted), 1, count);
  std::uint64_t seen = 0;
  int bucket = 0;
  while ((seen += buckets[bucket]) < rank) ++bucket;
  if (bucket == kBuckets - 1) return max_ns;
  return std::int64_t{1} << (bucket + 1);
}

// ---- Lifetime ----

std::expected<std::unique_ptr<EpollLoop>, std::string> EpollLoop::Create(Clock clock) {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return std::unexpected(fmt::format("epoll_create1: {}", std::strerror(errno)));
  std::unique_ptr<EpollLoop> loop(new EpollLoop(fd, clock));
  timespec zero{};
  epoll_event probe;
  if (epoll_pwait2(fd, &probe, 1, &zero, nullptr) < 0 && errno == ENOSYS) {
    return std::unexpected("epoll_pwait2: not implemented by this kernel (Linux 5.11 needed)");
  }
  return loop;
}

EpollLoop::EpollLoop(int epoll_fd, Clock clock) : epoll_fd_(epoll_fd), clock_(clock) {}

EpollLoop::~EpollLoop() { close(epoll_fd_); }

// ---- Callbacks ----

template <class Fn>
void EpollLoop::Guarded(Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    if (callback_errors_++ == 0) {
      first_callback_error_ = std::string_view(e.what()).substr(0, kErrorTextMax);
    }
  } catch (...) {
    if (callback_errors_++ == 0) first_callback_error_ = "unknown exception";
  }
}

// ---- Fd watches ----

bool EpollLoop::IsWatched(int fd) const {
  return fd >= 0 && static_cast<std::size_t>(fd) < fds_.size() && fds_[fd].events != 0;
}

int EpollLoop::Control(int op, int fd, std::uint32_t events, std::uint32_t generation) {
  epoll_event event{};
  event.events = ToEpoll(events);
  event.data.u64 = PackData(fd, generation);
  return epoll_ctl(epoll_fd_, op, fd, &event) == 0 ? 0 : errno;
}

// Modifies the registration of a watched fd, or adds it. A watched fd closed
// without Unwatch is no longer registered (ENOENT): it is added again.
int EpollLoop::Register(int fd, std::uint32_t events) {
  if (IsWatched(fd) && ((events | fds_[fd].events) & kExclusive) != 0) {
    Unwatch(fd);  // an exclusive registration cannot be modified, only made anew
  }
  if (IsWatched(fd)) {
    int rc = Control(EPOLL_CTL_MOD, fd, events, fds_[fd].generation);
    if (rc != ENOENT && rc != EBADF) return rc;  // 0, or a failure that keeps the watch
    Forget(fd);
    if (rc == EBADF) return rc;
  }
  return Add(fd, events);
}

// A new registration, under a new generation.
int EpollLoop::Add(int fd, std::uint32_t events) {
  const bool known = static_cast<std::size_t>(fd) < fds_.size();
  const std::uint32_t generation = known ? fds_[fd].generation + 1 : 0;
  if (int rc = Control(EPOLL_CTL_ADD, fd, events, generation); rc != 0) return rc;
  if (!known) fds_.resize(fd + 1);
  fds_[fd].generation = generation;
  ++watched_;
  return 0;
}

int EpollLoop::Watch(int fd, std::uint32_t events, FdCallback callback, void* arg) {
  if (fd < 0) return EBADF;
  if (callback == nullptr || (events & kInterest) == 0) return EINVAL;
  events &= kInterest | kExclusive;
  if (int rc = Register(fd, events); rc != 0) return rc;
  FdWatch& watch = fds_[fd];
  watch.callback = callback;
  watch.arg = arg;
  watch.events = events;
  return 0;
}

// Clears the table entry; its generation moves on so that an event already
// read for it is not served to the fd's next watch.
void EpollLoop::Forget(int fd) {
  FdWatch& watch = fds_[fd];
  watch = FdWatch{.generation = watch.generation + 1};
  --watched_;
}

void EpollLoop::Unwatch(int fd) {
  if (!IsWatched(fd)) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // ENOENT, EBADF: already gone
  Forget(fd);
}

std::size_t EpollLoop::Dispatch(const epoll_event& event) {
  const int fd = DataFd(event.data.u64);
  if (!IsWatched(fd) || fds_[fd].generation != DataGeneration(event.data.u64)) return 0;
  const FdWatch watch = fds_[fd];  // the callback may change the table
  const std::uint32_t events = FromEpoll(event.events, watch.events);
  if (events == 0) return 0;
  Guarded([&] { watch.callback(watch.arg, fd, events); });
  return 1;
}

// ---- Timers ----

std::uint32_t EpollLoop::AllocateTimer() {
  if (free_timers_.empty()) {
    timers_.emplace_back();
    return static_cast<std::uint32_t>(timers_.size() - 1);
  }
  std::uint32_t index = free_timers_.back();
  free_timers_.pop_back();
  return index;
}

void EpollLoop::FreeTimer(std::uint32_t index) {
  Timer& timer = timers_[index];
  timer = Timer{.generation = timer.generation + 1};
  free_timers_.push_back(index);
  --live_timers_;
}

bool EpollLoop::IsLive(const HeapEntry& entry) const {
  const Timer& timer = timers_[entry.index];
  return timer.live && timer.generation == entry.generation;
}

void EpollLoop::PushHeap(const HeapEntry& entry) {
  heap_.push_back(entry);
  std::push_heap(heap_.begin(), heap_.end(), Later<HeapEntry, HeapEntry>);
}

EpollLoop::HeapEntry EpollLoop::PopHeap() {
  std::pop_heap(heap_.begin(), heap_.end(), Later<HeapEntry, HeapEntry>);
  HeapEntry entry = heap_.back();
  heap_.pop_back();
  return entry;
}

void EpollLoop::DropDeadTop() {
  while (!heap_.empty() && !IsLive(heap_.front())) PopHeap();
}

// Rebuilds the heap without its cancelled entries once they outnumber the
// live ones: O(n) after at least n/2 cancels, and no allocation.
void EpollLoop::MaybeCompact() {
  if (heap_.size() <= 2 * live_timers_ + kCompactSlack) return;
  std::erase_if(heap_, [this](const HeapEntry& entry) { return !IsLive(entry); });
  std::make_heap(heap_.begin(), heap_.end(), Later<HeapEntry, HeapEntry>);
}

EventLoop::TimerId EpollLoop::AddTimer(std::int64_t delay_ns, TimerCallback callback, void* arg) {
  if (callback == nullptr) return 0;
  const std::uint32_t index = AllocateTimer();
  Timer& timer = timers_[index];
  timer.deadline_ns = SaturatingAdd(clock_(), std::max<std::int64_t>(delay_ns, 0));
  timer.callback = callback;
  timer.arg = arg;
  timer.live = true;
  ++live_timers_;
  PushHeap({timer.deadline_ns, sequence_++, index, timer.generation});
  return MakeTimerId(index, timer.generation);
}

bool EpollLoop::CancelTimer(TimerId id) {
  const std::uint32_t index = TimerIndex(id);
  if (index >= timers_.size()) return false;
  const Timer& timer = timers_[index];
  if (!timer.live || timer.generation != TimerGeneration(id)) return false;
  FreeTimer(index);
  MaybeCompact();
  return true;
}

std::size_t EpollLoop::Fire(const HeapEntry& entry, std::int64_t now) {
  const Timer timer = timers_[entry.index];
  lag_.Record(now - timer.deadline_ns);
  FreeTimer(entry.index);  // before the call: the callback may reuse the slot
  Guarded([&] { timer.callback(timer.arg); });
  return 1;
}

// Runs the timers due at `now` that existed when the pass began: one added
// by a callback of this pass has a sequence past `end`, and waits a turn.
std::size_t EpollLoop::RunDueTimers(std::int64_t now) {
  const std::uint64_t end = sequence_;
  std::size_t ran = 0;
  while (!heap_.empty() && heap_.front().deadline_ns <= now && heap_.front().sequence < end) {
    HeapEntry entry = PopHeap();
    if (IsLive(entry)) ran += Fire(entry, now);
  }
  return ran;
}

// ---- One turn ----

std::int64_t EpollLoop::WaitNs(std::int64_t max_wait_ns) {
  DropDeadTop();
  if (heap_.empty()) return max_wait_ns;
  std::int64_t until_timer = std::max<std::int64_t>(heap_.front().deadline_ns - clock_(), 0);
  return max_wait_ns < 0 ? until_timer : std::min(max_wait_ns, until_timer);
}

// Waits up to `wait_ns` (negative: no bound); on EINTR waits again for what
// is left. Returns the number of ready events (0 on a failure, which only a
// broken epoll fd could cause).
int EpollLoop::Wait(std::int64_t wait_ns) {
  const std::int64_t wake = wait_ns < 0 ? 0 : SaturatingAdd(clock_(), wait_ns);
  for (;;) {
    timespec timeout = ToTimespec(std::max<std::int64_t>(wait_ns, 0));
    int n = epoll_pwait2(epoll_fd_, events_.data(), kMaxEvents, wait_ns < 0 ? nullptr : &timeout,
                         nullptr);
    if (n >= 0) return n;
    if (errno != EINTR) return 0;
    if (wait_ns >= 0) wait_ns = std::max<std::int64_t>(wake - clock_(), 0);
  }
}

std::size_t EpollLoop::RunOnce(std::int64_t max_wait_ns) {
  const int ready = Wait(WaitNs(max_wait_ns));
  std::size_t ran = 0;
  for (int i = 0; i < ready; ++i) ran += Dispatch(events_[i]);
  return ran + RunDueTimers(clock_());
}

}  // namespace pylogen::loop
