// One operation of a worker process, closed or opened model alike: run the
// CUT's hooks and func() with the slot marked busy, then report the
// operation's requests with the worker's local throughput. The per-event
// path: no allocation once the CUT's request storage has grown.
#ifndef PYLOGEN_OPERATION_OPERATION_H_
#define PYLOGEN_OPERATION_OPERATION_H_

#include <unistd.h>

#include <cstdint>
#include <string>

#include "operation/cut_instance.h"
#include "operation/local_throughput.h"
#include "operation/op_reporter.h"
#include "shm/segment.h"
#include "util/clock.h"

namespace pylogen::operation {

class Operations {
 public:
  // REQUIRES: called in the worker process that owns `slot_index`.
  Operations(const shm::Segment& segment, std::uint32_t slot_index, std::uint16_t load,
             double summary_s, CutInstance cut)
      : slot_(segment.slot(slot_index)),
        cut_(std::move(cut)),
        wall_offset_ns_(util::WallOffsetNanos()),
        reporter_(segment.Producer(slot_index), &slot_, load, static_cast<std::int32_t>(getpid()),
                  wall_offset_ns_),
        throughput_(MonotonicNanos(), summary_s) {}

  // Runs and reports one operation. `intended_mono_ns`: when the event was
  // due (opened model), 0 in the closed model.
  void Run(std::size_t length_index, const std::string& length, std::int64_t intended_mono_ns = 0) {
    ++count_;
    slot_.busy.store(1, std::memory_order_relaxed);
    cut_.RunOperation(length_index, length, count_, intended_mono_ns);
    slot_.busy.store(0, std::memory_order_relaxed);
    const RequestsManager& requests = cut_->requests();
    std::int64_t now = requests.size() != 0 ? (requests.end() - 1)->end_ns : MonotonicNanos();
    OpInfo op{count_, static_cast<std::uint16_t>(length_index), throughput_.Count(now)};
    if (intended_mono_ns != 0) op.intended_ns = intended_mono_ns + wall_offset_ns_;
    reporter_.Report(requests, op);
  }

  CutInstance& cut() { return cut_; }
  std::uint64_t count() const { return count_; }

 private:
  shm::Slot& slot_;
  CutInstance cut_;
  std::int64_t wall_offset_ns_;
  OpReporter reporter_;
  LocalThroughput throughput_;
  std::uint64_t count_ = 0;
};

}  // namespace pylogen::operation

#endif  // PYLOGEN_OPERATION_OPERATION_H_
