#include "opened/generator.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "opened/pacer.h"
#include "opened/wake.h"
#include "stats/histogram.h"
#include "util/futex.h"
#include "util/log.h"

namespace pylogen::opened {
namespace {

constexpr int kGeneratorNice = -10;

std::int64_t CpuNanos() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto ns = [](const timeval& tv) { return tv.tv_sec * 1'000'000'000LL + tv.tv_usec * 1000LL; };
  return ns(usage.ru_utime) + ns(usage.ru_stime);
}

// GeneratorLoop's Io in the generator process: the monotonic clock, the
// pacer, the run's phase, the jobs queue and the OpenedArea's counters.
class RealIo {
 public:
  RealIo(const shm::Segment& segment, shm::OpenedArea& area, shm::JobsQueue jobs,
         std::int64_t start)
      : segment_(segment), area_(area), jobs_(jobs), start_(start) {}

  std::int64_t Now() { return MonotonicNanos(); }
  std::int64_t SleepUntil(std::int64_t wake_ns) { return pacer_.SleepUntil(wake_ns); }
  std::int64_t WaitUntil(std::int64_t deadline_ns, std::int64_t min_margin_ns) {
    return pacer_.WaitUntil(deadline_ns, min_margin_ns);
  }
  bool Running() { return segment_.phase() == shm::Phase::kRunning; }

  bool Push(std::int64_t due) {
    if (!jobs_.TryPush(due)) return false;
    std::int64_t emitted_at = MonotonicNanos();
    lateness_.Record(emitted_at - due);  // emission - due time
    CountSecond(emitted_at);
    return true;
  }

  void Count(std::uint64_t scheduled, std::uint64_t emitted, std::uint64_t dropped) {
    area_.scheduled.fetch_add(scheduled, std::memory_order_relaxed);
    if (dropped != 0) area_.dropped.fetch_add(dropped, std::memory_order_relaxed);
    area_.emitted.fetch_add(emitted, std::memory_order_relaxed);
  }

  void Wake() { WakeWaiting(area_); }

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

 private:
  // Events emitted per second of the schedule, for its precision figures.
  void CountSecond(std::int64_t emitted_at) {
    std::int64_t second = (emitted_at - start_) / 1'000'000'000;
    if (second < 0 || second >= static_cast<std::int64_t>(shm::kEmittedSeconds)) return;
    ++area_.emitted_per_second[second];
    area_.emitted_seconds =
        std::max<std::uint32_t>(area_.emitted_seconds, static_cast<std::uint32_t>(second + 1));
  }

  const shm::Segment& segment_;
  shm::OpenedArea& area_;
  shm::JobsQueue jobs_;
  std::int64_t start_;
  Pacer pacer_;
  stats::Histogram lateness_;
};

int Generate(const plan::LoadPlan& load, const shm::Segment& segment, std::int64_t start) {
  const plan::OpenedPlan& opened = *load.opened;
  // The plan checked the burst when it was built.
  auto burst = schedule::BurstPlanner::Parse(opened.burst, opened.seed ^ 0x9e3779b97f4a7c15ULL);
  if (!burst) {
    log::Error("generator: {}", burst.error());
    return 1;
  }
  RealIo io(segment, segment.opened(opened.area), segment.Jobs(opened.area), start);
  schedule::Emissions emissions(opened.schedule, opened.arrivals, opened.seed, std::move(*burst));
  GeneratorLoop<RealIo>(std::move(emissions), io, start).Run();
  io.Finish();
  return 0;
}

}  // namespace

int RunGenerator(const plan::LoadPlan& load, const shm::Segment& segment, std::int64_t start_mono_ns) {
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // the default 50 us slack would blur every deadline
  // Keeping the schedule matters more than anything else in the run: ask for
  // a higher priority than the workers and the reader (allowed to root or
  // with CAP_SYS_NICE; otherwise the run goes on at the normal priority).
  if (setpriority(PRIO_PROCESS, 0, kGeneratorNice) != 0) {
    log::Debug("cannot raise the generator's priority: running at nice 0");
  }
  return Generate(load, segment, start_mono_ns);
}

}  // namespace pylogen::opened
