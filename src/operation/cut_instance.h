// One CUT instance in a worker process: created after fork, set up, torn
// down and destroyed by its owner. Errors of setup come back as text, never
// as an exception; a failing teardown() is recorded in the process' slot
// (shm::SlotError::kTeardown), for the supervisor to say once for many
// processes alike, or logged when the instance has no slot (tests).
#ifndef PYLOGEN_OPERATION_CUT_INSTANCE_H_
#define PYLOGEN_OPERATION_CUT_INSTANCE_H_

#include <cstdint>
#include <expected>
#include <string>

#include "plan/run_plan.h"
#include "pylogen/cut.h"
#include "shm/segment.h"

namespace pylogen::operation {

class CutInstance {
 public:
  // Creates the CUT of `load`, binds its context and --extra, runs setup().
  // `slot`: where a failing teardown() is recorded (nullptr: logged).
  static std::expected<CutInstance, std::string> Create(const plan::LoadPlan& load,
                                                        std::uint32_t process_index,
                                                        shm::Slot* slot = nullptr);
  CutInstance(CutInstance&& other) noexcept
      : load_(other.load_), cut_(other.cut_), slot_(other.slot_), set_up_(other.set_up_) {
    other.cut_ = nullptr;
  }
  CutInstance(const CutInstance&) = delete;
  CutInstance& operator=(const CutInstance&) = delete;
  ~CutInstance();

  ClassUnderTest& operator*() const { return *cut_; }
  ClassUnderTest* operator->() const { return cut_; }

  // Runs one operation's hooks and func(); an exception escaping func() is
  // recorded as a failed request named "func". The CUT sees `op_count` (the
  // process' operation count, 1-based) and `intended_mono_ns` (when its event
  // was due, monotonic; 0 in the closed model) as op_count() and intended_ns().
  void RunOperation(std::size_t length_index, const std::string& length,
                    std::uint64_t op_count = 0, std::int64_t intended_mono_ns = 0);

 private:
  CutInstance(const plan::LoadPlan* load, ClassUnderTest* cut, shm::Slot* slot)
      : load_(load), cut_(cut), slot_(slot) {}
  const plan::LoadPlan* load_;
  ClassUnderTest* cut_;
  shm::Slot* slot_;
  bool set_up_ = false;  // teardown() only follows a setup() that succeeded
};

}  // namespace pylogen::operation

#endif  // PYLOGEN_OPERATION_CUT_INSTANCE_H_
