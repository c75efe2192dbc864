// The opened model's --schedule (DESIGN §4): comma-separated DURATION@RATE
// segments played one after another, and the rate function they define, with
// its exact integral, the inverse of that integral and its highest value over
// a window (for the controller's sizing). Pure maths: no clock,
// no sleep; the only I/O is reading a matrix(FILE) while parsing.
//
// Grammar (commas split segments only at parenthesis depth 0):
//   DURATION  seconds ("30", "0.5") or with a unit ("500ms", "30s", "2m", "1h",
//             "1d"; util/quantity.h's grammar, as the command line's); > 0.
//   RATE      events/s, >= 0:
//     10                           constant
//     10-50                        linear ramp from 10 to 50 over the segment
//     sawtooth(PERIOD,AMPLITUDE)   0 -> AMPLITUDE over PERIOD, drop to 0, repeat
//     triangle(PERIOD,AMPLITUDE)   0 -> AMPLITUDE at PERIOD/2 -> 0 at PERIOD, repeat
//     staircase(STEP,INCREMENT[,MAX])
//                                  INCREMENT, 2*INCREMENT, ... each held STEP; with
//                                  MAX, MAX from step round(MAX/INCREMENT) on
//     invstaircase(STEP,DECREMENT,FROM[,TO])
//                                  FROM, FROM-DECREMENT, ... each held STEP, TO (default
//                                  0) from step round((FROM-TO)/DECREMENT) on
//     bursts(IDLE,DURATION,RATE)   IDLE seconds at 0, then DURATION at RATE, repeat
//     sine(MEAN,AMPLITUDE,PERIOD)  max(0, MEAN + AMPLITUDE*sin(2*pi*t/PERIOD))
//     matrix(FILE)                 "second,rate" rows, ponos' make_from_matrix
// The shapes mean what ponos_load_specs' make_* functions mean, with time in
// seconds instead of milliseconds; time inside a shape restarts at 0 at the
// start of its segment. PERIOD, STEP, IDLE and DURATION accept units too.
//
// matrix(FILE): one "second,rate" row per line (blank lines and lines starting
// with '#' are skipped); seconds are non-negative integers, strictly
// increasing. As in ponos, the rate is held for each whole second s at the
// value linearly interpolated between the rows around s; it is 0 before the
// first row's second and from one second after the last row's second on.
//
// Bounds (util/bounds.h, the same for every schedule on every machine), each
// refused by Parse with the segment and the bound named:
//   rates        every rate given (constants, ramp ends, AMPLITUDE, INCREMENT,
//                DECREMENT, MAX, FROM, TO, bursts' RATE, sine's MEAN+AMPLITUDE,
//                matrix rates) and every segment's highest rate <= 1e7/s;
//   durations    a segment, PERIOD, STEP, IDLE, DURATION, a matrix's seconds,
//                the whole schedule <= 100 days; the positive ones >= 1 ns;
//   events       a segment's exact integral <= 2^32.
// Echoed text (a segment, an argument, a matrix row) is cut by util::Excerpt.
//
// Thread safety: a Schedule is immutable after Parse; copies are cheap (the
// shapes are shared) and may be used from any thread.
#ifndef PYLOGEN_SCHEDULE_SCHEDULE_H_
#define PYLOGEN_SCHEDULE_SCHEDULE_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen::schedule {

// Integral-space tolerance of an event count: the k-th uniform event is due
// when the integral reaches k, and an integral within this of k reaches it.
inline constexpr double kEventTolerance = 1e-9;

// The rate of one segment over its local time; defined in shapes.h.
class Shape;

// A default-constructed Schedule is empty: duration 0, no events.
class Schedule {
 public:
  // A caller's position in the schedule, so that a sequence of
  // non-decreasing queries costs O(1) amortized instead of a search each.
  // Opaque; start with a default-constructed one.
  struct Cursor {
    std::size_t segment = 0;
    std::size_t piece = 0;
  };

  // Parses a --schedule value. Errors name the segment (1-based index and
  // text) and the reason, e.g.
  //   --schedule segment 2 '10@sawtooth(5)': sawtooth takes 2 arguments (PERIOD,AMPLITUDE)
  //   --schedule segment 1 '0.3@1e12': rate 1e12 is above the bound of 1e7 events/s
  static std::expected<Schedule, std::string> Parse(std::string_view text);

  double duration_s() const { return duration_; }
  std::size_t segment_count() const { return segments_.size(); }
  // Segment i's text as given, and its whole events as uniform arrivals
  // count them (<= 2^32). REQUIRES: i < segment_count().
  std::string_view segment_text(std::size_t i) const { return segments_[i].text; }
  std::uint64_t segment_events(std::size_t i) const { return segments_[i].events; }
  // The first segment with the most events. REQUIRES: segment_count() > 0.
  std::size_t largest_segment() const { return largest_; }
  // The integral at the end of segment i. REQUIRES: i < segment_count().
  double SegmentEndIntegral(std::size_t i) const;

  // Events/s at t seconds from the start; 0 outside [0, duration_s()).
  double RateAt(double t) const;
  // Same, starting the search at `cursor` (which it does not move).
  double RateAt(double t, const Cursor& cursor) const;
  // The highest rate over [t0, t1], exact for every shape. It is the least
  // upper bound: a sawtooth's peak counts although the rate drops at the
  // instant it is reached, and so does a segment's rate just before a window
  // ending at or after its end. Times outside [0, duration_s()) have rate 0
  // (a window past the end gives 0). Costs a walk over the segments and
  // pieces the window overlaps. REQUIRES: t0 <= t1.
  double MaxRate(double t0, double t1) const;
  // Expected events in [0, t], exact (closed form per shape).
  double IntegralTo(double t) const;
  double Total() const { return total_; }
  // Smallest t with IntegralTo(t) >= x; x is clamped to [0, Total()].
  // Precision about 1 ns.
  double TimeAtIntegral(double x) const;
  // Same; amortized O(1) when successive x given with one cursor do not
  // decrease (they may, at the cost of a search).
  double TimeAtIntegral(double x, Cursor& cursor) const;

 private:
  struct Segment {
    std::string text;
    double start = 0;
    double duration = 0;
    double integral_before = 0;  // of the segments before this one
    double integral = 0;         // of this segment
    std::shared_ptr<const Shape> shape;
    std::uint64_t events = 0;  // whole events, as uniform arrivals count them
  };

  std::size_t SegmentAt(double t) const;

  std::vector<Segment> segments_;
  double duration_ = 0;
  double total_ = 0;
  std::size_t largest_ = 0;
};

}  // namespace pylogen::schedule

#endif  // PYLOGEN_SCHEDULE_SCHEDULE_H_
