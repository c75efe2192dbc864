#include "opened/pacer.h"

#include <time.h>

#include <algorithm>

#include "pylogen/requests.h"

namespace pylogen::opened {
namespace {

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

void SleepAbsolute(std::int64_t wake_ns) {
  timespec ts{static_cast<time_t>(wake_ns / 1'000'000'000), static_cast<long>(wake_ns % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

}  // namespace

void Pacer::Learn(std::int64_t oversleep_ns) {
  // A slow average, but a late wake raises the margin at once: being late
  // costs precision, being early only costs a little spinning.
  average_oversleep_ns_ = 0.9 * average_oversleep_ns_ + 0.1 * static_cast<double>(oversleep_ns);
  std::int64_t wanted = static_cast<std::int64_t>(2 * average_oversleep_ns_) + kMinMarginNs;
  if (oversleep_ns > margin_ns_) wanted = std::max(wanted, oversleep_ns + kMinMarginNs);
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

std::int64_t Pacer::WaitUntil(std::int64_t deadline_ns) {
  std::int64_t now = MonotonicNanos();
  std::int64_t wake = deadline_ns - margin_ns_;
  if (wake - now >= kMinSleepNs) now = SleepUntil(wake);
  while (now < deadline_ns) {
    CpuRelax();
    now = MonotonicNanos();
  }
  return now;
}

}  // namespace pylogen::opened
