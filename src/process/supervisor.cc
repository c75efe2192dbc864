#include "process/supervisor.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "process/child.h"
#include "process/closed_runner.h"
#include "reader/reader.h"
#include "util/clock.h"
#include "util/log.h"

namespace pylogen::process {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

std::int64_t Seconds(double s) { return static_cast<std::int64_t>(s * 1e9); }

struct Runner {
  std::uint32_t slot;
  std::int64_t start_ns;     // planned start, monotonic
  std::int64_t deadline_ns;  // after this it is killed (kNever: loop-bound)
  pid_t pid = 0;
  bool running = false;
  bool killed_by_us = false;
};

class Supervisor {
 public:
  Supervisor(const plan::RunPlan& plan, const shm::Segment& segment, const OutputFds& fds)
      : plan_(plan), segment_(segment), fds_(fds) {}

  int Run() {
    start_ns_ = MonotonicNanos();
    reader_pid_ = ForkChild("reader", [this] { return reader::RunReader(plan_, segment_, ReaderFds()); });
    if (reader_pid_ < 0) {
      log::Error("cannot fork the reader: {}", std::strerror(errno));
      return kExitFailure;
    }
    PlanRunners();
    while (!reader_failed_ && !killed_at_once_ && !AllRunnersDone()) Step();
    if (killed_at_once_) return kExitInterrupted;
    segment_.set_phase(shm::Phase::kOver);
    return FinishReader();
  }

 private:
  reader::ReaderFds ReaderFds() const { return {fds_.lines, fds_.summary, fds_.report}; }

  void PlanRunners() {
    for (const plan::LoadPlan& load : plan_.loads) {
      for (std::uint32_t i = 0; i < load.processes; ++i) {
        std::int64_t start = start_ns_ + Seconds(load.StartOffset(i));
        std::int64_t deadline =
            load.duration_s > 0 ? start + Seconds(load.duration_s + plan_.grace_s) : kNever;
        runners_.push_back({load.first_slot + i, start, deadline});
      }
    }
    std::stable_sort(runners_.begin(), runners_.end(),
                     [](const Runner& a, const Runner& b) { return a.start_ns < b.start_ns; });
  }

  bool AllRunnersDone() const {
    if (next_ < runners_.size() && !stopping_) return false;
    return std::none_of(runners_.begin(), runners_.end(), [](const Runner& r) { return r.running; });
  }

  // Waits for the next signal or deadline, then acts on it.
  void Step() {
    std::int64_t now = MonotonicNanos();
    std::int64_t wake = std::min(NextDeadline(), now + Seconds(0.5));
    WaitSignal(wake - now);
    now = MonotonicNanos();
    StartDueRunners(now);
    KillOverdue(now);
  }

  std::int64_t NextDeadline() const {
    std::int64_t next = kNever;
    if (!stopping_ && next_ < runners_.size()) next = runners_[next_].start_ns;
    for (const Runner& r : runners_) {
      if (r.running) next = std::min(next, r.deadline_ns);
    }
    if (stopping_) next = std::min(next, stop_deadline_ns_);
    return next;
  }

  void WaitSignal(std::int64_t timeout_ns) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
    timeout_ns = std::max<std::int64_t>(timeout_ns, 0);
    timespec timeout{static_cast<time_t>(timeout_ns / 1'000'000'000),
                     static_cast<long>(timeout_ns % 1'000'000'000)};
    siginfo_t info;
    int signo = sigtimedwait(&set, &info, &timeout);
    if (signo == SIGINT || signo == SIGTERM) OnStopSignal(signo);
    Reap();  // SIGCHLD or not: several children may end per signal
  }

  void OnStopSignal(int signo) {
    if (stopping_) {
      log::Error("second {}: stopping at once, without a summary", strsignal(signo));
      KillAll();
      killed_at_once_ = true;
      return;
    }
    log::Warn("{}: stopping; calls in flight have {} s to finish", strsignal(signo), plan_.grace_s);
    stopping_ = true;
    interrupted_ = true;
    stop_deadline_ns_ = MonotonicNanos() + Seconds(plan_.grace_s);
    segment_.header().stop_wall_ns.store(util::RealtimeNanos(), std::memory_order_relaxed);
    if (segment_.phase() == shm::Phase::kRunning) segment_.set_phase(shm::Phase::kStopping);
  }

  void StartDueRunners(std::int64_t now) {
    while (!stopping_ && next_ < runners_.size() && runners_[next_].start_ns <= now) {
      StartRunner(runners_[next_++]);
    }
  }

  void StartRunner(Runner& r) {
    const plan::LoadPlan& load = plan_.LoadOfSlot(r.slot);
    shm::Slot& slot = segment_.slot(r.slot);
    slot.load = static_cast<std::uint16_t>(&load - plan_.loads.data());
    slot.index = static_cast<std::uint16_t>(r.slot - load.first_slot);
    std::int64_t start = r.start_ns;
    pid_t pid = ForkChild(fmt::format("runner-{}", r.slot), [&, slot_index = r.slot, start] {
      return RunClosedRunner(plan_, load, segment_, slot_index, start);
    });
    if (pid < 0) {
      CopyBounded(slot.error, sizeof slot.error, fmt::format("fork failed: {}", std::strerror(errno)));
      slot.state.store(shm::SlotState::kFailed, std::memory_order_release);
      log::Error("cannot fork runner-{}: {}", r.slot, std::strerror(errno));
      return;
    }
    r.pid = pid;
    r.running = true;
    slot.pid = pid;
    slot.state.store(shm::SlotState::kRunning, std::memory_order_release);
    segment_.header().started.fetch_add(1, std::memory_order_relaxed);
    log::Debug("runner-{} started, pid {}", r.slot, pid);
  }

  void KillOverdue(std::int64_t now) {
    for (Runner& r : runners_) {
      bool overdue = now >= r.deadline_ns || (stopping_ && now >= stop_deadline_ns_);
      if (r.running && overdue && !r.killed_by_us) {
        log::Warn("runner-{} (pid {}) still busy after the grace period: killed", r.slot, r.pid);
        kill(r.pid, SIGKILL);
        r.killed_by_us = true;
      }
    }
  }

  void KillAll() {
    for (Runner& r : runners_) {
      if (r.running) kill(r.pid, SIGKILL);
    }
    if (reader_pid_ > 0) kill(reader_pid_, SIGKILL);
    while (waitpid(-1, nullptr, 0) > 0) {
    }
    reader_pid_ = 0;
    for (Runner& r : runners_) r.running = false;
  }

  void Reap() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == reader_pid_) {
        OnReaderEnded(status);
        continue;
      }
      auto it = std::find_if(runners_.begin(), runners_.end(), [pid](const Runner& r) { return r.pid == pid; });
      if (it != runners_.end()) OnRunnerEnded(*it, status);
    }
  }

  void OnRunnerEnded(Runner& r, int status) {
    r.running = false;
    shm::Slot& slot = segment_.slot(r.slot);
    shm::SlotState state = shm::SlotState::kEnded;
    if (WIFSIGNALED(status)) {
      slot.signal = WTERMSIG(status);
      state = r.killed_by_us ? shm::SlotState::kKilled : shm::SlotState::kCrashed;
      if (!r.killed_by_us) {
        log::Warn("runner-{} (pid {}) died: {}", r.slot, r.pid, strsignal(slot.signal));
      }
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      slot.exit_code = WEXITSTATUS(status);
      state = shm::SlotState::kFailed;
    }
    slot.state.store(state, std::memory_order_release);
    segment_.header().ended.fetch_add(1, std::memory_order_relaxed);
    if (state != shm::SlotState::kEnded) worker_fault_ = true;
  }

  void OnReaderEnded(int status) {
    reader_status_ = status;
    reader_pid_ = 0;
    if (!segment_ended_) {
      log::Error("the reader ended before the run did ({}): stopping", DescribeStatus(status));
      reader_failed_ = true;
      KillAll();
    }
  }

  static std::string DescribeStatus(int status) {
    if (WIFSIGNALED(status)) return fmt::format("killed by {}", strsignal(WTERMSIG(status)));
    return fmt::format("exit code {}", WEXITSTATUS(status));
  }

  // Waits for the reader to drain the queue and write the summary. A signal
  // now still counts: the first is noted, the second kills the reader.
  int FinishReader() {
    segment_ended_ = true;
    while (reader_pid_ > 0 && !killed_at_once_) WaitSignal(Seconds(0.5));
    if (killed_at_once_) return kExitInterrupted;
    if (reader_failed_ || !WIFEXITED(reader_status_) || WEXITSTATUS(reader_status_) != 0) {
      if (!reader_failed_) log::Error("the reader failed ({})", DescribeStatus(reader_status_));
      return kExitFailure;
    }
    if (interrupted_) return kExitInterrupted;
    return worker_fault_ ? kExitWorkerFault : kExitOk;
  }

  const plan::RunPlan& plan_;
  const shm::Segment& segment_;
  OutputFds fds_;
  std::vector<Runner> runners_;
  std::size_t next_ = 0;
  std::int64_t start_ns_ = 0;
  pid_t reader_pid_ = 0;
  int reader_status_ = 0;
  bool reader_failed_ = false;
  bool segment_ended_ = false;
  bool stopping_ = false;
  bool interrupted_ = false;
  bool killed_at_once_ = false;
  bool worker_fault_ = false;
  std::int64_t stop_deadline_ns_ = kNever;
};

}  // namespace

int Supervise(const plan::RunPlan& plan, const shm::Segment& segment, const OutputFds& fds) {
  return Supervisor(plan, segment, fds).Run();
}

}  // namespace pylogen::process
