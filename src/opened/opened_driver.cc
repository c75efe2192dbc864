#include "opened/opened_driver.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "opened/event_worker.h"
#include "opened/generator.h"
#include "opened/wake.h"
#include "opened/worker.h"
#include "process/child.h"
#include "process/slot_child.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/signal_name.h"

namespace pylogen::opened {
namespace {

std::int64_t Nanos(double s) { return static_cast<std::int64_t>(s * 1e9); }

}  // namespace

OpenedDriver::OpenedDriver(const plan::RunPlan& plan, const plan::LoadPlan& load,
                           const shm::Segment& segment, process::Forker& forker)
    : plan_(plan),
      load_(load),
      opened_(*load.opened),
      segment_(segment),
      forker_(forker),
      area_(segment.opened(load.opened->area)),
      controller_({opened_.trigger, opened_.decrease, opened_.min_workers, opened_.max_workers,
                   opened_.controller_delay_s, load.concurrency}) {
  if (load.event_driven()) wake_fd_.Reset(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  area_.wake_fd = wake_fd_.get();
}

void OpenedDriver::Start(std::int64_t now) {
  generation_at_ = now + Nanos(load_.postpone_s);
  if (load_.event_driven() && !wake_fd_) {
    log::Error("{}: cannot create the workers' eventfd: {}", load_.id, std::strerror(errno));
    faulted_ = true;
    Abandon();
    return;
  }
  std::uint32_t first = std::max(opened_.prefork, opened_.min_workers);
  for (std::uint32_t i = 0; i < first; ++i) StartWorker();
  log::Info("{}: {} worker(s) preforked", load_.id, workers_.size());
  Act(now);
}

bool OpenedDriver::SlotFree(std::uint32_t slot) const {
  bool taken = std::any_of(workers_.begin(), workers_.end(), [slot](const Worker& w) { return w.slot == slot; });
  if (taken) return false;
  // A slot whose worker faulted keeps its state for the summary; and its
  // previous worker's records must all have been read: the ring is reused as it is.
  shm::SlotState state = segment_.slot(slot).state.load(std::memory_order_acquire);
  if (state != shm::SlotState::kIdle && state != shm::SlotState::kEnded) return false;
  return segment_.Consumer(slot).Available() == 0;
}

bool OpenedDriver::StartWorker() {
  if (fork_failed_) return false;
  for (std::uint32_t slot = load_.first_slot; slot < load_.first_slot + load_.processes; ++slot) {
    if (!SlotFree(slot)) continue;
    const plan::LoadPlan& load = load_;
    pid_t pid = process::StartInSlot(
        forker_, segment_, slot, static_cast<std::uint16_t>(&load_ - plan_.loads.data()),
        static_cast<std::uint16_t>(slot - load_.first_slot), fmt::format("worker-{}", slot),
        [this, &load, slot] {
          return load.event_driven() ? RunEventWorker(plan_, load, segment_, slot)
                                     : RunWorker(plan_, load, segment_, slot);
        });
    if (pid < 0) {
      faulted_ = true;
      fork_failed_ = true;
      return false;
    }
    workers_.push_back({slot, pid});
    return true;
  }
  log::Debug("{}: no free worker slot", load_.id);
  return false;
}

void OpenedDriver::StartGenerator(std::int64_t now) {
  std::int64_t start = now + kStartLeadNs;
  const plan::LoadPlan& load = load_;
  std::string role = fmt::format("generator-{}", opened_.area);
  generator_pid_ = forker_.Fork(role, [this, &load, start] { return RunGenerator(load, segment_, start); });
  if (generator_pid_ < 0) {
    process::RecordForkFailure(segment_, role, errno);
    faulted_ = true;
    generator_pid_ = 0;
    area_.generator_done.store(1, std::memory_order_release);
    WakeAll(area_);
    stage_ = Stage::kOver;
    return;
  }
  area_.generator_pid = generator_pid_;
  area_.generator_state.store(shm::SlotState::kRunning, std::memory_order_release);
  stage_ = Stage::kGenerating;
  schedule_start_ = start;
  area_.schedule_start_wall_ns.store(start + util::WallOffsetNanos(), std::memory_order_release);
  next_check_ = start + Nanos(opened_.controller_delay_s);
  log::Info("{}: generator started, pid {}", load_.id, generator_pid_);
}

std::int64_t OpenedDriver::NextDeadline() const {
  std::int64_t next = next_check_;
  if (!AllKilled()) next = std::min(next, std::min(stop_deadline_, drain_deadline_));
  // While preforking, poll the workers' ready flags until --postpone is over.
  if (stage_ == Stage::kPreforking && !stopping_) {
    next = std::min(next, std::max(generation_at_, MonotonicNanos() + 1'000'000));
  }
  return next;
}

bool OpenedDriver::AllKilled() const {
  bool workers = std::all_of(workers_.begin(), workers_.end(), [](const Worker& w) { return w.killed_by_us; });
  return workers && (generator_pid_ == 0 || generator_killed_by_us_);
}

void OpenedDriver::Act(std::int64_t now) {
  if (stage_ == Stage::kPreforking && !stopping_) {
    bool ready = std::all_of(workers_.begin(), workers_.end(), [this](const Worker& w) {
      return segment_.slot(w.slot).ready.load(std::memory_order_acquire) != 0;
    });
    if (ready && now >= generation_at_) StartGenerator(now);
  }
  if (!stopping_ && now >= next_check_) Control(now);
  WatchDrain(now);
  KillOverdue(now);
}

// Once the schedule is over and every event taken, the workers' calls in
// flight get the grace period, as a closed runner's do after its duration.
void OpenedDriver::WatchDrain(std::int64_t now) {
  bool drained = stage_ == Stage::kOver && generator_pid_ == 0 && !stopping_ &&
                 segment_.Jobs(opened_.area).Backlog() == 0;
  if (!drained) {
    drain_deadline_ = process::kNever;
  } else if (drain_deadline_ == process::kNever) {
    drain_deadline_ = now + Nanos(plan_.grace_s);
  }
}

namespace {

// A counter's growth since `base`; a slot whose counters were reset for its
// new worker after `base` was read counts from 0.
std::uint64_t Since(std::uint64_t now, std::uint64_t base) { return now >= base ? now - base : now; }

}  // namespace

std::pair<std::uint64_t, std::uint64_t> OpenedDriver::Reported(const Worker& w) const {
  const shm::Slot& slot = segment_.slot(w.slot);
  // ops is stored after service_ns, with release: service_ns covers at least those ops.
  std::uint64_t ops = slot.ops.load(std::memory_order_acquire);
  std::uint64_t service = slot.service_ns.load(std::memory_order_relaxed);
  return {Since(ops, w.ops_base), Since(service, w.service_base_ns)};
}

void OpenedDriver::NoteStarted(Worker& w) const {
  const shm::Slot& slot = segment_.slot(w.slot);
  w.ops_base = slot.ops.load(std::memory_order_acquire);
  w.service_base_ns = slot.service_ns.load(std::memory_order_relaxed);
}

Observation OpenedDriver::Observe(std::int64_t now) const {
  Observation seen;
  seen.backlog = segment_.Jobs(opened_.area).Backlog();
  seen.ops = ended_ops_;
  seen.service_ns = ended_service_ns_;
  for (const Worker& w : workers_) {
    auto [ops, service] = Reported(w);
    seen.ops += ops;
    seen.service_ns += service;
    const shm::Slot& slot = segment_.slot(w.slot);
    if (slot.retire.load(std::memory_order_relaxed) != 0) continue;
    ++seen.workers;
    bool idle = slot.ready.load(std::memory_order_relaxed) != 0 &&
                slot.busy.load(std::memory_order_relaxed) == 0;
    seen.idle += idle;
  }
  // λ: the highest rate the next T + 1 s of the schedule ask for (0 once it is over).
  double t = static_cast<double>(now - schedule_start_) / 1e9;
  seen.rate = opened_.schedule.MaxRate(t, t + opened_.controller_delay_s + 1);
  return seen;
}

void OpenedDriver::Control(std::int64_t now) {
  Observation seen = Observe(now);
  bool generating = stage_ == Stage::kGenerating;
  Decision decision = controller_.Check(seen);
  // Once the schedule is over, only a remaining backlog justifies a worker.
  if (!generating && seen.backlog == 0 && decision.action == Action::kStartWorkers) {
    decision.action = Action::kNothing;
  }
  // The load wanted more than --maxworkers while a backlog (more than
  // --trigger events, the controller's own threshold: a few queued events
  // are the jitter of arrivals) waited: the summary names the limit
  // reached, from when, and what to raise.
  if (decision.wanted > opened_.max_workers && seen.backlog > opened_.trigger) {
    shm::NoteLimitReached(area_, decision.wanted, util::RealtimeNanos());
  }
  area_.controller_target.store(decision.target, std::memory_order_relaxed);
  if (decision.target > area_.controller_target_max.load(std::memory_order_relaxed)) {
    area_.controller_target_max.store(decision.target, std::memory_order_relaxed);
  }
  std::int64_t delay = Nanos(opened_.controller_delay_s);
  next_check_ = now + delay;
  auto service = [&decision] {
    return decision.service_s ? fmt::format("{:.4g} ms", *decision.service_s * 1e3)
                              : std::string("unknown");
  };
  if (decision.action == Action::kStartWorkers) {
    std::uint32_t started = 0;
    while (started < decision.start && StartWorker()) {
      NoteStarted(workers_.back());
      ++started;
    }
    if (started > 0) {
      log::Info("{}: backlog {}, rate {:.6g}/s, service {}: target {} workers (had {}){}", load_.id,
                seen.backlog, seen.rate, service(), decision.target, seen.workers,
                started < decision.start ? fmt::format(", {} started", started) : "");
    }
    // Until S is known a check adds one worker: check again sooner while the
    // backlog may need more. Once it is known the target covers the whole
    // backlog and the coming rate; a sooner check would only see the same
    // backlog, not yet taken by workers still setting up, and measure S over
    // a shorter, noisier window.
    if (started > 0 && !decision.service_s) next_check_ = now + delay / 4;
  } else if (decision.action == Action::kRetireWorker) {
    for (const Worker& w : workers_) {
      shm::Slot& slot = segment_.slot(w.slot);
      if (slot.ready.load() != 0 && slot.busy.load() == 0 && slot.retire.load() == 0) {
        slot.retire.store(1, std::memory_order_release);
        WakeAll(area_);
        log::Info("{}: no backlog for {} checks, rate {:.6g}/s, service {}: target {} workers "
                  "(had {}): worker-{} retires",
                  load_.id, opened_.decrease, seen.rate, service(), decision.target, seen.workers,
                  w.slot);
        break;
      }
    }
  }
  if (stage_ == Stage::kOver && workers_.empty() && seen.backlog == 0) next_check_ = process::kNever;
}

void OpenedDriver::KillOverdue(std::int64_t now) {
  if (now < std::min(stop_deadline_, drain_deadline_)) return;
  for (Worker& w : workers_) {
    if (!w.killed_by_us) {
      kill(w.pid, SIGKILL);
      w.killed_by_us = true;
    }
  }
  if (generator_pid_ > 0 && !generator_killed_by_us_) {
    kill(generator_pid_, SIGKILL);
    generator_killed_by_us_ = true;
  }
}

std::optional<std::uint32_t> OpenedDriver::SlotOf(pid_t pid) const {
  for (const Worker& w : workers_) {
    if (w.pid == pid) return w.slot;
  }
  return std::nullopt;
}

bool OpenedDriver::OnExit(pid_t pid, int status) {
  if (pid == generator_pid_) {
    generator_pid_ = 0;
    shm::SlotState state = process::StateOfExit(status, generator_killed_by_us_);
    if (WIFSIGNALED(status)) area_.generator_signal = WTERMSIG(status);
    if (WIFEXITED(status)) area_.generator_exit_code = WEXITSTATUS(status);
    area_.generator_state.store(state, std::memory_order_release);
    if (state != shm::SlotState::kEnded) {
      faulted_ = true;
      if (state == shm::SlotState::kCrashed) {
        log::Warn("{}: the generator crashed: killed by {}", load_.id, util::SignalName(WTERMSIG(status)));
      } else {
        log::Warn("{}: the generator died ({})", load_.id, shm::SlotStateName(state));
      }
      // Let the workers drain what was emitted and leave.
      area_.generator_done.store(1, std::memory_order_release);
      WakeAll(area_);
    }
    stage_ = Stage::kOver;
    return true;
  }
  auto it = std::find_if(workers_.begin(), workers_.end(), [pid](const Worker& w) { return w.pid == pid; });
  if (it == workers_.end()) return false;
  bool was_ready = segment_.slot(it->slot).ready.load(std::memory_order_acquire) != 0;
  bool killed = it->killed_by_us;
  auto [ops, service] = Reported(*it);  // final: the worker is gone
  ended_ops_ += ops;
  ended_service_ns_ += service;
  shm::SlotState state = process::RecordExit(segment_, it->slot, status, it->killed_by_us);
  faulted_ = faulted_ || state != shm::SlotState::kEnded;
  workers_.erase(it);
  // A worker that cannot set its CUT up at the start, or three times in a
  // row, will not do better on a retry: abandon the load rather than fork
  // failing workers forever.
  bool setup_failed = !was_ready && state != shm::SlotState::kEnded && !killed && !stopping_;
  setup_failures_ = setup_failed ? setup_failures_ + 1 : 0;
  if (setup_failed && (stage_ == Stage::kPreforking || setup_failures_ >= kMaxSetupFailures)) Abandon();
  return true;
}

void OpenedDriver::Abandon() {
  if (stage_ == Stage::kOver && next_check_ == process::kNever) return;
  log::Error("{}: a worker could not set its CUT up: the load stops", load_.id);
  abandoned_ = true;
  stage_ = Stage::kOver;
  next_check_ = process::kNever;
  if (generator_pid_ > 0 && !generator_killed_by_us_) {
    kill(generator_pid_, SIGKILL);
    generator_killed_by_us_ = true;
  }
  area_.generator_done.store(1, std::memory_order_release);
  WakeAll(area_);
}

void OpenedDriver::Stop(std::int64_t deadline) {
  stopping_ = true;
  stop_deadline_ = deadline;
  next_check_ = process::kNever;
  if (stage_ == Stage::kPreforking) stage_ = Stage::kOver;
  WakeAll(area_);
}

bool OpenedDriver::Done() const {
  // Events still queued are served by new workers, unless the load stops.
  bool served = stopping_ || abandoned_ || segment_.Jobs(opened_.area).Backlog() == 0;
  return stage_ == Stage::kOver && generator_pid_ == 0 && workers_.empty() && served;
}

void OpenedDriver::KillAll() {
  for (const Worker& w : workers_) kill(w.pid, SIGKILL);
  if (generator_pid_ > 0) kill(generator_pid_, SIGKILL);
}

}  // namespace pylogen::opened
