#include "util/clock.h"

#include <time.h>

#include "pylogen/requests.h"

namespace pylogen::util {

std::int64_t RealtimeNanos() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t WallOffsetNanos() {
  // Bracket the wall clock read between two monotonic reads and take the
  // middle: the offset is then good to a fraction of a microsecond.
  std::int64_t before = MonotonicNanos();
  std::int64_t wall = RealtimeNanos();
  std::int64_t after = MonotonicNanos();
  return wall - (before + (after - before) / 2);
}

void SleepNanos(std::int64_t ns) {
  if (ns <= 0) return;
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr);
}

}  // namespace pylogen::util
