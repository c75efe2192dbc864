// The rate shapes declared in shapes.h. Two families carry all of them:
// PiecewiseLinear (constant, ramp, sawtooth, triangle, bursts, matrix), whose
// integral is a sum of trapezoids and whose inverse solves one quadratic, and
// Steps (the staircases), whose integral is an arithmetic series; Sine has
// its own closed-form integral and a Halley solver for the inverse. Every
// shape's time restarts at 0 at its segment's start; ponos' make_* functions
// are followed with time in seconds instead of milliseconds.
#include "schedule/shapes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>
#include <vector>

namespace pylogen::schedule {
namespace {

using detail::SumSlack;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTwoPi = 2 * std::numbers::pi;

// The slack (see detail::SumSlack) where whole periods were multiplied.
double ProductSlack(double x) {
  return 64 * std::numeric_limits<double>::epsilon() * std::max(1.0, x);
}

// Smallest d in [0, len] with r0*d + slope*d^2/2 >= r, for a rate r0 + slope*d
// that stays >= 0 over the piece. The root is written so that it does not
// cancel: 2r / (r0 + sqrt(r0^2 + 2*slope*r)).
double SolveLinearPiece(double r0, double slope, double r, double len) {
  if (r <= 0) return 0;
  double denominator = r0 + std::sqrt(std::max(0.0, r0 * r0 + 2 * slope * r));
  return denominator > 0 ? std::min(2 * r / denominator, len) : len;
}

// ---- Piecewise-linear shapes: constant, ramp, sawtooth, triangle, bursts, matrix.

struct Piece {
  double t0;        // start; the piece ends where the next one starts
  double r0;        // rate at t0
  double slope;     // events/s^2
  double cum0 = 0;  // integral from 0 to t0
};

// Pieces starting at 0, repeated every `period` (or, with period 0, the last
// one extending forever).
class PiecewiseLinear final : public Shape {
 public:
  PiecewiseLinear(std::vector<Piece> pieces, double period)
      : pieces_(std::move(pieces)), period_(period) {
    for (std::size_t i = 1; i < pieces_.size(); ++i) pieces_[i].cum0 = Within(i - 1, pieces_[i].t0);
    per_period_ = period_ > 0 ? Within(pieces_.size() - 1, period_) : kInf;
  }

  double RateAt(double t) const override {
    auto [n, tau] = Reduce(t);
    const Piece& p = pieces_[PieceAt(tau)];
    return p.r0 + p.slope * (tau - p.t0);
  }

  double IntegralTo(double t) const override {
    auto [n, tau] = Reduce(t);
    double before = n > 0 ? n * per_period_ : 0;
    return before + Within(PieceAt(tau), tau);
  }

  double MaxRate(double t0, double t1) const override {
    if (period_ <= 0) return MaxWithin(t0, t1);
    if (t1 - t0 >= period_) return MaxWithin(0, period_);  // periodic shapes have 1 or 2 pieces
    double tau0 = Reduce(t0).second, tau1 = tau0 + (t1 - t0);
    if (tau1 <= period_) return MaxWithin(tau0, tau1);
    return std::max(MaxWithin(tau0, period_), MaxWithin(0, tau1 - period_));
  }

  double TimeAtIntegral(double x, std::size_t& hint) const override {
    double n = 0, slack = period_ > 0 ? ProductSlack(x) : SumSlack(x);
    if (period_ > 0) {
      n = std::floor(x / per_period_);
      x = std::fma(-n, per_period_, x);
      // A multiple of the period's integral is reached at the end of the
      // previous period, not at the start of the next one.
      if (x <= slack && n > 0) n -= 1, x += per_period_;
      x = std::min(x, per_period_);
    }
    std::size_t i = PieceReaching(x, slack, hint);
    const Piece& p = pieces_[i];
    double len = (i + 1 < pieces_.size() ? pieces_[i + 1].t0 : period_ > 0 ? period_ : kInf) - p.t0;
    double tau = p.t0 + SolveLinearPiece(p.r0, p.slope, x - p.cum0, len);
    return n > 0 ? n * period_ + tau : tau;
  }

 private:
  // (whole periods, time within the period) of t.
  std::pair<double, double> Reduce(double t) const {
    if (period_ <= 0) return {0, std::max(t, 0.0)};
    double n = std::floor(t / period_);
    double tau = std::fma(-n, period_, t);
    if (tau < 0) tau = 0;
    if (tau >= period_) n += 1, tau = 0;
    return {n, tau};
  }
  std::size_t PieceAt(double tau) const {
    auto it = std::upper_bound(pieces_.begin(), pieces_.end(), tau,
                               [](double v, const Piece& p) { return v < p.t0; });
    return it == pieces_.begin() ? 0 : static_cast<std::size_t>(it - pieces_.begin()) - 1;
  }
  // Highest rate over [a, b) (at a when a == b), within one period when
  // there is one: each piece is linear, so its highest rate in the window is
  // at one of the window's ends in it (at its own end, its limit there).
  double MaxWithin(double a, double b) const {
    double best = 0;
    std::size_t first = PieceAt(a);
    for (std::size_t i = first; i < pieces_.size() && (i == first || pieces_[i].t0 < b); ++i) {
      const Piece& p = pieces_[i];
      double end = i + 1 < pieces_.size() ? pieces_[i + 1].t0 : period_ > 0 ? period_ : kInf;
      double from = std::max(a, p.t0), to = std::min(b, end);
      best = std::max({best, p.r0 + p.slope * (from - p.t0), p.r0 + p.slope * (to - p.t0)});
    }
    return best;
  }
  double Within(std::size_t i, double tau) const {
    const Piece& p = pieces_[i];
    double d = tau - p.t0;
    return p.cum0 + d * (p.r0 + p.slope * d / 2);
  }
  double CumEnd(std::size_t i) const {
    return i + 1 < pieces_.size() ? pieces_[i + 1].cum0 : per_period_;
  }
  // First piece whose end integral reaches x (within slack); walks from the hint.
  std::size_t PieceReaching(double x, double slack, std::size_t& hint) const {
    x -= slack;
    std::size_t lo = 0, hi = pieces_.size() - 1, i = std::min(hint, hi);
    if (i > 0 && CumEnd(i - 1) >= x) {
      hi = i - 1;
    } else {
      for (int steps = 0; i < hi && CumEnd(i) < x && steps < 8; ++i, ++steps) {
      }
      lo = i;
      if (CumEnd(i) >= x) hi = i;
    }
    while (lo < hi) {  // binary search when the walk was not enough
      std::size_t mid = lo + (hi - lo) / 2;
      if (CumEnd(mid) < x)
        lo = mid + 1;
      else
        hi = mid;
    }
    return hint = lo;
  }

  std::vector<Piece> pieces_;
  double period_;
  double per_period_ = kInf;
};

// ---- Arithmetic staircases: ponos' make_staircase/2,3 and make_inverse_staircase/3,4.

// Step N (0-based) covers [N*len, (N+1)*len) at base + N*delta while
// N < count, then `tail` for ever after.
class Steps final : public Shape {
 public:
  Steps(double len, double base, double delta, double count, double tail)
      : len_(len), base_(base), delta_(delta), count_(count), tail_(tail) {}

  double RateAt(double t) const override {
    double n = std::floor(t / len_);
    return n < count_ ? StepRate(n) : tail_;
  }

  double IntegralTo(double t) const override {
    double n = std::floor(t / len_);
    if (n >= count_) return Cum(count_) + (t - count_ * len_) * tail_;
    return Cum(n) + (t - n * len_) * StepRate(n);
  }

  // The step rates are linear in the step number up to count: the highest
  // is at one end of the steps the window covers, or the tail. A step
  // starting at t1 is not covered.
  double MaxRate(double t0, double t1) const override {
    double first = std::floor(t0 / len_);
    double last = t1 > t0 ? std::max(first, std::ceil(t1 / len_) - 1) : first, best = 0;
    if (first < count_) best = std::max(StepRate(first), StepRate(std::min(last, count_ - 1)));
    if (last >= count_) best = std::max(best, tail_);
    return best;
  }

  double TimeAtIntegral(double x, std::size_t&) const override {
    if (x > Cum(count_)) {
      double extra = tail_ > 0 ? (x - Cum(count_)) / tail_ : 0;
      return count_ * len_ + extra;
    }
    // Smallest whole m >= 1 with Cum(m) >= x: the root of
    // (delta/2) m^2 + (base - delta/2) m - x/len = 0, then corrected for rounding.
    double b = base_ - delta_ / 2, c = x / len_;
    double root = 2 * c / (b + Discriminant(b, c));
    double m = std::clamp(std::ceil(root), 1.0, count_);
    // Beyond 2^53 steps m -/+ 1 == m: the estimate is then as close as a
    // double gets, and a correction of more than a few steps means none
    // is better (found by fuzzing: both used to loop for ever).
    for (int i = 0; i < kMaxCorrections && m > 1 && m - 1 != m && Cum(m - 1) >= x; ++i) m -= 1;
    for (int i = 0; i < kMaxCorrections && m < count_ && m + 1 != m && Cum(m) < x; ++i) m += 1;
    double n = m - 1;
    double d = std::clamp((x - Cum(n)) / StepRate(n), 0.0, len_);
    return n * len_ + d;
  }

 private:
  static constexpr int kMaxCorrections = 64;

  double StepRate(double n) const { return base_ + n * delta_; }
  // sqrt(b^2 + 2 delta c), scaled when a term is beyond a double's range
  // (b^2 or delta * c above 1.8e308 would make it infinite, the root 0).
  double Discriminant(double b, double c) const {
    double square = b * b, product = 2 * delta_ * c;
    if (std::isfinite(square) && std::isfinite(product)) return std::sqrt(std::max(0.0, square + product));
    double scale = std::max(std::abs(b), std::sqrt(std::abs(2 * delta_)) * std::sqrt(std::abs(c)));
    double scaled_b = b / scale;
    return scale * std::sqrt(std::max(0.0, scaled_b * scaled_b + (2 * delta_ / scale) * (c / scale)));
  }
  // Integral over the first m steps, m <= count.
  double Cum(double m) const {
    if (m == kInf) return kInf;
    return len_ * (m * base_ + delta_ * m * (m - 1) / 2);
  }

  double len_, base_, delta_, count_, tail_;
};

// ---- sine(MEAN,AMPLITUDE,PERIOD), clamped at 0.

// Works in phase units (theta = 2*pi*t/period), where the unclamped integral
// is G(theta) = m*theta + a*(1 - cos theta). When a > m the rate is clamped to
// 0 on (pi + alpha, 2*pi - alpha), alpha = asin(m/a).
class Sine final : public Shape {
 public:
  Sine(double mean, double amplitude, double period)
      : m_(mean), a_(amplitude), period_(period), scale_(period / kTwoPi) {
    clamped_ = a_ > m_;
    double alpha = clamped_ ? std::asin(m_ / a_) : 0;
    zero_from_ = clamped_ ? std::numbers::pi + alpha : kTwoPi;
    zero_to_ = clamped_ ? kTwoPi - alpha : kTwoPi;
    g_zero_from_ = G(zero_from_);
    g_zero_to_ = G(zero_to_);
    per_period_ = InPeriod(kTwoPi);
    for (std::size_t i = 0; i <= kTable; ++i) g_table_[i] = G(i * kStep);
  }

  double RateAt(double t) const override { return std::max(0.0, m_ + a_ * std::sin(t / scale_)); }

  // The peaks are at period/4 + k*period; between them the rate is
  // monotonic, so without a peak in the window its ends hold the highest.
  double MaxRate(double t0, double t1) const override {
    double peak = m_ + a_;
    if (t1 - t0 >= period_) return peak;
    double quarter = period_ / 4;
    double next_peak = quarter + std::ceil((t0 - quarter) / period_) * period_;
    if (next_peak <= t1) return peak;
    return std::max(RateAt(t0), RateAt(t1));
  }

  double IntegralTo(double t) const override {
    double n = std::floor(t / period_);
    double tau = std::clamp(std::fma(-n, period_, t), 0.0, period_);
    return scale_ * (n * per_period_ + InPeriod(tau / scale_));
  }

  double TimeAtIntegral(double x, std::size_t&) const override {
    if (per_period_ <= 0) return 0;
    x /= scale_;
    double slack = ProductSlack(x);
    double n = std::floor(x / per_period_);
    x = std::fma(-n, per_period_, x);
    if (x <= slack && n > 0) n -= 1, x += per_period_;
    x = std::min(x, per_period_);
    double theta = x <= g_zero_from_ + slack
                       ? SolveG(std::min(x, g_zero_from_), 0, zero_from_)
                       : SolveG(x - g_zero_from_ + g_zero_to_, zero_to_, kTwoPi);
    return n * period_ + theta * scale_;
  }

 private:
  double G(double theta) const { return m_ * theta + a_ * (1 - std::cos(theta)); }
  // Clamped integral over [0, theta], theta in [0, 2*pi].
  double InPeriod(double theta) const {
    if (theta <= zero_from_) return G(theta);
    if (theta <= zero_to_) return g_zero_from_;
    return g_zero_from_ + G(theta) - g_zero_to_;
  }
  // theta in [lo, hi] with G(theta) = target, G non-decreasing there: the
  // table narrows the bracket to one step and gives a linear first guess,
  // then Halley steps (G'' is free: a*cos), with bisection whenever a step
  // leaves the bracket.
  double SolveG(double target, double lo, double hi) const {
    const double tolerance =
        std::max(1e-10 / scale_, 8 * std::numeric_limits<double>::epsilon() * kTwoPi);
    double theta = lo + (hi - lo) / 2;
    auto first = static_cast<std::ptrdiff_t>(std::ceil(lo / kStep));
    auto last = static_cast<std::ptrdiff_t>(std::floor(hi / kStep));
    if (first <= last) {
      auto begin = g_table_.begin() + first, end = g_table_.begin() + last + 1;
      auto it = std::lower_bound(begin, end, target);
      if (it != end) hi = std::min(hi, static_cast<double>(it - g_table_.begin()) * kStep);
      if (it != begin) lo = std::max(lo, static_cast<double>(it - 1 - g_table_.begin()) * kStep);
      if (it != end && it != begin && *it > *(it - 1)) {
        theta = lo + (hi - lo) * std::clamp((target - *(it - 1)) / (*it - *(it - 1)), 0.0, 1.0);
      } else {
        theta = lo + (hi - lo) / 2;
      }
    }
    for (int i = 0; i < 200 && hi - lo > tolerance; ++i) {
      double sin = std::sin(theta), cos = std::cos(theta);
      double f = m_ * theta + a_ * (1 - cos) - target;
      if (f < 0)
        lo = theta;
      else
        hi = theta;
      double d1 = m_ + a_ * sin, d2 = a_ * cos;
      double denominator = 2 * d1 * d1 - f * d2;
      double step = d1 > 0 && denominator != 0 ? 2 * f * d1 / denominator : kInf;
      double next = theta - step;
      if (!(next > lo && next < hi)) {
        next = lo + (hi - lo) / 2;
      } else if (std::fabs(step) <= tolerance / 4) {
        return next;
      }
      theta = next;
    }
    return hi;
  }

  static constexpr std::size_t kTable = 256;
  static constexpr double kStep = kTwoPi / kTable;

  double m_, a_, period_, scale_;
  std::array<double, kTable + 1> g_table_;  // G at kStep intervals
  bool clamped_ = false;
  double zero_from_ = kTwoPi, zero_to_ = kTwoPi, per_period_ = 0;
  double g_zero_from_ = 0, g_zero_to_ = 0;
};

}  // namespace

ShapePtr MakeConstant(double rate) {
  return std::make_shared<PiecewiseLinear>(std::vector<Piece>{{0, rate, 0}}, 0);
}

ShapePtr MakeRamp(double from, double to, double duration) {
  return std::make_shared<PiecewiseLinear>(std::vector<Piece>{{0, from, (to - from) / duration}},
                                           0);
}

ShapePtr MakeSawtooth(double period, double amplitude) {
  return std::make_shared<PiecewiseLinear>(std::vector<Piece>{{0, 0, amplitude / period}}, period);
}

ShapePtr MakeTriangle(double period, double amplitude) {
  double slope = 2 * amplitude / period;
  return std::make_shared<PiecewiseLinear>(
      std::vector<Piece>{{0, 0, slope}, {period / 2, amplitude, -slope}}, period);
}

ShapePtr MakeStaircase(double step, double increment) {
  return std::make_shared<Steps>(step, increment, increment, kInf, 0);
}

ShapePtr MakeStaircase(double step, double increment, double max) {
  // As ponos: round(Roof / LoadIncrease) steps, then the roof.
  return std::make_shared<Steps>(step, increment, increment, std::round(max / increment), max);
}

ShapePtr MakeInverseStaircase(double step, double decrement, double from, double to) {
  // As ponos: round((From - To) / LoadDecrease) steps, then the floor.
  return std::make_shared<Steps>(step, from, -decrement, std::round((from - to) / decrement), to);
}

ShapePtr MakeBursts(double idle, double length, double rate) {
  std::vector<Piece> pieces;
  if (idle > 0) pieces.push_back({0, 0, 0});
  pieces.push_back({idle, rate, 0});
  return std::make_shared<PiecewiseLinear>(std::move(pieces), idle + length);
}

ShapePtr MakeSine(double mean, double amplitude, double period) {
  return std::make_shared<Sine>(mean, amplitude, period);
}

ShapePtr MakeMatrix(std::span<const MatrixRow> r, double duration) {
  std::vector<Piece> pieces;
  auto add = [&pieces](double t0, double rate) {
    if (!pieces.empty() && pieces.back().t0 == t0) pieces.pop_back();
    if (pieces.empty() || pieces.back().r0 != rate) pieces.push_back({t0, rate, 0});
  };
  add(0, 0);
  // Seconds past the segment's end are never played.
  double last_second = std::min(r.back().second, std::ceil(duration));
  for (std::size_t i = 0; i < r.size() && r[i].second <= last_second; ++i) {
    if (i + 1 == r.size()) {
      add(r[i].second, r[i].rate);
      break;
    }
    double period = r[i + 1].second - r[i].second;
    for (double s = r[i].second; s < r[i + 1].second && s <= last_second; ++s) {
      add(s, r[i].rate + ((s - r[i].second) / period) * (r[i + 1].rate - r[i].rate));
      if (pieces.size() > kMaxMatrixPieces) return nullptr;
    }
  }
  add(r.back().second + 1, 0);
  return std::make_shared<PiecewiseLinear>(std::move(pieces), 0);
}

}  // namespace pylogen::schedule
