// One event-driven CUT instance in a worker process: created after fork,
// bound to the process' event loop, set up, torn down and destroyed by its
// one owner. Errors of construction and setup come back as text, never as an
// exception; a failing teardown() is recorded in the process' slot (see
// cut_instance.h), or logged when there is none.
#ifndef PYLOGEN_OPERATION_EVENT_CUT_INSTANCE_H_
#define PYLOGEN_OPERATION_EVENT_CUT_INSTANCE_H_

#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include "plan/run_plan.h"
#include "pylogen/cut.h"
#include "shm/segment.h"

namespace pylogen::operation {

class EventCutInstance {
 public:
  // Creates the CUT of `load` (REQUIRES: load.event_driven()), binds its
  // context, --extra, `loop` and concurrency, runs setup(). `slot`: where
  // a failing teardown() is recorded (nullptr: logged).
  static std::expected<EventCutInstance, std::string> Create(const plan::LoadPlan& load,
                                                             std::uint32_t process_index,
                                                             EventLoop& loop,
                                                             shm::Slot* slot = nullptr);
  EventCutInstance(EventCutInstance&& other) noexcept;
  EventCutInstance(const EventCutInstance&) = delete;
  EventCutInstance& operator=(const EventCutInstance&) = delete;
  ~EventCutInstance();

  EventClassUnderTest& operator*() const { return *cut_; }
  EventClassUnderTest* operator->() const { return cut_; }
  const plan::LoadPlan& load() const { return *load_; }

 private:
  EventCutInstance(const plan::LoadPlan* load, EventClassUnderTest* cut,
                   std::unique_ptr<Context> context, shm::Slot* slot)
      : load_(load), cut_(cut), context_(std::move(context)), slot_(slot) {}
  const plan::LoadPlan* load_;
  EventClassUnderTest* cut_;
  std::unique_ptr<Context> context_;  // the CUT keeps a pointer to it
  shm::Slot* slot_;                   // where a failing teardown() goes (nullptr: logged)
  bool set_up_ = false;               // teardown() only follows a setup() that succeeded
};

}  // namespace pylogen::operation

#endif  // PYLOGEN_OPERATION_EVENT_CUT_INSTANCE_H_
