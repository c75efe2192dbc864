// When the opened model's events are due (DESIGN §4, --arrivals), and how
// they are grouped into bursts (--burst). Pure: no clock, no sleep; the
// generator turns due times into deadlines.
//
// Uniform arrivals: the k-th event (k = 1, 2, ...) is due when the schedule's
// integral reaches k, so the count over any window [a, b) equals
// IntegralTo(b) - IntegralTo(a) within +-1, at any rate, across segment
// boundaries and for every shape. There are floor(Total() + kEventTolerance)
// events; the last may sit exactly at the end of the schedule.
//
// Poisson arrivals: the integral-space positions are running sums of Exp(1)
// draws, mapped back through the inverse of the integral (time rescaling), so
// the spacing is exponential with the schedule's instantaneous rate. Seeded
// std::mt19937_64 and a hand-written exponential, so that a seed gives the same
// sequence with every standard library.
//
// Bursts (--burst): at a due instant, a burst of n events is that instant's
// event and the n-1 next events of its segment, taken with it (Emissions):
// a burst never reaches into another segment, never goes past the schedule's
// end, and every event is emitted once, so the events of all bursts add up to
// the schedule's, whatever the size drawn.
//
// The classes are single-threaded: one instance per generator.
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

// The events the whole schedule plans, from the plan alone (not from how far
// a generator got): uniform arrivals, the floor(Total() + kEventTolerance)
// events Arrivals returns; Poisson ones, the expected count Total() rounded
// to the nearest whole event. Bursts do not change it (a burst takes its
// events from the schedule).
std::uint64_t PlannedEvents(const Schedule& schedule, ArrivalMode mode);

class Arrivals {
 public:
  // Keeps its own (cheap) copy of the schedule.
  Arrivals(const Schedule& schedule, ArrivalMode mode, std::uint64_t seed);

  // Seconds from the start of the schedule at which the next event is due,
  // non-decreasing; nullopt once the schedule is over (and ever after).
  // Amortized O(1).
  std::optional<double> Next();

  // Takes (without their due times) up to `max` of the next events that are
  // in the segment of the last one Next() returned; returns how many. They
  // count as returned; Next() goes on after them. O(1) for uniform arrivals,
  // O(taken) for poisson ones. 0 before the first Next().
  std::uint64_t TakeInSegment(std::uint64_t max);
  // Whether the segment of the last event Next() returned has more (a
  // poisson position is drawn for it, and kept for the next call).
  bool MoreInSegment();

  // The schedule's rate at the last due time returned (0 before the first).
  double current_rate() const;
  // Events returned or taken so far.
  std::uint64_t count() const { return count_; }

 private:
  double ExponentialDraw();
  // The integral-space position of the next event (drawn, for poisson ones).
  double NextPosition();
  // The last integral-space position in the segment of the last event.
  double SegmentEnd() const;

  Schedule schedule_;
  ArrivalMode mode_;
  std::mt19937_64 rng_;
  Schedule::Cursor cursor_;
  double limit_;         // last integral-space position that is still an event
  double position_ = 0;  // integral-space position of the last event
  std::optional<double> drawn_;  // a poisson position drawn but not yet returned
  double last_due_ = 0;
  std::uint64_t count_ = 0;
  bool done_ = false;
};

// --burst (Pylogen): the size of the burst at each due instant.
//   "1"   no burst (always 1)
//   "0"   n random in 1..max(1, round(current rate))
//   "N"   n random in 1..N (N from 2 to 2^32 - 1)
//   "fN"  always N (N from 1 to 2^32 - 1; "f1" = no burst)
// Digits only: no sign, no spaces, nothing else.
class BurstPlanner {
 public:
  // Errors name --burst, the value (util::Excerpt) and what was expected.
  static std::expected<BurstPlanner, std::string> Parse(std::string_view text, std::uint64_t seed);

  // The size of the burst at the next due instant, >= 1, given the
  // schedule's rate there. Emissions clamps it to the events of its segment.
  std::uint32_t Size(double current_rate);

  // fN: N; otherwise 0.
  std::uint32_t fixed_size() const { return kind_ == Kind::kFixed ? n_ : 0; }

 private:
  enum class Kind { kFixed, kUpTo, kUpToRate };
  BurstPlanner(Kind kind, std::uint32_t n, std::uint64_t seed) : kind_(kind), n_(n), rng_(seed) {}
  // Uniform in 1..max, without std::uniform_int_distribution (not portable).
  std::uint32_t Draw(std::uint32_t max);

  Kind kind_;
  std::uint32_t n_;
  std::mt19937_64 rng_;
};

// --burst checked against the schedule it goes with, before anything is
// forked: its grammar, and a fixed burst fN no larger than the events of the
// schedule's largest segment (a burst takes events of its own segment only),
//   --burst f5: a burst of 5 events is more than the 1 event(s) of the schedule's
//   largest segment (segment 1 '0.2@5')
// The command line calls it for both models (the opened model's options are
// checked in a closed run too).
std::expected<void, std::string> CheckBurst(const Schedule& schedule, std::string_view burst);

// Schedule::Parse(schedule) and CheckBurst(its result, burst): the first error.
std::expected<Schedule, std::string> ParseScheduleWithBurst(std::string_view schedule,
                                                            std::string_view burst);

// The events of a run, grouped into bursts: the generator's pure part.
// Single-threaded; owns its Arrivals and BurstPlanner.
class Emissions {
 public:
  Emissions(const Schedule& schedule, ArrivalMode mode, std::uint64_t seed, BurstPlanner burst);

  // Seconds at which the next burst (or the rest of the current one) is due,
  // from the start of the schedule, non-decreasing; nullopt once it is over.
  std::optional<double> next_due() const { return next_; }
  // The schedule's rate at next_due().
  double rate() const { return arrivals_.current_rate(); }

  // Takes up to `max` events of the burst due at next_due() and returns how
  // many (>= 1); what is left of the burst, if its segment has more events,
  // stays due at the same time. Passing a bounded `max`
  // keeps a caller's step short even for a burst of 2^32 events.
  // REQUIRES: next_due(), max >= 1.
  std::uint64_t Take(std::uint64_t max);

 private:
  Arrivals arrivals_;
  BurstPlanner burst_;
  std::optional<double> next_;
  std::uint64_t left_ = 0;  // events of the current burst still to take
};

}  // namespace pylogen::schedule

#endif  // PYLOGEN_SCHEDULE_ARRIVALS_H_
