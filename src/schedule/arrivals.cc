#include "schedule/arrivals.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "util/bounds.h"
#include "util/excerpt.h"
#include "util/quantity.h"

namespace pylogen::schedule {

std::uint64_t PlannedEvents(const Schedule& schedule, ArrivalMode mode) {
  // Total() <= 2^32 events per segment over a bounded number of segments:
  // well within a double's exact integers.
  double total = schedule.Total();
  if (!(total > 0)) return 0;
  if (mode == ArrivalMode::kUniform) {
    return static_cast<std::uint64_t>(std::floor(total + kEventTolerance));
  }
  return static_cast<std::uint64_t>(std::llround(total));
}

Arrivals::Arrivals(const Schedule& schedule, ArrivalMode mode, std::uint64_t seed)
    : schedule_(schedule),
      mode_(mode),
      rng_(seed),
      limit_(mode == ArrivalMode::kUniform ? schedule.Total() + kEventTolerance
                                           : schedule.Total()) {}

double Arrivals::ExponentialDraw() {
  // 53 random bits -> u in [0, 1), so -log(1 - u) is finite and >= 0.
  double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  return -std::log1p(-u);
}

double Arrivals::NextPosition() {
  if (mode_ == ArrivalMode::kUniform) return static_cast<double>(count_ + 1);
  if (!drawn_) drawn_ = position_ + ExponentialDraw();
  return *drawn_;
}

std::optional<double> Arrivals::Next() {
  if (done_) return std::nullopt;
  double position = NextPosition();
  if (position > limit_) {
    done_ = true;
    return std::nullopt;
  }
  drawn_.reset();
  position_ = position;
  ++count_;
  // Rounding in the inverse must never reorder events.
  last_due_ = std::max(last_due_, schedule_.TimeAtIntegral(position, cursor_));
  return last_due_;
}

double Arrivals::SegmentEnd() const {
  // Next() placed the last event in cursor_.segment.
  return std::min(schedule_.SegmentEndIntegral(cursor_.segment) + kEventTolerance, limit_);
}

bool Arrivals::MoreInSegment() { return !done_ && count_ != 0 && NextPosition() <= SegmentEnd(); }

std::uint64_t Arrivals::TakeInSegment(std::uint64_t max) {
  if (done_ || count_ == 0 || max == 0) return 0;
  const double end = SegmentEnd();
  if (mode_ == ArrivalMode::kUniform) {
    // Positions are whole numbers: those up to floor(end) are in the segment
    // (at most 2^32 per segment, 8.64e13 in all: exact in a double).
    double left = std::floor(end) - static_cast<double>(count_);
    std::uint64_t taken = left > 0 ? std::min(max, static_cast<std::uint64_t>(left)) : 0;
    count_ += taken;
    position_ = static_cast<double>(count_);
    return taken;
  }
  std::uint64_t taken = 0;
  while (taken < max) {
    double position = NextPosition();
    if (position > end) break;  // kept for Next(): it is the next segment's
    drawn_.reset();
    position_ = position;
    ++count_;
    ++taken;
  }
  return taken;
}

double Arrivals::current_rate() const {
  return count_ == 0 ? 0 : schedule_.RateAt(last_due_, cursor_);
}

// ---- --burst.

namespace {

std::string BurstError(std::string_view text, std::string_view reason) {
  return fmt::format(
      "--burst: '{}' {} (expected 1 for none, 0 for random sizes up to the current rate, N for "
      "random sizes in 1..N, or fN for always N, with N an integer from 1 to {})",
      util::Excerpt(text), reason, util::kMaxBurst);
}

}  // namespace

std::expected<BurstPlanner, std::string> BurstPlanner::Parse(std::string_view text,
                                                             std::uint64_t seed) {
  bool fixed = text.starts_with('f');
  std::string_view digits = fixed ? text.substr(1) : text;
  if (digits.empty()) {
    return std::unexpected(BurstError(text, fixed ? "has no N after 'f'" : "is empty"));
  }
  auto n = util::ParseUnsigned(digits);
  bool all_digits = std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; });
  if (!all_digits) return std::unexpected(BurstError(text, "is not a burst"));
  if (!n || *n > util::kMaxBurst) {
    return std::unexpected(
        BurstError(text, fmt::format("is above the bound of {} (2^32 - 1)", util::kMaxBurst)));
  }
  if (fixed && *n == 0) return std::unexpected(BurstError(text, "is a fixed burst of no event"));
  auto size = static_cast<std::uint32_t>(*n);
  if (fixed || size == 1) return BurstPlanner(Kind::kFixed, size, seed);
  return BurstPlanner(size == 0 ? Kind::kUpToRate : Kind::kUpTo, size, seed);
}

std::uint32_t BurstPlanner::Draw(std::uint32_t max) {
  // Lemire's multiply-and-reject: unbiased, usually one draw.
  const std::uint64_t range = max;
  unsigned __int128 product = static_cast<unsigned __int128>(rng_()) * range;
  auto low = static_cast<std::uint64_t>(product);
  if (low < range) {
    const std::uint64_t threshold = -range % range;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(rng_()) * range;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint32_t>(product >> 64) + 1;
}

std::uint32_t BurstPlanner::Size(double current_rate) {
  if (kind_ == Kind::kUpTo) return Draw(n_);
  if (kind_ == Kind::kUpToRate) {
    constexpr double kMax = std::numeric_limits<std::uint32_t>::max();
    double rate = std::isfinite(current_rate) ? std::round(current_rate) : 1;
    return Draw(static_cast<std::uint32_t>(std::clamp(rate, 1.0, kMax)));
  }
  return n_;
}

std::expected<void, std::string> CheckBurst(const Schedule& schedule, std::string_view burst) {
  auto planner = BurstPlanner::Parse(burst, 0);
  if (!planner) return std::unexpected(std::move(planner.error()));
  std::uint32_t n = planner->fixed_size();
  if (n <= 1 || schedule.segment_count() == 0) return {};
  std::size_t largest = schedule.largest_segment();
  std::uint64_t events = schedule.segment_events(largest);
  if (n <= events) return {};
  return std::unexpected(fmt::format(
      "--burst f{}: a burst of {} events is more than the {} event(s) of the schedule's largest "
      "segment (segment {} '{}'); a burst takes events of its own segment only",
      n, n, events, largest + 1, util::Excerpt(schedule.segment_text(largest))));
}

std::expected<Schedule, std::string> ParseScheduleWithBurst(std::string_view schedule,
                                                            std::string_view burst) {
  auto parsed = Schedule::Parse(schedule);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  if (auto checked = CheckBurst(*parsed, burst); !checked) {
    return std::unexpected(std::move(checked.error()));
  }
  return parsed;
}

// ---- Emissions.

Emissions::Emissions(const Schedule& schedule, ArrivalMode mode, std::uint64_t seed,
                     BurstPlanner burst)
    : arrivals_(schedule, mode, seed), burst_(std::move(burst)), next_(arrivals_.Next()) {}

std::uint64_t Emissions::Take(std::uint64_t max) {
  std::uint64_t taken = 0;
  if (left_ == 0) {  // a new due instant: its own event, and the size of its burst
    left_ = burst_.Size(arrivals_.current_rate()) - 1;
    taken = 1;
  }
  std::uint64_t wanted = std::min(left_, max - taken);
  std::uint64_t pulled = arrivals_.TakeInSegment(wanted);
  taken += pulled;
  left_ -= pulled;
  // The burst ends with its segment's events.
  if (left_ != 0 && !arrivals_.MoreInSegment()) left_ = 0;
  if (left_ == 0) next_ = arrivals_.Next();
  return taken;
}

}  // namespace pylogen::schedule
