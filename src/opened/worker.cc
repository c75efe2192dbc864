#include "opened/worker.h"

#include <unistd.h>

#include "operation/cut_instance.h"
#include "operation/cut_phase.h"
#include "operation/operation.h"
#include "util/futex.h"
#include "util/log.h"

namespace pylogen::opened {
namespace {

// How long an idle worker sleeps before looking at the stop/retire flags again.
constexpr std::int64_t kIdleWaitNs = 50'000'000;

class Worker {
 public:
  Worker(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
         std::uint32_t slot_index, operation::CutInstance cut)
      : load_(load),
        segment_(segment),
        slot_(segment.slot(slot_index)),
        area_(segment.opened(load.opened->area)),
        jobs_(segment.Jobs(load.opened->area)),
        operations_(segment, slot_index, static_cast<std::uint16_t>(&load - plan.loads.data()),
                    plan.summary_s, std::move(cut)) {}

  void Run() {
    while (segment_.phase() == shm::Phase::kRunning) {
      shm::JobsControl& control = jobs_.control();
      std::uint32_t seen = control.published.load(std::memory_order_acquire);
      if (auto intended = jobs_.TryPop()) {
        // The lengths are cycled through, one per event.
        std::size_t length_index = operations_.count() % load_.lengths.size();
        operations_.Run(length_index, load_.lengths[length_index], *intended);
        continue;
      }
      if (area_.generator_done.load(std::memory_order_acquire) != 0 && jobs_.Backlog() == 0) return;
      if (slot_.retire.load(std::memory_order_acquire) != 0) return;
      control.waiters.fetch_add(1, std::memory_order_seq_cst);
      util::FutexWait(&control.published, seen, kIdleWaitNs);
      control.waiters.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

 private:
  const plan::LoadPlan& load_;
  const shm::Segment& segment_;
  shm::Slot& slot_;
  shm::OpenedArea& area_;
  shm::JobsQueue jobs_;
  operation::Operations operations_;
};

}  // namespace

int RunWorker(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
              std::uint32_t slot_index) {
  shm::Slot& slot = segment.slot(slot_index);
  auto cut = operation::CutInstance::Create(load, slot_index - load.first_slot, &slot);
  if (!cut) {
    operation::ReportStartFailure(slot, cut.error());
    return 1;
  }
  slot.ready.store(1, std::memory_order_release);
  Worker(plan, load, segment, slot_index, std::move(*cut)).Run();
  return 0;
}

}  // namespace pylogen::opened
