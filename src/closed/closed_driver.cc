#include "closed/closed_driver.h"

#include <signal.h>

#include <algorithm>

#include <fmt/format.h>

#include "closed/closed_runner.h"
#include "closed/event_runner.h"
#include "process/slot_child.h"

namespace pylogen::closed {
namespace {

std::int64_t Nanos(double seconds) { return static_cast<std::int64_t>(seconds * 1e9); }

}  // namespace

void ClosedDriver::Start(std::int64_t now) {
  for (std::uint32_t i = 0; i < load_.processes; ++i) {
    std::int64_t start = now + Nanos(load_.StartOffset(i));
    std::int64_t last_start = now + Nanos(load_.StartOffset(load_.LastUserOf(i)));
    std::int64_t deadline = load_.duration_s > 0
                                ? last_start + Nanos(load_.duration_s + plan_.grace_s)
                                : process::kNever;
    runners_.push_back({load_.first_slot + i, start, deadline});
  }
  Act(now);
}

std::int64_t ClosedDriver::NextDeadline() const {
  std::int64_t next = process::kNever;
  if (Starting()) next = runners_[next_].start_ns;
  for (const Runner& r : runners_) {
    if (r.running && !r.killed_by_us) next = std::min(next, std::min(r.deadline_ns, stop_deadline_));
  }
  return next;
}

void ClosedDriver::Act(std::int64_t now) {
  while (Starting() && runners_[next_].start_ns <= now) {
    StartRunner(runners_[next_++]);
  }
  for (Runner& r : runners_) {
    bool overdue = now >= r.deadline_ns || now >= stop_deadline_;
    if (r.running && overdue && !r.killed_by_us) {
      kill(r.pid, SIGKILL);
      r.killed_by_us = true;
    }
  }
}

void ClosedDriver::StartRunner(Runner& r) {
  std::uint32_t slot = r.slot;
  std::int64_t start = r.start_ns;
  const plan::LoadPlan& load = load_;
  pid_t pid = process::StartInSlot(forker_, segment_, slot, static_cast<std::uint16_t>(&load_ - plan_.loads.data()),
                          static_cast<std::uint16_t>(slot - load_.first_slot),
                          fmt::format("runner-{}", slot), [this, &load, slot, start] {
                            if (!load.event_driven()) return RunClosedRunner(plan_, load, segment_, slot, start);
                            std::int64_t run_start = start - Nanos(load.StartOffset(slot - load.first_slot));
                            return RunEventRunner(plan_, load, segment_, slot, run_start);
                          });
  if (pid < 0) {
    faulted_ = true;
    fork_failed_ = true;
    return;
  }
  r.pid = pid;
  r.running = true;
}

std::optional<std::uint32_t> ClosedDriver::SlotOf(pid_t pid) const {
  for (const Runner& r : runners_) {
    if (r.running && r.pid == pid) return r.slot;
  }
  return std::nullopt;
}

bool ClosedDriver::OnExit(pid_t pid, int status) {
  auto it = std::find_if(runners_.begin(), runners_.end(),
                         [pid](const Runner& r) { return r.running && r.pid == pid; });
  if (it == runners_.end()) return false;
  it->running = false;
  shm::SlotState state = process::RecordExit(segment_, it->slot, status, it->killed_by_us);
  faulted_ = faulted_ || state != shm::SlotState::kEnded;
  return true;
}

void ClosedDriver::Stop(std::int64_t deadline) {
  stopping_ = true;
  stop_deadline_ = deadline;
}

bool ClosedDriver::Done() const {
  if (Starting()) return false;
  return std::none_of(runners_.begin(), runners_.end(), [](const Runner& r) { return r.running; });
}

void ClosedDriver::KillAll() {
  for (const Runner& r : runners_) {
    if (r.running) kill(r.pid, SIGKILL);
  }
}

}  // namespace pylogen::closed
