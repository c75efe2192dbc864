#include "operation/event_process.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>

#include "operation/cut_phase.h"

namespace pylogen::operation {
namespace {

std::int64_t CpuNanos() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto ns = [](const timeval& tv) { return tv.tv_sec * 1'000'000'000LL + tv.tv_usec * 1000LL; };
  return ns(usage.ru_utime) + ns(usage.ru_stime);
}

std::unexpected<std::string> Fail(shm::Slot& slot, std::string error) {
  ReportStartFailure(slot, error);
  return std::unexpected(std::move(error));
}

}  // namespace

std::expected<std::unique_ptr<EventProcess>, std::string> EventProcess::Create(
    const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
    std::uint32_t slot_index) {
  shm::Slot& slot = segment.slot(slot_index);
  // Timers are the virtual users' pauses and the CUT's waits: the default
  // 50 us slack would be added to every one of them.
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  auto loop = loop::EpollLoop::Create();
  if (!loop) return Fail(slot, loop.error());
  std::unique_ptr<EventProcess> process(new EventProcess(slot, std::move(*loop)));
  process->started_ns_ = MonotonicNanos();
  auto cut = EventCutInstance::Create(load, slot_index - load.first_slot, *process->loop_, &slot);
  if (!cut) return Fail(slot, cut.error());
  auto load_index = static_cast<std::uint16_t>(&load - plan.loads.data());
  process->operations_ =
      std::make_unique<EventOperations>(segment, slot_index, load_index, plan.summary_s, std::move(*cut));
  return process;
}

EventProcess::~EventProcess() {
  operations_.reset();  // the CUT's teardown may still use the loop
}

std::int64_t EventProcess::Turn(std::int64_t wake_ns) {
  std::int64_t now = MonotonicNanos();
  wake_ns = std::min(wake_ns, operations_->ExpireOverdue(now));
  loop_->RunOnce(std::max<std::int64_t>(wake_ns - now, 0));
  return MonotonicNanos();
}

void EventProcess::Publish() {
  const loop::LagHistogram& lag = loop_->lag();
  slot_.cpu_ns = CpuNanos();
  slot_.run_ns = MonotonicNanos() - started_ns_;
  slot_.lag_p99_ns = lag.QuantileUpperBound(0.99);
  slot_.lag_max_ns = lag.max_ns;
  slot_.lag_timers = lag.count;
  slot_.callback_errors = loop_->callback_errors();
  CopyBounded(slot_.callback_error, sizeof slot_.callback_error, loop_->first_callback_error());
  slot_.stray_completions = operations_->stray_completions();
  slot_.cancel_errors = operations_->cancel_errors();
  CopyBounded(slot_.cancel_error, sizeof slot_.cancel_error, operations_->first_cancel_error());
  // The supervisor says the callback errors, stray completions and cancel()
  // errors on stderr, once for all the processes alike.
  slot_.loop_published.store(1, std::memory_order_release);
}

}  // namespace pylogen::operation
