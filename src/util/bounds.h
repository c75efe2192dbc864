// The fixed bounds of a run's numbers (issue 10, README "Bad input"): every
// rate, duration and event count a user gives is checked against them before
// anything is forked, the same way wherever it is given (command line,
// defaults file, scenario line, --schedule). They do not depend on the
// machine: a plan that passes here passes everywhere, and none of its numbers
// can overflow a nanosecond clock, a 64-bit counter or a double's integers.
// Plain constants, here rather than in plan/ because schedule/ checks them
// and plan/ includes schedule/.
#ifndef PYLOGEN_UTIL_BOUNDS_H_
#define PYLOGEN_UTIL_BOUNDS_H_

#include <cstdint>

namespace pylogen::util {

// Events per second, in every rate of a --schedule: constants, ramp ends,
// shape amplitudes and peaks (sine's MEAN+AMPLITUDE, a staircase's highest
// step over its segment), bursts' RATE, matrix rows.
inline constexpr double kMaxRate = 1e7;
inline constexpr const char* kMaxRateText = "1e7 events/s";

// Seconds, for every duration option (--duration, --postpone, --rampup,
// --pauseloop, --pauselen, --summary, --grace, --optimeout,
// --controllerDelay, --generatorDelay, --workerDelay) and every duration of a
// schedule (a segment, PERIOD, STEP, IDLE, DURATION, a matrix's seconds and
// the schedule's total): 100 days, 8.64e15 ns, far below 2^63 ns.
inline constexpr double kMaxDurationS = 100 * 86400.0;
inline constexpr const char* kMaxDurationText = "100 days (8640000s)";

// The shortest positive duration of a schedule (a segment, PERIOD, STEP,
// DURATION): events are due on a nanosecond clock, and a shorter period
// would make a shape's slope overflow.
inline constexpr double kMinScheduleDurationS = 1e-9;
inline constexpr const char* kMinScheduleDurationText = "1ns";

// Events in one schedule segment (its exact integral), and so the largest
// burst: 2^32. A schedule has at most 100 days x 1e7/s = 8.64e13 events in all.
inline constexpr double kMaxSegmentEvents = 4294967296.0;
inline constexpr const char* kMaxSegmentEventsText = "2^32 (4294967296)";

// The N of --burst N and --burst fN: a 32-bit count (2^32 - 1).
inline constexpr std::uint64_t kMaxBurst = 4294967295;

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_BOUNDS_H_
