// What every event-driven worker process (closed runner or opened worker)
// does around its own driving logic: the event loop, the CUT instance on it,
// the operations, and the loop's figures left in the slot for the reader.
//
// Runs in a forked child only, on its single thread.
#ifndef PYLOGEN_OPERATION_EVENT_PROCESS_H_
#define PYLOGEN_OPERATION_EVENT_PROCESS_H_

#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "loop/epoll_loop.h"
#include "operation/event_operations.h"
#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::operation {

class EventProcess {
 public:
  // Creates the loop and the CUT (setup() included) of process `slot_index`
  // of `load`. An error (loop or CUT) is written into the slot's error text
  // and returned.
  static std::expected<std::unique_ptr<EventProcess>, std::string> Create(
      const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
      std::uint32_t slot_index);
  ~EventProcess();

  loop::EpollLoop& loop() { return *loop_; }
  EventOperations& operations() { return *operations_; }

  // One turn: expires overdue operations, then runs the loop once, waiting
  // at most until `wake_ns` (monotonic; earlier when an operation becomes
  // overdue). Returns the time after the turn.
  std::int64_t Turn(std::int64_t wake_ns);

  // Leaves the loop's figures (lag, CPU, callback errors, the CUT's stray
  // Complete() calls and cancel() errors) in the slot.
  void Publish();

 private:
  EventProcess(shm::Slot& slot, std::unique_ptr<loop::EpollLoop> loop) : slot_(slot), loop_(std::move(loop)) {}
  shm::Slot& slot_;
  std::unique_ptr<loop::EpollLoop> loop_;
  std::unique_ptr<EventOperations> operations_;  // destroyed before the loop
  std::int64_t started_ns_ = 0;
};

}  // namespace pylogen::operation

#endif  // PYLOGEN_OPERATION_EVENT_PROCESS_H_
