// The opened model's jobs queue: events from the generator to the workers.
//
// A bounded single-producer multi-consumer queue in shared memory (Vyukov's
// per-cell sequence numbers): the generator (the only producer) never waits
// — a full queue drops the event, and the drop is counted; workers claim a
// cell with a CAS. A worker killed (SIGKILL from outside) in the few
// instructions between its claim and its release leaves that cell
// unreleased: once the producer wraps around to it, every later event is
// dropped (and counted) — never a hang, but the load serves nothing more.
// `published` is the futex word idle blocking workers sleep on; event-driven
// workers wait on an eventfd instead (their loop can wait on it).
#ifndef PYLOGEN_SHM_JOBS_QUEUE_H_
#define PYLOGEN_SHM_JOBS_QUEUE_H_

#include <atomic>
#include <cstdint>
#include <optional>

#include "shm/ring.h"

namespace pylogen::shm {

struct JobCell {
  std::atomic<std::uint64_t> sequence;
  std::int64_t intended_mono_ns;  // when the event was due (monotonic clock)
};

struct JobsControl {
  alignas(kCacheLine) std::atomic<std::uint64_t> enqueue_pos;  // generator only
  alignas(kCacheLine) std::atomic<std::uint64_t> dequeue_pos;  // workers (CAS)
  alignas(kCacheLine) std::atomic<std::uint32_t> published;    // futex word
  std::atomic<std::uint32_t> waiters;                          // workers asleep on it
  // Event-driven workers with room for more events and none to take: they
  // wait on the load's wake eventfd (OpenedArea::wake_fd), written to
  // whenever this is not 0 after events were published.
  std::atomic<std::uint32_t> loop_waiters;
};

class JobsQueue {
 public:
  JobsQueue(JobsControl* control, JobCell* cells, std::uint64_t capacity)
      : control_(control), cells_(cells), mask_(capacity - 1) {}

  // Lays out the cells of a fresh queue. REQUIRES: capacity a power of two.
  static void Init(JobCell* cells, std::uint64_t capacity) {
    for (std::uint64_t i = 0; i < capacity; ++i) cells[i].sequence.store(i, std::memory_order_relaxed);
  }

  // Producer: false when the queue is full (the caller counts a drop).
  bool TryPush(std::int64_t intended_mono_ns) {
    std::uint64_t pos = control_->enqueue_pos.load(std::memory_order_relaxed);
    JobCell& cell = cells_[pos & mask_];
    if (cell.sequence.load(std::memory_order_acquire) != pos) return false;
    cell.intended_mono_ns = intended_mono_ns;
    cell.sequence.store(pos + 1, std::memory_order_release);
    control_->enqueue_pos.store(pos + 1, std::memory_order_release);
    return true;
  }

  // Consumer: the intended time of the oldest event, or nothing when empty.
  std::optional<std::int64_t> TryPop() {
    std::uint64_t pos = control_->dequeue_pos.load(std::memory_order_relaxed);
    while (true) {
      JobCell& cell = cells_[pos & mask_];
      std::uint64_t seq = cell.sequence.load(std::memory_order_acquire);
      std::int64_t diff = static_cast<std::int64_t>(seq - (pos + 1));
      if (diff == 0) {
        if (control_->dequeue_pos.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          std::int64_t intended = cell.intended_mono_ns;
          cell.sequence.store(pos + mask_ + 1, std::memory_order_release);
          return intended;
        }
      } else if (diff < 0) {
        return std::nullopt;  // empty
      } else {
        pos = control_->dequeue_pos.load(std::memory_order_relaxed);
      }
    }
  }

  // Events queued and not yet claimed.
  std::uint64_t Backlog() const {
    std::uint64_t in = control_->enqueue_pos.load(std::memory_order_acquire);
    std::uint64_t out = control_->dequeue_pos.load(std::memory_order_acquire);
    return in > out ? in - out : 0;
  }

  JobsControl& control() const { return *control_; }

 private:
  JobsControl* control_;
  JobCell* cells_;
  std::uint64_t mask_;
};

}  // namespace pylogen::shm

#endif  // PYLOGEN_SHM_JOBS_QUEUE_H_
