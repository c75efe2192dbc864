// The rate shapes of --schedule segments (see schedule.h for the grammar and
// what each shape means): a rate over a segment's local time, its exact
// integral, the inverse of that integral and its highest value over a window,
// in closed form where one exists.
// Pure maths: no I/O, no clock. schedule.cc parses the arguments, validates
// them and reads matrix files; the factories below only build.
//
// Thread safety: a Shape is immutable once built and may be shared by any
// number of threads (Schedule copies share them through ShapePtr).
#ifndef PYLOGEN_SCHEDULE_SHAPES_H_
#define PYLOGEN_SCHEDULE_SHAPES_H_

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>

namespace pylogen::schedule {

// A segment's rate over its local time t >= 0 (0 at the segment's start).
class Shape {
 public:
  virtual ~Shape() = default;
  virtual double RateAt(double t) const = 0;
  virtual double IntegralTo(double t) const = 0;
  // Smallest t with IntegralTo(t) >= x. REQUIRES: x > 0 and reached by the
  // shape. `hint` is the caller's piece cursor (see Schedule::Cursor).
  virtual double TimeAtIntegral(double x, std::size_t& hint) const = 0;
  // The least upper bound of the rate over [t0, t1), exact: the rate's limit
  // at t1 counts (a sawtooth's peak at the end of its period does), its value
  // at t1 does not (a step starting at t1 does not); the rate at t0 when
  // t0 == t1. REQUIRES: 0 <= t0 <= t1.
  virtual double MaxRate(double t0, double t1) const = 0;
};

using ShapePtr = std::shared_ptr<const Shape>;

// The factories take validated arguments, in seconds and events/s.

// REQUIRES: rate >= 0.
ShapePtr MakeConstant(double rate);
// From `from` to `to` over `duration`, then on along the same line.
// REQUIRES: from, to >= 0; duration > 0.
ShapePtr MakeRamp(double from, double to, double duration);
// REQUIRES: period > 0; amplitude >= 0.
ShapePtr MakeSawtooth(double period, double amplitude);
ShapePtr MakeTriangle(double period, double amplitude);
// ponos' make_staircase/2 and /3. REQUIRES: step, increment > 0; max >= 0.
ShapePtr MakeStaircase(double step, double increment);
ShapePtr MakeStaircase(double step, double increment, double max);
// ponos' make_inverse_staircase/4 (TO = 0 gives /3).
// REQUIRES: step, decrement > 0; from >= to >= 0.
ShapePtr MakeInverseStaircase(double step, double decrement, double from, double to);
// REQUIRES: idle >= 0; length > 0; rate >= 0.
ShapePtr MakeBursts(double idle, double length, double rate);
// REQUIRES: mean, amplitude >= 0; period > 0.
ShapePtr MakeSine(double mean, double amplitude, double period);

// One row of a matrix(FILE).
struct MatrixRow {
  double second;
  double rate;
};

// Bounds the memory a matrix file can make a shape hold.
constexpr std::size_t kMaxMatrixPieces = 10'000'000;

// ponos' make_from_matrix: the rate of each whole second s is interpolated
// between the rows around s and held for that second; 0 elsewhere. Seconds
// past `duration` (the segment's) are never played and not built. Returns
// nullptr when the shape would need more than kMaxMatrixPieces pieces.
// REQUIRES: rows non-empty; seconds whole, >= 0, strictly increasing; rates >= 0.
ShapePtr MakeMatrix(std::span<const MatrixRow> rows, double duration);

namespace detail {

// Integrals are computed in doubles: a position meant to fall exactly on the
// end of a segment, piece or period may exceed it by a few ulps, and would
// then jump over a following zero-rate stretch. Positions within a slack of an
// end count as reaching it: this one, relative 1e-12, where many terms were
// summed (segments, matrix pieces); shapes.cc has a few ulps where whole
// periods were multiplied.
inline double SumSlack(double x) { return 1e-12 * std::max(1.0, x); }

}  // namespace detail

}  // namespace pylogen::schedule

#endif  // PYLOGEN_SCHEDULE_SHAPES_H_
