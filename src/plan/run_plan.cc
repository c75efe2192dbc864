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

RunPlan BuildPlan(const cli::RunOptions& options, const CutDescriptor* cut,
                  const std::string& cut_name, const std::string& cut_path) {
  RunPlan plan;
  LoadPlan load;
  const cli::LoadOptions& o = options.load;
  load.id = o.id.empty() ? cut_name : o.id;
  load.cut_name = cut_name;
  load.cut_path = cut_path;
  load.cut = cut;
  load.extra = o.extra;
  load.lengths = o.lengths;
  load.processes = o.processes;
  load.postpone_s = o.postpone_s;
  load.rampup_s = o.rampup_s;
  load.duration_s = o.duration_s;
  load.loops = o.loops;
  load.pauseloop_s = o.pauseloop_s;
  load.pauselen_s = o.pauselen_s;
  load.first_slot = 0;
  plan.loads.push_back(std::move(load));

  plan.slot_count = o.processes;
  plan.ring_capacity = options.queue != 0 ? options.queue : AutoRingCapacity(plan.slot_count);
  plan.summary_s = options.summary_s;
  plan.format = output::ParseLineFormat(options.outformat, &plan.format_fell_back);
  plan.output_path = options.output;
  plan.report_path = options.report;
  plan.grace_s = options.grace_s;
  plan.verbosity = options.verbosity;
  return plan;
}

}  // namespace pylogen::plan
