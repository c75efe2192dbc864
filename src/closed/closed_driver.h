// The closed model's processes (DESIGN §3): runner i starts at
// postpone + i x rampup; a duration-bound runner still busy grace seconds
// after its duration is killed. A runner that cannot be forked stops the
// starts: the runners already started go on, no further one is forked.
// Supervisor process only.
#ifndef PYLOGEN_CLOSED_CLOSED_DRIVER_H_
#define PYLOGEN_CLOSED_CLOSED_DRIVER_H_

#include <vector>

#include "plan/run_plan.h"
#include "process/forker.h"
#include "process/load_driver.h"
#include "shm/segment.h"

namespace pylogen::closed {

class ClosedDriver : public process::LoadDriver {
 public:
  // `forker` creates the runners (a test passes a fake one).
  ClosedDriver(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
               process::Forker& forker = process::RealForker())
      : plan_(plan), load_(load), segment_(segment), forker_(forker) {}

  void Start(std::int64_t now) override;
  std::int64_t NextDeadline() const override;
  void Act(std::int64_t now) override;
  std::optional<std::uint32_t> SlotOf(pid_t pid) const override;
  bool OnExit(pid_t pid, int status) override;
  void Stop(std::int64_t deadline) override;
  bool Done() const override;
  void KillAll() override;
  bool Faulted() const override { return faulted_; }

 private:
  struct Runner {
    std::uint32_t slot;
    std::int64_t start_ns;     // planned start
    std::int64_t deadline_ns;  // killed after it (process::kNever: loop-bound)
    pid_t pid = 0;
    bool running = false;
    bool killed_by_us = false;
  };
  void StartRunner(Runner& runner);
  // Runners remain to be started, and may be.
  bool Starting() const { return !stopping_ && !fork_failed_ && next_ < runners_.size(); }

  const plan::RunPlan& plan_;
  const plan::LoadPlan& load_;
  const shm::Segment& segment_;
  process::Forker& forker_;
  std::vector<Runner> runners_;  // in start order
  std::size_t next_ = 0;
  bool stopping_ = false;
  bool fork_failed_ = false;  // no more runners are started
  std::int64_t stop_deadline_ = process::kNever;
  bool faulted_ = false;
};

}  // namespace pylogen::closed

#endif  // PYLOGEN_CLOSED_CLOSED_DRIVER_H_
