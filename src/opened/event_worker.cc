#include "opened/event_worker.h"

#include <unistd.h>

#include <atomic>
#include <vector>

#include "operation/event_process.h"
#include "opened/wake.h"

namespace pylogen::opened {
namespace {

// How long a turn of the loop may wait before the flags (stop, retire, end
// of the schedule) are looked at again.
constexpr std::int64_t kFlagCheckNs = 50'000'000;

class EventWorker {
 public:
  EventWorker(const plan::LoadPlan& load, const shm::Segment& segment, std::uint32_t slot_index,
              operation::EventProcess& process)
      : load_(load),
        segment_(segment),
        slot_(segment.slot(slot_index)),
        area_(segment.opened(load.opened->area)),
        jobs_(segment.Jobs(load.opened->area)),
        process_(process),
        ops_(process.operations()) {
    free_.reserve(ops_.concurrency());
    for (std::uint32_t u = ops_.concurrency(); u-- > 0;) free_.push_back(u);
  }

  void Run() {
    std::int64_t now = MonotonicNanos();
    while (!Over()) {
      Reclaim();
      if (Taking()) TakeJobs();
      now = process_.Turn(now + kFlagCheckNs);
    }
    StopWaiting();
  }

 private:
  bool Taking() const {
    return segment_.phase() == shm::Phase::kRunning && slot_.retire.load(std::memory_order_acquire) == 0;
  }

  bool Over() const {
    if (ops_.in_flight() != 0) return false;
    if (!Taking()) return true;
    return area_.generator_done.load(std::memory_order_acquire) != 0 && jobs_.Backlog() == 0;
  }

  // Places of completed operations are free again.
  void Reclaim() {
    for (std::uint32_t user : ops_.TakeCompleted()) free_.push_back(user);
  }

  // Starts an operation per queued event while there is room; with room
  // left and no event, waits for the wake eventfd.
  void TakeJobs() {
    PopWhileRoom();
    if (free_.empty()) {
      StopWaiting();
      PassOn();
      return;
    }
    if (!waiting_) {
      StartWaiting();
      PopWhileRoom();  // an event published before we registered
      if (free_.empty()) StopWaiting();
    }
  }

  void PopWhileRoom() {
    // Operations completed inside start() free their place at once, so that
    // a CUT with nothing to wait for takes the whole queue in one turn.
    while (!free_.empty()) {
      auto intended = jobs_.TryPop();
      if (!intended) return;
      std::uint32_t user = free_.back();
      free_.pop_back();
      std::size_t length_index = ops_.count() % load_.lengths.size();
      ops_.Start(user, length_index, load_.lengths[length_index], *intended);
      Reclaim();
    }
  }

  // Full with events still queued: wakes a worker that waits with room.
  void PassOn() {
    if (jobs_.Backlog() == 0) return;
    if (jobs_.control().loop_waiters.load(std::memory_order_seq_cst) != 0) Signal(area_.wake_fd);
  }

  void StartWaiting() {
    waiting_ = true;
    jobs_.control().loop_waiters.fetch_add(1, std::memory_order_seq_cst);
    // Exclusive: an event wakes one waiting worker, not every one of them.
    process_.loop().Watch(area_.wake_fd, EventLoop::kReadable | EventLoop::kExclusive,
                          &EventWorker::OnWake, this);
  }

  void StopWaiting() {
    if (!waiting_) return;
    waiting_ = false;
    jobs_.control().loop_waiters.fetch_sub(1, std::memory_order_seq_cst);
    process_.loop().Unwatch(area_.wake_fd);
  }

  // The eventfd is readable: take what is queued. A write wakes one waiting
  // worker (kExclusive), so a worker that fills up with events still queued
  // stops waiting and writes again for the next one. The fd is reset only by
  // a worker that then looks at the queue again with room left.
  static void OnWake(void* arg, int, std::uint32_t) {
    auto& worker = *static_cast<EventWorker*>(arg);
    worker.Reclaim();
    if (!worker.Taking()) return;
    worker.PopWhileRoom();
    if (worker.free_.empty()) {
      worker.StopWaiting();
      worker.PassOn();
      return;
    }
    std::uint64_t count;
    [[maybe_unused]] ssize_t n = read(worker.area_.wake_fd, &count, sizeof count);
    worker.PopWhileRoom();
    if (worker.free_.empty()) worker.PassOn();
  }

  const plan::LoadPlan& load_;
  const shm::Segment& segment_;
  shm::Slot& slot_;
  shm::OpenedArea& area_;
  shm::JobsQueue jobs_;
  operation::EventProcess& process_;
  operation::EventOperations& ops_;
  std::vector<std::uint32_t> free_;  // places (users) not in flight
  bool waiting_ = false;
};

}  // namespace

int RunEventWorker(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
                   std::uint32_t slot_index) {
  auto process = operation::EventProcess::Create(plan, load, segment, slot_index);
  if (!process) return 1;
  segment.slot(slot_index).ready.store(1, std::memory_order_release);
  EventWorker(load, segment, slot_index, **process).Run();
  (*process)->Publish();
  return 0;
}

}  // namespace pylogen::opened
