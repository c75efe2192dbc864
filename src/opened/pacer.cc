#include "opened/pacer.h"

#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>

#include "pylogen/requests.h"
#include "util/cpu_relax.h"

namespace pylogen::opened {

int SleepAbsolute(std::int64_t wake_ns) {
  timespec ts{static_cast<time_t>(wake_ns / 1'000'000'000), static_cast<long>(wake_ns % 1'000'000'000)};
  // clock_nanosleep returns the error number; only a signal is worth a retry.
  int error;
  while ((error = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr)) == EINTR) {
  }
  return error;
}

void Pacer::Learn(std::int64_t oversleep_ns) {
  double sample = static_cast<double>(std::max<std::int64_t>(oversleep_ns, 0));
  deviation_ns_ = 0.875 * deviation_ns_ + 0.125 * std::abs(sample - mean_ns_);
  mean_ns_ = 0.875 * mean_ns_ + 0.125 * sample;
  auto wanted = static_cast<std::int64_t>(mean_ns_ + 4 * deviation_ns_);
  margin_ns_ = std::clamp(wanted, kMinMarginNs, kMaxMarginNs);
}

std::int64_t Pacer::SleepUntil(std::int64_t wake_ns) {
  std::int64_t now = MonotonicNanos();
  if (wake_ns - now < kMinSleepNs) return now;
  SleepAbsolute(wake_ns);
  now = MonotonicNanos();
  Learn(now - wake_ns);
  return now;
}

std::int64_t Pacer::WaitUntil(std::int64_t deadline_ns, std::int64_t min_margin_ns) {
  std::int64_t now = MonotonicNanos();
  std::int64_t wake = deadline_ns - std::max(margin_ns_, std::min(min_margin_ns, kMaxMarginNs));
  if (wake - now >= kMinSleepNs) {
    now = SleepUntil(wake);
  } else if (deadline_ns - now > 2 * kMinSleepNs) {
    // A sleep would have fit but for the margin: let the margin shrink, or
    // it would never be measured again.
    margin_ns_ = std::max(kMinMarginNs, margin_ns_ - margin_ns_ / 64);
  }
  while (now < deadline_ns) {
    util::CpuRelax();
    now = MonotonicNanos();
  }
  return now;
}

}  // namespace pylogen::opened
