// Waiting for absolute deadlines on the monotonic clock, precisely and
// cheaply: sleep (clock_nanosleep, TIMER_ABSTIME) for the bulk of the wait,
// then spin the last stretch. The spin margin follows the oversleep this
// machine shows: a sleep asked to end at T ends at T + oversleep, so the
// pacer asks for T - margin and spins the remainder.
//
// Used by the generator only; not thread-safe. Call PR_SET_TIMERSLACK 1 in
// the process first (the default 50 us slack would dominate the oversleep).
#ifndef PYLOGEN_OPENED_PACER_H_
#define PYLOGEN_OPENED_PACER_H_

#include <cstdint>

namespace pylogen::opened {

class Pacer {
 public:
  // Returns the monotonic time when it returned, >= deadline_ns.
  std::int64_t WaitUntil(std::int64_t deadline_ns);
  // Sleeps until about wake_ns (no spin, may overshoot by the oversleep);
  // returns the time it woke.
  std::int64_t SleepUntil(std::int64_t wake_ns);

  std::int64_t margin_ns() const { return margin_ns_; }

  static constexpr std::int64_t kMinMarginNs = 5'000;
  static constexpr std::int64_t kMaxMarginNs = 500'000;
  // Below this, a sleep costs more than it saves: spin.
  static constexpr std::int64_t kMinSleepNs = 10'000;

 private:
  void Learn(std::int64_t oversleep_ns);
  std::int64_t margin_ns_ = 60'000;
  double average_oversleep_ns_ = 30'000;
};

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_PACER_H_
