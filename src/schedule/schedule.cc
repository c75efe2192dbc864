// The --schedule grammar (see schedule.h): splits the text into segments,
// parses each DURATION@RATE, validates the shape arguments, reads matrix
// files, and hands the values to the shape factories of shapes.h. Also the
// Schedule itself: the segments laid end to end, with the search from a time
// or an integral to the segment that holds it.
#include "schedule/schedule.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "schedule/shapes.h"
#include "util/bounds.h"
#include "util/excerpt.h"
#include "util/input_file.h"
#include "util/quantity.h"

namespace pylogen::schedule {
namespace {

using detail::SumSlack;

// ---- Text helpers.

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// ---- Shape arguments.

using Args = std::vector<std::string_view>;
enum class Kind { kRate, kTime };
enum class Bound { kNonNegative, kPositive };

std::string Quoted(std::string_view text) { return fmt::format("'{}'", util::Excerpt(text)); }

// A positive schedule time: above the floor (so that a shape's slope and its
// step numbers stay exact in doubles: at most 8.64e15 steps) and the bound.
std::optional<std::string> CheckPositiveTime(std::string_view what, std::string_view text,
                                             double seconds) {
  if (seconds < util::kMinScheduleDurationS) {
    return fmt::format("{} {} is below the floor of {}", what, util::SecondsText(text),
                       util::kMinScheduleDurationText);
  }
  return util::CheckDurationBound(what, util::SecondsText(text), seconds);
}

std::expected<double, std::string> Arg(std::string_view shape, const Args& args, std::size_t i,
                                       std::string_view name, Kind kind, Bound bound) {
  const std::string what = fmt::format("{} {}", shape, name);
  auto value = kind == Kind::kTime ? util::ParseSeconds(args[i]) : util::ParseNumber(args[i]);
  if (!value) {
    return std::unexpected(fmt::format("{} {} is not {}", what, Quoted(args[i]),
                                       kind == Kind::kTime
                                           ? fmt::format("a duration ({})", util::kSecondsGrammar)
                                           : std::string("a number")));
  }
  if (bound == Bound::kPositive ? !(*value > 0) : *value < 0) {
    return std::unexpected(fmt::format("{} must be {}, got {}", what,
                                       bound == Bound::kPositive ? "> 0" : ">= 0",
                                       Quoted(args[i])));
  }
  std::optional<std::string> out_of_bounds;
  if (kind == Kind::kRate) {
    out_of_bounds = util::CheckRateBound(what, util::Excerpt(args[i]), *value);
  } else if (bound == Bound::kPositive) {
    out_of_bounds = CheckPositiveTime(what, args[i], *value);
  } else {
    out_of_bounds = util::CheckDurationBound(what, util::SecondsText(args[i]), *value);
  }
  if (out_of_bounds) return std::unexpected(std::move(*out_of_bounds));
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
  return MakeSawtooth(period, amplitude);
}

BuildResult BuildTriangle(const Args& a, double) {
  PYLOGEN_ARG(period, "triangle", a, 0, "PERIOD", Kind::kTime, Bound::kPositive);
  PYLOGEN_ARG(amplitude, "triangle", a, 1, "AMPLITUDE", Kind::kRate, Bound::kNonNegative);
  return MakeTriangle(period, amplitude);
}

BuildResult BuildStaircase(const Args& a, double) {
  PYLOGEN_ARG(step, "staircase", a, 0, "STEP", Kind::kTime, Bound::kPositive);
  PYLOGEN_ARG(increment, "staircase", a, 1, "INCREMENT", Kind::kRate, Bound::kPositive);
  if (a.size() == 2) return MakeStaircase(step, increment);
  PYLOGEN_ARG(roof, "staircase", a, 2, "MAX", Kind::kRate, Bound::kNonNegative);
  return MakeStaircase(step, increment, roof);
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
    return std::unexpected(fmt::format("invstaircase FROM ({}) must be >= TO ({})",
                                       util::FormatNumber(from), util::FormatNumber(to)));
  }
  return MakeInverseStaircase(step, decrement, from, to);
}

BuildResult BuildBursts(const Args& a, double) {
  PYLOGEN_ARG(idle, "bursts", a, 0, "IDLE", Kind::kTime, Bound::kNonNegative);
  PYLOGEN_ARG(length, "bursts", a, 1, "DURATION", Kind::kTime, Bound::kPositive);
  PYLOGEN_ARG(rate, "bursts", a, 2, "RATE", Kind::kRate, Bound::kNonNegative);
  return MakeBursts(idle, length, rate);
}

BuildResult BuildSine(const Args& a, double) {
  PYLOGEN_ARG(mean, "sine", a, 0, "MEAN", Kind::kRate, Bound::kNonNegative);
  PYLOGEN_ARG(amplitude, "sine", a, 1, "AMPLITUDE", Kind::kRate, Bound::kNonNegative);
  PYLOGEN_ARG(period, "sine", a, 2, "PERIOD", Kind::kTime, Bound::kPositive);
  if (auto above = util::CheckRateBound("sine MEAN+AMPLITUDE (its peak)",
                                        util::FormatNumber(mean + amplitude), mean + amplitude)) {
    return std::unexpected(std::move(*above));
  }
  return MakeSine(mean, amplitude, period);
}

#undef PYLOGEN_ARG

// ---- matrix(FILE).

// One "second,rate" row; the reason when it is not one.
std::expected<MatrixRow, std::string> ParseMatrixRow(std::string_view text) {
  std::size_t comma = text.find(',');
  std::optional<double> second, rate;
  if (comma != std::string_view::npos) {
    second = util::ParseNumber(Trim(text.substr(0, comma)));
    rate = util::ParseNumber(Trim(text.substr(comma + 1)));
  }
  if (!second || !rate || *second < 0 || *second != std::floor(*second) || *rate < 0) {
    return std::unexpected(
        fmt::format("{} is not a 'second,rate' row (second: an integer >= 0, rate: a number >= 0)",
                    Quoted(text)));
  }
  auto shown = [](double v) { return util::FormatNumber(v); };
  if (auto above = util::CheckDurationBound("second", shown(*second) + "s", *second)) {
    return std::unexpected(std::move(*above));
  }
  if (auto above = util::CheckRateBound("rate", shown(*rate), *rate)) {
    return std::unexpected(std::move(*above));
  }
  return MatrixRow{*second, *rate};
}

std::expected<std::vector<MatrixRow>, std::string> ReadMatrix(const std::string& path) {
  auto content = util::ReadInputFile("matrix file", path);
  if (!content) return std::unexpected(content.error());
  const std::string file = Quoted(path);
  std::istringstream in(*content);
  std::vector<MatrixRow> rows;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    auto row = ParseMatrixRow(text);
    if (!row) {
      return std::unexpected(fmt::format("matrix file {} line {}: {}", file, number, row.error()));
    }
    if (!rows.empty() && row->second <= rows.back().second) {
      return std::unexpected(fmt::format(
          "matrix file {} line {}: second {} is not after the previous row's {}", file, number,
          util::FormatNumber(row->second), util::FormatNumber(rows.back().second)));
    }
    rows.push_back(*row);
  }
  if (in.bad()) return std::unexpected(fmt::format("cannot read matrix file {}", file));
  if (rows.empty()) return std::unexpected(fmt::format("matrix file {} has no rows", file));
  return rows;
}

BuildResult BuildMatrix(const Args& a, double duration) {
  auto rows = ReadMatrix(std::string(a[0]));
  if (!rows) return std::unexpected(std::move(rows.error()));
  ShapePtr shape = MakeMatrix(*rows, duration);
  if (shape == nullptr) {
    return std::unexpected(fmt::format("matrix file {} has more than {} distinct seconds",
                                       Quoted(a[0]), kMaxMatrixPieces));
  }
  return shape;
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
        "unknown shape {} (expected sawtooth, triangle, staircase, invstaircase, bursts, sine "
        "or matrix)",
        Quoted(name)));
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
  auto value = util::ParseNumber(text);
  if (!value) {
    return std::unexpected(fmt::format(
        "{} is not a rate (expected events/s like 10, a ramp like 10-50, or a shape like "
        "sawtooth(10,200))",
        Quoted(text)));
  }
  if (*value < 0) return std::unexpected(fmt::format("rate {} must be >= 0", Quoted(text)));
  if (auto above = util::CheckRateBound("rate", util::Excerpt(text), *value)) {
    return std::unexpected(std::move(*above));
  }
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
    return MakeConstant(*level);
  }
  auto from = ParseLevel(Trim(rate.substr(0, dash)));
  if (!from) return std::unexpected(std::move(from.error()));
  auto to = ParseLevel(Trim(rate.substr(dash + 1)));
  if (!to) return std::unexpected(std::move(to.error()));
  return MakeRamp(*from, *to, duration);
}

std::expected<double, std::string> ParseSegmentDuration(std::string_view text) {
  auto seconds = util::ParseSeconds(text);
  if (!seconds) {
    return std::unexpected(
        fmt::format("{} is not a duration (expected {})", Quoted(text), util::kSecondsGrammar));
  }
  if (!(*seconds > 0)) {
    return std::unexpected(fmt::format("duration {} must be > 0", Quoted(text)));
  }
  if (auto out = CheckPositiveTime("duration", text, *seconds))
    return std::unexpected(std::move(*out));
  return *seconds;
}

std::string SegmentError(std::size_t index, std::string_view text, std::string_view reason) {
  return fmt::format("--schedule segment {} {}: {}", index, Quoted(text), reason);
}

// The bounds a segment's shape as a whole must keep (its arguments were
// checked one by one): its highest rate (a staircase climbs with time), its
// events and the schedule's total duration with it.
std::optional<std::string> CheckSegment(const Shape& shape, double duration, double integral,
                                        double schedule_end) {
  double peak = shape.MaxRate(0, duration);
  if (!(peak <= util::kMaxRate)) {
    return fmt::format("the rate reaches {} within the segment, above the bound of {}",
                       util::FormatNumber(peak), util::kMaxRateText);
  }
  if (!(integral <= util::kMaxSegmentEvents)) {
    return fmt::format("{} events in the segment, above the bound of {} events per segment",
                       util::FormatNumber(integral), util::kMaxSegmentEventsText);
  }
  if (!(schedule_end <= util::kMaxDurationS)) {
    return fmt::format("the schedule lasts {}s up to this segment, above the bound of {}",
                       util::FormatNumber(schedule_end), util::kMaxDurationText);
  }
  return std::nullopt;
}

// Whole events of the integral up to x, as uniform arrivals count them.
double EventsUpTo(double x) { return std::floor(x + kEventTolerance); }

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
    if (auto out = CheckSegment(*segment.shape, *duration, segment.integral,
                                schedule.duration_ + *duration)) {
      return fail(*out);
    }
    schedule.duration_ += *duration;
    schedule.total_ = segment.integral_before + segment.integral;
    segment.events = static_cast<std::uint64_t>(EventsUpTo(schedule.total_) -
                                                EventsUpTo(segment.integral_before));
    if (i == 0 || segment.events > schedule.segments_[schedule.largest_].events) {
      schedule.largest_ = i;
    }
    schedule.segments_.push_back(std::move(segment));
  }
  return schedule;
}

double Schedule::SegmentEndIntegral(std::size_t i) const {
  return segments_[i].integral_before + segments_[i].integral;
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

double Schedule::MaxRate(double t0, double t1) const {
  t0 = std::max(t0, 0.0);
  t1 = std::min(t1, duration_);
  if (!(t0 < duration_) || !(t0 <= t1)) return 0;
  // Each segment's share of the window is half-open (its rate at its own
  // end is not played), and the rate at t1 is the next segment's, or 0.
  double best = RateAt(t1);
  for (std::size_t i = SegmentAt(t0); i < segments_.size() && segments_[i].start < t1; ++i) {
    const Segment& s = segments_[i];
    double to = std::min(t1, s.start + s.duration) - s.start;
    double from = std::min(std::max(t0, s.start) - s.start, to);
    best = std::max(best, s.shape->MaxRate(from, to));
  }
  return best;
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
