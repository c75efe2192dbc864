// A runner of the closed model (DESIGN §3): one worker process that creates
// its CUT, loops over it for --duration or --loops, and reports every
// operation into its ring.
//
// Runs in a forked child only; returns the process exit code (the caller
// _exits with it). Stops early, between two operations, when the segment's
// phase becomes kStopping.
#ifndef PYLOGEN_CLOSED_CLOSED_RUNNER_H_
#define PYLOGEN_CLOSED_CLOSED_RUNNER_H_

#include <cstdint>

#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::closed {

// `start_mono_ns`: when this runner was planned to start (monotonic clock).
int RunClosedRunner(const plan::RunPlan& plan, const plan::LoadPlan& load,
                    const shm::Segment& segment, std::uint32_t slot_index,
                    std::int64_t start_mono_ns);

}  // namespace pylogen::closed

#endif  // PYLOGEN_CLOSED_CLOSED_RUNNER_H_
