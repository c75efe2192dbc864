#include "closed/event_runner.h"

#include <algorithm>
#include <vector>

#include "operation/event_process.h"
#include "util/log.h"

namespace pylogen::closed {
namespace {

// How long a turn of the loop may wait before the phase is looked at again.
constexpr std::int64_t kPhaseCheckNs = 50'000'000;
// Operations completed synchronously (inside start()) that one turn follows
// up before the loop runs again, so that timers and fds are never starved.
constexpr std::size_t kMaxFollowUps = 4096;

class EventRunner {
 public:
  EventRunner(const plan::LoadPlan& load, const shm::Segment& segment,
              operation::EventProcess& process, std::uint32_t process_index,
              std::int64_t run_start_ns)
      : load_(load), segment_(segment), process_(process), ops_(process.operations()) {
    users_.resize(ops_.concurrency());
    active_ = users_.size();
    for (std::uint32_t j = 0; j < users_.size(); ++j) {
      std::uint64_t k = process_index + std::uint64_t{j} * load.processes;  // the load's user index
      User& u = users_[j];
      u.runner = this;
      u.index = j;
      u.start_ns = run_start_ns + static_cast<std::int64_t>(load.StartOffset(k) * 1e9);
      u.end_ns = u.start_ns + static_cast<std::int64_t>(load.duration_s * 1e9);
    }
  }

  void Run() {
    std::int64_t now = MonotonicNanos();
    for (User& u : users_) Resume(u, u.start_ns, now);
    while (active_ != 0) {
      if (!stopping_ && segment_.phase() != shm::Phase::kRunning) Stop();
      FollowUp();
      // Completions left over by FollowUp's bound: a turn without waiting.
      now = process_.Turn(ops_.HasCompleted() ? now : now + kPhaseCheckNs);
    }
  }

 private:
  struct User {
    EventRunner* runner = nullptr;
    std::uint32_t index = 0;
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;   // time-bound users: when the duration is over
    std::uint64_t loop = 0;
    std::size_t length = 0;    // the next length to run in this loop
    EventLoop::TimerId timer = 0;
    bool done = false;
  };

  bool Timed() const { return load_.duration_s > 0; }

  // The user goes on at `at`: at once when it is due, else from a timer.
  void Resume(User& u, std::int64_t at, std::int64_t now) {
    if (at <= now) {
      Step(u);
      return;
    }
    u.timer = process_.loop().AddTimer(at - now, &EventRunner::OnTimer, &u);
  }

  static void OnTimer(void* arg) {
    User& u = *static_cast<User*>(arg);
    u.timer = 0;
    u.runner->Step(u);
  }

  // Starts the user's next operation, or ends the user.
  void Step(User& u) {
    if (stopping_ || (u.length == 0 && !KeepLooping(u))) {
      End(u);
      return;
    }
    std::size_t i = u.length;
    ops_.Start(u.index, i, load_.lengths[i]);
  }

  bool KeepLooping(const User& u) const {
    if (Timed()) return MonotonicNanos() < u.end_ns;
    return u.loop < load_.loops;
  }

  // After an operation of `u` completed: the pause after its length, then
  // after its loop, as a blocking runner does (clipped to the duration).
  void Completed(User& u) {
    if (stopping_) {
      End(u);
      return;
    }
    std::int64_t now = MonotonicNanos();
    std::int64_t pause = static_cast<std::int64_t>(load_.pauselen_s * 1e9);
    if (++u.length == load_.lengths.size()) {
      u.length = 0;
      ++u.loop;
      pause += static_cast<std::int64_t>(load_.pauseloop_s * 1e9);
    }
    std::int64_t at = now + pause;
    if (Timed()) at = std::min(at, std::max(now, u.end_ns));
    Resume(u, at, now);
  }

  // Follows up the users whose operation completed, a bounded number per turn.
  void FollowUp() {
    for (std::size_t n = 0; n < kMaxFollowUps;) {
      const std::vector<std::uint32_t>& done = ops_.TakeCompleted();
      if (done.empty()) return;
      for (std::uint32_t j : done) Completed(users_[j]);
      n += done.size();
    }
  }

  void End(User& u) {
    if (u.done) return;
    u.done = true;
    --active_;
  }

  // The run stops: pauses end now, no operation starts; those in flight finish.
  void Stop() {
    stopping_ = true;
    for (User& u : users_) {
      if (u.timer != 0 && process_.loop().CancelTimer(u.timer)) End(u);
      u.timer = 0;
    }
  }

  const plan::LoadPlan& load_;
  const shm::Segment& segment_;
  operation::EventProcess& process_;
  operation::EventOperations& ops_;
  std::vector<User> users_;
  std::size_t active_ = 0;
  bool stopping_ = false;
};

}  // namespace

int RunEventRunner(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
                   std::uint32_t slot_index, std::int64_t run_start_mono_ns) {
  auto process = operation::EventProcess::Create(plan, load, segment, slot_index);
  if (!process) return 1;
  {
    EventRunner runner(load, segment, **process, slot_index - load.first_slot, run_start_mono_ns);
    runner.Run();
  }
  (*process)->Publish();
  return 0;
}

}  // namespace pylogen::closed
