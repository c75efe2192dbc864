#include "schedule/arrivals.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace pylogen::schedule {

// The last uniform event may land on the schedule's end up to rounding.
constexpr double kEndTolerance = 1e-9;

Arrivals::Arrivals(const Schedule& schedule, ArrivalMode mode, std::uint64_t seed)
    : schedule_(schedule),
      mode_(mode),
      rng_(seed),
      limit_(mode == ArrivalMode::kUniform ? schedule.Total() + kEndTolerance : schedule.Total()) {}

double Arrivals::ExponentialDraw() {
  // 53 random bits -> u in [0, 1), so -log(1 - u) is finite and >= 0.
  double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  return -std::log1p(-u);
}

std::optional<double> Arrivals::Next() {
  if (done_) return std::nullopt;
  double position = mode_ == ArrivalMode::kUniform ? static_cast<double>(count_ + 1)
                                                   : position_ + ExponentialDraw();
  if (position > limit_) {
    done_ = true;
    return std::nullopt;
  }
  position_ = position;
  ++count_;
  // Rounding in the inverse must never reorder events.
  last_due_ = std::max(last_due_, schedule_.TimeAtIntegral(position, cursor_));
  return last_due_;
}

double Arrivals::current_rate() const {
  return count_ == 0 ? 0 : schedule_.RateAt(last_due_, cursor_);
}

std::expected<BurstPlanner, std::string> BurstPlanner::Parse(std::string_view text,
                                                             std::uint64_t seed) {
  bool fixed = text.starts_with('f');
  std::string_view digits = fixed ? text.substr(1) : text;
  std::uint32_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  bool ok = !digits.empty() && ec == std::errc() && end == digits.data() + digits.size() &&
            (n >= 1 || !fixed);
  if (!ok) {
    return std::unexpected(fmt::format(
        "--burst: '{}' is not a burst (expected 1 for none, 0 for random sizes up to the "
        "current rate, N for random sizes in 1..N, or fN for always N, with N an integer "
        ">= 1 up to {})",
        text, std::numeric_limits<std::uint32_t>::max()));
  }
  if (fixed || n == 1) return BurstPlanner(Kind::kFixed, n, seed);
  return BurstPlanner(n == 0 ? Kind::kUpToRate : Kind::kUpTo, n, seed);
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

std::uint32_t BurstPlanner::AtDueInstant(double current_rate) {
  if (skip_ > 0) {
    --skip_;
    return 0;
  }
  std::uint32_t n = n_;
  if (kind_ == Kind::kUpTo) {
    n = Draw(n_);
  } else if (kind_ == Kind::kUpToRate) {
    constexpr double kMax = std::numeric_limits<std::uint32_t>::max();
    double rate = std::isfinite(current_rate) ? std::round(current_rate) : 1;
    n = Draw(static_cast<std::uint32_t>(std::clamp(rate, 1.0, kMax)));
  }
  skip_ = n - 1;
  return n;
}

}  // namespace pylogen::schedule
