#include "schedule/schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>
#include <optional>
#include <system_error>
#include <utility>

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
};

namespace {

using ShapePtr = std::shared_ptr<const Shape>;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTwoPi = 2 * std::numbers::pi;

// Integrals are computed in doubles: a position meant to fall exactly on the
// end of a segment, piece or period may exceed it by a few ulps, and would
// then jump over a following zero-rate stretch. Positions within a slack of an
// end count as reaching it: relative 1e-12 where many terms were summed
// (segments, matrix pieces), a few ulps where whole periods were multiplied.
double SumSlack(double x) { return 1e-12 * std::max(1.0, x); }
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

  double TimeAtIntegral(double x, std::size_t&) const override {
    if (x > Cum(count_)) {
      double extra = tail_ > 0 ? (x - Cum(count_)) / tail_ : 0;
      return count_ * len_ + extra;
    }
    // Smallest whole m >= 1 with Cum(m) >= x: the root of
    // (delta/2) m^2 + (base - delta/2) m - x/len = 0, then corrected for rounding.
    double b = base_ - delta_ / 2, c = x / len_;
    double root = 2 * c / (b + std::sqrt(std::max(0.0, b * b + 2 * delta_ * c)));
    double m = std::clamp(std::ceil(root), 1.0, count_);
    while (m > 1 && Cum(m - 1) >= x) m -= 1;
    while (m < count_ && Cum(m) < x) m += 1;
    double n = m - 1;
    double d = std::clamp((x - Cum(n)) / StepRate(n), 0.0, len_);
    return n * len_ + d;
  }

 private:
  double StepRate(double n) const { return base_ + n * delta_; }
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

// ---- Text helpers.

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

std::optional<double> ToNumber(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// Seconds from "30", "0.5", "500ms", "30s", "2m", "1h" (any sign).
std::optional<double> ToSeconds(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    double seconds;
  };
  // Longest suffixes first so that "ms" is not read as "m" + garbage.
  static constexpr Unit kUnits[] = {{"ms", 1e-3}, {"us", 1e-6}, {"s", 1}, {"m", 60}, {"h", 3600}};
  for (const Unit& unit : kUnits) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
      auto value = ToNumber(text.substr(0, text.size() - unit.suffix.size()));
      if (value) return *value * unit.seconds;
      return std::nullopt;
    }
  }
  return ToNumber(text);
}

// ---- Shape arguments.

using Args = std::vector<std::string_view>;
enum class Kind { kRate, kTime };
enum class Bound { kNonNegative, kPositive };

std::expected<double, std::string> Arg(std::string_view shape, const Args& args, std::size_t i,
                                       std::string_view name, Kind kind, Bound bound) {
  auto value = kind == Kind::kTime ? ToSeconds(args[i]) : ToNumber(args[i]);
  if (!value) {
    return std::unexpected(fmt::format(
        "{} {} '{}' is not {}", shape, name, args[i],
        kind == Kind::kTime ? "a duration (seconds like 5 or 0.5, or 500ms, 2m, 1h)" : "a number"));
  }
  if (bound == Bound::kPositive ? !(*value > 0) : *value < 0) {
    return std::unexpected(fmt::format("{} {} must be {}, got '{}'", shape, name,
                                       bound == Bound::kPositive ? "> 0" : ">= 0", args[i]));
  }
  return *value;
}

// Unwraps an expected argument inside a builder returning std::expected.
#define PYLOGEN_ARG(var, ...)                                         \
  auto var##_or = Arg(__VA_ARGS__);                                   \
  if (!var##_or) return std::unexpected(std::move(var##_or.error())); \
  const double var = *var##_or

using BuildResult = std::expected<ShapePtr, std::string>;

BuildResult BuildSawtooth(const Args& a, double) {
  PYLOGEN_ARG(period, "sawtooth", a, 0, "PERIOD", Kind::kTime, Bound::kPositive);
  PYLOGEN_ARG(amplitude, "sawtooth", a, 1, "AMPLITUDE", Kind::kRate, Bound::kNonNegative);
  return std::make_shared<PiecewiseLinear>(std::vector<Piece>{{0, 0, amplitude / period}}, period);
}

BuildResult BuildTriangle(const Args& a, double) {
  PYLOGEN_ARG(period, "triangle", a, 0, "PERIOD", Kind::kTime, Bound::kPositive);
  PYLOGEN_ARG(amplitude, "triangle", a, 1, "AMPLITUDE", Kind::kRate, Bound::kNonNegative);
  double slope = 2 * amplitude / period;
  return std::make_shared<PiecewiseLinear>(
      std::vector<Piece>{{0, 0, slope}, {period / 2, amplitude, -slope}}, period);
}

BuildResult BuildStaircase(const Args& a, double) {
  PYLOGEN_ARG(step, "staircase", a, 0, "STEP", Kind::kTime, Bound::kPositive);
  PYLOGEN_ARG(increment, "staircase", a, 1, "INCREMENT", Kind::kRate, Bound::kPositive);
  if (a.size() == 2) return std::make_shared<Steps>(step, increment, increment, kInf, 0);
  PYLOGEN_ARG(roof, "staircase", a, 2, "MAX", Kind::kRate, Bound::kNonNegative);
  // As ponos: round(Roof / LoadIncrease) steps, then the roof.
  return std::make_shared<Steps>(step, increment, increment, std::round(roof / increment), roof);
}

BuildResult BuildInverseStaircase(const Args& a, double) {
  PYLOGEN_ARG(step, "invstaircase", a, 0, "STEP", Kind::kTime, Bound::kPositive);
  PYLOGEN_ARG(decrement, "invstaircase", a, 1, "DECREMENT", Kind::kRate, Bound::kPositive);
  PYLOGEN_ARG(from, "invstaircase", a, 2, "FROM", Kind::kRate, Bound::kNonNegative);
  double to = 0;
  if (a.size() == 4) {
    PYLOGEN_ARG(floor_rate, "invstaircase", a, 3, "TO", Kind::kRate, Bound::kNonNegative);
    to = floor_rate;
  }
  if (from < to) {
    return std::unexpected(fmt::format("invstaircase FROM ({}) must be >= TO ({})", from, to));
  }
  // As ponos: round((From - To) / LoadDecrease) steps, then the floor.
  return std::make_shared<Steps>(step, from, -decrement, std::round((from - to) / decrement), to);
}

BuildResult BuildBursts(const Args& a, double) {
  PYLOGEN_ARG(idle, "bursts", a, 0, "IDLE", Kind::kTime, Bound::kNonNegative);
  PYLOGEN_ARG(length, "bursts", a, 1, "DURATION", Kind::kTime, Bound::kPositive);
  PYLOGEN_ARG(rate, "bursts", a, 2, "RATE", Kind::kRate, Bound::kNonNegative);
  std::vector<Piece> pieces;
  if (idle > 0) pieces.push_back({0, 0, 0});
  pieces.push_back({idle, rate, 0});
  return std::make_shared<PiecewiseLinear>(std::move(pieces), idle + length);
}

BuildResult BuildSine(const Args& a, double) {
  PYLOGEN_ARG(mean, "sine", a, 0, "MEAN", Kind::kRate, Bound::kNonNegative);
  PYLOGEN_ARG(amplitude, "sine", a, 1, "AMPLITUDE", Kind::kRate, Bound::kNonNegative);
  PYLOGEN_ARG(period, "sine", a, 2, "PERIOD", Kind::kTime, Bound::kPositive);
  return std::make_shared<Sine>(mean, amplitude, period);
}

#undef PYLOGEN_ARG

// ---- matrix(FILE).

struct Row {
  double second;
  double rate;
};

constexpr std::size_t kMaxMatrixPieces = 10'000'000;

std::expected<std::vector<Row>, std::string> ReadMatrix(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::unexpected(fmt::format("cannot read matrix file '{}': {}", path,
                                       std::generic_category().message(errno)));
  }
  std::vector<Row> rows;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    std::size_t comma = text.find(',');
    std::optional<double> second, rate;
    if (comma != std::string_view::npos) {
      second = ToNumber(Trim(text.substr(0, comma)));
      rate = ToNumber(Trim(text.substr(comma + 1)));
    }
    if (!second || !rate || *second < 0 || *second != std::floor(*second) || *second > 1e9 ||
        *rate < 0) {
      return std::unexpected(fmt::format(
          "matrix file '{}' line {}: '{}' is not a 'second,rate' row (second: an integer "
          ">= 0, rate: a number >= 0)",
          path, number, text));
    }
    if (!rows.empty() && *second <= rows.back().second) {
      return std::unexpected(
          fmt::format("matrix file '{}' line {}: second {} is not after the previous row's {}",
                      path, number, *second, rows.back().second));
    }
    rows.push_back({*second, *rate});
  }
  if (in.bad()) return std::unexpected(fmt::format("cannot read matrix file '{}'", path));
  if (rows.empty()) return std::unexpected(fmt::format("matrix file '{}' has no rows", path));
  return rows;
}

// ponos' make_from_matrix: the rate of each whole second s is interpolated
// between the rows around s and held for that second; 0 elsewhere.
BuildResult BuildMatrix(const Args& a, double duration) {
  auto rows = ReadMatrix(std::string(a[0]));
  if (!rows) return std::unexpected(std::move(rows.error()));
  const std::vector<Row>& r = *rows;
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
      if (pieces.size() > kMaxMatrixPieces) {
        return std::unexpected(fmt::format("matrix file '{}' has more than {} distinct seconds",
                                           a[0], kMaxMatrixPieces));
      }
    }
  }
  add(r.back().second + 1, 0);
  return std::make_shared<PiecewiseLinear>(std::move(pieces), 0);
}

// ---- Rates.

struct ShapeSpec {
  std::string_view name;
  std::size_t min_args;
  std::size_t max_args;
  std::string_view usage;
  BuildResult (*build)(const Args&, double duration);
};

constexpr ShapeSpec kShapes[] = {
    {"sawtooth", 2, 2, "2 arguments (PERIOD,AMPLITUDE)", BuildSawtooth},
    {"triangle", 2, 2, "2 arguments (PERIOD,AMPLITUDE)", BuildTriangle},
    {"staircase", 2, 3, "2 or 3 arguments (STEP,INCREMENT[,MAX])", BuildStaircase},
    {"invstaircase", 3, 4, "3 or 4 arguments (STEP,DECREMENT,FROM[,TO])", BuildInverseStaircase},
    {"bursts", 3, 3, "3 arguments (IDLE,DURATION,RATE)", BuildBursts},
    {"sine", 3, 3, "3 arguments (MEAN,AMPLITUDE,PERIOD)", BuildSine},
    {"matrix", 1, 1, "1 argument (FILE)", BuildMatrix},
};

BuildResult ParseShape(std::string_view rate, std::size_t open, double duration) {
  std::string_view name = Trim(rate.substr(0, open));
  if (rate.back() != ')') {
    return std::unexpected(
        fmt::format("unexpected text after the closing parenthesis of '{}'", name));
  }
  const ShapeSpec* spec = nullptr;
  for (const ShapeSpec& candidate : kShapes) {
    if (candidate.name == name) spec = &candidate;
  }
  if (spec == nullptr) {
    return std::unexpected(fmt::format(
        "unknown shape '{}' (expected sawtooth, triangle, staircase, invstaircase, bursts, sine "
        "or matrix)",
        name));
  }
  std::string_view inside = rate.substr(open + 1, rate.size() - open - 2);
  Args args;
  if (spec->max_args == 1) {
    args.push_back(Trim(inside));
  } else {
    for (std::size_t start = 0;;) {
      std::size_t comma = inside.find(',', start);
      args.push_back(Trim(inside.substr(start, comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  bool empty_arg = std::ranges::any_of(args, [](std::string_view s) { return s.empty(); });
  if (args.size() < spec->min_args || args.size() > spec->max_args || empty_arg) {
    return std::unexpected(fmt::format("{} takes {}", spec->name, spec->usage));
  }
  return spec->build(args, duration);
}

std::expected<double, std::string> ParseLevel(std::string_view text) {
  auto value = ToNumber(text);
  if (!value) {
    return std::unexpected(fmt::format(
        "'{}' is not a rate (expected events/s like 10, a ramp like 10-50, or a shape like "
        "sawtooth(10,200))",
        text));
  }
  if (*value < 0) return std::unexpected(fmt::format("rate '{}' must be >= 0", text));
  return *value;
}

BuildResult ParseRate(std::string_view rate, double duration) {
  if (rate.empty()) return std::unexpected(std::string("missing rate after '@'"));
  if (std::size_t open = rate.find('('); open != std::string_view::npos) {
    return ParseShape(rate, open, duration);
  }
  // A ramp's '-' is neither a leading sign nor an exponent's sign.
  std::size_t dash = std::string_view::npos;
  for (std::size_t i = 1; i < rate.size() && dash == std::string_view::npos; ++i) {
    if (rate[i] == '-' && rate[i - 1] != 'e' && rate[i - 1] != 'E') dash = i;
  }
  if (dash == std::string_view::npos) {
    auto level = ParseLevel(rate);
    if (!level) return std::unexpected(std::move(level.error()));
    return std::make_shared<PiecewiseLinear>(std::vector<Piece>{{0, *level, 0}}, 0);
  }
  auto from = ParseLevel(Trim(rate.substr(0, dash)));
  if (!from) return std::unexpected(std::move(from.error()));
  auto to = ParseLevel(Trim(rate.substr(dash + 1)));
  if (!to) return std::unexpected(std::move(to.error()));
  return std::make_shared<PiecewiseLinear>(std::vector<Piece>{{0, *from, (*to - *from) / duration}},
                                           0);
}

std::expected<double, std::string> ParseSegmentDuration(std::string_view text) {
  auto seconds = ToSeconds(text);
  if (!seconds) {
    return std::unexpected(fmt::format(
        "'{}' is not a duration (expected seconds like 30 or 0.5, or 500ms, 30s, 2m, 1h)", text));
  }
  if (!(*seconds > 0)) {
    return std::unexpected(fmt::format("duration '{}' must be > 0", text));
  }
  return *seconds;
}

std::string SegmentError(std::size_t index, std::string_view text, std::string_view reason) {
  return fmt::format("--schedule segment {} '{}': {}", index, text, reason);
}

// Splits on commas at parenthesis depth 0.
std::expected<std::vector<std::string_view>, std::string> SplitSegments(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  int depth = 0;
  bool unbalanced = false;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ',';
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) unbalanced = true, depth = 0;
    if (c != ',' || (depth > 0 && i < text.size())) continue;
    std::string_view part = Trim(text.substr(start, i - start));
    if (unbalanced || depth > 0) {
      return std::unexpected(SegmentError(parts.size() + 1, part, "unbalanced parentheses"));
    }
    parts.push_back(part);
    start = i + 1;
  }
  return parts;
}

}  // namespace

std::expected<Schedule, std::string> Schedule::Parse(std::string_view text) {
  if (Trim(text).empty()) {
    return std::unexpected(
        std::string("--schedule is empty (expected DURATION@RATE segments like 30@10,60@10-50)"));
  }
  auto parts = SplitSegments(text);
  if (!parts) return std::unexpected(std::move(parts.error()));
  Schedule schedule;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    std::string_view part = (*parts)[i];
    auto fail = [&](std::string_view reason) {
      return std::unexpected(SegmentError(i + 1, part, reason));
    };
    if (part.empty()) return fail("empty segment (expected DURATION@RATE, like 30@10)");
    std::size_t at = part.find('@');
    if (at == std::string_view::npos)
      return fail("missing '@' (expected DURATION@RATE, like 30@10)");
    auto duration = ParseSegmentDuration(Trim(part.substr(0, at)));
    if (!duration) return fail(duration.error());
    auto shape = ParseRate(Trim(part.substr(at + 1)), *duration);
    if (!shape) return fail(shape.error());
    Segment segment{std::string(part), schedule.duration_, *duration, schedule.total_, 0,
                    std::move(*shape)};
    segment.integral = segment.shape->IntegralTo(*duration);
    if (!std::isfinite(segment.integral) || !std::isfinite(schedule.total_ + segment.integral)) {
      return fail("too many events to count");
    }
    schedule.duration_ += *duration;
    schedule.total_ = segment.integral_before + segment.integral;
    schedule.segments_.push_back(std::move(segment));
  }
  return schedule;
}

std::size_t Schedule::SegmentAt(double t) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                             [](double v, const Segment& s) { return v < s.start; });
  return it == segments_.begin() ? 0 : static_cast<std::size_t>(it - segments_.begin()) - 1;
}

double Schedule::RateAt(double t) const {
  if (!(t >= 0 && t < duration_)) return 0;
  const Segment& s = segments_[SegmentAt(t)];
  return s.shape->RateAt(t - s.start);
}

double Schedule::RateAt(double t, const Cursor& cursor) const {
  if (cursor.segment < segments_.size()) {
    const Segment& s = segments_[cursor.segment];
    if (t >= s.start && t < s.start + s.duration) return s.shape->RateAt(t - s.start);
  }
  return RateAt(t);
}

double Schedule::IntegralTo(double t) const {
  if (!(t > 0)) return 0;
  if (t >= duration_) return total_;
  const Segment& s = segments_[SegmentAt(t)];
  return s.integral_before + s.shape->IntegralTo(std::min(t - s.start, s.duration));
}

double Schedule::TimeAtIntegral(double x) const {
  Cursor cursor;
  return TimeAtIntegral(x, cursor);
}

double Schedule::TimeAtIntegral(double x, Cursor& cursor) const {
  x = std::min(x, total_);
  if (!(x > 0)) return 0;
  const double slack = SumSlack(x);
  auto end_integral = [this, slack](std::size_t j) {
    return segments_[j].integral_before + segments_[j].integral + slack;
  };
  // First segment whose end integral reaches x: walk from the cursor, then search.
  std::size_t lo = 0, hi = segments_.size() - 1, i = std::min(cursor.segment, hi);
  if (i > 0 && end_integral(i - 1) >= x) {
    hi = i - 1;
  } else {
    for (int steps = 0; i < hi && end_integral(i) < x && steps < 8; ++i, ++steps) {
    }
    lo = i;
    if (end_integral(i) >= x) hi = i;
  }
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    if (end_integral(mid) < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  // Within the slack of its start, a zero-rate segment could be chosen: the
  // event belongs to the next segment with events.
  while (segments_[lo].integral <= 0 && lo + 1 < segments_.size()) ++lo;
  if (lo != cursor.segment) cursor = Cursor{lo, 0};
  const Segment& s = segments_[lo];
  double local = std::min(x - s.integral_before, s.integral);
  double t = s.shape->TimeAtIntegral(local, cursor.piece);
  return s.start + std::clamp(t, 0.0, s.duration);
}

}  // namespace pylogen::schedule
