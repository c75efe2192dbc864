// When the opened model's events are due (DESIGN §4, --arrivals), and how
// they are grouped into bursts (--burst). Pure: no clock, no sleep; the
// generator turns due times into deadlines.
//
// Uniform arrivals: the k-th event (k = 1, 2, ...) is due when the schedule's
// integral reaches k, so the count over any window [a, b) equals
// IntegralTo(b) - IntegralTo(a) within +-1, at any rate, across segment
// boundaries and for every shape. There are floor(Total() + 1e-9) events; the
// last may sit exactly at the end of the schedule.
//
// Poisson arrivals: the integral-space positions are running sums of Exp(1)
// draws, mapped back through the inverse of the integral (time rescaling), so
// the spacing is exponential with the schedule's instantaneous rate. Seeded
// std::mt19937_64 and a hand-written exponential, so that a seed gives the same
// sequence with every standard library.
//
// Both classes are single-threaded: one instance per generator.
#ifndef PYLOGEN_SCHEDULE_ARRIVALS_H_
#define PYLOGEN_SCHEDULE_ARRIVALS_H_

#include <cstdint>
#include <expected>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "schedule/schedule.h"

namespace pylogen::schedule {

enum class ArrivalMode { kUniform, kPoisson };

class Arrivals {
 public:
  // Keeps its own (cheap) copy of the schedule.
  Arrivals(const Schedule& schedule, ArrivalMode mode, std::uint64_t seed);

  // Seconds from the start of the schedule at which the next event is due,
  // non-decreasing; nullopt once the schedule is over (and ever after).
  // Amortized O(1).
  std::optional<double> Next();

  // The schedule's rate at the last due time returned (0 before the first).
  double current_rate() const;
  // Events returned so far.
  std::uint64_t count() const { return count_; }

 private:
  double ExponentialDraw();

  Schedule schedule_;
  ArrivalMode mode_;
  std::mt19937_64 rng_;
  Schedule::Cursor cursor_;
  double limit_;         // last integral-space position that is still an event
  double position_ = 0;  // integral-space position of the last event
  double last_due_ = 0;
  std::uint64_t count_ = 0;
  bool done_ = false;
};

// --burst (Pylogen). At a due instant, emit a burst of n events at once, then
// skip the n-1 next due instants: the mean rate is kept.
//   "1"   no burst (always 1)
//   "0"   n random in 1..max(1, round(current rate))
//   "N"   n random in 1..N
//   "fN"  always N (N >= 1; "f1" = no burst)
class BurstPlanner {
 public:
  static std::expected<BurstPlanner, std::string> Parse(std::string_view text, std::uint64_t seed);

  // Called once per due instant, in order, with the schedule's rate at that
  // instant; returns how many events to emit now (0: this instant is skipped
  // because of an earlier burst).
  std::uint32_t AtDueInstant(double current_rate);

 private:
  enum class Kind { kFixed, kUpTo, kUpToRate };
  BurstPlanner(Kind kind, std::uint32_t n, std::uint64_t seed) : kind_(kind), n_(n), rng_(seed) {}
  // Uniform in 1..max, without std::uniform_int_distribution (not portable).
  std::uint32_t Draw(std::uint32_t max);

  Kind kind_;
  std::uint32_t n_;
  std::mt19937_64 rng_;
  std::uint32_t skip_ = 0;
};

}  // namespace pylogen::schedule

#endif  // PYLOGEN_SCHEDULE_ARRIVALS_H_
