#include "reader/process_list.h"

#include <fmt/format.h>

#include <cstring>

namespace pylogen::reader {
namespace {

std::string NameOf(const plan::RunPlan& plan, std::uint32_t slot) {
  return fmt::format("{}-{}", plan.LoadOfSlot(slot).opened ? "worker" : "runner", slot);
}

template <class Figures>
void LoopOf(const Figures& f, output::WorkerSummary& w) {
  w.loop.cpu_ns = f.cpu_ns;
  w.loop.run_ns = f.run_ns;
  w.loop.lag_p99_ns = f.lag_p99_ns;
  w.loop.lag_max_ns = f.lag_max_ns;
  w.loop.timers = f.lag_timers;
  w.loop.callback_errors = f.callback_errors;
  w.loop.callback_error = std::string(f.callback_error, strnlen(f.callback_error, sizeof f.callback_error));
  w.loop.stray_completions = f.stray_completions;
  w.loop.cancel_errors = f.cancel_errors;
  w.loop.cancel_error = std::string(f.cancel_error, strnlen(f.cancel_error, sizeof f.cancel_error));
}

output::WorkerSummary OfEnded(const plan::RunPlan& plan, const shm::Segment& segment,
                              const shm::EndedProcess& e) {
  output::WorkerSummary w;
  w.name = NameOf(plan, e.slot);
  w.load_id = plan.LoadOfSlot(e.slot).id;
  w.state = shm::SlotStateName(e.state);
  w.pid = e.pid;
  w.signal = e.signal;
  w.exit_code = e.exit_code;
  w.error = std::string(e.error, strnlen(e.error, sizeof e.error));
  w.operations = e.ops;
  w.empty_operations = e.empty_ops;
  w.wait_ns = e.wait_ns;
  w.waits = e.waits;
  w.ring_capacity = segment.ring_capacity(e.slot);
  w.event_driven = e.loop_published != 0;
  if (w.event_driven) LoopOf(e, w);
  return w;
}

output::WorkerSummary OfSlot(const plan::RunPlan& plan, const shm::Segment& segment,
                             std::uint32_t i) {
  const shm::Slot& slot = segment.slot(i);
  output::WorkerSummary w;
  w.name = NameOf(plan, i);
  w.load_id = plan.LoadOfSlot(i).id;
  w.state = shm::SlotStateName(slot.state.load(std::memory_order_acquire));
  w.pid = slot.pid;
  w.signal = slot.signal;
  w.exit_code = slot.exit_code;
  w.error = std::string(slot.error, strnlen(slot.error, sizeof slot.error));
  w.operations = slot.ops.load(std::memory_order_acquire);
  w.empty_operations = slot.empty_ops.load(std::memory_order_relaxed);
  w.wait_ns = slot.wait_ns.load(std::memory_order_relaxed);
  w.waits = slot.waits.load(std::memory_order_relaxed);
  w.ring_capacity = segment.ring_capacity(i);
  w.event_driven = slot.loop_published.load(std::memory_order_acquire) != 0;
  if (w.event_driven) LoopOf(slot, w);
  return w;
}

}  // namespace

ProcessList ListProcesses(const plan::RunPlan& plan, const shm::Segment& segment) {
  ProcessList list;
  for (std::uint32_t i = 0; i < segment.ended_listed(); ++i) {
    list.listed.push_back(OfEnded(plan, segment, segment.ended(i)));
  }
  for (std::uint32_t i = 0; i < segment.slot_count(); ++i) {
    const shm::Slot& slot = segment.slot(i);
    list.unlisted += slot.unlisted_processes;
    list.unlisted_operations += slot.unlisted_ops;
    list.unlisted_empty_operations += slot.unlisted_empty_ops;
    list.unlisted_wait_ns += slot.unlisted_wait_ns;
    list.unlisted_waits += slot.unlisted_waits;
    list.unlisted_callback_errors += slot.unlisted_callback_errors;
    // An opened load has a slot per possible worker: list those used.
    bool unused = slot.state.load(std::memory_order_acquire) == shm::SlotState::kIdle;
    if (unused && plan.LoadOfSlot(i).opened) continue;
    list.listed.push_back(OfSlot(plan, segment, i));
  }
  return list;
}

std::uint64_t OperationsOfLoad(const plan::LoadPlan& load, const shm::Segment& segment) {
  std::uint64_t ops = 0;
  for (std::uint32_t i = load.first_slot; i < load.first_slot + load.processes; ++i) {
    ops += segment.slot(i).ops.load(std::memory_order_acquire) + segment.slot(i).unlisted_ops;
  }
  for (std::uint32_t i = 0; i < segment.ended_listed(); ++i) {
    const shm::EndedProcess& e = segment.ended(i);
    if (e.slot >= load.first_slot && e.slot < load.first_slot + load.processes) ops += e.ops;
  }
  return ops;
}

}  // namespace pylogen::reader
