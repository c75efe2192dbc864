// A single-producer single-consumer ring of stat records in shared memory.
//
// Each worker process owns the producer side of one ring; the reader process
// owns the consumer side of every ring. One ring per producer, rather than one
// shared multi-producer queue, is what keeps the reader from stalling when a
// producer is descheduled in the middle of a publish (common with more
// processes than cores): a half-written record here is simply not published
// yet, and a producer killed mid-write publishes nothing.
//
// Indexes are free-running 64-bit counters; position = index & (capacity-1).
// The producer publishes with a release store of head_, the consumer frees
// with a release store of tail_. Lock-free: a killed process holds no lock.
#ifndef PYLOGEN_SHM_RING_H_
#define PYLOGEN_SHM_RING_H_

#include <atomic>
#include <cstdint>

#include "stats/record.h"

namespace pylogen::shm {

inline constexpr std::size_t kCacheLine = 64;

// Control words of one ring; lives in the shared segment.
struct RingControl {
  alignas(kCacheLine) std::atomic<std::uint64_t> head;  // written by the producer
  std::uint64_t cached_tail;                             // producer-private copy
  alignas(kCacheLine) std::atomic<std::uint64_t> tail;  // written by the consumer
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// Producer side. REQUIRES: one producer per ring at a time.
class RingProducer {
 public:
  RingProducer(RingControl* control, stats::Record* slots, std::uint64_t capacity)
      : control_(control), slots_(slots), mask_(capacity - 1) {}

  // The slot to fill next, or nullptr when the ring is full.
  stats::Record* TryClaim() {
    std::uint64_t head = control_->head.load(std::memory_order_relaxed);
    if (head - control_->cached_tail > mask_) {
      control_->cached_tail = control_->tail.load(std::memory_order_acquire);
      if (head - control_->cached_tail > mask_) return nullptr;
    }
    return &slots_[head & mask_];
  }
  // Makes the claimed slot visible to the consumer.
  void Publish() {
    control_->head.store(control_->head.load(std::memory_order_relaxed) + 1,
                         std::memory_order_release);
  }

 private:
  RingControl* control_;
  stats::Record* slots_;
  std::uint64_t mask_;
};

// Consumer side. REQUIRES: one consumer per ring.
class RingConsumer {
 public:
  RingConsumer(RingControl* control, const stats::Record* slots, std::uint64_t capacity)
      : control_(control), slots_(slots), mask_(capacity - 1) {}

  // Records published and not yet released.
  std::uint64_t Available() const {
    return control_->head.load(std::memory_order_acquire) -
           control_->tail.load(std::memory_order_relaxed);
  }
  // Calls fn(const Record&) for up to `max` published records, then releases
  // them to the producer. Returns how many were consumed.
  template <class Fn>
  std::uint64_t Drain(std::uint64_t max, Fn&& fn) {
    std::uint64_t tail = control_->tail.load(std::memory_order_relaxed);
    std::uint64_t head = control_->head.load(std::memory_order_acquire);
    std::uint64_t n = head - tail < max ? head - tail : max;
    for (std::uint64_t i = 0; i < n; ++i) fn(slots_[(tail + i) & mask_]);
    if (n != 0) control_->tail.store(tail + n, std::memory_order_release);
    return n;
  }

 private:
  RingControl* control_;
  const stats::Record* slots_;
  std::uint64_t mask_;
};

}  // namespace pylogen::shm

#endif  // PYLOGEN_SHM_RING_H_
