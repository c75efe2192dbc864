#include "operation/op_reporter.h"

#include <sched.h>
#include <time.h>

#include "util/cpu_relax.h"

namespace pylogen::operation {

stats::Record* OpReporter::WaitForRoom() {
  // The reader is behind. Spinning would take the CPU it needs (there are
  // usually more processes than cores), so spin only briefly, then yield,
  // then sleep in short steps. Nothing is dropped; the wait is accounted.
  std::int64_t start = MonotonicNanos();
  stats::Record* record = nullptr;
  for (int attempt = 0; (record = producer_.TryClaim()) == nullptr; ++attempt) {
    if (attempt < 16) {
      util::CpuRelax();
    } else if (attempt < 32) {
      sched_yield();
    } else {
      timespec pause{0, 50'000};
      nanosleep(&pause, nullptr);
    }
  }
  slot_->wait_ns.fetch_add(static_cast<std::uint64_t>(MonotonicNanos() - start),
                           std::memory_order_relaxed);
  slot_->waits.fetch_add(1, std::memory_order_relaxed);
  return record;
}

}  // namespace pylogen::operation
