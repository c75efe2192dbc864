#include "plan/ring_sizing.h"

#include <algorithm>

#include "stats/record.h"

namespace pylogen::plan {
namespace {

std::uint64_t NextPowerOfTwo(std::uint64_t n) {
  std::uint64_t p = 1;
  while (p < n) p *= 2;
  return p;
}

// The load whose rings are the largest among those above `floor`, or
// nullptr.
LoadPlan* LargestAbove(RunPlan& plan, std::uint64_t floor) {
  LoadPlan* largest = nullptr;
  for (LoadPlan& load : plan.loads) {
    if (load.ring_capacity <= floor) continue;
    if (largest == nullptr || load.ring_capacity > largest->ring_capacity) largest = &load;
  }
  return largest;
}

}  // namespace

std::uint64_t AutoRingCapacity(std::uint32_t slot_count) {
  std::uint64_t per_slot = kRingBudgetBytes / sizeof(stats::Record) / (slot_count ? slot_count : 1);
  std::uint64_t capacity = kMinAutoRing;
  while (capacity * 2 <= per_slot && capacity < kMaxAutoRing) capacity *= 2;
  return capacity;
}

std::uint64_t WantedRingCapacity(std::uint32_t concurrency, std::uint64_t floor) {
  std::uint64_t wanted =
      NextPowerOfTwo(kRecordsPerOperation * std::max<std::uint32_t>(concurrency, 1));
  return std::max(floor, std::min(wanted, kMaxRing));
}

void SizeRings(RunPlan& plan, std::uint64_t queue, std::uint64_t budget_bytes) {
  plan.ring_budget_bytes = budget_bytes;
  std::uint64_t floor = AutoRingCapacity(plan.slot_count);
  for (LoadPlan& load : plan.loads) {
    load.ring_capacity = queue != 0 ? queue : WantedRingCapacity(load.concurrency, floor);
  }
  if (queue != 0) return;
  while (plan.RingBytes() > budget_bytes) {
    LoadPlan* largest = LargestAbove(plan, floor);
    if (largest == nullptr) return;
    largest->ring_capacity /= 2;
  }
}

}  // namespace pylogen::plan
