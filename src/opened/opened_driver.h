// The opened model's processes (DESIGN §4) for one load: --prefork workers
// first, then — once all of them are ready and --postpone is over — the
// generator; every --controllerDelay the controller (controller.h) sizes the
// workers from the coming rate, the mean service time and the backlog, and
// starts the missing ones at once, or retires an idle one.
// Workers take a free slot; a slot is free again once its worker ended and
// the reader drained its ring. A worker that cannot be forked ends the
// additions: StartWorker() returns false from then on. Supervisor process
// only.
#ifndef PYLOGEN_OPENED_OPENED_DRIVER_H_
#define PYLOGEN_OPENED_OPENED_DRIVER_H_

#include <utility>
#include <vector>

#include "opened/controller.h"
#include "plan/run_plan.h"
#include "process/forker.h"
#include "process/load_driver.h"
#include "shm/segment.h"
#include "util/unique_fd.h"

namespace pylogen::opened {

class OpenedDriver : public process::LoadDriver {
 public:
  // `forker` creates the generator and the workers (a test passes a fake one).
  OpenedDriver(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
               process::Forker& forker = process::RealForker());

  void Start(std::int64_t now) override;
  std::int64_t NextDeadline() const override;
  void Act(std::int64_t now) override;
  std::optional<std::uint32_t> SlotOf(pid_t pid) const override;
  bool OnExit(pid_t pid, int status) override;
  void Stop(std::int64_t deadline) override;
  bool Done() const override;
  void KillAll() override;
  bool Faulted() const override { return faulted_; }

  // Lead time between the moment every preforked worker is ready and the
  // schedule's time 0, so that forking the generator does not eat into it.
  static constexpr std::int64_t kStartLeadNs = 5'000'000;

 private:
  struct Worker {
    std::uint32_t slot;
    pid_t pid;
    bool killed_by_us = false;
    // The slot's counters when this worker started (a reused slot may keep
    // its previous worker's): what it reported is the difference.
    std::uint64_t ops_base = 0;
    std::uint64_t service_base_ns = 0;
  };
  enum class Stage { kPreforking, kGenerating, kOver };

  bool StartWorker();
  void StartGenerator(std::int64_t now);
  void Control(std::int64_t now);
  bool SlotFree(std::uint32_t slot) const;
  Observation Observe(std::int64_t now) const;
  // Operations and service this worker reported, from its slot's counters.
  std::pair<std::uint64_t, std::uint64_t> Reported(const Worker& w) const;
  void NoteStarted(Worker& w) const;
  void KillOverdue(std::int64_t now);
  void WatchDrain(std::int64_t now);
  bool AllKilled() const;
  void Abandon();

  static constexpr int kMaxSetupFailures = 3;

  const plan::RunPlan& plan_;
  const plan::LoadPlan& load_;
  const plan::OpenedPlan& opened_;
  const shm::Segment& segment_;
  process::Forker& forker_;
  shm::OpenedArea& area_;
  Controller controller_;
  util::UniqueFd wake_fd_;  // event-driven workers wait on it (inherited by every child)
  std::vector<Worker> workers_;  // alive
  Stage stage_ = Stage::kPreforking;
  pid_t generator_pid_ = 0;
  bool generator_killed_by_us_ = false;
  std::int64_t next_check_ = process::kNever;
  bool stopping_ = false;
  std::int64_t stop_deadline_ = process::kNever;
  std::int64_t drain_deadline_ = process::kNever;
  std::int64_t generation_at_ = 0;   // run start + --postpone
  std::int64_t schedule_start_ = 0;  // monotonic time of the schedule's time 0
  // What the workers reaped so far reported, for the controller's S.
  std::uint64_t ended_ops_ = 0;
  std::uint64_t ended_service_ns_ = 0;
  int setup_failures_ = 0;  // consecutive
  bool abandoned_ = false;
  bool fork_failed_ = false;        // a worker could not be forked: no more are
  bool faulted_ = false;
};

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_OPENED_DRIVER_H_
