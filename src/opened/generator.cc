#include "opened/generator.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "opened/pacer.h"
#include "opened/wake.h"
#include "stats/histogram.h"
#include "util/futex.h"
#include "util/log.h"

namespace pylogen::opened {
namespace {

constexpr int kGeneratorNice = -10;
// The longest the generator sleeps before looking at the run's phase again.
constexpr std::int64_t kMaxSleepNs = 50'000'000;

std::int64_t CpuNanos() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto ns = [](const timeval& tv) { return tv.tv_sec * 1'000'000'000LL + tv.tv_usec * 1000LL; };
  return ns(usage.ru_utime) + ns(usage.ru_stime);
}

class Generator {
 public:
  Generator(const plan::LoadPlan& load, const shm::Segment& segment, std::int64_t start_mono_ns)
      : opened_(*load.opened),
        segment_(segment),
        area_(segment.opened(opened_.area)),
        jobs_(segment.Jobs(opened_.area)),
        arrivals_(opened_.schedule, opened_.arrivals, opened_.seed),
        burst_(*schedule::BurstPlanner::Parse(opened_.burst, opened_.seed ^ 0x9e3779b97f4a7c15ULL)),
        start_(start_mono_ns) {}

  int Run() {
    std::optional<double> next = arrivals_.Next();
    std::int64_t previous_due = start_;
    while (next && segment_.phase() == shm::Phase::kRunning) {
      std::int64_t due = DueTime(*next);
      std::int64_t now = MonotonicNanos();
      if (due - now > kMaxSleepNs) {  // a long wait: in slices, to notice a stop
        pacer_.SleepUntil(now + kMaxSleepNs);
        continue;
      }
      if (due > now) {
        std::int64_t gap = due - previous_due;
        now = gap < kBatchGapNs ? pacer_.SleepUntil(due + kBatchWindowNs)
                                : pacer_.WaitUntil(due, gap / kSpinShare);
      }
      // Emit everything due by now, each event stamped with its own due time.
      std::uint32_t emitted = 0;
      while (next && (due = DueTime(*next)) <= now) {
        emitted += EmitAt(due, opened_.schedule.RateAt(*next));
        previous_due = due;
        next = arrivals_.Next();
      }
      if (emitted != 0) WakeWorkers();
    }
    Finish();
    return 0;
  }

 private:
  std::int64_t DueTime(double t) const { return start_ + std::llround(t * 1e9); }

  std::uint32_t EmitAt(std::int64_t due, double rate) {
    area_.scheduled.fetch_add(1, std::memory_order_relaxed);
    std::uint32_t n = burst_.AtDueInstant(rate);
    std::uint32_t pushed = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (!jobs_.TryPush(due)) {
        area_.dropped.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      ++pushed;
      std::int64_t emitted_at = MonotonicNanos();
      lateness_.Record(emitted_at - due);  // emission - due time
      CountSecond(emitted_at);
    }
    area_.emitted.fetch_add(pushed, std::memory_order_relaxed);
    return pushed;
  }

  // Events emitted per second of the schedule, for its precision figures.
  void CountSecond(std::int64_t emitted_at) {
    std::int64_t second = (emitted_at - start_) / 1'000'000'000;
    if (second < 0 || second >= static_cast<std::int64_t>(shm::kEmittedSeconds)) return;
    ++area_.emitted_per_second[second];
    area_.emitted_seconds = std::max<std::uint32_t>(area_.emitted_seconds, static_cast<std::uint32_t>(second + 1));
  }

  void WakeWorkers() { WakeWaiting(area_); }

  void Finish() {
    area_.generator_cpu_ns = CpuNanos();
    area_.generator_run_ns = MonotonicNanos() - start_;
    std::string json = lateness_.ToJson().dump();
    if (json.size() <= sizeof area_.lateness_json) {
      std::memcpy(area_.lateness_json, json.data(), json.size());
      area_.lateness_size.store(static_cast<std::uint32_t>(json.size()), std::memory_order_release);
    }
    area_.generator_done.store(1, std::memory_order_release);
    WakeAll(area_);
    log::Debug("schedule over: {} events emitted, {} dropped", area_.emitted.load(), area_.dropped.load());
  }

  const plan::OpenedPlan& opened_;
  const shm::Segment& segment_;
  shm::OpenedArea& area_;
  shm::JobsQueue jobs_;
  schedule::Arrivals arrivals_;
  schedule::BurstPlanner burst_;
  std::int64_t start_;
  Pacer pacer_;
  stats::Histogram lateness_;
};

}  // namespace

int RunGenerator(const plan::LoadPlan& load, const shm::Segment& segment, std::int64_t start_mono_ns) {
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // the default 50 us slack would blur every deadline
  // Keeping the schedule matters more than anything else in the run: ask for
  // a higher priority than the workers and the reader (allowed to root or
  // with CAP_SYS_NICE; otherwise the run goes on at the normal priority).
  if (setpriority(PRIO_PROCESS, 0, kGeneratorNice) != 0) {
    log::Debug("cannot raise the generator's priority: running at nice 0");
  }
  return Generator(load, segment, start_mono_ns).Run();
}

}  // namespace pylogen::opened
