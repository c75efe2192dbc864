// Clock helpers. Durations are measured on the monotonic clock
// (pylogen::MonotonicNanos, SDK); the wall clock is only used to stamp
// records and lines, through an offset taken once per process.
#ifndef PYLOGEN_UTIL_CLOCK_H_
#define PYLOGEN_UTIL_CLOCK_H_

#include <cstdint>

namespace pylogen::util {

std::int64_t RealtimeNanos();
// Wall clock minus monotonic clock, now: add it to a monotonic time to get
// epoch nanoseconds.
std::int64_t WallOffsetNanos();
// Sleeps `ns` (relative, monotonic clock); returns early on a signal.
void SleepNanos(std::int64_t ns);

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_CLOCK_H_
