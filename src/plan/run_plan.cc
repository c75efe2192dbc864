#include "plan/run_plan.h"

#include "stats/record.h"

namespace pylogen::plan {

const LoadPlan& RunPlan::LoadOfSlot(std::uint32_t slot) const {
  for (const LoadPlan& load : loads) {
    if (slot >= load.first_slot && slot < load.first_slot + load.processes) return load;
  }
  return loads.back();
}

std::vector<std::uint64_t> RunPlan::RingCapacities() const {
  std::vector<std::uint64_t> capacities;
  capacities.reserve(slot_count);
  for (const LoadPlan& load : loads) capacities.insert(capacities.end(), load.processes, load.ring_capacity);
  return capacities;
}

std::uint64_t RunPlan::RingBytes() const {
  std::uint64_t bytes = 0;
  for (const LoadPlan& load : loads) bytes += std::uint64_t{load.processes} * load.ring_capacity * sizeof(stats::Record);
  return bytes;
}

}  // namespace pylogen::plan
