#include "closed/closed_runner.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "operation/cut_instance.h"
#include "operation/cut_phase.h"
#include "operation/operation.h"
#include "util/clock.h"
#include "util/log.h"

namespace pylogen::closed {
namespace {

class Runner {
 public:
  Runner(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
         std::uint32_t slot_index, operation::CutInstance cut)
      : load_(load),
        segment_(segment),
        operations_(segment, slot_index, static_cast<std::uint16_t>(&load - plan.loads.data()),
                    plan.summary_s, std::move(cut)) {}

  void Run(std::int64_t end_mono_ns) {
    for (std::uint64_t loop = 0; KeepLooping(loop, end_mono_ns); ++loop) {
      operations_.cut()->resetBeforeSteps();
      for (std::size_t i = 0; i < load_.lengths.size(); ++i) {
        if (Stopping()) return;
        operations_.Run(i, load_.lengths[i]);
        if (load_.pauselen_s > 0) Pause(load_.pauselen_s, end_mono_ns);
      }
      if (load_.pauseloop_s > 0) Pause(load_.pauseloop_s, end_mono_ns);
    }
  }

 private:
  bool Stopping() const { return segment_.phase() != shm::Phase::kRunning; }

  bool KeepLooping(std::uint64_t loop, std::int64_t end_mono_ns) const {
    if (Stopping()) return false;
    if (load_.duration_s > 0) return MonotonicNanos() < end_mono_ns;
    return loop < load_.loops;
  }

  // Sleeps, waking early when a stop is requested or, for a time-bound
  // runner, when its duration is over.
  void Pause(double seconds, std::int64_t end_mono_ns) const {
    std::int64_t until = MonotonicNanos() + static_cast<std::int64_t>(seconds * 1e9);
    if (load_.duration_s > 0) until = std::min(until, end_mono_ns);
    constexpr std::int64_t kSlice = 50'000'000;
    for (std::int64_t now = MonotonicNanos(); now < until && !Stopping(); now = MonotonicNanos()) {
      util::SleepNanos(std::min(until - now, kSlice));
    }
  }

  const plan::LoadPlan& load_;
  const shm::Segment& segment_;
  operation::Operations operations_;
};

}  // namespace

int RunClosedRunner(const plan::RunPlan& plan, const plan::LoadPlan& load,
                    const shm::Segment& segment, std::uint32_t slot_index,
                    std::int64_t start_mono_ns) {
  shm::Slot& slot = segment.slot(slot_index);
  auto cut = operation::CutInstance::Create(load, slot_index - load.first_slot, &slot);
  if (!cut) {
    operation::ReportStartFailure(slot, cut.error());
    return 1;
  }
  Runner runner(plan, load, segment, slot_index, std::move(*cut));
  runner.Run(start_mono_ns + static_cast<std::int64_t>(load.duration_s * 1e9));
  return 0;
}

}  // namespace pylogen::closed
