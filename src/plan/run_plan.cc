#include "plan/run_plan.h"

#include "stats/record.h"

namespace pylogen::plan {

const LoadPlan& RunPlan::LoadOfSlot(std::uint32_t slot) const {
  for (const LoadPlan& load : loads) {
    if (slot >= load.first_slot && slot < load.first_slot + load.processes) return load;
  }
  return loads.back();
}

std::uint64_t AutoRingCapacity(std::uint32_t slot_count) {
  std::uint64_t per_slot = kAutoQueueBytes / sizeof(stats::Record) / (slot_count ? slot_count : 1);
  std::uint64_t capacity = kMinAutoRing;
  while (capacity * 2 <= per_slot && capacity < kMaxAutoRing) capacity *= 2;
  return capacity;
}

}  // namespace pylogen::plan
