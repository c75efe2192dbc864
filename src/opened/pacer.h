// Waiting for absolute deadlines on the monotonic clock, precisely and
// cheaply: sleep (clock_nanosleep, TIMER_ABSTIME) for the bulk of the wait,
// then spin the last stretch. The spin margin follows the oversleep this
// machine shows: a sleep asked to end at T ends at T + oversleep, so the
// pacer asks for T - margin and spins the remainder. The margin is the mean
// oversleep plus four mean deviations (as TCP estimates its timeouts), so a
// rare stall widens it a little, not to the stall's size; and it decays while
// no sleep is possible, so that a wide margin cannot lock the pacer into
// spinning for good.
//
// Used by the generator only; not thread-safe. Call PR_SET_TIMERSLACK 1 in
// the process first (the default 50 us slack would dominate the oversleep).
#ifndef PYLOGEN_OPENED_PACER_H_
#define PYLOGEN_OPENED_PACER_H_

#include <cstdint>

namespace pylogen::opened {

// Sleeps until the monotonic time wake_ns, retrying after a signal only.
// Returns 0, or clock_nanosleep's error number (EINVAL for a negative time).
int SleepAbsolute(std::int64_t wake_ns);

class Pacer {
 public:
  // Returns the monotonic time when it returned, >= deadline_ns. The caller
  // may ask for a wider spin than the learned margin (`min_margin_ns`) when
  // deadlines are far apart and spinning is cheap relative to them.
  std::int64_t WaitUntil(std::int64_t deadline_ns, std::int64_t min_margin_ns = 0);
  // Sleeps until about wake_ns (no spin, may overshoot by the oversleep);
  // returns the time it woke.
  std::int64_t SleepUntil(std::int64_t wake_ns);

  std::int64_t margin_ns() const { return margin_ns_; }

  static constexpr std::int64_t kMinMarginNs = 5'000;
  static constexpr std::int64_t kMaxMarginNs = 200'000;
  // Below this, a sleep costs more than it saves: spin.
  static constexpr std::int64_t kMinSleepNs = 10'000;

 private:
  void Learn(std::int64_t oversleep_ns);
  std::int64_t margin_ns_ = 40'000;
  double mean_ns_ = 20'000;       // mean oversleep
  double deviation_ns_ = 5'000;   // mean absolute deviation of the oversleep
};

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_PACER_H_
