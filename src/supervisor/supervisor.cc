#include "supervisor/supervisor.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "opened/opened_driver.h"
#include "process/child.h"
#include "closed/closed_driver.h"
#include "process/load_driver.h"
#include "reader/reader.h"
#include "supervisor/repeated_lines.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/signal_name.h"

namespace pylogen::supervisor {
namespace {

std::int64_t Nanos(double s) { return static_cast<std::int64_t>(s * 1e9); }

std::string DescribeStatus(int status) {
  if (WIFSIGNALED(status)) return fmt::format("killed by {}", util::SignalName(WTERMSIG(status)));
  return fmt::format("exit code {}", WEXITSTATUS(status));
}

class Supervisor {
 public:
  Supervisor(const plan::RunPlan& plan, const shm::Segment& segment, const OutputFds& fds)
      : plan_(plan), segment_(segment), fds_(fds) {
    for (const plan::LoadPlan& load : plan.loads) {
      if (load.opened) {
        drivers_.push_back(std::make_unique<opened::OpenedDriver>(plan, load, segment));
      } else {
        drivers_.push_back(std::make_unique<closed::ClosedDriver>(plan, load, segment));
      }
    }
  }

  Outcome Run() {
    // Blocked before the fork: the reader may send it at once.
    sigset_t output_closed;
    sigemptyset(&output_closed);
    sigaddset(&output_closed, reader::kOutputClosedSignal);
    sigprocmask(SIG_BLOCK, &output_closed, nullptr);
    reader_pid_ = process::ForkChild("reader", [&] { return reader::RunReader(plan_, segment_, fds_); });
    if (reader_pid_ < 0) {
      log::Error("cannot fork the reader: {}", std::strerror(errno));
      return Outcome::kFailure;
    }
    std::int64_t now = MonotonicNanos();
    load_said_.assign(drivers_.size(), false);
    for (auto& driver : drivers_) driver->Start(now);
    while (!reader_failed_ && !killed_at_once_ && !AllDone()) Step();
    Print(ended_.Flush());
    if (killed_at_once_) return Outcome::kInterrupted;
    if (reader_failed_) return Outcome::kFailure;
    segment_.set_phase(shm::Phase::kOver);
    return FinishReader();
  }

 private:
  bool AllDone() const {
    return std::all_of(drivers_.begin(), drivers_.end(), [](const auto& d) { return d->Done(); });
  }

  // Waits for the next signal or deadline, then lets every driver act.
  void Step() {
    std::int64_t now = MonotonicNanos();
    std::int64_t wake = now + Nanos(0.5);
    for (const auto& driver : drivers_) wake = std::min(wake, driver->NextDeadline());
    wake = std::min(wake, ended_.NextDeadline());
    WaitSignal(wake - now);
    now = MonotonicNanos();
    for (auto& driver : drivers_) driver->Act(now);
    SayEndings(now);
  }

  // What processes ended with: a group whose hold is over, or whose load ended.
  void SayEndings(std::int64_t now) {
    Print(ended_.Due(now));
    for (std::size_t i = 0; i < drivers_.size(); ++i) {
      if (load_said_[i] || !drivers_[i]->Done()) continue;
      load_said_[i] = true;
      Print(ended_.LoadEnded(static_cast<std::uint32_t>(i)));
    }
  }

  static void Print(const std::vector<Said>& lines) {
    for (const Said& line : lines) {
      if (log::Enabled(line.level)) log::Write(line.level, line.text);
    }
  }

  // Notes how the process of `slot` of load `load` ended, for RepeatedLines.
  void NoteEnd(std::uint32_t load, std::uint32_t slot_index) {
    const shm::Slot& slot = segment_.slot(slot_index);
    const char* family = plan_.loads[load].opened ? "worker" : "runner";
    ProcessEnd end{load, EndKind::kFailedSetup, fmt::format("{}-{}", family, slot_index), family, ""};
    std::int64_t now = MonotonicNanos();
    std::string error(slot.error, strnlen(slot.error, sizeof slot.error));
    switch (slot.state.load(std::memory_order_acquire)) {
      case shm::SlotState::kFailed:
        end.kind = slot.error_kind == shm::SlotError::kEscaped ? EndKind::kEscaped : EndKind::kFailedSetup;
        end.detail = error;
        if (!end.detail.empty()) ended_.Add(end, now);
        break;
      case shm::SlotState::kEnded:
        if (slot.error_kind == shm::SlotError::kTeardown && !error.empty()) {
          end.kind = EndKind::kFailedTeardown;
          end.detail = error;
          ended_.Add(end, now);
        }
        break;
      case shm::SlotState::kCrashed:
        end.kind = EndKind::kCrashed;
        end.detail = fmt::format("killed by {}", util::SignalName(slot.signal));
        ended_.Add(end, now);
        break;
      case shm::SlotState::kKilled:
        end.kind = EndKind::kKilledAfterGrace;
        ended_.Add(end, now);
        break;
      default: break;
    }
    if (slot.loop_published.load(std::memory_order_acquire) == 0) return;
    auto add = [&](EndKind kind, std::uint64_t amount, std::string detail) {
      if (amount == 0) return;
      end.kind = kind;
      end.detail = std::move(detail);
      end.amount = amount;
      ended_.Add(end, now);
    };
    add(EndKind::kCallbackErrors, slot.callback_errors,
        std::string(slot.callback_error, strnlen(slot.callback_error, sizeof slot.callback_error)));
    add(EndKind::kStrayCompletions, slot.stray_completions, plan_.loads[load].cut_name);
    add(EndKind::kCancelErrors, slot.cancel_errors,
        std::string(slot.cancel_error, strnlen(slot.cancel_error, sizeof slot.cancel_error)));
  }

  void WaitSignal(std::int64_t timeout_ns) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, reader::kOutputClosedSignal);
    timeout_ns = std::max<std::int64_t>(timeout_ns, 0);
    timespec timeout{static_cast<time_t>(timeout_ns / 1'000'000'000),
                     static_cast<long>(timeout_ns % 1'000'000'000)};
    siginfo_t info;
    int signo = sigtimedwait(&set, &info, &timeout);
    if (signo == SIGINT || signo == SIGTERM) OnStopSignal(signo);
    if (signo == reader::kOutputClosedSignal && info.si_pid == reader_pid_ && reader_pid_ > 0) OnOutputClosed();
    Reap();  // SIGCHLD or not: several children may end per signal
  }

  void OnStopSignal(int signo) {
    if (interrupted_) {
      log::Error("second {}: stopping at once, without a summary", util::SignalName(signo));
      KillAll();
      killed_at_once_ = true;
      return;
    }
    interrupted_ = true;
    if (stopping_) {
      log::Warn("{}: already stopping (the event-line output was closed)", util::SignalName(signo));
      return;
    }
    log::Warn("{}: stopping; calls in flight have {} s to finish", util::SignalName(signo), plan_.grace_s);
    BeginStop();
  }

  // The reader's event-line pipe was closed: stopped as by a first SIGINT.
  void OnOutputClosed() {
    output_closed_ = true;
    if (stopping_) return;
    log::Warn("the event-line output was closed: stopping; calls in flight have {} s to finish",
              plan_.grace_s);
    BeginStop();
  }

  void BeginStop() {
    stopping_ = true;
    segment_.header().stop_wall_ns.store(util::RealtimeNanos(), std::memory_order_relaxed);
    if (segment_.phase() == shm::Phase::kRunning) segment_.set_phase(shm::Phase::kStopping);
    std::int64_t deadline = MonotonicNanos() + Nanos(plan_.grace_s);
    for (auto& driver : drivers_) driver->Stop(deadline);
  }

  void KillAll() {
    for (auto& driver : drivers_) driver->KillAll();
    if (reader_pid_ > 0) kill(reader_pid_, SIGKILL);
    while (waitpid(-1, nullptr, 0) > 0) {
    }
    reader_pid_ = 0;
  }

  void Reap() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == reader_pid_) {
        OnReaderEnded(status);
        continue;
      }
      for (std::size_t i = 0; i < drivers_.size(); ++i) {
        std::optional<std::uint32_t> slot = drivers_[i]->SlotOf(pid);
        if (!drivers_[i]->OnExit(pid, status)) continue;
        if (slot) NoteEnd(static_cast<std::uint32_t>(i), *slot);
        break;
      }
    }
  }

  void OnReaderEnded(int status) {
    reader_status_ = status;
    reader_pid_ = 0;
    if (!run_over_) {
      log::Error("the reader ended before the run did ({}): stopping", DescribeStatus(status));
      reader_failed_ = true;
      KillAll();
    }
  }

  // Waits for the reader to drain the queue and write the summary. A signal
  // now still counts: the first is noted, the second kills the reader. After
  // a stop, the reader too has the grace period, from when no runner is
  // left: a reader stuck writing to a FIFO nobody reads (or reads slowly)
  // is then killed, and the run ends without its summary.
  Outcome FinishReader() {
    run_over_ = true;
    std::int64_t deadline = process::kNever;
    while (reader_pid_ > 0 && !killed_at_once_) {
      std::int64_t now = MonotonicNanos();
      if (stopping_ && deadline == process::kNever) deadline = now + Nanos(plan_.grace_s);
      if (now >= deadline) return KillStuckReader();
      WaitSignal(std::min(Nanos(0.5), deadline - now));
    }
    if (killed_at_once_) return Outcome::kInterrupted;
    int code = WIFEXITED(reader_status_) ? WEXITSTATUS(reader_status_) : -1;
    if (code == reader::kExitOutputFailed) return Outcome::kFailure;  // the reader said why
    if (code == reader::kExitOutputClosed) output_closed_ = true;
    bool broken = code == reader::kExitThresholdsBroken;
    if (code != 0 && code != reader::kExitOutputClosed && !broken) {
      log::Error("the reader failed ({})", DescribeStatus(reader_status_));
      return Outcome::kFailure;
    }
    if (interrupted_) return Outcome::kInterrupted;
    if (output_closed_) return Outcome::kOutputClosed;
    bool faulted = std::any_of(drivers_.begin(), drivers_.end(), [](const auto& d) { return d->Faulted(); });
    if (faulted) return Outcome::kWorkerFault;
    return broken ? Outcome::kThresholdsBroken : Outcome::kOk;
  }

  Outcome KillStuckReader() {
    log::Error("the reader was still writing {} s after the stop (an output nobody reads?): killed, "
               "no summary", plan_.grace_s);
    kill(reader_pid_, SIGKILL);
    while (waitpid(reader_pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    reader_pid_ = 0;
    // Only a signal's stop may end without the summary; else the run failed.
    return interrupted_ ? Outcome::kInterrupted : Outcome::kFailure;
  }

  const plan::RunPlan& plan_;
  const shm::Segment& segment_;
  OutputFds fds_;
  std::vector<std::unique_ptr<process::LoadDriver>> drivers_;
  RepeatedLines ended_;          // how processes ended, said once for many alike
  std::vector<bool> load_said_;  // per load: ended, its lines said
  pid_t reader_pid_ = 0;
  int reader_status_ = 0;
  bool reader_failed_ = false;
  bool run_over_ = false;
  bool stopping_ = false;     // a graceful stop began (a signal, or the output closed)
  bool interrupted_ = false;  // by SIGINT/SIGTERM
  bool output_closed_ = false;
  bool killed_at_once_ = false;
};

}  // namespace

Outcome Supervise(const plan::RunPlan& plan, const shm::Segment& segment, const OutputFds& fds) {
  return Supervisor(plan, segment, fds).Run();
}

}  // namespace pylogen::supervisor
