// The generator's loop (generator.h, DESIGN §4) over the clock, waits and
// jobs queue it is given, so that it runs unchanged on a fake clock in the
// unit tests. It asks schedule::Emissions for the events due, waits for their
// deadlines, pushes each with its due time, and counts.
//
// What it guarantees, whatever the schedule and --burst:
// - every event the schedule makes due is counted once as scheduled, and as
//   emitted or dropped (a full queue drops it), at the moment it is handled;
//   a burst's events are pulled from its own segment only: emitted never
//   exceeds scheduled;
// - a burst that meets a full queue drops the rest of its chunk at once;
// - it looks at Running() at least every kMaxSleepNs of waiting and every
//   kMaxStepEvents events handled, so a stop is noticed promptly even when the
//   generator runs behind a dense schedule (it used to emit everything due
//   before looking again, which could take longer than --grace).
//
// Io, one per generator (duck-typed; generator.cc has the real one):
//   std::int64_t Now();                      monotonic ns
//   std::int64_t SleepUntil(std::int64_t);   sleeps about until then; returns Now()
//   std::int64_t WaitUntil(std::int64_t deadline, std::int64_t min_margin);
//                                            returns Now() >= deadline
//   bool Running();                          false once the run stops
//   bool Push(std::int64_t due);             false when the queue is full
//   void Count(std::uint64_t scheduled, std::uint64_t emitted, std::uint64_t dropped);
//   void Wake();                             after a step that pushed events
// Single-threaded; in the generator process.
#ifndef PYLOGEN_OPENED_GENERATOR_LOOP_H_
#define PYLOGEN_OPENED_GENERATOR_LOOP_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "schedule/arrivals.h"

namespace pylogen::opened {

inline constexpr std::int64_t kBatchGapNs = 50'000;
inline constexpr std::int64_t kBatchWindowNs = 100'000;
// Events far apart: spin at least 1/kSpinShare of the gap before each one
// (about 12 % of a core), which absorbs the rarer long oversleeps.
inline constexpr std::int64_t kSpinShare = 8;
// The longest the generator sleeps before looking at the run's phase again.
inline constexpr std::int64_t kMaxSleepNs = 50'000'000;
// The most events one step handles before looking at the run's phase again.
inline constexpr std::uint64_t kMaxStepEvents = 65'536;

template <typename Io>
class GeneratorLoop {
 public:
  // `start_ns`: the schedule's time 0 on Io's clock.
  GeneratorLoop(schedule::Emissions emissions, Io& io, std::int64_t start_ns)
      : emissions_(std::move(emissions)), io_(io), start_(start_ns) {}

  // Until the schedule is over or Running() is false.
  void Run() {
    std::int64_t previous_due = start_;
    while (emissions_.next_due() && io_.Running()) {
      std::int64_t due = DueTime(*emissions_.next_due());
      std::int64_t now = io_.Now();
      if (due - now > kMaxSleepNs) {  // a long wait: in slices, to notice a stop
        io_.SleepUntil(now + kMaxSleepNs);
        continue;
      }
      if (due > now) {
        std::int64_t gap = due - previous_due;
        now = gap < kBatchGapNs ? io_.SleepUntil(due + kBatchWindowNs)
                                : io_.WaitUntil(due, gap / kSpinShare);
      }
      // Emit what is due by now, each event stamped with its own due time,
      // a bounded number of them per step.
      std::uint64_t handled = 0, pushed = 0;
      while (handled < kMaxStepEvents && emissions_.next_due() &&
             (due = DueTime(*emissions_.next_due())) <= now) {
        std::uint64_t taken = emissions_.Take(kMaxStepEvents - handled);
        handled += taken;
        pushed += Emit(due, taken);
        previous_due = due;
      }
      if (pushed != 0) io_.Wake();
    }
  }

 private:
  // Schedule times are at most 100 days (util/bounds.h): 8.64e15 ns fits.
  std::int64_t DueTime(double t) const { return start_ + std::llround(t * 1e9); }

  std::uint64_t Emit(std::int64_t due, std::uint64_t count) {
    std::uint64_t pushed = 0;
    while (pushed < count && io_.Push(due)) ++pushed;
    io_.Count(count, pushed, count - pushed);
    return pushed;
  }

  schedule::Emissions emissions_;
  Io& io_;
  std::int64_t start_;
};

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_GENERATOR_LOOP_H_
